// The prologue of every per-instruction-set translation unit (reduce/reduce_isa.cc, vm/vm_isa.cc,
// embed/embed_isa.cc, stats/dist_isa.cc): binding.gyp compiles each three times with -DNDM_ISA=baseline
// | avx2 | avx512 and the matching -m flags (dropped off x86-64), and core/isa.h picks one copy at load.
// Intrinsics only where the compiler targets them: elsewhere the units' scalar loops run.
#pragma once
#if defined(__F16C__) || defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#ifndef NDM_ISA
#error "NDM_ISA must name the instruction set (baseline, avx2, avx512)"
#endif
