// The expression VM's loops, compiled once per instruction set: binding.gyp builds this file three
// times with -DNDM_ISA=baseline | avx2 | avx512 and the matching -m flags, and vm.cc picks one table
// at load. Everything here has internal linkage (an anonymous namespace), so no AVX code can leak into
// another instruction set's copy through the linker. The loops are plain C++ the compiler vectorises
// (no intrinsics but the float16 conversions), with -ffp-contract=off: every copy computes the same bits.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "core/isa_unit.h"
#include "core/cast.h"
#include "core/dtype.h"
#include "vm/vm.h"
#include "vm/vm_scratch.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

#include "vm/vm_lanes.inc"
#include "vm/vm_math.inc"
#include "vm/vm_binary.inc"
#include "vm/vm_unary.inc"
#include "vm/vm_fused.inc"
#include "vm/vm_exec.inc"

}  // namespace

VmKernels VmTable() { return VmKernels{&Eval, &LoadAny, &StoreAny, &Iota}; }

}  // namespace NDM_ISA
}  // namespace ndmmap
