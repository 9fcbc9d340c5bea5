// numpy's take/compress as byte copies (gather.h). A slab (the kept dims of one selected position) is
// one memcpy when it is contiguous in both arrays, else an element loop over its dims; elements are
// copied as bytes, so every dtype (records, datetimes) is the same code, with an optional byte swap.
#include "gather/gather.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "core/dtype.h"
#include "core/registry.h"

namespace ndmmap {
namespace {

inline uint64_t LoadBits(const uint8_t* p, int size, bool swap) {
  uint64_t v = 0;
  switch (size) {
    case 1: return p[0];
    case 2: { uint16_t x; std::memcpy(&x, p, 2); v = swap ? __builtin_bswap16(x) : x; break; }
    case 4: { uint32_t x; std::memcpy(&x, p, 4); v = swap ? __builtin_bswap32(x) : x; break; }
    case 8: { uint64_t x; std::memcpy(&x, p, 8); v = swap ? __builtin_bswap64(x) : x; break; }
    default: break;
  }
  return v;
}

// One element of `item` bytes, reversed when `swap` (only 2-, 4- and 8-byte elements are swapped).
inline void CopyItem(uint8_t* d, const uint8_t* s, int64_t item, bool swap) {
  switch (item) {
    case 1: *d = *s; return;
    case 2: { uint16_t x; std::memcpy(&x, s, 2); if (swap) x = __builtin_bswap16(x); std::memcpy(d, &x, 2); return; }
    case 4: { uint32_t x; std::memcpy(&x, s, 4); if (swap) x = __builtin_bswap32(x); std::memcpy(d, &x, 4); return; }
    case 8: { uint64_t x; std::memcpy(&x, s, 8); if (swap) x = __builtin_bswap64(x); std::memcpy(d, &x, 8); return; }
    default: std::memcpy(d, s, (size_t)item); return;
  }
}

// The slab at s into d: one memcpy when contiguous in both, else an odometer over the inner dims.
void CopySlab(const GatherArgs& a, uint8_t* d, const uint8_t* s, bool flat, int64_t flatBytes) {
  if (flat) { std::memcpy(d, s, (size_t)flatBytes); return; }
  if (a.nInner == 0) { CopyItem(d, s, a.item, a.swap); return; }
  const int last = a.nInner - 1;
  const int64_t len = a.innerLen[last], ss = a.innerSrc[last], ds = a.innerDst[last];
  int64_t at[kMaxDims] = {0};
  for (;;) {
    for (int64_t k = 0; k < len; ++k) CopyItem(d + k * ds, s + k * ss, a.item, a.swap);
    int dim = last - 1;
    for (; dim >= 0; --dim) {
      s += a.innerSrc[dim];
      d += a.innerDst[dim];
      if (++at[dim] < a.innerLen[dim]) break;
      s -= a.innerSrc[dim] * a.innerLen[dim];
      d -= a.innerDst[dim] * a.innerLen[dim];
      at[dim] = 0;
    }
    if (dim < 0) return;
  }
}

int Take(const GatherArgs& a) {
  if (a.nIdx <= 0 || a.p1 <= a.p0) return kGatherOk;
  for (int k = 0; k < a.nInner; ++k)
    if (a.innerLen[k] == 0) return kGatherOk;  // empty slabs: nothing to copy (and no extent was checked)
  bool flat = !a.swap && a.nInner == 1 && a.innerSrc[0] == a.item && a.innerDst[0] == a.item;
  int64_t flatBytes = flat ? a.innerLen[0] * a.item : 0;
  if (a.nInner == 0 && !a.swap) { flat = true; flatBytes = a.item; }
  // the outer position of slab p0, as a multi-index and byte offsets
  int64_t o = a.p0 / a.nIdx, j = a.p0 % a.nIdx;
  int64_t at[kMaxDims] = {0};
  int64_t so = 0, dO = 0;
  for (int64_t r = o, k = a.nOuter - 1; k >= 0; --k) {
    at[k] = r % a.outerLen[k];
    r /= a.outerLen[k];
    so += at[k] * a.outerSrc[k];
    dO += at[k] * a.outerDst[k];
  }
  for (int64_t p = a.p0; p < a.p1; ++p) {
    int64_t i = 0;
    if (!GatherIndexAt(a, j, &i)) return kGatherIndexRange;
    if (i < 0) i += a.n;
    if (i < 0 || i >= a.n) return kGatherIndexRange;
    CopySlab(a, a.dst + dO + j * a.dstStep, a.src + so + i * a.srcStep, flat, flatBytes);
    if (++j < a.nIdx) continue;
    j = 0;
    for (int k = a.nOuter - 1; k >= 0; --k) {  // the next outer position
      so += a.outerSrc[k];
      dO += a.outerDst[k];
      if (++at[k] < a.outerLen[k]) break;
      so -= a.outerSrc[k] * a.outerLen[k];
      dO -= a.outerDst[k] * a.outerLen[k];
      at[k] = 0;
    }
  }
  return kGatherOk;
}

}  // namespace

bool GatherIndexAt(const GatherArgs& a, int64_t j, int64_t* out) {
  const uint8_t* p = a.idx + j * a.idxStep;
  const int size = ItemSize(a.idxDtype);
  const uint64_t bits = LoadBits(p, size, a.idxSwap);
  switch (a.idxDtype) {
    case kInt8: *out = (int8_t)bits; return true;
    case kInt16: *out = (int16_t)bits; return true;
    case kInt32: *out = (int32_t)bits; return true;
    case kInt64: *out = (int64_t)bits; return true;
    case kUInt8: case kUInt16: case kUInt32: *out = (int64_t)bits; return true;
    case kUInt64: *out = (int64_t)bits; return bits <= (uint64_t)INT64_MAX;
    case kFloat64: {
      double v;
      std::memcpy(&v, &bits, 8);
      // integral and within ±2^62 (the range check after it refuses anything larger than the axis)
      if (!(v >= -4611686018427387904.0 && v <= 4611686018427387904.0) || v != (double)(int64_t)v) return false;
      *out = (int64_t)v;
      return true;
    }
    default: return false;
  }
}

bool GatherMaskAt(const GatherArgs& a, int64_t j) {
  const uint8_t* p = a.idx + j * a.idxStep;
  const uint64_t bits = LoadBits(p, ItemSize(a.idxDtype), a.idxSwap);
  switch (a.idxDtype) {
    case kFloat16: return (bits & 0x7fffu) != 0;  // -0.0 is false; NaN is true, as numpy's bool cast
    case kFloat32: return (bits & 0x7fffffffu) != 0;
    case kFloat64: return (bits & 0x7fffffffffffffffull) != 0;
    default: return bits != 0;
  }
}

void GatherPrepareBuffer(uint8_t* p, uint64_t len, uint64_t lo, uint64_t hi) {
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  const uintptr_t a = ((uintptr_t)p + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t b = ((uintptr_t)p + len) & ~(kHuge - 1);
  if (b > a) {
    int saved = errno;
    (void)madvise((void*)a, b - a, MADV_HUGEPAGE);
    errno = saved;
  }
  if (hi > lo) PrefaultWrite(p + lo, hi - lo);
}

int Gather(const GatherArgs& a) {
  if (ItemSize(a.idxDtype) == 0 || a.p0 < 0 || a.p1 < a.p0) return kGatherBadArgs;
  if (a.mode == kGatherTake) return Take(a);
  if (a.mode == kGatherCount) {
    int64_t c = 0;
    if (ItemSize(a.idxDtype) == 1 && a.idxStep == 1) {
      // bytes in a row (bool masks): a loop the compiler vectorises
      for (int64_t j = a.p0; j < a.p1; ++j) c += a.idx[j] != 0;
    } else {
      for (int64_t j = a.p0; j < a.p1; ++j) c += GatherMaskAt(a, j) ? 1 : 0;
    }
    a.count[a.o0] = (double)c;
    return kGatherOk;
  }
  if (a.mode == kGatherIndices) {
    int64_t w = a.o0;
    for (int64_t j = a.p0; j < a.p1; ++j) {
      if (!GatherMaskAt(a, j)) continue;
      if (w >= a.nDst) return kGatherOverflow;  // the mask changed since it was counted
      std::memcpy(a.dst + w * a.dstStep, &j, 8);
      ++w;
    }
    return kGatherOk;
  }
  return kGatherBadArgs;
}

}  // namespace ndmmap
