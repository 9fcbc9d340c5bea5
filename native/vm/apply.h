// Elementwise expression kernel: runs a validated program (vm.h) over a strided n-d block, every
// operand with its own strides (0 along broadcast dims), writing numpy's `out[...] = expr`.
// Pure C++: returns a status, never throws.
#pragma once
#include <cstdint>

#include "vm/vm.h"

namespace ndmmap {

struct ApplyOperand {
  uint8_t kind = kOperandAbsent;     // kOperandMemory, kOperandIndex or kOperandAbsent
  int dtype = 0;                     // DType code (dtype.h); int64 for index operands
  bool swap = false;                 // big-endian data
  const uint8_t* data = nullptr;     // memory: element [0, ..., 0]
  int64_t start = 0;                 // index: the value at [0, ..., 0]
  const int64_t* strides = nullptr;  // per dim: bytes (memory) or the index's step (index)
};

// Evaluate `p` for every index of `shape` and store the result, cast to out.dtype, through `out`.
// ops[k] is the program's operand k (nOps == p.nOperands). Returns 0, EINVAL for operands that do not
// match the program, or an EvalStatus (kEvalNegativePower) after a partial write. `dry`: evaluate
// every element, write nothing (a read-only pass that finds kEvalNegativePower before any write).
int Apply(const Program& p, const uint64_t* consts, int ndim, const int64_t* shape, const ApplyOperand* ops,
          int nOps, const ApplyOperand& out, bool dry = false);

}  // namespace ndmmap
