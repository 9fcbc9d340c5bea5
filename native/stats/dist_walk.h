// Internal to the distribution kernels (dist.cc, dist_bins.cc, dist_axis.cc): the walk over a block's
// runs, the values of a run in chunks, and the per-thread scratch.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "stats/dist.h"
#include "stats/dist_isa.h"
#include "core/dtype.h"

namespace ndmmap {
namespace distw {

// Elements fetched at a time (Fetch's limit is kScratchRun / 8).
constexpr int64_t kChunk = 8192;

// Per-thread scratch, on the heap (the addon's TLS segment stays small). `big` holds either the
// counts of key histograms or the gathered keys of axis outputs: at most kBigWords (8 MiB), the
// bound the README gives per thread (weighted axis quantiles add their weights, `sums`, as much).
constexpr int64_t kBigWords = int64_t(1) << 20;
struct Scratch {
  std::vector<uint64_t> vals = std::vector<uint64_t>(kChunk);
  std::vector<uint64_t> keys = std::vector<uint64_t>(kChunk);
  std::vector<int32_t> wins = std::vector<int32_t>(kChunk);
  std::vector<double> weights = std::vector<double>(kChunk);
  std::vector<uint64_t> big;
  std::vector<int64_t> counts;
  std::vector<double> sums;
  std::vector<std::vector<uint64_t>> windowKeys;
  std::vector<uint64_t> pairs = std::vector<uint64_t>(2 * kChunk);
  std::vector<uint16_t> table = std::vector<uint16_t>(65536);
  uint64_t tableNonce = 0;
};
Scratch& Local();

// Calls run(o, pos, step, n) for each run of the innermost reduced dim and done(o) after each output.
template <class Run, class Done>
void Walk(const ReduceArgs& a, Run&& run, Done&& done) {
  const int no = a.nOut, nr = a.nRed, nops = a.nOps;
  for (int d = 0; d < no + nr; ++d) if (a.shape[d] == 0) return;
  const uint8_t* base[kMaxOperands];
  for (int k = 0; k < nops; ++k) base[k] = a.ops[k].data;
  int64_t opos[kMaxDims] = {};
  int64_t o = a.outBase;
  const int last = no + nr - 1;
  int64_t step[kMaxOperands] = {};
  if (nr > 0) for (int k = 0; k < nops; ++k) step[k] = a.strides[k][last];
  const int64_t inner = nr > 0 ? a.shape[last] : 1;
  for (;;) {
    const uint8_t* pos[kMaxOperands];
    for (int k = 0; k < nops; ++k) pos[k] = base[k];
    int64_t rpos[kMaxDims] = {};
    for (;;) {
      run(o, pos, step, inner);
      int d = last - 1;
      for (; d >= no; --d) {
        if (++rpos[d] < a.shape[d]) {
          for (int k = 0; k < nops; ++k) pos[k] += a.strides[k][d];
          break;
        }
        for (int k = 0; k < nops; ++k) pos[k] -= a.strides[k][d] * (a.shape[d] - 1);
        rpos[d] = 0;
      }
      if (d < no) break;
    }
    done(o);
    int d = no - 1;
    for (; d >= 0; --d) {
      if (++opos[d] < a.shape[d]) {
        for (int k = 0; k < nops; ++k) base[k] += a.strides[k][d];
        o += a.mul[d];
        break;
      }
      for (int k = 0; k < nops; ++k) base[k] -= a.strides[k][d] * (a.shape[d] - 1);
      o -= a.mul[d] * (a.shape[d] - 1);
      opos[d] = 0;
    }
    if (d < 0) return;
  }
}

// The values of a run in chunks of at most kChunk: use(v, m, c0) with c0 the chunk's first element.
// Read in place when they already are aligned 8-byte values of the value type.
template <class F>
void Values(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, F&& use) {
  const ReduceOperand& x = a.ops[0];
  bool direct = a.value == nullptr && a.mask == nullptr && a.maskOperand < 0 && !x.swap && x.dtype == a.valueType &&
                step[0] == 8 && reinterpret_cast<uintptr_t>(pos[0]) % 8 == 0;
  if (direct) {
    for (int64_t c = 0; c < n; c += kChunk) use(reinterpret_cast<const uint64_t*>(pos[0]) + c, std::min(kChunk, n - c), c);
    return;
  }
  uint64_t* buf = Local().vals.data();
  const uint8_t* at[kMaxOperands];
  for (int64_t c = 0; c < n; c += kChunk) {
    int64_t m = std::min(kChunk, n - c);
    for (int k = 0; k < a.nOps; ++k) at[k] = pos[k] + c * step[k];
    int64_t got = FetchValues(a, at, step, m, buf);
    use(buf, got, c);
  }
}

// The key kind of a value type (float64, int64, uint64), or -1.
inline int KindOf(int valueType) {
  return valueType == kFloat64 ? kKeyF64 : valueType == kInt64 ? kKeyI64 : valueType == kUInt64 ? kKeyU64 : -1;
}

// Keys a thread buffers per window before reserving room for them in the shared result.
constexpr size_t kCollectBuffer = 4096;
// Buckets of all windows of one histogram pass together (JS keeps to this): a block's counts are
// added to the shared result in one sweep, which must stay short next to the block's reading.
constexpr int64_t kMaxBuckets = int64_t(1) << 20;
// The thread's table of window starts by the keys' top 16 bits (dist_isa.h KeyWindows), kept per nonce.
void BuildTable(Scratch& L, uint64_t nonce, const uint64_t* lo, int64_t W);

// The key windows of a histogram or collect spec (dist.h: head, then W windows of kWindowWords), checked:
// one output, 1..65535 windows ascending and disjoint, at most 16 bits of buckets each (kMaxBuckets in
// all); a collect window's [start, start + count) within the result's records of `slots` words each.
struct SpecWindows {
  int64_t W = 0;
  int64_t nb = 1;  // buckets per window (hist), 1 << bits
  std::vector<uint64_t> lo, hi;
  std::vector<uint8_t> sh;
};
int ParseWindows(const DistArgs& d, bool hist, int64_t slots, SpecWindows* out);

}  // namespace distw

int KeyModes(const DistArgs& d);
int WeightedKeyModes(const DistArgs& d);
int BinModes(const DistArgs& d);
int AxisSelect(const DistArgs& d);
// numpy's weighted inverted_cdf of one gathered output into its record (dist_weighted.cc).
void WeightedCdf(int kind, uint64_t* keys, double* w, int64_t n, bool dropNan, const double* q, int64_t nq, bool asDouble, double* r);

}  // namespace ndmmap
