// The per-element loops of the distribution kernels, compiled once per instruction set (dist_isa.cc is
// in binding.gyp's kernels_baseline/avx2/avx512 targets) and picked with the reductions' choice at load
// (NDMMAP_ISA included). Every loop is integer work or IEEE operations without contraction
// (-ffp-contract=off), so all three give the same bits.
#pragma once
#include <cstdint>

#include "core/keys.h"

namespace ndmmap {

// How values (uint64 words as fetched) become order-preserving keys: float64 bits, int64, uint64.
enum KeyKind : int { kKeyF64 = 0, kKeyI64 = 1, kKeyU64 = 2 };

// Ascending, disjoint key windows [lo, hi] and a table of the keys' top 16 bits: table[t] counts the
// windows whose lo is below t << 48, so a key's window is found in a step or two.
struct KeyWindows {
  int64_t count = 0;
  const uint64_t* lo = nullptr;
  const uint64_t* hi = nullptr;
  const uint8_t* shift = nullptr;   // histogram windows: bucket = (k - lo) >> shift
  const uint16_t* table = nullptr;  // 65536 entries
};

// numpy's equal-width bin index arguments (dist_bins.cc): `sub` and `div` are the float types of
// `x - first` and of `/ denom`, `* bins` (0 float64, 2 float32, 3 float16).
struct UniformBins {
  double lo, hi, first, denom;
  int64_t bins;
  const double* edges;
  int sub, div;
};

struct DistIsa {
  // Keys of v[0, m), NaNs skipped, written to out; returns how many.
  int64_t (*toKeys)(int kind, const uint64_t* v, int64_t m, uint64_t* out);
  // Keys of every value of v[0, m) (a NaN's key lies outside [FloatKey(-inf), FloatKey(+inf)]).
  void (*allKeys)(int kind, const uint64_t* v, int64_t m, uint64_t* out);
  // Counts of keys inside [lo, lo + span] by (k - lo) >> sh; returns the NaNs seen.
  int64_t (*hist1)(int kind, const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, int sh, int64_t* counts);
  // Keys inside [lo, lo + span], every step-th element, written to out; returns how many.
  int64_t (*collect1)(int kind, const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, int64_t step, uint64_t* out);
  // Keys inside [lo, lo + span] written to out (returned count); keys below lo added to *below, NaNs to *nan.
  int64_t (*bracket1)(int kind, const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, uint64_t* out, int64_t* below,
                      int64_t* nan);
  // Several windows: gaps[j] += keys above window j - 1 and below window j (j in [0, count]); keys inside
  // a window counted into hist[w << bits | bucket] (hist non-null) or written to keep[] with their
  // window in win[] (returned count). Returns through *nan the NaNs seen.
  int64_t (*windows)(int kind, const uint64_t* v, int64_t m, const KeyWindows& w, int64_t* gaps, int64_t* hist, int bits,
                     uint64_t* keep, int32_t* win, int64_t* nan);
  // Weighted windows (whist): sums[2 * (w << bits | bucket)] += weight, [.. + 1] += 1 for keys inside a
  // window; NaN values' count and weights added to nan[0], nan[1].
  void (*whist)(int kind, const uint64_t* v, const double* wt, int64_t m, const KeyWindows& w, int bits, double* sums, double* nan);
  // Keys inside the windows with their weights (wcollect): (key, weight bits) pairs, each one's window
  // in win[]; returns how many.
  int64_t (*wkeep)(int kind, const uint64_t* v, const double* wt, int64_t m, const KeyWindows& w, uint64_t* pairs, int32_t* win);
  // numpy's equal-width bin of each float64 value: counted, or its weight added (w non-null).
  void (*uniform)(const UniformBins& b, const uint64_t* v, int64_t m, const double* w, int64_t* counts, double* sums);
  // searchsorted(edges, x, 'right') - 1 with the last edge closed, NaN and outside values dropped.
  void (*edges)(const double* edges, int64_t bins, const uint64_t* v, int64_t m, const double* w, int64_t* counts,
                double* sums);
  // bincount of int64 values in [0, bins) (checked by the caller's max pass).
  void (*bincount)(int64_t bins, const uint64_t* v, int64_t m, const double* w, int64_t* counts, double* sums);
  // Outputs of n <= 8 values of 8 bytes (value type, in place): output o's value i at base + o * os + i * es.
  // Each output's keys are sorted by a network and the values at lo[j], hi[j] written to its record
  // (rec + o * recWords: [n, (lo, hi, gamma[j]) per q], 64-bit integers as bits unless asDouble); an
  // output holding NaN gets -1 in place of n, for the caller to finish.
  void (*smallOutputs)(int kind, const uint8_t* base, int64_t os, int64_t es, int64_t n, int64_t outs, const int64_t* lo,
                       const int64_t* hi, const double* gamma, int64_t nq, bool asDouble, double* rec, int64_t recWords);
  // Put keys[ranks[i]] (ranks ascending, below n) in their sorted places.
  void (*select)(uint64_t* keys, int64_t n, const int64_t* ranks, int64_t nRanks);
  // Sort keys[0, n).
  void (*sort)(uint64_t* keys, int64_t n);
};

namespace baseline { DistIsa DistKernels(); }
namespace avx2 { DistIsa DistKernels(); }
namespace avx512 { DistIsa DistKernels(); }

// The instruction set's loops (the one reduce.cc picked).
const DistIsa& DistLoops();

// FloatKey, KeyFloatBits, NanBits, kKeyNegInf/kKeyPosInf: core/keys.h (-0.0 keyed below +0.0).

}  // namespace ndmmap
