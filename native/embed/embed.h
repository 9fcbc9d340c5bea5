// Embeddings: matrix-vector products, fused search and top-k over mapped rows. The contract with
// src/engine/embed/ (descriptor layouts in glue_embed.cc). Pure C++: no N-API, no throws.
#pragma once
#include <cstdint>

#include "core/bounds.h"

namespace ndmmap {

struct Program;  // vm.h

// What a row block computes: scores into a result array, or the k best rows per query.
enum EmbedOp : int { kEmbedDot = 0, kEmbedSearch = 1 };
// Search metrics: dot and cosine rank largest first, l2 (Euclidean distance) smallest first.
enum EmbedMetric : int { kMetricDot = 0, kMetricCosine = 1, kMetricL2 = 2 };
// Largest number of query vectors one call takes (numpy has none; ours keeps the query block in cache).
constexpr int64_t kMaxQueries = 64;

// One top-k candidate as stored in a state slot: an order key (smaller is better, ties by the lower
// index), the index and the value's raw bits (zero-extended).
constexpr int kCandWords = 3;
// A state slot: [count, k x (key, index, bits)], as uint64 words.
inline int64_t TopKSlotWords(int64_t k) { return 1 + kCandWords * k; }

struct EmbedArgs {
  int op = kEmbedDot;
  int mode = 0;      // compute dtype code: float32, float64 or int64
  int metric = kMetricDot;
  int64_t k = 0, Q = 1, D = 0;
  int64_t rowStart = 0, rowCount = 0;
  // rows: element [r..., d] at a + sum(lead index * leadStrides) + d * colStride (bytes)
  const uint8_t* a = nullptr;
  int aDtype = 0;
  bool aSwap = false;
  int64_t colStride = 0;
  int nLead = 0;
  int64_t leadShape[kMaxDims] = {}, leadStrides[kMaxDims] = {};
  // optional row filter: row r kept when filter[r * filterStride] is non-zero
  const uint8_t* filter = nullptr;
  int filterDtype = 0;
  bool filterSwap = false;
  int64_t filterStride = 0;
  // or a row filter program (vm.h, validated): bool, every operand the row index (i0, i), row r kept
  // when it gives true for r: evaluated per tile inside the pass, so no N-byte mask is ever written
  const Program* filterProgram = nullptr;
  const uint64_t* filterConsts = nullptr;
  const void* queries = nullptr;  // Q x D contiguous, in the compute type
  // dot: row r, query j at out + (r * Q + j) * itemsize(storeType), as outType (held as storeType)
  uint8_t* out = nullptr;
  int outType = 0, storeType = 0;
  // search: query j's state at state + (slot * Q + j) * TopKSlotWords(k)
  uint64_t* state = nullptr;
  int64_t slot = 0;
};

// 0, EINVAL for bad arguments, or EDOM when the filter program raised an integer to a negative power.
int Embed(const EmbedArgs& a);

// Top-k along the reduced dims of a block (the reduction plan's layout: nOut kept dims, then nRed reduced).
struct TopKArgs {
  const uint8_t* data = nullptr;
  int dtype = 0;
  bool swap = false;
  bool largest = true;
  int64_t k = 1;
  int nOut = 0, nRed = 0;
  int64_t shape[kMaxDims] = {}, mul[kMaxDims] = {}, strides[kMaxDims] = {};
  int64_t indexBase = 0, outBase = 0;
  uint64_t* out = nullptr;  // slot of output o at out + (outBase + o...) * TopKSlotWords(k)
};
int TopK(const TopKArgs& a);

// Merge `groups` states per output (group g of output o at in + (g * outCount + o) * W) into out.
int MergeTopK(const uint64_t* in, int64_t groups, int64_t outCount, int64_t k, uint64_t* out);

// The per-instruction-set score kernels (embed_isa.cc): out[r * nq + j] = score(row r, query j) for
// contiguous rows and queries of D elements; score = dot (mode 0), squared distance (1), or each
// row's squared norm (2: q unused, nq = 1); mode 3 (nq = 1) gives the dot in out[r] and the row's
// squared norm in norms[r] from one read of the row (cosine search).
struct EmbedIsa {
  void (*f32)(const float* const* rows, int64_t nRows, const float* q, int64_t nq, int64_t D, int mode, float* out,
              float* norms);
  void (*f64)(const double* const* rows, int64_t nRows, const double* q, int64_t nq, int64_t D, int mode, double* out,
              double* norms);
  // n contiguous little-endian elements of a narrow type (EmbedNarrow) to float32
  void (*widen)(const uint8_t* src, int type, int64_t n, float* dst);
};
enum EmbedNarrow : int { kEmbedHalf = 0, kEmbedI8, kEmbedU8, kEmbedI16, kEmbedU16 };
enum ScoreMode : int { kScoreDot = 0, kScoreL2 = 1, kScoreSelf = 2, kScoreDotSelf = 3 };

}  // namespace ndmmap
