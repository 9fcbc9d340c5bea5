// Gather kernels: numpy's take/compress as byte copies. No N-API here: kernels never throw, they return
// a status; native/glue/glue_gather.cc checks every field and extent before calling them.
#pragma once
#include <cstdint>

#include "core/bounds.h"

namespace ndmmap {

enum GatherMode : int {
  kGatherTake = 0,     // output slabs [p0, p1) (outer-major, index-minor) from the source slabs idx[j]
  kGatherCount = 1,    // count[o0] = non-zero entries of the mask in [p0, p1)
  kGatherIndices = 2,  // positions of the non-zero mask entries in [p0, p1) as int64 into dst from slot o0
};

enum GatherStatus : int { kGatherOk = 0, kGatherIndexRange = 1, kGatherBadArgs = 2, kGatherOverflow = 3 };

struct GatherArgs {
  int mode = kGatherTake;
  int64_t p0 = 0, p1 = 0, o0 = 0;
  int64_t n = 0;     // length of the source axis (take: indices in [-n, n))
  int64_t nIdx = 0;  // entries of the index (take) or mask operand
  int64_t nDst = 0;  // indices: int64 slots dst holds
  const uint8_t* idx = nullptr;
  int idxDtype = 0;
  bool idxSwap = false;
  int64_t idxStep = 0;  // bytes
  const uint8_t* src = nullptr;
  int64_t srcStep = 0;  // bytes between source slabs along the axis
  uint8_t* dst = nullptr;
  int64_t dstStep = 0;  // bytes between output slabs (take) or int64 slots (indices)
  int64_t item = 0;     // bytes of one element
  bool swap = false;    // byte-swap each element (a big-endian source into native order)
  int nOuter = 0, nInner = 0;
  int64_t outerLen[kMaxDims], outerSrc[kMaxDims], outerDst[kMaxDims];
  int64_t innerLen[kMaxDims], innerSrc[kMaxDims], innerDst[kMaxDims];
  double* count = nullptr;  // count mode: the table
};

// Reads entry j of the index operand as an int64 (false: not an integer that fits, or an unknown dtype).
bool GatherIndexAt(const GatherArgs& a, int64_t j, int64_t* out);
// Is entry j of the mask non-zero? (numpy's bool cast: NaN is true, -0.0 false.)
bool GatherMaskAt(const GatherArgs& a, int64_t j);

int Gather(const GatherArgs& a);

// Fresh JS memory [p, p + len) the gather is about to fill: asks for transparent huge pages on the
// 2 MiB-aligned part (MADV_HUGEPAGE; this VM faults a 4 KiB page in ~25 µs, a 153 MB result in ~1 s,
// a huge page in about the time of one), then maps [p + lo, p + hi) writable in one call. Hints only:
// errors are ignored.
void GatherPrepareBuffer(uint8_t* p, uint64_t len, uint64_t lo, uint64_t hi);

}  // namespace ndmmap
