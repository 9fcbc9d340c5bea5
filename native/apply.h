// Elementwise expression kernel: runs a compiled program (src/expr/) over strided n-d blocks.
// Pure C++: returns a status, never throws.
#pragma once
#include <cstdint>

namespace ndmmap {

struct Operand {
  uint8_t* data = nullptr;         // element [0, ..., 0]; nullptr when the operand is absent
  int dtype = 0;                   // DType code (dtype.h)
  bool swap = false;               // big-endian data
  const int64_t* strides = nullptr;  // bytes, one per dim (may be negative or zero)
};

// Evaluate `code` (bytecode, format in src/expr/compile.ts) with constants `consts` for every index of
// `shape`, reading x (and y when present), casting to out's dtype as numpy's `a[...] = expr` does.
// Returns 0, or EINVAL for malformed code.
int Apply(const uint8_t* code, int64_t codeLen, const double* consts, int64_t nConsts, int ndim,
          const int64_t* shape, const Operand& x, const Operand& y, const Operand& out);

}  // namespace ndmmap
