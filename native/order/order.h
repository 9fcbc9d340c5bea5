// Sorting rows along one axis (sort, argsort, partition, argpartition): the kernel's arguments and
// entry. A call sorts a block of rows [rowStart, rowStart + rowCount) of an array whose rows are the
// outer dims (C order) and whose sorted axis has n elements; each row is read (strided, byte-swapped
// as stored) into order-preserving keys (core/keys.h), radix-sorted stably (order/radix.h) and written
// out as values (sort) or int64 positions along the axis (argsort). Kernels return a status, never throw.
#pragma once
#include <cstdint>

#include "core/bounds.h"
#include "core/dtype.h"

namespace ndmmap {

enum OrderMode : int { kOrderSort = 0, kOrderArgsort = 1 };
enum OrderStatus : int { kOrderOk = 0, kOrderBadArgs = 1, kOrderNoMemory = 2, kOrderChanged = 3 };

// Not a dtype: the int64 counts of datetime64/timedelta64, ordered with NaT (the int64 minimum) last,
// as numpy sorts it (src/engine/order/datetime.ts ORDER_DATETIME_KEY). Taken where a dtype code is.
constexpr int kOrderDatetimeKey = 100;
/** The element size of an order dtype code (a dtype, or kOrderDatetimeKey); 0 for an unknown code. */
inline int OrderItemSize(int code) { return code == kOrderDatetimeKey ? 8 : ItemSize(code); }

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
  int64_t indexStep = 0;  // argsort: row r's positions start at (r - 0) * indexStep (runs of one long row)
  // partition/argpartition: nKth ascending positions in [0, n); each row is selected there (the
  // element of the stable sort at each kth, smaller-or-tied-earlier ones before it), not sorted
  int64_t nKth = 0;
  const int64_t* kth = nullptr;
};

// The k-way merge of a long row's sorted runs (each runLen long, the last shorter), for output ranks
// [o0, o1): split points come from the keys (stable: ties by run, so input order), then a heap merge.
// sort: runs hold values (dtype); argsort: runs hold int64 positions and keys come from src.
struct MergeArgs {
  int mode = kOrderSort;
  int dtype = 0;
  int64_t n = 0, runLen = 0;
  const uint8_t* runs = nullptr;
  bool runsSwap = false;
  int64_t runsStep = 0;
  const uint8_t* src = nullptr;  // argsort only
  bool srcSwap = false;
  int64_t srcStep = 0;
  uint8_t* out = nullptr;  // element o0 of the merged row
  bool outSwap = false;
  int64_t outStep = 0;
  int64_t o0 = 0, o1 = 0;
};

// The partition sort of one long row (order/part.inc): sample splitters, count a block's buckets,
// scatter a block into its buckets' slots of dst, sort buckets of dst in place. With B splitter buckets
// (keys of 4 or 8 bytes; B a power of two, 2..4096) there are 2B buckets (2j+1: keys equal to splitter
// j); keys of 1 or 2 bytes are their own bucket (256 or 65536 buckets, none to sort).
enum PartPhase : int { kPartSample = 0, kPartCount = 1, kPartScatter = 2, kPartBuckets = 3 };
struct PartArgs {
  int phase = kPartSample;
  int mode = kOrderSort;  // argsort: positions go to aux, beside the values in dst
  int dtype = 0;
  int64_t n = 0;  // elements of the row
  const uint8_t* src = nullptr;
  bool srcSwap = false;
  int64_t srcStep = 0;
  uint8_t* dst = nullptr;  // the row's buckets (dtype, dstSwap)
  bool dstSwap = false;
  int64_t dstStep = 0;
  int64_t buckets = 0;  // B (0 for 1- and 2-byte keys)
  uint64_t* splitters = nullptr;  // B - 1 keys (sample writes, count/scatter read)
  double* table = nullptr;  // count: tableLen counts out; scatter: tableLen start slots; buckets: bounds
  int64_t tableLen = 0;  // buckets of the row (2B, 256 or 65536)
  int64_t i0 = 0, i1 = 0;  // count/scatter: elements [i0, i1); buckets: buckets [i0, i1)
  int64_t maxLen = 0;  // buckets: longer ones are left to the caller
  uint8_t* aux = nullptr;  // argsort: int64 positions
  bool auxSwap = false;
  int64_t auxStep = 0;
};

/** Sort the block's rows (the per-ISA kernel chosen at load); an OrderStatus. */
int OrderRows(const OrderArgs& a);
/** Merge one output range of sorted runs (the per-ISA kernel); an OrderStatus. */
int OrderMerge(const MergeArgs& m);
/** One phase of the partition sort (the per-ISA kernel); an OrderStatus. */
int OrderPart(const PartArgs& p);
/** The instruction set the order kernels run ("avx512", "avx2", "baseline"). */
const char* OrderIsa();

namespace baseline { int OrderRows(const OrderArgs& a); int OrderMerge(const MergeArgs& m); int OrderPart(const PartArgs& p); }
namespace avx2 { int OrderRows(const OrderArgs& a); int OrderMerge(const MergeArgs& m); int OrderPart(const PartArgs& p); }
namespace avx512 { int OrderRows(const OrderArgs& a); int OrderMerge(const MergeArgs& m); int OrderPart(const PartArgs& p); }

}  // namespace ndmmap
