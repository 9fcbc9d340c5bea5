// Picks the kernels' instruction set at load, and materialises the values kernels cannot read in place:
// byte-swapped data, float16, bool, `dtype=` casts, expressions and `where` masks, a run at a time.
#include "reduce/reduce.h"
#include "stats/dist.h"

#include <errno.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/cast.h"
#include "core/isa.h"
#include "core/dtype.h"
#include "vm/vm.h"

namespace ndmmap {

// One copy of the kernels per instruction set (reduce_isa.cc built three times).
#define NDM_ISA_DECL(ns)                                                                           \
  namespace ns {                                                                                   \
  FetchFn HalfFetch();                                                                             \
  FetchFn BoolFetch();                                                                             \
  int Run(const ReduceArgs& a, FetchFn fetch);                                                     \
  int Combine(int kernel, int valueType, const double* param, const double* in, int64_t groups,  \
              int64_t outCount, double* out);                                                      \
  }
NDM_ISA_DECL(baseline)
NDM_ISA_DECL(avx2)
NDM_ISA_DECL(avx512)
#undef NDM_ISA_DECL

namespace {

struct Isa {
  const char* name;
  FetchFn (*boolean)();
  FetchFn (*half)();
  int (*run)(const ReduceArgs&, FetchFn);
  int (*combine)(int, int, const double*, const double*, int64_t, int64_t, double*);
};

// The kernels of the instruction set core/isa.h chose (NDMMAP_ISA included).
Isa Choose() {
  return ByIsa(Isa{IsaName(kIsaBaseline), &baseline::BoolFetch, &baseline::HalfFetch, &baseline::Run, &baseline::Combine},
               Isa{IsaName(kIsaAvx2), &avx2::BoolFetch, &avx2::HalfFetch, &avx2::Run, &avx2::Combine},
               Isa{IsaName(kIsaAvx512), &avx512::BoolFetch, &avx512::HalfFetch, &avx512::Run, &avx512::Combine});
}

const Isa kIsa = Choose();

// Per-thread scratch on the heap: the module's TLS segment stays small (guard.cc has an initial-exec
// variable, so the whole segment must fit the static TLS reserve when the addon is dlopen'ed).
struct Scratch {
  std::vector<double> run = std::vector<double>(kScratchRun / 8);
  std::vector<double> rows = std::vector<double>(kScratchRows / 8);
  std::vector<double> accs = std::vector<double>(kScratchAccs / 8 + 8);
  std::vector<double> cols = std::vector<double>(kColArrays * kTileCols + 8);
  std::vector<uint8_t> typed = std::vector<uint8_t>(kScratchRun);
  std::vector<uint8_t> keep = std::vector<uint8_t>(kScratchRun / 8);
};

Scratch& ThreadScratch() {
  static thread_local Scratch s;
  return s;
}

// ------------------------------------------------------------------------------- conversions

// Convert n elements of dtype SD (byte step s) to dtype DD, as numpy's casting='unsafe' does.
template <int SD, bool Swap, int DD>
void ConvRun(const uint8_t* p, int64_t s, int64_t n, uint8_t* dst) {
  using SR = typename ToDouble<SD>::R;
  using DR = typename FromDouble<DD>::R;
  constexpr bool srcFloat = SD == kFloat16 || SD == kFloat32 || SD == kFloat64;
  constexpr bool dstFloat = DD == kFloat16 || DD == kFloat32 || DD == kFloat64;
  constexpr bool srcUnsigned = SD == kBool || SD == kUInt8 || SD == kUInt16 || SD == kUInt32 || SD == kUInt64;
  DR* out = reinterpret_cast<DR*>(dst);
  for (int64_t i = 0; i < n; ++i) {
    SR r = Load<SR, Swap>(p + i * s);
    DR v;
    if constexpr (DD == kBool) {
      v = (DR)(ToDouble<SD>::Do(r) != 0);
    } else if constexpr (srcFloat) {
      v = FromDouble<DD>::Do(ToDouble<SD>::Do(r));
    } else if constexpr (dstFloat && DD != kFloat64) {
      // int -> float32/float16 rounds once, from the integer itself
      if constexpr (DD == kFloat32) v = srcUnsigned ? (float)(uint64_t)ToInt<SD, uint64_t>::Do(r) : (float)ToInt<SD, int64_t>::Do(r);
      else v = FromDouble<DD>::Do(ToDouble<SD>::Do(r));  // every int that fits float16's range is exact in float64
    } else if constexpr (DD == kFloat64) {
      v = ToDouble<SD>::Do(r);
    } else {
      v = FromInt<DD, uint64_t>::Do(ToInt<SD, uint64_t>::Do(r));
    }
    std::memcpy(out + i, &v, sizeof(DR));
  }
}

using ConvRow = std::array<ConvFn, kDTypeCount>;
using AllTypes = std::make_integer_sequence<int, kDTypeCount>;

template <int SD, bool Swap, int... DDs>
constexpr ConvRow Row(std::integer_sequence<int, DDs...>) { return {{&ConvRun<SD, Swap, DDs>...}}; }

// Indexed [swap * kDTypeCount + source][destination].
template <int... SDs>
constexpr std::array<ConvRow, 2 * kDTypeCount> Table(std::integer_sequence<int, SDs...>) {
  return {{Row<SDs, false>(AllTypes{})..., Row<SDs, true>(AllTypes{})...}};
}
constexpr std::array<ConvRow, 2 * kDTypeCount> kConv = Table(AllTypes{});

}  // namespace

ConvFn Conversion(int sd, bool swap, int dd) {
  if (ItemSize(sd) == 0 || ItemSize(dd) == 0) return nullptr;
  return kConv[(swap ? kDTypeCount : 0) + sd][dd];
}

namespace {

// ------------------------------------------------------------------------------ expressions

// Set by Fetch when a program fails at run time (an integer to a negative power); Reduce reports it.
thread_local int vmStatus = kEvalOk;

// A program's values for n elements (operand k at pos[k], byte step step[k]) as dtype dd into dst,
// through the VM's EvalBlock a block at a time. Returns an EvalStatus.
int EvalRun(const Program& p, const uint64_t* consts, const ReduceArgs& a, const uint8_t* const* pos,
            const int64_t* step, int64_t n, int dd, uint8_t* dst) {
  EvalOperand ops[kMaxOperands];
  const int item = ItemSize(dd);
  for (int64_t b = 0; b < n; b += kBlock) {
    int m = (int)(n - b < kBlock ? n - b : kBlock);
    for (int k = 0; k < a.nOps; ++k)
      ops[k] = EvalOperand{kOperandMemory, a.ops[k].dtype, a.ops[k].swap, pos[k] + b * step[k], step[k], 0};
    const void* r;
    int s = EvalBlock(p, consts, ops, m, EvalOut{dst + b * item, dd, false, item}, &r);
    if (s != kEvalOk) return s;
  }
  return kEvalOk;
}

const uint64_t* Bits(const double* consts) { return reinterpret_cast<const uint64_t*>(consts); }

constexpr int64_t kMaxRun = kScratchRun / 8;

int64_t Fetch(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, void* dstv) {
  uint8_t* dst = static_cast<uint8_t*>(dstv);
  const int vt = a.valueType;
  if (n > kMaxRun) return 0;
  if (a.value != nullptr) {
    // The program computes in numpy's dtype of the expression (a.valueRound); its cast to the
    // kernel's value type is the only other rounding, as in numpy.
    int s = EvalRun(*a.value, Bits(a.valueConsts), a, pos, step, n, vt, dst);
    if (s != kEvalOk) { vmStatus = s; return 0; }
  } else Conversion(a.ops[0].dtype, a.ops[0].swap, vt)(pos[0], step[0], n, dst);
  if (a.mask == nullptr && a.maskOperand < 0) return n;
  uint8_t* keep = ThreadScratch().keep.data();
  if (a.mask != nullptr) {
    int s = EvalRun(*a.mask, Bits(a.maskConsts), a, pos, step, n, kBool, keep);
    if (s != kEvalOk) { vmStatus = s; return 0; }
  } else {
    const ReduceOperand& m = a.ops[a.maskOperand];
    Conversion(m.dtype, m.swap, kBool)(pos[a.maskOperand], step[a.maskOperand], n, keep);
  }
  const int item = ItemSize(vt);
  int64_t c = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (keep[i] == 0) continue;
    if (c != i) std::memmove(dst + c * item, dst + i * item, (size_t)item);
    ++c;
  }
  return c;
}

}  // namespace

uint8_t* ScratchRun() { return reinterpret_cast<uint8_t*>(ThreadScratch().run.data()); }
uint8_t* ScratchRows() { return reinterpret_cast<uint8_t*>(ThreadScratch().rows.data()); }
// 64-byte aligned: an accumulator slot is 64 bytes
uint8_t* ScratchAccs() {
  uintptr_t p = reinterpret_cast<uintptr_t>(ThreadScratch().accs.data());
  return reinterpret_cast<uint8_t*>((p + 63) & ~uintptr_t(63));
}
uint8_t* ScratchCols() {
  uintptr_t p = reinterpret_cast<uintptr_t>(ThreadScratch().cols.data());
  return reinterpret_cast<uint8_t*>((p + 63) & ~uintptr_t(63));
}

const char* KernelIsa() { return kIsa.name; }

int64_t FetchValues(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, void* dst) {
  return Fetch(a, pos, step, n, dst);
}

bool ConvertValues(int srcType, bool swap, int dstType, const uint8_t* p, int64_t step, int64_t n, uint8_t* dst) {
  ConvFn f = Conversion(srcType, swap, dstType);
  if (f == nullptr) return false;
  f(p, step, n, dst);
  return true;
}

// Kernels that read bool bytes as they are: they only ask whether a byte is zero, or which is the
// largest/smallest, and every non-zero byte is True.
static bool BoolAsBytes(int kernel) {
  return kernel == kern::kCountNonzero || kernel == kern::kMin || kernel == kern::kMax;
}

// Does every operand a program reads exist, with the dtype the program was compiled for?
static bool Fits(const Program& p, const ReduceArgs& a) {
  for (int k = 0; k < p.nOperands; ++k)
    if (((p.loaded >> k) & 1) && (k >= a.nOps || a.ops[k].dtype != p.operandTypes[k])) return false;
  return true;
}

int BeginPrograms(const ReduceArgs& a) {
  if ((a.value != nullptr && !Fits(*a.value, a)) || (a.mask != nullptr && !Fits(*a.mask, a))) return EINVAL;
  vmStatus = kEvalOk;
  return 0;
}

int EndPrograms() { return vmStatus == kEvalNegativePower ? EDOM : 0; }

// The value types kernels read in place; everything else is converted by Fetch.
static bool Direct(const ReduceArgs& a) {
  const ReduceOperand& x = a.ops[0];
  bool same = x.dtype == a.valueType ? x.dtype != kBool : x.dtype == kBool && a.valueType == kUInt8 && BoolAsBytes(a.kernel);
  return a.value == nullptr && a.mask == nullptr && a.maskOperand < 0 && !x.swap && same;
}

int Reduce(const ReduceArgs& a) {
  if (a.nOps < 1 || a.nOps > kMaxOperands || a.nOut < 0 || a.nRed < 0 || a.nOut + a.nRed > kMaxDims ||
      a.out == nullptr || a.kernel < 0 || a.kernel >= kKernelCount)
    return EINVAL;
  if (a.valueType == kBool || ItemSize(a.valueType) == 0) return EINVAL;
  for (int k = 0; k < a.nOps; ++k)
    if (ItemSize(a.ops[k].dtype) == 0) return EINVAL;
  if (a.maskOperand >= a.nOps || (a.valueRound >= 0 && ItemSize(a.valueRound) == 0)) return EINVAL;
  if (a.value == nullptr && Conversion(a.ops[0].dtype, a.ops[0].swap, a.valueType) == nullptr) return EINVAL;
  if ((a.value != nullptr && !Fits(*a.value, a)) || (a.mask != nullptr && !Fits(*a.mask, a))) return EINVAL;
  vmStatus = kEvalOk;
  int status;
  const ReduceOperand& x = a.ops[0];
  bool plain = a.value == nullptr && a.mask == nullptr && a.maskOperand < 0 && !x.swap;
  if (Direct(a)) status = kIsa.run(a, nullptr);
  else if (plain && x.dtype == kFloat16 && a.valueType == kFloat32) status = kIsa.run(a, kIsa.half());
  else if (plain && x.dtype == kBool && a.valueType == kUInt8) status = kIsa.run(a, kIsa.boolean());
  else status = kIsa.run(a, &Fetch);
  if (status == 0 && vmStatus == kEvalNegativePower) return EDOM;
  return status;
}

int Store(const uint8_t* src, int srcType, int ndim, const int64_t* shape, uint8_t* dst, int dstType, bool dstSwap,
          const int64_t* dstStrides) {
  if (ItemSize(srcType) == 0 || ItemSize(dstType) == 0 || ndim < 0 || ndim > kMaxDims) return EINVAL;
  for (int d = 0; d < ndim; ++d) if (shape[d] <= 0) return shape[d] == 0 ? 0 : EINVAL;
  const int si = ItemSize(srcType), di = ItemSize(dstType);
  ConvFn conv = Conversion(srcType, false, dstType);
  const int64_t inner = ndim > 0 ? shape[ndim - 1] : 1;
  const int64_t ds = ndim > 0 ? dstStrides[ndim - 1] : di;
  std::vector<uint8_t> tmp((size_t)(inner < 8192 ? inner : 8192) * di);
  int64_t idx[kMaxDims] = {};
  uint8_t* row = dst;
  for (;;) {
    for (int64_t j0 = 0; j0 < inner; j0 += 8192) {
      int64_t m = inner - j0 < 8192 ? inner - j0 : 8192;
      conv(src, si, m, tmp.data());
      src += m * si;
      for (int64_t j = 0; j < m; ++j) {
        uint8_t* q = row + (j0 + j) * ds;
        if (dstSwap) for (int b = 0; b < di; ++b) q[b] = tmp[j * di + di - 1 - b];
        else std::memcpy(q, tmp.data() + j * di, (size_t)di);
      }
    }
    int d = ndim - 2;
    for (; d >= 0; --d) {
      if (++idx[d] < shape[d]) { row += dstStrides[d]; break; }
      row -= dstStrides[d] * (shape[d] - 1);
      idx[d] = 0;
    }
    if (d < 0) return 0;
  }
}

int Combine(int kernel, int valueType, const double* param, const double* in, int64_t groups, int64_t outCount,
            double* out) {
  if (groups < 1 || outCount < 0) return EINVAL;
  return kIsa.combine(kernel, valueType, param, in, groups, outCount, out);
}

}  // namespace ndmmap
