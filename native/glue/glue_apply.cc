// N-API glue of the apply kernel: the block descriptor and the program are checked before the kernel
// sees them, every operand's extent against its mapping or buffer, and faults on the mappings become
// errors (guard.h).
#include <errno.h>
#include <napi.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "vm/apply.h"
#include "core/dtype.h"
#include "glue/glue.h"

namespace ndmmap {
namespace {

// Descriptor: [ndim, nOps, shape(ndim), out(kFields + ndim), nOps x operand(kFields + ndim)], an
// operand being [source, dtype, swap, position, strides(ndim)]. source: a mapping id (>= 0), kAbsent,
// kIndex (position: the value at [0, ..., 0]; strides: its step per dim), or kBuffer0 - b for
// buffers[b] (position: a byte offset into it; the output too may be a buffer).
constexpr int64_t kAbsent = -1, kIndex = -2, kBuffer0 = -3;
constexpr size_t kFields = desc::applyOperand::kSize;
// Index values stay far from int64 overflow (start + i * step is computed in int64).
constexpr double kMaxIndex = 4611686018427387904.0;  // 2^62

[[noreturn]] void Bad(Napi::Env env, const std::string& msg) { ThrowCode(env, "ERR_INVALID_ARG_VALUE", "apply descriptor: " + msg); }

int64_t Int(Napi::Env env, double d) {
  return DescInt(env, d, "ERR_INVALID_ARG_VALUE", "apply descriptor: fields must be integers");
}

struct Parsed {
  std::vector<int64_t> shape;
  std::vector<std::vector<int64_t>> strides;  // per operand, then out last
  std::vector<ApplyOperand> ops;
  ApplyOperand out;
  std::vector<std::unique_ptr<Hold>> holds;
  uint8_t* outLo = nullptr;  // the mapped output's bytes [outLo, outLo + outBytes) when they are dense
  uint64_t outBytes = 0;
};

// Operand k's fields at f; `buffers` is the call's 4th argument.
void ReadOperand(const Napi::CallbackInfo& info, const double* f, Parsed& P, size_t slot, bool isOut, ApplyOperand* o) {
  Napi::Env env = info.Env();
  size_t nd = P.shape.size();
  int64_t source = Int(env, f[desc::applyOperand::kId]), dtype = Int(env, f[desc::applyOperand::kDtype]), pos = Int(env, f[desc::applyOperand::kPosition]);
  if (ItemSize((int)dtype) == 0) Bad(env, "bad dtype");
  std::vector<int64_t>& s = P.strides[slot];
  for (size_t d = 0; d < nd; ++d) s[d] = Int(env, f[kFields + d]);
  o->dtype = (int)dtype;
  o->swap = f[desc::applyOperand::kSwap] != 0;
  o->strides = s.data();
  if (source == kAbsent) {
    if (isOut) Bad(env, "apply needs an output");
    return;
  }
  if (source == kIndex) {
    if (isOut || dtype != kInt64) Bad(env, "an index operand is int64 and read-only");
    double reach = std::fabs((double)pos);
    for (size_t d = 0; d < nd; ++d) reach += std::fabs((double)s[d]) * (double)(P.shape[d] > 0 ? P.shape[d] - 1 : 0);
    if (!(reach < kMaxIndex)) ThrowCode(env, "ERR_OUT_OF_RANGE", "apply descriptor: index values out of range");
    o->kind = kOperandIndex;
    o->start = pos;
    return;
  }
  int64_t lo = 0, hi = 0;
  bool any = Extent(nd, P.shape.data(), s.data(), ItemSize((int)dtype), &lo, &hi);
  o->kind = kOperandMemory;
  if (source >= 0) {
    P.holds.emplace_back(new Hold(env, source));
    const Hold& h = *P.holds.back();
    if (isOut && h.span.mode == kMapRead) ThrowCode(env, "ERR_NDMMAP_READONLY", "the target is read-only");
    o->data = Checked(env, h.span, pos, nd, P.shape.data(), s.data(), ItemSize((int)dtype));
    if (isOut && any) {
      // a dense block of the output (not a sparse strided view): prefaulted before the write
      double count = 1;
      for (size_t d = 0; d < nd; ++d) count *= (double)P.shape[d];
      if ((double)(hi - lo) <= 2 * count * (double)ItemSize((int)dtype)) {
        P.outLo = const_cast<uint8_t*>(o->data) + lo;  // the output operand: a writable mapping
        P.outBytes = (uint64_t)(hi - lo);
      }
    }
    return;
  }
  // an output buffer: a numpy scalar result evaluated once into JS memory (src/engine/scalar-result.ts)
  int64_t b = kBuffer0 - source;
  Napi::Value arr = info.Length() > 3 && info[3].IsArray() ? info[3].As<Napi::Array>().Get((uint32_t)b) : env.Undefined();
  if (!arr.IsTypedArray()) Bad(env, "buffer " + std::to_string(b) + " is missing");
  // napi_get_typedarray_info gives the view's memory for SharedArrayBuffers too (Napi::ArrayBuffer
  // does not: a SharedArrayBuffer is not an ArrayBuffer to N-API).
  Napi::TypedArray t = arr.As<Napi::TypedArray>();
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, t, nullptr, nullptr, &raw, nullptr, nullptr) != napi_ok) Bad(env, "unreadable buffer");
  uint8_t* data = static_cast<uint8_t*>(raw);
  if (any && (pos + lo < 0 || pos + hi > (int64_t)t.ByteLength())) ThrowCode(env, "ERR_OUT_OF_RANGE", "block lies outside the buffer");
  o->data = data + pos;
}

// apply(code: Uint8Array, consts: Float64Array, desc: Float64Array, buffers?: TypedArray[], dry?: boolean)
// dry: evaluate every element and write nothing (the read-only pass before a write that may fail).
Napi::Value ApplyGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    ThrowCode(env, "ERR_INVALID_ARG_TYPE", "apply(code, consts, descriptor, buffers)");
  Napi::Uint8Array code = info[0].As<Napi::Uint8Array>();
  Napi::Float64Array consts = F64Arg(info, 1, "consts");
  Napi::Float64Array desc = F64Arg(info, 2, "descriptor");
  const double* d = desc.Data();
  size_t len = desc.ElementLength();
  if (len < desc::apply::kSize) Bad(env, "too short");
  int64_t ndim = Int(env, d[desc::apply::kNdim]), nOps = Int(env, d[desc::apply::kNOps]);
  if (ndim < 0 || ndim > kMaxDims || nOps < 0 || nOps > kMaxProgramOperands) Bad(env, "bad rank or operand count");
  size_t per = kFields + (size_t)ndim;
  if (len != desc::apply::kSize + (size_t)ndim + (1 + (size_t)nOps) * per) Bad(env, "wrong length");
  Program prog;
  if (!Validate(code.Data(), (int64_t)code.ElementLength(), (int64_t)consts.ElementLength(), &prog) || prog.nOperands != nOps)
    ThrowCode(env, "ERR_NDMMAP_BAD_PROGRAM", "malformed expression program");
  Parsed P;
  P.shape.resize((size_t)ndim);
  for (int64_t k = 0; k < ndim; ++k) {
    P.shape[k] = Int(env, d[desc::apply::kSize + k]);
    if (P.shape[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative dim");
  }
  P.strides.assign((size_t)nOps + 1, std::vector<int64_t>((size_t)ndim));
  P.ops.resize((size_t)nOps);
  const double* f = d + desc::apply::kSize + ndim;
  ReadOperand(info, f, P, (size_t)nOps, true, &P.out);
  for (int64_t k = 0; k < nOps; ++k) ReadOperand(info, f + (1 + k) * per, P, (size_t)k, false, &P.ops[k]);
  std::vector<const Hold*> held;
  for (const auto& h : P.holds) held.push_back(h.get());
  bool dry = info.Length() > 4 && info[4].IsBoolean() && info[4].As<Napi::Boolean>().Value();
  // the block's output pages made writable in one call, not a fault per page (core/registry.h): the
  // pool's threads otherwise spend most of a write to a fresh or just-opened file faulting
  if (!dry && P.outBytes >= (uint64_t(64) << 10)) PrefaultWrite(P.outLo, P.outBytes);
  int err = GuardedAll(env, held, [&] {
    return Apply(prog, reinterpret_cast<const uint64_t*>(consts.Data()), (int)ndim, P.shape.data(), P.ops.data(),
                 (int)nOps, P.out, dry);
  });
  if (err == kEvalNegativePower) ThrowCode(env, "ERR_NDMMAP_VALUE", "Integers to negative integer powers are not allowed.");
  if (err) ThrowCode(env, "ERR_NDMMAP_BAD_PROGRAM", "the expression program does not match its operands");
  return env.Undefined();
}

}  // namespace

Napi::Value ApplyCall(const Napi::CallbackInfo& info) { return ApplyGlue(info); }

}  // namespace ndmmap
