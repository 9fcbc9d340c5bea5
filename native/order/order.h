// Sorting rows along one axis (sort, argsort, partition, argpartition): the kernel's arguments and
// entry. A call sorts a block of rows [rowStart, rowStart + rowCount) of an array whose rows are the
// outer dims (C order) and whose sorted axis has n elements; each row is read (strided, byte-swapped
// as stored) into order-preserving keys (core/keys.h), radix-sorted stably (order/radix.h) and written
// out as values (sort) or int64 positions along the axis (argsort). Kernels return a status, never throw.
#pragma once
#include <cstdint>

#include "core/bounds.h"

namespace ndmmap {

enum OrderMode : int { kOrderSort = 0, kOrderArgsort = 1 };
enum OrderStatus : int { kOrderOk = 0, kOrderBadArgs = 1, kOrderNoMemory = 2 };

struct OrderArgs {
  int mode = kOrderSort;
  int64_t n = 0;  // elements per row (the sorted axis)
  int nOuter = 0;
  int64_t outerShape[kMaxDims] = {};
  int64_t srcOuter[kMaxDims] = {};  // byte strides of the outer dims
  int64_t dstOuter[kMaxDims] = {};
  int64_t rowStart = 0, rowCount = 0;
  const uint8_t* src = nullptr;  // element [0, ..., 0]
  int srcDtype = 0;
  bool srcSwap = false;
  int64_t srcStep = 0;  // byte stride along the axis
  uint8_t* dst = nullptr;
  bool dstSwap = false;  // dst dtype: src's (sort) or int64 (argsort)
  int64_t dstStep = 0;
};

/** Sort the block's rows (the per-ISA kernel chosen at load); an OrderStatus. */
int OrderRows(const OrderArgs& a);
/** The instruction set the order kernels run ("avx512", "avx2", "baseline"). */
const char* OrderIsa();

namespace baseline { int OrderRows(const OrderArgs& a); }
namespace avx2 { int OrderRows(const OrderArgs& a); }
namespace avx512 { int OrderRows(const OrderArgs& a); }

}  // namespace ndmmap
