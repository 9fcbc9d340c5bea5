// unique(), isin() and searchsorted() kernels (unique.cc, search.cc) over the strided n-d blocks of a
// reduction plan (reduce.h's ReduceArgs, every dim reduced): pure C++, no N-API, no throws; the glue
// (glue/glue_unique.cc) checks every argument, including that a block's flat indices lie in [0, total).
#pragma once
#include <cstdint>

#include "core/dtype.h"
#include "core/keys.h"
#include "reduce/reduce.h"
#include "stats/dist.h"  // FetchValues, ConvertValues

namespace ndmmap {
namespace lookup {

// The key every NaN gets: above +inf's key, so NaN sorts last as numpy's sort puts it.
constexpr uint64_t kNanKey = ~uint64_t(0);
// Key of -0.0 and +0.0 (FloatKey): adjacent, and the hash path and the runs treat them as one value.
constexpr uint64_t kNegZeroKey = 0x7fffffffffffffffull;
constexpr uint64_t kPosZeroKey = 0x8000000000000000ull;

// Kinds of value types keys are made for: the values are fetched as float64, int64 or uint64; kKindNat:
// datetime64/timedelta64 counts (int64) whose NaT (the int64 minimum) is numpy's NaN of times: it
// gets kNanKey (sorts last, one run under equalNan, equal to nothing), the other counts keep their order.
enum KeyKind : int { kKindF64 = 0, kKindI64 = 1, kKindU64 = 2, kKindNat = 3 };
// Does the kind have NaN-like values (kNanKey): floats' NaN, datetimes' NaT?
inline bool HasNanKey(int kind) { return kind == kKindF64 || kind == kKindNat; }
// The value type (dtype code) a kind's values are fetched as.
inline int KindType(int kind) { return kind == kKindF64 ? kFloat64 : kind == kKindU64 ? kUInt64 : kInt64; }

// Keys of n values (fetched as the kind's 64-bit type), ordered as numpy orders them: floats by FloatKey
// (NaN: kNanKey; -0.0 keeps its own key, just below +0.0's), int64 with the sign flipped, uint64 as is.
inline void MakeKeys(int kind, const uint64_t* v, int64_t n, uint64_t* k) {
  if (kind == kKindF64) {
    for (int64_t i = 0; i < n; ++i) k[i] = NanBits(v[i]) ? kNanKey : FloatKey(v[i]);
  } else if (kind == kKindI64) {
    for (int64_t i = 0; i < n; ++i) k[i] = v[i] ^ kSign64;
  } else if (kind == kKindNat) {
    // int64 keys rotated down by one: NaT's key 0 wraps to kNanKey
    for (int64_t i = 0; i < n; ++i) k[i] = (v[i] ^ kSign64) - 1;
  } else {
    for (int64_t i = 0; i < n; ++i) k[i] = v[i];
  }
}
// A key as equality sees it: -0.0 as +0.0 (float keys only: int64 -1's key is the same word).
inline uint64_t Fold(int kind, uint64_t k) { return kind == kKindF64 && k == kNegZeroKey ? kPosZeroKey : k; }
// The 64-bit value (float64 bits, int64 or uint64) a key stands for.
inline uint64_t KeyValue(int kind, uint64_t k) {
  return kind == kKindF64 ? KeyFloatBits(k) : kind == kKindI64 ? (k ^ kSign64) : kind == kKindNat ? ((k + 1) ^ kSign64) : k;
}

// Calls use(keys, m, index, indexStep) for the block's values in runs of at most 8192, keyed; the
// run's i-th value has flat C-order index index + i * indexStep.
template <class F>
void WalkKeys(const ReduceArgs& a, int kind, uint64_t* vals, uint64_t* keys, F&& use);

// Hash pass of unique(): counts and first indices of the block's values into the table `id`
// (created by the first block). EOVERFLOW once the table holds more than `bound` values. Without
// needFirst the first indices of integer values may be left 0 (value counts need none).
int HashBlock(const ReduceArgs& a, int kind, uint64_t id, int64_t bound, bool needFirst);
// The table `id`, sorted: writes up to cap (key of the first occurrence, count, first index) and
// returns the number of values (-1: no such table, -2: overflowed). Ranks are kept for InverseBlock.
int64_t HashFinish(uint64_t id, uint64_t* keys, int64_t* counts, int64_t* first, int64_t cap);
// Inverse of the block's values from table `id` (after HashFinish) into inv[flat index].
int InverseBlock(const ReduceArgs& a, int kind, uint64_t id, int64_t* inv, int64_t total);
void HashDrop(uint64_t id);
// Sort path: keys[flat index] of the block's values.
int GatherBlock(const ReduceArgs& a, int kind, uint64_t* keys, int64_t total);
// Sort path: keys[0, n) (gathered) sorted with their indices, then per run of equal values (NaNs one
// run when equalNan) the first occurrence's key, its index and the count written over keys, idx and
// counts; inv[i] (when not null) the run of element i. Returns the number of runs. tmp: 2n words.
int64_t SortUnique(int kind, uint64_t* keys, uint64_t* idx, int64_t n, bool equalNan, int64_t* counts, int64_t* inv, uint64_t* tmp);

// searchsorted / isin over a block of queries (values fetched as the kind's type). The sorted side:
// `sorted` a mapped 1-D array (dtype, swap, byte stride, n) read through an optional int64 sorter, or
// `sortedKeys` keys made by MakeKeys (isin's test values, sorted, unique).
struct Sorted {
  const uint8_t* data = nullptr;
  int dtype = 0;
  bool swap = false;
  int64_t stride = 0;
  int64_t n = 0;
  const int64_t* sorter = nullptr;  // n indices, each checked in [0, n) before use
  int64_t sorterStride = 1;         // in elements
  bool sorterSwap = false;
  const uint64_t* keys = nullptr;
};
enum SearchMode : int { kLeft = 0, kRight = 1, kIn = 2, kNotIn = 3 };
// out[flat index] = insertion index (int64) or membership (uint8). EDOM: a sorter index out of range.
int SearchBlock(const ReduceArgs& a, int kind, const Sorted& s, int mode, void* out, int64_t total);

}  // namespace lookup
}  // namespace ndmmap

#include "order/lookup_walk.inc"
