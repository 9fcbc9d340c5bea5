// The per-thread working memory of the VM and the table of loops one instruction set provides
// (vm_isa.cc builds one table per instruction set; vm.cc picks one at load).
#pragma once
#include <cstdint>

#include "vm/vm.h"

namespace ndmmap {

// Blocks of 8-byte cells: one per possible operand, kTemps temporaries, then the stack slots.
struct VmScratch {
  static constexpr int kTemps = 4;
  uint64_t* mem = nullptr;
  uint64_t* Operand(int k) const { return mem + (int64_t)k * kBlock; }
  uint64_t* Temp(int k) const { return mem + (int64_t)(kMaxProgramOperands + k) * kBlock; }
  uint64_t* Slot(int k) const { return mem + (int64_t)(kMaxProgramOperands + kTemps + k) * kBlock; }
  static int64_t Cells(int stack) { return (int64_t)(kMaxProgramOperands + kTemps + stack) * kBlock; }
};

struct VmKernels {
  int (*eval)(const Program&, const uint64_t*, const EvalOperand*, int, const EvalOut&, const VmScratch&, const void**);
  void (*load)(int, bool, const uint8_t*, int64_t, int, void*);
  void (*store)(int, const void*, int, int, bool, uint8_t*, int64_t, void*);
  void (*iota)(int64_t, int64_t, int, int64_t*);
};

#define NDM_VM_ISA_DECL(ns) \
  namespace ns {            \
  VmKernels VmTable();      \
  }
NDM_VM_ISA_DECL(baseline)
NDM_VM_ISA_DECL(avx2)
NDM_VM_ISA_DECL(avx512)
#undef NDM_VM_ISA_DECL

}  // namespace ndmmap
