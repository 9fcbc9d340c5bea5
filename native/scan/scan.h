// Cumulative sums and products along one axis (numpy's add.accumulate / multiply.accumulate, as
// cumsum, cumprod, nancumsum, nancumprod call them). No N-API here: kernels never throw.
#pragma once
#include <cstdint>

#include "core/bounds.h"

namespace ndmmap {

enum ScanOp : int { kScanSum = 0, kScanProd = 1, kScanNanSum = 2, kScanNanProd = 3, kScanOpCount };

// One block: `lines` independent lines (the line dims' product), each `n` elements along the axis.
// Each element is read as inType, cast to `acc` (numpy's accumulator dtype, a dtype code), combined
// with the running value in acc's arithmetic (integers wrap, float16 rounds at every step as numpy's
// half loop does), and the running value is cast to outType (unsafe, as numpy's cumsum) and stored.
struct ScanArgs {
  int op = kScanSum;
  int acc = 0;
  int inType = 0, outType = 0;
  bool inSwap = false, outSwap = false;
  const uint8_t* in = nullptr;
  uint8_t* out = nullptr;  // nullptr: totals mode (the running value at the end goes to *total)
  int64_t n = 0;           // elements along the axis in this block
  int64_t inStep = 0, outStep = 0;  // byte steps along the axis
  int nLines = 0;          // line dims, the last one walked innermost (lanes when the axis is not)
  int64_t shape[kMaxDims] = {};
  int64_t inStrides[kMaxDims] = {}, outStrides[kMaxDims] = {};
  const uint64_t* carry = nullptr;  // start from this running value (bits of acc's value), else the first element
  uint64_t* total = nullptr;        // totals mode: the block's fold (one line only)
};

// 0, or EINVAL for arguments the glue should have refused.
int Scan(const ScanArgs& a);

// Prefix of block totals in place: t[k] becomes t[0] op ... op t[k] in acc's arithmetic (the carry
// block k + 1 starts from). Returns 0 or EINVAL.
int ScanCarries(int op, int acc, uint64_t* t, int64_t count);

}  // namespace ndmmap
