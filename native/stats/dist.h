// Distribution kernels over strided n-d blocks (the walk of reduce.h): histograms of order-preserving
// uint64 keys and the collection of keys inside windows (the passes of an exact radix select), numpy's
// value histograms (equal-width or given edges) and bincount. Pure C++: no N-API, no throws.
#pragma once
#include <cstdint>

#include "reduce/reduce.h"

namespace ndmmap {

// Modes of Dist(), exported in the contract and checked by src/native.ts.
#define NDM_DIST_MODES(X)                                                                       \
  X(kKeyHist, "keyhist")     /* counts of keys per bucket of each window; NaN counted apart */   \
  X(kCollect, "collect")     /* keys inside each window appended to its slice of out */          \
  X(kBinsUniform, "uniform") /* numpy's equal-width bin index */                                 \
  X(kBinsEdges, "edges")     /* numpy's searchsorted bin index over given edges */               \
  X(kBincount, "bincount")   /* counts (or weight sums) per non-negative integer */            \
  X(kBracket, "bracket")     /* as collect, and counts keys below each window and NaNs */        \
  X(kWinHist, "winhist")     /* counts per bucket of ascending windows, keys below each, NaNs */ \
  X(kAxisSelect, "axis")     /* order statistics of whole outputs gathered per block */          \
  X(kBlockSums, "blocksums") /* weighted bins summed per numpy block of 65,536 elements */       \
  X(kBlockCumsum, "blockcumsum") /* numpy's cumulative weights at the edges per numpy block */ \
  X(kWHist, "whist")         /* weight sums and counts per bucket of each window (one thread) */ \
  X(kWCollect, "wcollect")   /* (key, weight) pairs inside each window (one thread) */

namespace dist {
enum Mode : int {
#define NDM_DIST_ENUM(id, name) id,
  NDM_DIST_MODES(NDM_DIST_ENUM)
#undef NDM_DIST_ENUM
  kModeCount
};
}  // namespace dist

// Key-mode spec (uint64 words, shared between threads: the cursors are updated atomically):
// [mode, outputs O, bucketBits, windows W, nonce, O + 1 window offsets, W x (lo, hi, shift, base, cap, cursor)]
// collect: word 2 is the sampling step (every step-th element of each run of 8192; 0 or 1: all).
// bracket: word 2 counts NaNs, each window's shift word counts the keys below it (both atomically).
// winhist (one output, windows ascending and disjoint): out = W x 2^bits counts, the NaNs, then W
// counts of keys below each window. nonce: a call's number, so a thread reuses its window table.
// whist, wcollect (operand 1 the weights, run by one thread: sums in file order): whist adds into
// out (float64) W x 2^bits (weight sum, count) pairs, then the NaN values' count and weight sum;
// wcollect writes (key, weight bits) pairs, base and cap counted in pairs.
constexpr int kSpecHead = desc::distKeySpec::kSize;  // gen/contract.h names each word
constexpr int kWindowWords = desc::distWindow::kSize;

// Bin-mode parameters (float64): [mode, bins, first, denom, sub, weightsOperand, lo, hi, div, slot0,
// slots, type, sequential]. sub: the type `x - first` is computed in, div: the type of `/ denom` and
// `* bins` (and the type x is cast to first); each 0 float64, 2 float32, 3 float16 (numpy's types).
// Block modes (a block is the flat C-order range [indexBase, outBase) of a C-order box): out holds
// `slots` numpy blocks from slot0 on, `bins` sums (blocksums) or `bins + 1` cumulative weights in the
// dtype `type` (blockcumsum, held as float64). sequential (bincount): weights added to out in element
// order, by one thread, as numpy's loop does.
constexpr int kBinParams = desc::distBins::kSize;
// numpy's histogram and bincount work through the data 65,536 elements at a time.
constexpr int64_t kNumpyBlock = 65536;

// Axis-mode parameters (float64): [mode, method, nq, n, records, asDouble, skipNan, weighted, finish,
// q...]; method is numpy's (methods.ts order) or kMethodMedian. Each output of a block writes one
// record at (outBase + its position in the block, C order) * (1 + 3 nq): [valid count, nq x (lo, hi,
// gamma)]; lo/hi are values (64-bit integers as their bits unless asDouble). skipNan: outputs holding
// NaN select nothing. finish (float64 data and result): lo holds numpy's value (NaN for an output
// holding NaN under skipNan, or nothing) — the same float64 operations as methods.ts.
constexpr int kAxisHead = desc::distAxis::kSize;
constexpr int kMethodMedian = 13;
constexpr int kMethodCount = 14;

struct DistArgs {
  const ReduceArgs* r = nullptr;  // the block (values fetched as r->valueType: float64, int64 or uint64)
  uint64_t* spec = nullptr;       // key modes
  int64_t specLen = 0;
  const double* params = nullptr; // bin and axis modes
  int64_t paramsLen = 0;
  const double* edges = nullptr;  // bins + 1 edges (bin modes)
  int64_t nEdges = 0;
  void* out = nullptr;            // int64 counts, float64 weight sums or records, or uint64 keys
  int64_t outLen = 0;
  int mode = 0;
  bool weighted = false;
};

// numpy's indexes and gamma of quantile q among n values (methods.ts planQ).
struct QuantilePlan { int64_t lo, hi; double gamma; };
QuantilePlan PlanQuantile(int method, int64_t n, double q);

// 0, or EINVAL for arguments that do not fit together.
int Dist(const DistArgs& d);

// Put the keys of ranks `ranks` (ascending, within [0, n)) of keys[0, n) in their sorted places.
void SelectKeys(uint64_t* keys, int64_t n, const int64_t* ranks, int64_t nRanks);

// Sort ranges [start, start + len) of keys in place.
void SortKeys(uint64_t* keys, const int64_t* ranges, int64_t nRanges);

// FetchFn of reduce.cc (values of a run, converted, expression and mask applied) and a plain cast.
int64_t FetchValues(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, void* dst);
bool ConvertValues(int srcType, bool swap, int dstType, const uint8_t* p, int64_t step, int64_t n, uint8_t* dst);
// Before a pass that fetches through a's programs: EINVAL unless they fit its operands (as Reduce checks).
int BeginPrograms(const ReduceArgs& a);
// After it: EDOM when a program met an integer to a negative power in the data, else 0.
int EndPrograms();

}  // namespace ndmmap
