// N-API glue of the reduction kernels: reduce() runs one block, combine() merges groups of partial
// states. Every descriptor field is checked before a kernel sees it.
#include <errno.h>
#include <napi.h>

#include <cmath>
#include <memory>

#include "core/dtype.h"
#include "glue/glue.h"
#include "reduce/reduce.h"
#include "vm/vm.h"

namespace ndmmap {
namespace {

// Descriptor of one block (src/engine/execute.cts reduceDescriptor() writes it): desc::reduce, then
// nOps x desc::reduceOperand, then (nOut + nRed) x (length, multiplier, nOps x byte stride).
namespace R = desc::reduce;
namespace RO = desc::reduceOperand;
constexpr size_t kHead = R::kSize;
constexpr size_t kOperandFields = RO::kSize;
// Operand ids at or below this name buffers: kBuffer0 - b is buffers[b] (as apply's descriptor).
constexpr int64_t kBuffer0 = -3;

int64_t Int(Napi::Env env, double d) { return DescInt(env, d, "ERR_OUT_OF_RANGE", "reduce descriptor must hold integers"); }

// A program argument (Uint8Array code + Float64Array consts) or undefined/null.
bool ProgramArg(const Napi::CallbackInfo& info, size_t i, Program* prog, const double** consts, int64_t* nConsts) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return false;
  Napi::Env env = info.Env();
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    ThrowCode(env, "ERR_INVALID_ARG_TYPE", "a program must be a Uint8Array");
  Napi::Float64Array c = F64Arg(info, i + 1, "program constants");
  Napi::Uint8Array code = info[i].As<Napi::Uint8Array>();
  if (!Validate(code.Data(), (int64_t)code.ElementLength(), (int64_t)c.ElementLength(), prog))
    ThrowCode(env, "ERR_NDMMAP_BAD_PROGRAM", "malformed expression program");
  *consts = c.Data();
  *nConsts = (int64_t)c.ElementLength();
  return true;
}

// An operand in JS memory: buffers[b] of info[buffersArg] (an array of typed arrays), its block at byte
// `pos`, which must lie inside it.
const uint8_t* BufferOperand(const Napi::CallbackInfo& info, size_t buffersArg, int64_t b, int64_t pos, size_t ndim,
                             const int64_t* shape, const int64_t* strides, int64_t item) {
  Napi::Env env = info.Env();
  Napi::Value arr = buffersArg < info.Length() && info[buffersArg].IsArray() ? info[buffersArg].As<Napi::Array>().Get((uint32_t)b)
                                                                             : env.Undefined();
  if (!arr.IsTypedArray()) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "reduce descriptor: buffer " + std::to_string(b) + " is missing");
  // napi_get_typedarray_info gives the memory of SharedArrayBuffer views too
  void* raw = nullptr;
  size_t length = 0;
  if (napi_get_typedarray_info(env, arr, nullptr, nullptr, &raw, nullptr, nullptr) != napi_ok)
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "reduce descriptor: unreadable buffer");
  length = arr.As<Napi::TypedArray>().ByteLength();
  int64_t lo, hi;
  if (Extent(ndim, shape, strides, item, &lo, &hi) && (pos + lo < 0 || pos + hi > (int64_t)length))
    ThrowCode(env, "ERR_OUT_OF_RANGE", "block lies outside the buffer");
  return static_cast<const uint8_t*>(raw) + pos;
}

}  // namespace

// Parse a block descriptor (info[descArg]) and its programs (info[progArg..progArg + 3]) into b: every
// field checked, every operand's block inside its mapping (or buffer: an operand id kBuffer0 - b names
// buffers[b] of info[buffersArg]), the mappings held. *maxPos: the largest output offset the block
// writes (relative to outBase), *count: its outputs.
void ParseBlock(const Napi::CallbackInfo& info, size_t descArg, size_t progArg, BlockArgs& b, int64_t* maxPos,
                int64_t* count, size_t buffersArg) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, descArg, "descriptor");
  const double* d = da.Data();
  size_t len = da.ElementLength();
  if (len < kHead) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "reduce descriptor is too short");
  ReduceArgs& a = b.a;
  a.kernel = (int)Int(env, d[R::kKernel]);
  a.valueType = (int)Int(env, d[R::kValueType]);
  int64_t nOps = Int(env, d[R::kNOps]), nOut = Int(env, d[R::kNOut]), nRed = Int(env, d[R::kNRed]);
  if (a.kernel < 0 || a.kernel >= kKernelCount || ItemSize(a.valueType) == 0)
    ThrowCode(env, "ERR_OUT_OF_RANGE", "bad kernel or value type");
  if (nOps < 1 || nOps > kMaxOperands || nOut < 0 || nRed < 0 || nOut + nRed > kMaxDims ||
      len != kHead + kOperandFields * (size_t)nOps + (size_t)(nOut + nRed) * (2 + (size_t)nOps))
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "reduce descriptor has the wrong length");
  a.nOps = (int)nOps;
  a.nOut = (int)nOut;
  a.nRed = (int)nRed;
  a.indexBase = Int(env, d[R::kIndexBase]);
  a.outBase = Int(env, d[R::kOutBase]);
  int64_t maskOp = Int(env, d[R::kMaskOperand]);
  if (maskOp < -1 || maskOp >= nOps) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad mask operand");
  a.maskOperand = (int)maskOp;
  a.param[0] = d[R::kParam0];
  a.param[1] = d[R::kParam1];
  a.valueRound = (int)Int(env, d[R::kValueRound]);
  if (a.valueRound != -1 && ItemSize(a.valueRound) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad value dtype");
  const double* dims = d + kHead + kOperandFields * nOps;
  int64_t ndim = nOut + nRed;
  *maxPos = 0;
  *count = 1;
  for (int64_t k = 0; k < ndim; ++k) {
    const double* e = dims + k * (2 + nOps);
    a.shape[k] = Int(env, e[0]);
    a.mul[k] = Int(env, e[1]);
    if (a.shape[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative dim");
    for (int64_t o = 0; o < nOps; ++o) a.strides[o][k] = Int(env, e[2 + o]);
    if (k < nOut) {
      if (a.mul[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative output step");
      *count *= a.shape[k];
      if (a.shape[k] > 0) *maxPos += (a.shape[k] - 1) * a.mul[k];
    }
  }
  // Every operand's block must lie inside its mapping; the holds keep the mappings alive for the call.
  for (int64_t o = 0; o < nOps; ++o) {
    const double* f = d + kHead + kOperandFields * o;
    int dt = (int)Int(env, f[RO::kDtype]);
    if (ItemSize(dt) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad operand dtype");
    int64_t id = Int(env, f[RO::kId]);
    a.ops[o].dtype = dt;
    a.ops[o].swap = f[RO::kSwap] != 0;
    if (id <= kBuffer0) {
      a.ops[o].data = BufferOperand(info, buffersArg, kBuffer0 - id, Int(env, f[RO::kPosition]), (size_t)ndim, a.shape, a.strides[o], ItemSize(dt));
      continue;
    }
    b.holds[o].reset(new Hold(env, id));
    a.ops[o].data = Checked(env, b.holds[o]->span, Int(env, f[RO::kPosition]), (size_t)ndim, a.shape, a.strides[o], ItemSize(dt));
  }
  if (ProgramArg(info, progArg, &b.value, &a.valueConsts, &a.valueConstCount)) a.value = &b.value;
  if (ProgramArg(info, progArg + 2, &b.mask, &a.maskConsts, &a.maskConstCount)) a.mask = &b.mask;
}

namespace {

// reduce(desc: Float64Array, out: Float64Array, value?: Uint8Array, valueConsts?, mask?: Uint8Array, maskConsts?,
//        buffers?: TypedArray[])
Napi::Value ReduceGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BlockArgs b;
  int64_t maxPos, count;
  Napi::Float64Array out = F64Arg(info, 1, "out");
  ParseBlock(info, 0, 2, b, &maxPos, &count, 6);
  ReduceArgs& a = b.a;
  const int S = kKernelState[a.kernel];
  int64_t outLen = (int64_t)out.ElementLength();
  if (count > 0 && (a.outBase < 0 || (a.outBase + maxPos + 1) * S > outLen))
    ThrowCode(env, "ERR_OUT_OF_RANGE", "out is too small");
  a.out = out.Data();
  a.outCount = outLen / S;
  int status = b.Run(env, [&] { return Reduce(a); });
  if (status == EDOM) ThrowCode(env, "ERR_NDMMAP_VALUE", "Integers to negative integer powers are not allowed.");
  if (status != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad reduction arguments");
  return env.Undefined();
}

// combine(kernel, valueType, param: Float64Array(2), in: Float64Array, groups, out: Float64Array)
Napi::Value CombineGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t kernel = I64(info, 0, "kernel"), vt = I64(info, 1, "valueType");
  if (kernel < 0 || kernel >= kKernelCount || ItemSize((int)vt) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad kernel or value type");
  Napi::Float64Array param = F64Arg(info, 2, "param");
  Napi::Float64Array in = F64Arg(info, 3, "in");
  int64_t groups = (int64_t)U64(info, 4, "groups");
  Napi::Float64Array out = F64Arg(info, 5, "out");
  const int S = kKernelState[kernel];
  int64_t outCount = (int64_t)out.ElementLength() / S;
  if (param.ElementLength() != 2 || groups < 1 || (int64_t)out.ElementLength() != outCount * S ||
      (int64_t)in.ElementLength() != groups * outCount * S)
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "combine: sizes do not match");
  if (Combine((int)kernel, (int)vt, param.Data(), in.Data(), groups, outCount, out.Data()) != 0)
    ThrowCode(env, "ERR_OUT_OF_RANGE", "bad kernel or value type");
  return env.Undefined();
}

// put(src: TypedArray, srcType, shape: Float64Array, out: Float64Array [id, dtype, swap, position, ...strides]):
// a result array into an `out` MemMap, natively.
Napi::Value PutGlue(const Napi::CallbackInfo& info) {
  namespace P = desc::put;
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[P::kId].IsTypedArray()) ThrowCode(env, "ERR_INVALID_ARG_TYPE", "put(src, srcType, shape, out)");
  Napi::TypedArray src = info[P::kId].As<Napi::TypedArray>();
  int srcType = (int)U64(info, 1, "srcType");
  if (ItemSize(srcType) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad source dtype");
  std::vector<int64_t> shape = Ints(info, 2, "shape");
  std::vector<int64_t> o = Ints(info, 3, "out", P::kSize);
  if (o.size() != P::kSize + shape.size()) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "out has the wrong rank");
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative dim");
    n *= d;
  }
  if ((int64_t)src.ByteLength() < n * ItemSize(srcType)) ThrowCode(env, "ERR_OUT_OF_RANGE", "source is too short");
  int dt = (int)o[P::kDtype];
  if (ItemSize(dt) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad out dtype");
  Hold hold(env, o[P::kId]);
  if (hold.span.mode == kMapRead) ThrowCode(env, "ERR_NDMMAP_READONLY", "the target is read-only");
  uint8_t* dst = Checked(env, hold.span, o[P::kPosition], shape.size(), shape.data(), o.data() + P::kSize, ItemSize(dt));
  const uint8_t* from = static_cast<const uint8_t*>(src.ArrayBuffer().Data()) + src.ByteOffset();
  int status = Guarded(env, {&hold}, [&] {
    return Store(from, srcType, (int)shape.size(), shape.data(), dst, dt, o[P::kSwap] != 0, o.data() + P::kSize);
  });
  if (status != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad put arguments");
  return env.Undefined();
}

}  // namespace

Napi::Value PutCall(const Napi::CallbackInfo& info) { return PutGlue(info); }

Napi::Value ReduceCall(const Napi::CallbackInfo& info) { return ReduceGlue(info); }
Napi::Value CombineCall(const Napi::CallbackInfo& info) { return CombineGlue(info); }

// The kernels' names and state sizes, for src/native.ts to check against the reduction registry.
Napi::Array KernelTable(Napi::Env env) {
  static const char* names[] = {
#define NDM_NAME(id, name, size) name,
      NDM_KERNELS(NDM_NAME)
#undef NDM_NAME
  };
  Napi::Array t = Napi::Array::New(env, kKernelCount);
  for (int k = 0; k < kKernelCount; ++k) {
    Napi::Object e = Napi::Object::New(env);
    e.Set("name", names[k]);
    e.Set("id", k);
    e.Set("state", kKernelState[k]);
    t.Set((uint32_t)k, e);
  }
  return t;
}

}  // namespace ndmmap
