// A stable LSD radix sort of unsigned integer keys (uint8/uint16/uint32/uint64), optionally carrying a
// 64-bit payload (the element's index for argsort/unique), on caller-provided scratch: no allocation,
// no exceptions, so a kernel calls it on a worker thread's slab and can never throw or fail.
//
// Why LSD radix: keys are already order-preserving unsigned integers (core/keys.h maps floats and signed
// integers onto them), so a fixed number of counting passes of 8 bits sorts them in O(n·bytes) with
// sequential writes, stably (equal keys keep their input order: numpy's kind='stable'). All the digit
// histograms come from one read of the keys, and a digit that is the same for every key is skipped (a
// column of small integers in int64 takes 1-2 passes, not 8). Short ranges use insertion sort.
//
// API (stable; additions only):
//   RadixSort(keys, n, tmp)                 sorts keys[0..n) ascending, tmp: n scratch keys
//   RadixSort(keys, idx, n, ktmp, itmp)     the same, idx[] permuted with its key (idx may be null,
//                                           then itmp is unused)
// keys/idx hold the result on return (an odd number of passes is copied back from the scratch).
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace ndmmap {
namespace radix {

/** Below this many keys, insertion sort beats the counting passes' fixed cost. */
constexpr int64_t kInsertionMax = 48;

/** Stable insertion sort of keys (and payload when idx is not null). */
template <class K, class P>
inline void InsertionSort(K* keys, P* idx, int64_t n) {
  for (int64_t i = 1; i < n; ++i) {
    K k = keys[i];
    int64_t j = i - 1;
    if (!(k < keys[j])) continue;
    P p = idx ? idx[i] : P();
    while (j >= 0 && k < keys[j]) {
      keys[j + 1] = keys[j];
      if (idx) idx[j + 1] = idx[j];
      --j;
    }
    keys[j + 1] = k;
    if (idx) idx[j + 1] = p;
  }
}

/** Stable ascending sort of keys[0..n) with an optional payload; ktmp (and itmp when idx) hold n. */
template <class K, class P>
inline void RadixSort(K* keys, P* idx, int64_t n, K* ktmp, P* itmp) {
  static_assert(std::is_unsigned<K>::value, "radix keys are unsigned (see core/keys.h)");
  static_assert(sizeof(P) == 8, "payload is a 64-bit index");
  constexpr int kBytes = (int)sizeof(K);
  if (n <= 1) return;
  if (n <= kInsertionMax) { InsertionSort(keys, idx, n); return; }
  // One read for every digit's histogram (n fits int64; counts as int64 so no overflow).
  // On the stack, not thread_local: a dlopen'ed addon has only a small static TLS block (16 KiB here fails to load).
  int64_t hist[kBytes][256];
  std::memset(hist, 0, sizeof(hist));
  for (int64_t i = 0; i < n; ++i) {
    K k = keys[i];
    for (int b = 0; b < kBytes; ++b) ++hist[b][(k >> (8 * b)) & 0xff];
  }
  K* src = keys;
  K* dst = ktmp;
  P* isrc = idx;
  P* idst = itmp;
  for (int b = 0; b < kBytes; ++b) {
    int64_t* h = hist[b];
    const int shift = 8 * b;
    // Skip a digit every key shares: the pass would not move anything.
    if (h[(src[0] >> shift) & 0xff] == n) continue;
    int64_t sum = 0;
    for (int d = 0; d < 256; ++d) {
      int64_t c = h[d];
      h[d] = sum;
      sum += c;
    }
    if (idx) {
      for (int64_t i = 0; i < n; ++i) {
        K k = src[i];
        int64_t at = h[(k >> shift) & 0xff]++;
        dst[at] = k;
        idst[at] = isrc[i];
      }
      P* t = isrc; isrc = idst; idst = t;
    } else {
      for (int64_t i = 0; i < n; ++i) {
        K k = src[i];
        dst[h[(k >> shift) & 0xff]++] = k;
      }
    }
    K* t = src; src = dst; dst = t;
  }
  if (src != keys) {
    std::memcpy(keys, src, (size_t)n * sizeof(K));
    if (idx) std::memcpy(idx, isrc, (size_t)n * sizeof(P));
  }
}

/** Stable ascending sort of keys alone; tmp holds n keys. */
template <class K>
inline void RadixSort(K* keys, int64_t n, K* tmp) {
  RadixSort<K, uint64_t>(keys, nullptr, n, tmp, nullptr);
}

}  // namespace radix
}  // namespace ndmmap
