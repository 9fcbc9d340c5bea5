// Limits shared by the addon and src/ (exported by the addon and checked at load by src/native.ts).
#pragma once

namespace ndmmap {

// numpy 2.x's NPY_MAXDIMS.
constexpr int kMaxDims = 64;
// Arrays one reduction or expression may read (x, y, named variables, a where mask).
constexpr int kMaxOperands = 8;

}  // namespace ndmmap
