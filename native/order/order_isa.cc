// The row-sorting kernel (order.h), built once per instruction set. Every dtype becomes an unsigned
// key of its own width: integers with the sign bit flipped, floats by FloatKey (core/keys.h) with -0.0
// folded into +0.0 (numpy ties them) and every NaN given the largest key (numpy puts NaN last,
// whatever its sign). The radix sort is stable, so ties keep their input order (numpy's 'stable').
// Integer keys are a bijection, so a sorted key is its value back; a float row holding a NaN or a
// -0.0 is sorted with its positions and written from its raw elements, so payload bits and zero
// signs come out exactly as numpy's stable sort leaves them.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/isa_unit.h"
#if defined(__SSE2__)
#include <emmintrin.h>  // the partition scatter's streaming stores (part.inc PageStage)
#endif
#include "core/dtype.h"
#include "core/keys.h"
#include "order/order.h"
#include "order/radix.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

/** Per-type key traits: K the key, T the stored word (same width). */
template <class K>
struct IntKey {
  static constexpr K kSign = (K)((K)1 << (8 * sizeof(K) - 1));
};

template <int DT> struct Traits;
#define NDM_UINT_TRAITS(DT, K)                                                  \
  template <> struct Traits<DT> {                                               \
    using Key = K;                                                              \
    static constexpr bool kFloat = false;                                       \
    static Key ToKey(K v, bool*) { return v; }                                  \
    static K FromKey(Key k) { return k; }                                       \
  };
#define NDM_SINT_TRAITS(DT, K)                                                  \
  template <> struct Traits<DT> {                                               \
    using Key = K;                                                              \
    static constexpr bool kFloat = false;                                       \
    static Key ToKey(K v, bool*) { return (K)(v ^ IntKey<K>::kSign); }          \
    static K FromKey(Key k) { return (K)(k ^ IntKey<K>::kSign); }               \
  };
NDM_UINT_TRAITS(kBool, uint8_t)
NDM_UINT_TRAITS(kUInt8, uint8_t)
NDM_UINT_TRAITS(kUInt16, uint16_t)
NDM_UINT_TRAITS(kUInt32, uint32_t)
NDM_UINT_TRAITS(kUInt64, uint64_t)
NDM_SINT_TRAITS(kInt8, uint8_t)
NDM_SINT_TRAITS(kInt16, uint16_t)
NDM_SINT_TRAITS(kInt32, uint32_t)
NDM_SINT_TRAITS(kInt64, uint64_t)
#undef NDM_UINT_TRAITS
#undef NDM_SINT_TRAITS

/** datetime64/timedelta64 counts: int64 keys rotated down by one, so NaT (int64 min, key 0) becomes the
 * largest key and sorts last, as numpy puts it, while every other count keeps its order (a bijection,
 * so a sorted key is its value back). */
template <> struct Traits<kOrderDatetimeKey> {
  using Key = uint64_t;
  static constexpr bool kFloat = false;
  static Key ToKey(uint64_t v, bool*) { return (v ^ IntKey<uint64_t>::kSign) - 1; }
  static uint64_t FromKey(Key k) { return (k + 1) ^ IntKey<uint64_t>::kSign; }
};

/** IEEE keys of width K: exponent-all-ones-with-mantissa is NaN; special marks NaN or -0.0. */
template <class K, K kExpMask>
struct FloatTraits {
  using Key = K;
  static constexpr bool kFloat = true;
  static constexpr K kSign = IntKey<K>::kSign;
  static Key ToKey(K v, bool* special) {
    K mag = (K)(v & (K)~kSign);
    bool nan = mag > kExpMask;
    bool negZero = v == kSign;
    *special |= nan | negZero;
    K b = negZero ? (K)0 : v;
    K key = (b & kSign) ? (K)~b : (K)(b | kSign);  // FloatKey of any width
    return nan ? (K)~(K)0 : key;
  }
  static K FromKey(Key k) { return (k & kSign) ? (K)(k ^ kSign) : (K)~k; }
};
template <> struct Traits<kFloat16> : FloatTraits<uint16_t, 0x7c00u> {};
template <> struct Traits<kFloat32> : FloatTraits<uint32_t, 0x7f800000u> {};
template <> struct Traits<kFloat64> : FloatTraits<uint64_t, 0x7ff0000000000000ull> {};

/** Byte offset of row r's first element: r unravelled over the outer dims (C order). */
inline void RowOffsets(const OrderArgs& a, int64_t r, int64_t* s, int64_t* d) {
  int64_t so = 0, dof = 0;
  for (int k = a.nOuter - 1; k >= 0; --k) {
    int64_t len = a.outerShape[k];
    int64_t i = r % len;
    r /= len;
    so += i * a.srcOuter[k];
    dof += i * a.dstOuter[k];
  }
  *s = so;
  *d = dof;
}

/** Scratch bytes of a row of n keys K: keys, scratch keys, raw values, positions and scratch positions. */
template <class K>
inline size_t RowScratchBytes(int64_t n) {
  size_t bytes = (size_t)n * (3 * sizeof(K) + 2 * sizeof(uint64_t));
  return bytes ? bytes : 1;
}

/** Sort the block's rows (each a.n long) with RowScratchBytes(a.n) bytes of scratch at mem. */
template <int DT, bool SrcSwap, bool DstSwap>
void SortRowsWith(const OrderArgs& a, uint8_t* mem) {
  using Tr = Traits<DT>;
  using K = typename Tr::Key;
  const int64_t n = a.n;
  uint64_t* idx = reinterpret_cast<uint64_t*>(mem);
  uint64_t* itmp = idx + n;
  K* keys = reinterpret_cast<K*>(itmp + n);
  K* ktmp = keys + n;
  K* raw = ktmp + n;
  const bool arg = a.mode == kOrderArgsort;
  for (int64_t r = a.rowStart; r < a.rowStart + a.rowCount; ++r) {
    int64_t so, dof;
    RowOffsets(a, r, &so, &dof);
    const uint8_t* s = a.src + so;
    uint8_t* d = a.dst + dof;
    bool special = false;
    if (a.srcStep == (int64_t)sizeof(K)) {
      for (int64_t i = 0; i < n; ++i) {
        K v = Load<K, SrcSwap>(s + i * (int64_t)sizeof(K));
        raw[i] = v;
        keys[i] = Tr::ToKey(v, &special);
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        K v = Load<K, SrcSwap>(s + i * a.srcStep);
        raw[i] = v;
        keys[i] = Tr::ToKey(v, &special);
      }
    }
    if (arg || special) {
      for (int64_t i = 0; i < n; ++i) idx[i] = (uint64_t)i;
      radix::RadixSort(keys, idx, n, ktmp, itmp);
    } else {
      radix::RadixSort(keys, n, ktmp);
    }
    if (arg) {
      const uint64_t base = (uint64_t)(r * a.indexStep);
      for (int64_t i = 0; i < n; ++i) Store<uint64_t, DstSwap>(d + i * a.dstStep, idx[i] + base);
    } else if (special) {
      for (int64_t i = 0; i < n; ++i) Store<K, DstSwap>(d + i * a.dstStep, raw[idx[i]]);
    } else {
      for (int64_t i = 0; i < n; ++i) Store<K, DstSwap>(d + i * a.dstStep, Tr::FromKey(keys[i]));
    }
  }
}

template <int DT, bool SrcSwap, bool DstSwap>
int SortRowsT(const OrderArgs& a) {
  // One allocation per block, reused by its rows.
  uint8_t* mem = static_cast<uint8_t*>(std::malloc(RowScratchBytes<typename Traits<DT>::Key>(a.n)));
  if (mem == nullptr) return kOrderNoMemory;
  SortRowsWith<DT, SrcSwap, DstSwap>(a, mem);
  std::free(mem);
  return kOrderOk;
}

/**
 * Partition/argpartition of the block's rows: each row's (key, position) pairs selected at every kth
 * in turn (nth_element on the part after the previous kth), so the pair at kth is the stable sort's
 * and every pair before it is no greater (key, then position): numpy's guarantee, with ties in the
 * stable order's sides. Values are written from the raw elements (NaN payloads, -0.0 exactly). Keys
 * of 32 bits or less ride with the position in one uint64 (rows below 2^32).
 */
template <int DT, bool SrcSwap, bool DstSwap>
int SelectRowsT(const OrderArgs& a) {
  using Tr = Traits<DT>;
  using K = typename Tr::Key;
  struct Pair { uint64_t key, pos; };
  const int64_t n = a.n;
  constexpr bool kPacked = sizeof(K) <= 4;
  const size_t bytes = (size_t)n * (sizeof(K) + (kPacked ? sizeof(uint64_t) : sizeof(Pair)));
  if (kPacked && n > (int64_t)0xffffffff) return kOrderBadArgs;  // rows of one block are far shorter
  uint8_t* mem = static_cast<uint8_t*>(std::malloc(bytes ? bytes : 1));
  if (mem == nullptr) return kOrderNoMemory;
  uint64_t* packed = reinterpret_cast<uint64_t*>(mem);
  Pair* pairs = reinterpret_cast<Pair*>(mem);
  K* raw = reinterpret_cast<K*>(mem + (size_t)n * (kPacked ? sizeof(uint64_t) : sizeof(Pair)));
  const bool arg = a.mode == kOrderArgsort;
  auto less = [](const Pair& x, const Pair& y) { return x.key < y.key || (x.key == y.key && x.pos < y.pos); };
  for (int64_t r = a.rowStart; r < a.rowStart + a.rowCount; ++r) {
    int64_t so, dof;
    RowOffsets(a, r, &so, &dof);
    const uint8_t* s = a.src + so;
    uint8_t* d = a.dst + dof;
    bool special = false;
    for (int64_t i = 0; i < n; ++i) {
      K v = Load<K, SrcSwap>(s + i * a.srcStep);
      raw[i] = v;
      uint64_t key = (uint64_t)Tr::ToKey(v, &special);
      if constexpr (kPacked) packed[i] = (key << 32) | (uint64_t)i;
      else pairs[i] = Pair{key, (uint64_t)i};
    }
    int64_t lo = 0;
    for (int64_t t = 0; t < a.nKth; ++t) {
      const int64_t k = a.kth[t];
      if constexpr (kPacked) std::nth_element(packed + lo, packed + k, packed + n);
      else std::nth_element(pairs + lo, pairs + k, pairs + n, less);
      lo = k + 1;
    }
    const uint64_t base = (uint64_t)(r * a.indexStep);
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t at = kPacked ? (packed[i] & 0xffffffffull) : pairs[i].pos;
      if (arg) Store<uint64_t, DstSwap>(d + i * a.dstStep, at + base);
      else Store<K, DstSwap>(d + i * a.dstStep, raw[at]);
    }
  }
  std::free(mem);
  return kOrderOk;
}

template <int DT>
int SortRowsSwap(const OrderArgs& a) {
  if (a.nKth > 0) {
    if (a.srcSwap) return a.dstSwap ? SelectRowsT<DT, true, true>(a) : SelectRowsT<DT, true, false>(a);
    return a.dstSwap ? SelectRowsT<DT, false, true>(a) : SelectRowsT<DT, false, false>(a);
  }
  if (a.srcSwap) return a.dstSwap ? SortRowsT<DT, true, true>(a) : SortRowsT<DT, true, false>(a);
  return a.dstSwap ? SortRowsT<DT, false, true>(a) : SortRowsT<DT, false, false>(a);
}

}  // namespace

#include "order/merge.inc"
#include "order/part.inc"

int OrderRows(const OrderArgs& a) {
  if (a.n < 0 || a.rowCount < 0 || a.nOuter < 0 || a.nOuter > kMaxDims) return kOrderBadArgs;
  if (a.n == 0 || a.rowCount == 0) return kOrderOk;
  switch (a.srcDtype) {
    case kBool: return SortRowsSwap<kBool>(a);
    case kInt8: return SortRowsSwap<kInt8>(a);
    case kUInt8: return SortRowsSwap<kUInt8>(a);
    case kInt16: return SortRowsSwap<kInt16>(a);
    case kUInt16: return SortRowsSwap<kUInt16>(a);
    case kInt32: return SortRowsSwap<kInt32>(a);
    case kUInt32: return SortRowsSwap<kUInt32>(a);
    case kInt64: return SortRowsSwap<kInt64>(a);
    case kUInt64: return SortRowsSwap<kUInt64>(a);
    case kFloat16: return SortRowsSwap<kFloat16>(a);
    case kFloat32: return SortRowsSwap<kFloat32>(a);
    case kFloat64: return SortRowsSwap<kFloat64>(a);
    case kOrderDatetimeKey: return SortRowsSwap<kOrderDatetimeKey>(a);
    default: return kOrderBadArgs;
  }
}

int OrderMerge(const MergeArgs& m) {
  if (m.n < 0 || m.runLen < 1 || m.o0 < 0 || m.o1 < m.o0 || m.o1 > m.n) return kOrderBadArgs;
  if (m.o1 == m.o0) return kOrderOk;
  switch (m.dtype) {
    case kBool: return MergeSwap<kBool>(m);
    case kInt8: return MergeSwap<kInt8>(m);
    case kUInt8: return MergeSwap<kUInt8>(m);
    case kInt16: return MergeSwap<kInt16>(m);
    case kUInt16: return MergeSwap<kUInt16>(m);
    case kInt32: return MergeSwap<kInt32>(m);
    case kUInt32: return MergeSwap<kUInt32>(m);
    case kInt64: return MergeSwap<kInt64>(m);
    case kUInt64: return MergeSwap<kUInt64>(m);
    case kFloat16: return MergeSwap<kFloat16>(m);
    case kFloat32: return MergeSwap<kFloat32>(m);
    case kFloat64: return MergeSwap<kFloat64>(m);
    case kOrderDatetimeKey: return MergeSwap<kOrderDatetimeKey>(m);
    default: return kOrderBadArgs;
  }
}

int OrderPart(const PartArgs& p) {
  if (p.n < 1 || p.i0 < 0 || p.i1 < p.i0) return kOrderBadArgs;
  switch (p.dtype) {
    case kBool: return PartSwap<kBool>(p);
    case kInt8: return PartSwap<kInt8>(p);
    case kUInt8: return PartSwap<kUInt8>(p);
    case kInt16: return PartSwap<kInt16>(p);
    case kUInt16: return PartSwap<kUInt16>(p);
    case kInt32: return PartSwap<kInt32>(p);
    case kUInt32: return PartSwap<kUInt32>(p);
    case kInt64: return PartSwap<kInt64>(p);
    case kUInt64: return PartSwap<kUInt64>(p);
    case kFloat16: return PartSwap<kFloat16>(p);
    case kFloat32: return PartSwap<kFloat32>(p);
    case kFloat64: return PartSwap<kFloat64>(p);
    case kOrderDatetimeKey: return PartSwap<kOrderDatetimeKey>(p);
    default: return kOrderBadArgs;
  }
}

}  // namespace NDM_ISA
}  // namespace ndmmap
