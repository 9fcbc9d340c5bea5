// The expression VM: validates a program (format in src/expr/compile.ts) and evaluates it on blocks
// of up to kBlock elements, one numpy loop per instruction, in the instruction's own dtype. The hot
// loops are compiled once per instruction set (vm_isa.cc, like the reduction kernels) and picked at
// load; the same C++ runs in every copy, so results are bit-identical on every machine.
// Pure C++: statuses, never exceptions, no N-API.
#pragma once
#include <cstdint>

#include "vm/vm_ops.h"

namespace ndmmap {

// Elements per block: 1024 float64 = 8 KiB per slot, so a typical program's slots stay in L1.
constexpr int kBlock = 1024;
// Deepest stack accepted, most operands of one program, the format byte: the contract spec's limits.
constexpr int kMaxStack = kVmMaxStack;
constexpr int kMaxProgramOperands = kVmMaxOperands;
constexpr uint8_t kFormatVersion = (uint8_t)kVmFormat;

// A program of one or two + - * / operations over float32/float64 values (`x * 2 + 1`, `(x - mu) / sd`,
// `1 + x * 2`): run as one fused loop, without a block of intermediates (Validate recognises it).
struct Fused {
  struct Arg {
    bool isConst = false;
    uint8_t operand = 0;    // LOAD k
    uint16_t constant = 0;  // CONST index
  };
  uint8_t ops = 0;          // 0: not fused; 1 or 2 operations
  uint8_t type = 0;         // kFloat32 or kFloat64
  uint8_t op1 = 0, op2 = 0;
  bool chainRight = false;  // op2's left operand is a[2], the chain its right one (`1 + x * 2`)
  Arg a[3];                 // op1(a[0], a[1]), then op2 with a[2]
};

// A validated program.
struct Program {
  const uint8_t* code = nullptr;
  int64_t len = 0;
  int start = 0;                                // first instruction
  int nOperands = 0;
  uint8_t operandTypes[kMaxProgramOperands] = {};
  uint32_t loaded = 0;                          // bit k: operand k is read
  int stack = 0;                                // slots needed
  int resultType = 0;                           // dtype code of the result
  bool finalOp = false;                         // the last instruction computes (not LOAD/CONST)
  Fused fused;                                  // a fusable program's shape (fused.ops > 0)
};

// Check every byte of `code` before it runs: version, operand dtypes, known opcodes with operand bytes
// present, const indexes in range, the dtype of every stack slot against what each op accepts, no
// underflow, depth within kMaxStack, exactly one result. False for anything malformed.
bool Validate(const uint8_t* code, int64_t len, int64_t nConsts, Program* p);

// Where an operand's values come from for one run of n elements.
enum OperandKind : uint8_t {
  kOperandAbsent = 0,
  kOperandMemory,  // stored elements of `dtype` (byte-swapped when `swap`) at data + i * step bytes
  kOperandIndex,   // int64 values start + i * step (index variables)
  kOperandLanes,   // values already in the VM's representation of `dtype` (data, contiguous)
};

struct EvalOperand {
  uint8_t kind = kOperandAbsent;
  int dtype = 0;
  bool swap = false;
  const uint8_t* data = nullptr;
  int64_t step = 0;
  int64_t start = 0;
};

// Where the result goes: n elements of `dtype` at data + i * step (cast as numpy's unsafe casts).
struct EvalOut {
  uint8_t* data = nullptr;
  int dtype = 0;
  bool swap = false;
  int64_t step = 0;
};

enum EvalStatus : int {
  kEvalOk = 0,
  kEvalBadOperand = 1,     // an operand the program reads is absent or of another dtype
  kEvalNegativePower = 2,  // an integer to a negative integer power (numpy's ValueError)
};

// Evaluate `p` over n <= kBlock elements (operand k from ops[k]), write the result to `out` when
// out.data is set, and point *result at the result block in the VM's representation of
// p.resultType (valid until the thread's next evaluation). Returns an EvalStatus.
int EvalBlock(const Program& p, const uint64_t* consts, const EvalOperand* ops, int n, const EvalOut& out,
              const void** result);

// Element representation of a dtype in the VM: bool as uint8 0/1, float16 as float, else itself.
int LaneSize(int dtype);

// Read n stored elements (byte step `step`) into the VM representation of their dtype.
void LoadLanes(int dtype, bool swap, const uint8_t* src, int64_t step, int n, void* lanes);
// Write n values of VM type `type` as `dtype` elements (numpy's unsafe cast) at dst + i * step.
void StoreLanes(int type, const void* lanes, int n, int dtype, bool swap, uint8_t* dst, int64_t step);
// start, start + step, ... as int64 lanes.
void IndexLanes(int64_t start, int64_t step, int n, int64_t* lanes);

// The instruction set the VM's loops were picked for: "avx512", "avx2" or "baseline".
const char* VmIsa();

}  // namespace ndmmap
