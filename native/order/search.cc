// searchsorted() and isin() (lookup.h): a binary search per query over the sorted side, keys compared
// as numpy compares the values in their common dtype (the queries arrive converted to it). The sorted
// side is read in place (a mapped array, never copied), through the sorter when given; every sorter
// index is checked before it is used, so a hostile sorter gives EDOM, never a read out of bounds.
#include <cerrno>
#include <cstring>
#include <vector>

#include "core/dtype.h"
#include "order/lookup.h"
#include "stats/dist.h"

namespace ndmmap {
namespace lookup {
namespace {

template <class T>
inline T Load(const uint8_t* p, bool swap) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if (swap) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
    std::memcpy(&v, b, sizeof(T));
  }
  return v;
}

inline uint64_t KeyOfDouble(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return NanBits(b) ? kNanKey : FloatKey(FoldZero(b));
}

// The folded key of sorted element i (the value cast to the kind's type as numpy casts it).
template <class T>
inline uint64_t KeyAt(const Sorted& s, int kind, int64_t i) {
  T v = Load<T>(s.data + i * s.stride, s.swap);
  if (kind == kKindF64) return KeyOfDouble((double)v);
  if (kind == kKindI64) return (uint64_t)(int64_t)v ^ kSign64;
  if (kind == kKindNat) return ((uint64_t)(int64_t)v ^ kSign64) - 1;
  return (uint64_t)v;
}

// Generic element read (float16, or any type): through the reduce layer's conversion.
inline uint64_t KeyAtConverted(const Sorted& s, int kind, int64_t i) {
  int to = KindType(kind);
  uint64_t v = 0;
  ConvertValues(s.dtype, s.swap, to, s.data + i * s.stride, s.stride, 1, reinterpret_cast<uint8_t*>(&v));
  uint64_t k;
  MakeKeys(kind, &v, 1, &k);
  return Fold(kind, k);
}

template <class Get>
int Search(const ReduceArgs& a, int kind, const Sorted& s, int mode, void* out, int64_t total, Get&& get) {
  static thread_local std::vector<uint64_t> vals, keys;
  vals.resize(8192);
  keys.resize(8192);
  int status = 0;
  const int64_t n = s.n;
  WalkKeys(a, kind, vals.data(), keys.data(), [&](const uint64_t* k, int64_t m, int64_t index, int64_t istep) {
    for (int64_t i = 0; i < m; ++i) {
      const uint64_t q = Fold(kind, k[i]);
      int64_t lo = 0, hi = n;
      bool bad = false;
      while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        uint64_t e;
        if (s.sorter != nullptr) {
          int64_t j = Load<int64_t>(reinterpret_cast<const uint8_t*>(s.sorter + mid * s.sorterStride), s.sorterSwap);
          if (j < 0 || j >= n) { bad = true; break; }
          e = get(j);
        } else {
          e = get(mid);
        }
        if (mode == kRight ? e <= q : e < q) lo = mid + 1; else hi = mid;
      }
      if (bad) { status = EDOM; return; }
      const int64_t at = index + i * istep;
      if (at < 0 || at >= total) { status = EINVAL; continue; }
      if (mode == kLeft || mode == kRight) { static_cast<int64_t*>(out)[at] = lo; continue; }
      const bool found = (!HasNanKey(kind) || q != kNanKey) && lo < n && get(lo) == q;  // NaN is in nothing (numpy's ==)
      static_cast<uint8_t*>(out)[at] = (uint8_t)(found != (mode == kNotIn));
    }
  });
  return status;
}

}  // namespace

int SearchBlock(const ReduceArgs& a, int kind, const Sorted& s, int mode, void* out, int64_t total) {
  if (a.nOps != 1 || kind < 0 || kind > kKindNat || mode < 0 || mode > 3) return EINVAL;
  if (s.keys != nullptr) return Search(a, kind, s, mode, out, total, [&](int64_t i) { return Fold(kind, s.keys[i]); });
  if (s.data == nullptr && s.n > 0) return EINVAL;
  switch (s.dtype) {
#define NDM_SEARCH(code, T) \
  case code: return Search(a, kind, s, mode, out, total, [&](int64_t i) { return KeyAt<T>(s, kind, i); });
    NDM_SEARCH(kBool, uint8_t)
    NDM_SEARCH(kInt8, int8_t)
    NDM_SEARCH(kUInt8, uint8_t)
    NDM_SEARCH(kInt16, int16_t)
    NDM_SEARCH(kUInt16, uint16_t)
    NDM_SEARCH(kInt32, int32_t)
    NDM_SEARCH(kUInt32, uint32_t)
    NDM_SEARCH(kInt64, int64_t)
    NDM_SEARCH(kUInt64, uint64_t)
    NDM_SEARCH(kFloat32, float)
    NDM_SEARCH(kFloat64, double)
#undef NDM_SEARCH
    default: return Search(a, kind, s, mode, out, total, [&](int64_t i) { return KeyAtConverted(s, kind, i); });
  }
}

}  // namespace lookup
}  // namespace ndmmap
