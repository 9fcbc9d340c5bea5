// Limits shared by the addon and src/ (exported by the addon and checked at load by src/native.ts).
#pragma once

// kMaxDims (numpy 2.x's NPY_MAXDIMS) and kMaxOperands (arrays one reduction or expression may read: x,
// y, named variables, a where mask) come from the contract spec.
#include "gen/contract.h"
