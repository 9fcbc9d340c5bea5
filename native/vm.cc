// The VM's entry points: program validation (type-checking every stack slot), the instruction set
// picked at load, and each thread's scratch memory.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "vm.h"
#include "vm_scratch.h"

namespace ndmmap {
namespace {

struct Isa {
  const char* name;
  VmKernels k;
};

Isa Pick() {
  __builtin_cpu_init();
  bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  // NDMMAP_ISA=baseline|avx2 forces a lower instruction set (tests compare them; never a higher one).
  const char* want = getenv("NDMMAP_ISA");
  if (want != nullptr && strcmp(want, "baseline") == 0) avx512 = avx2 = false;
  if (want != nullptr && strcmp(want, "avx2") == 0) avx512 = false;
  if (avx512) return {"avx512", avx512::VmTable()};
  if (avx2) return {"avx2", avx2::VmTable()};
  return {"baseline", baseline::VmTable()};
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
