// Reduction kernels over strided n-d blocks of a mapping. Pure C++: they return a status, never throw.
#pragma once
#include <cstdint>

namespace ndmmap {

// Codes shared with src/engine/ops.ts (REDUCE_OPS).
enum ReduceOp : int {
  kSum = 0,     // ints: int64/uint64 wraparound; floats: pairwise double (slot0 sum)
  kSumFloat,    // every dtype summed as double, pairwise (mean)
  kProd,        // ints: int64 wraparound; float32/16: float; float64: double
  kMin, kMax,   // slot0 value (double, or int64 bits), slot1 count
  kArgMin, kArgMax,  // slot0 value, slot1 index (int64 bits, -1 when empty)
  kMoments,     // slot0 n, slot1 mean, slot2 M2 (sum of squared deviations), all double
  kReduceOpCount
};

constexpr int kSlots = 4;  // partial state per output: slot k of output o at out[k * outCount + o]

struct ReduceArgs {
  int op = 0, dtype = 0;
  bool swap = false;          // big-endian data on this little-endian machine
  const uint8_t* data = nullptr;  // element at index [0, ..., 0] of the block
  int nOut = 0;               // dims kept in the result (any order)
  const int64_t* outShape = nullptr;
  const int64_t* outStrides = nullptr;   // bytes in the input
  const int64_t* outIndexMul = nullptr;  // positions in the output
  int nRed = 0;               // dims reduced, innermost (smallest stride) last
  const int64_t* redShape = nullptr;
  const int64_t* redStrides = nullptr;   // bytes
  const int64_t* redIndexMul = nullptr;  // arg* index = indexBase + sum(i_k * redIndexMul_k)
  int64_t indexBase = 0;
  double* out = nullptr;      // kSlots * outCount doubles, written (not accumulated)
  int64_t outCount = 0;
  int64_t outBase = 0;        // added to every output position (a chunk's place in a shared buffer)
};

// 0, or EINVAL for a bad op/dtype/shape.
int Reduce(const ReduceArgs& a);

}  // namespace ndmmap
