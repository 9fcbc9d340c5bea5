// The VM's entry points: program validation (type-checking every stack slot), the instruction set
// picked at load, and each thread's scratch memory.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/isa.h"
#include "vm/vm.h"
#include "vm/vm_scratch.h"

namespace ndmmap {
namespace {

struct Isa {
  const char* name;
  VmKernels k;
};

// The VM loops of the instruction set core/isa.h chose (the reductions' set).
Isa Pick() {
  IsaLevel isa = ChosenIsa();
  VmKernels (*table)() = ByIsa(&baseline::VmTable, &avx2::VmTable, &avx512::VmTable);
  return {IsaName(isa), table()};
}

const Isa kIsa = Pick();

// On the heap, grown to the deepest program seen: the module's TLS segment stays small.
const VmScratch& ThreadScratch(int stack) {
  static thread_local std::vector<uint64_t> mem;
  static thread_local VmScratch s;
  if ((int64_t)mem.size() < VmScratch::Cells(stack)) mem.resize((size_t)VmScratch::Cells(stack));
  s.mem = mem.data();
  return s;
}

bool IsDType(int t) { return t >= 0 && t < kDTypeCount; }

bool Arith(int op) { return op == kAdd || op == kSub || op == kMul || op == kDiv; }

// Recognise LOAD/CONST, LOAD/CONST, op1 [, LOAD/CONST, op2] (or the third operand first, for `1 + x * 2`)
// over float32/float64, the shapes apply runs as one fused loop.
Fused Fusable(const Program& p) {
  Fused f;
  const uint8_t* c = p.code;
  int64_t pc = p.start;
  struct Ins { int op; int a, b; };
  Ins ins[5];
  int n = 0;
  for (; pc < p.len && n < 5; pc += 1 + OperandBytes(c[pc]))  // Validate saw every operand byte present
    ins[n++] = Ins{c[pc], c[pc + 1], c[pc] == kConst ? c[pc + 2] | c[pc + 3] << 8 : 0};
  if (pc != p.len || (n != 3 && n != 5)) return f;
  auto leaf = [&](const Ins& i, Fused::Arg* a) {
    if (i.op == kLoad) { *a = Fused::Arg{false, (uint8_t)i.a, 0}; return p.operandTypes[i.a] == f.type; }
    if (i.op == kConst) { *a = Fused::Arg{true, 0, (uint16_t)i.b}; return i.a == f.type; }
    return false;
  };
  const Ins& last = ins[n - 1];
  if (!Arith(last.op) || (last.a != kFloat32 && last.a != kFloat64)) return f;
  f.type = (uint8_t)last.a;
  bool ok;
  if (n == 3) {
    ok = leaf(ins[0], &f.a[0]) && leaf(ins[1], &f.a[1]);
    f.op1 = (uint8_t)last.op;
  } else if (Arith(ins[2].op) && ins[2].a == f.type) {  // a0 a1 op1 a2 op2
    ok = leaf(ins[0], &f.a[0]) && leaf(ins[1], &f.a[1]) && leaf(ins[3], &f.a[2]);
    f.op1 = (uint8_t)ins[2].op;
  } else if (Arith(ins[3].op) && ins[3].a == f.type) {  // a2 a0 a1 op1 op2
    ok = leaf(ins[0], &f.a[2]) && leaf(ins[1], &f.a[0]) && leaf(ins[2], &f.a[1]);
    f.op1 = (uint8_t)ins[3].op;
    f.chainRight = true;
  } else {
    ok = false;
  }
  if (!ok || (f.a[0].isConst && f.a[1].isConst)) return Fused{};
  f.op2 = n == 5 ? (uint8_t)last.op : 0;
  f.ops = n == 3 ? 1 : 2;
  return f;
}

}  // namespace

bool Validate(const uint8_t* code, int64_t len, int64_t nConsts, Program* out) {
  if (code == nullptr || len < 3 || code[0] != kFormatVersion || code[1] > kMaxProgramOperands) return false;
  Program p;
  p.code = code;
  p.len = len;
  p.nOperands = code[1];
  p.start = 2 + p.nOperands;
  if (len <= p.start) return false;
  for (int k = 0; k < p.nOperands; ++k) {
    if (!IsDType(code[2 + k])) return false;
    p.operandTypes[k] = code[2 + k];
  }
  uint8_t types[kMaxStack + 1];  // the dtype of every stack slot
  int sp = 0;
  int last = 0;
  for (int64_t pc = p.start; pc < len; ++pc) {
    int op = code[pc];
    OpInfo info = Info(op);
    if (info.pops < 0 || pc + OperandBytes(op) >= len) return false;
    last = op;
    if (op == kLoad) {
      int k = code[pc + 1];
      if (k >= p.nOperands || sp == kMaxStack) return false;
      p.loaded |= 1u << k;
      types[sp++] = p.operandTypes[k];
    } else if (op == kConst) {
      int t = code[pc + 1];
      if (!IsDType(t) || (code[pc + 2] | code[pc + 3] << 8) >= nConsts || sp == kMaxStack) return false;
      types[sp++] = (uint8_t)t;
    } else if (op == kCast) {
      int from = code[pc + 1], to = code[pc + 2];
      if (sp < 1 || !IsDType(from) || !IsDType(to) || types[sp - 1] != from) return false;
      types[sp - 1] = (uint8_t)to;
    } else {
      int t = code[pc + 1], pops = info.pops;
      if (t >= kTypeCodes || !((info.types >> t) & 1) || sp < pops) return false;
      for (int j = 0; j < pops; ++j) {
        int want = t;
        if (op == kWhere && j == 0) want = kBool;
        if (t == kMixedQQ) want = j == 0 ? kInt64 : kUInt64;
        if (t == kMixedQQR) want = j == 0 ? kUInt64 : kInt64;
        if (types[sp - pops + j] != want) return false;
      }
      sp -= pops;
      types[sp++] = (uint8_t)ResultType(op, t);
    }
    if (sp > p.stack) p.stack = sp;
    pc += OperandBytes(op);
  }
  if (sp != 1) return false;
  p.resultType = types[0];
  p.finalOp = last != kLoad && last != kConst;
  p.fused = Fusable(p);
  *out = p;
  return true;
}

int EvalBlock(const Program& p, const uint64_t* consts, const EvalOperand* ops, int n, const EvalOut& out,
              const void** result) {
  return kIsa.k.eval(p, consts, ops, n, out, ThreadScratch(p.stack), result);
}

int LaneSize(int dtype) { return dtype == kFloat16 ? 4 : ItemSize(dtype); }

void LoadLanes(int dtype, bool swap, const uint8_t* src, int64_t step, int n, void* lanes) {
  kIsa.k.load(dtype, swap, src, step, n, lanes);
}

void StoreLanes(int type, const void* lanes, int n, int dtype, bool swap, uint8_t* dst, int64_t step) {
  kIsa.k.store(type, lanes, n, dtype, swap, dst, step, ThreadScratch(0).Temp(0));
}

void IndexLanes(int64_t start, int64_t step, int n, int64_t* lanes) { kIsa.k.iota(start, step, n, lanes); }

const char* VmIsa() { return kIsa.name; }

}  // namespace ndmmap
