// N-API glue of the scan kernels (native/scan/): scan() runs one block, scanCarries() turns block
// totals into the running values the next blocks start from. Every descriptor field is checked
// before a kernel sees it.
#include <errno.h>
#include <napi.h>

#include <memory>

#include "core/dtype.h"
#include "glue/glue.h"
#include "scan/scan.h"

namespace ndmmap {
namespace {

namespace S = desc::scan;

int64_t Int(Napi::Env env, double d) { return DescInt(env, d, "ERR_OUT_OF_RANGE", "scan descriptor must hold integers"); }

// The uint64 words of a BigUint64Array argument (over an ArrayBuffer or a SharedArrayBuffer).
uint64_t* Words(const Napi::CallbackInfo& info, size_t i, size_t* count) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array)
    ThrowCode(env, "ERR_INVALID_ARG_TYPE", "scan slots must be a BigUint64Array");
  void* raw = nullptr;
  size_t length = 0;
  if (napi_get_typedarray_info(env, info[i], nullptr, &length, &raw, nullptr, nullptr) != napi_ok)
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "unreadable scan slots");
  *count = length;
  return static_cast<uint64_t*>(raw);
}

// scan(desc: Float64Array, slots?: BigUint64Array)
Napi::Value ScanGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "scan descriptor");
  const double* d = da.Data();
  size_t len = da.ElementLength();
  if (len < S::kSize) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "scan descriptor is too short");
  ScanArgs a;
  a.op = (int)Int(env, d[S::kOp]);
  a.acc = (int)Int(env, d[S::kAcc]);
  a.inType = (int)Int(env, d[S::kInDtype]);
  a.n = Int(env, d[S::kN]);
  int64_t nLines = Int(env, d[S::kNLines]);
  if (a.op < 0 || a.op >= kScanOpCount || ItemSize(a.acc) == 0 || ItemSize(a.inType) == 0 || a.n < 0)
    ThrowCode(env, "ERR_OUT_OF_RANGE", "bad scan op, dtype or length");
  if (nLines < 0 || nLines >= kMaxDims || len != S::kSize + 3 * (size_t)nLines)
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "scan descriptor has the wrong length");
  a.nLines = (int)nLines;
  // dims for the extent checks: the axis first, then the line dims
  int64_t shape[kMaxDims], inStrides[kMaxDims], outStrides[kMaxDims];
  shape[0] = a.n;
  inStrides[0] = a.inStep = Int(env, d[S::kInStep]);
  outStrides[0] = a.outStep = Int(env, d[S::kOutStep]);
  int64_t lines = 1;
  for (int64_t k = 0; k < nLines; ++k) {
    const double* e = d + S::kSize + 3 * k;
    a.shape[k] = shape[k + 1] = Int(env, e[0]);
    a.inStrides[k] = inStrides[k + 1] = Int(env, e[1]);
    a.outStrides[k] = outStrides[k + 1] = Int(env, e[2]);
    if (a.shape[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative dim");
    lines *= a.shape[k];
  }
  size_t ndim = (size_t)nLines + 1;
  a.inSwap = d[S::kInSwap] != 0;
  Hold in(env, Int(env, d[S::kInId]));
  a.in = Checked(env, in.span, Int(env, d[S::kInPos]), ndim, shape, inStrides, ItemSize(a.inType));
  std::unique_ptr<Hold> out;
  int64_t outId = Int(env, d[S::kOutId]);
  if (outId >= 0) {
    a.outType = (int)Int(env, d[S::kOutDtype]);
    a.outSwap = d[S::kOutSwap] != 0;
    if (ItemSize(a.outType) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad out dtype");
    out.reset(new Hold(env, outId));
    if (out->span.mode == kMapRead) ThrowCode(env, "ERR_NDMMAP_READONLY", "the target is read-only");
    a.out = Checked(env, out->span, Int(env, d[S::kOutPos]), ndim, shape, outStrides, ItemSize(a.outType));
  }
  int64_t carry = Int(env, d[S::kCarrySlot]), total = Int(env, d[S::kTotalSlot]);
  if (carry >= 0 || total >= 0) {
    size_t count = 0;
    uint64_t* slots = Words(info, 1, &count);
    if (carry >= (int64_t)count || total >= (int64_t)count || lines != 1)
      ThrowCode(env, "ERR_OUT_OF_RANGE", "bad scan slot");
    if (carry >= 0) a.carry = slots + carry;
    if (total >= 0) a.total = slots + total;
  }
  if (a.out == nullptr && a.total == nullptr) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "a scan block needs an out or a total slot");
  int status = Guarded(env, {&in, out.get()}, [&] { return Scan(a); });
  if (status != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad scan arguments");
  return env.Undefined();
}

// scanCarries(op, acc, slots: BigUint64Array, count)
Napi::Value ScanCarriesGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t op = I64(info, 0, "op"), acc = I64(info, 1, "acc");
  size_t have = 0;
  uint64_t* slots = Words(info, 2, &have);
  uint64_t count = U64(info, 3, "count");
  if (count > have || op < 0 || op >= kScanOpCount || ItemSize((int)acc) == 0 || acc != (int)acc)
    ThrowCode(env, "ERR_OUT_OF_RANGE", "bad scanCarries arguments");
  if (ScanCarries((int)op, (int)acc, slots, (int64_t)count) != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad scanCarries arguments");
  return env.Undefined();
}

}  // namespace

Napi::Value ScanCall(const Napi::CallbackInfo& info) { return ScanGlue(info); }
Napi::Value ScanCarriesCall(const Napi::CallbackInfo& info) { return ScanCarriesGlue(info); }

}  // namespace ndmmap
