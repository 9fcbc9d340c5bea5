// N-API glue of the embeddings kernels: embed() scores one block of rows (dot or search), topk()
// keeps the k best of a block of a reduction plan, mergeTopk() merges partial states. Every
// descriptor field is checked, and every block must lie inside its mapping, before a kernel runs.
#include <errno.h>
#include <napi.h>

#include <cmath>
#include <memory>

#include "core/dtype.h"
#include "embed/embed.h"
#include "glue/glue.h"
#include "vm/vm.h"

namespace ndmmap {
namespace {

int64_t Int(Napi::Env env, double d) { return DescInt(env, d, "ERR_OUT_OF_RANGE", "embed descriptor must hold integers"); }

// Raw bytes of a typed array argument.
uint8_t* Bytes(const Napi::CallbackInfo& info, size_t i, const char* what, size_t* length) {
  if (i >= info.Length() || !info[i].IsTypedArray())
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a typed array");
  // napi_get_typedarray_info gives the data pointer for SharedArrayBuffers too (TypedArray::ArrayBuffer() does not)
  napi_typedarray_type type;
  size_t n = 0, offset = 0;
  void* data = nullptr;
  napi_value ab;
  if (napi_get_typedarray_info(info.Env(), info[i], &type, &n, &data, &ab, &offset) != napi_ok)
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a typed array");
  *length = info[i].As<Napi::TypedArray>().ByteLength();
  return static_cast<uint8_t*>(data);
}

uint64_t* Words(const Napi::CallbackInfo& info, size_t i, const char* what, size_t* words) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_biguint64_array)
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a BigUint64Array");
  size_t bytes;
  uint8_t* p = Bytes(info, i, what, &bytes);
  *words = bytes / 8;
  return reinterpret_cast<uint64_t*>(p);
}

// desc::embed (filterId -1: none), then nLead lead lengths, nLead lead byte strides.
namespace E = desc::embed;
constexpr size_t kHead = E::kSize;

// embed(desc: Float64Array, queries: TypedArray, out: TypedArray, filterCode?: Uint8Array, filterConsts?: Float64Array)
// filterCode: a search's row filter as a VM program, bool, every operand the row index.
Napi::Value EmbedGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "descriptor");
  const double* d = da.Data();
  size_t len = da.ElementLength();
  if (len < kHead) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "embed descriptor is too short");
  EmbedArgs a;
  a.op = (int)Int(env, d[E::kOp]);
  a.mode = (int)Int(env, d[E::kMode]);
  a.metric = (int)Int(env, d[E::kMetric]);
  a.k = Int(env, d[E::kK]);
  a.Q = Int(env, d[E::kQ]);
  a.D = Int(env, d[E::kD]);
  a.rowStart = Int(env, d[E::kRowStart]);
  a.rowCount = Int(env, d[E::kRowCount]);
  a.slot = Int(env, d[E::kSlot]);
  a.outType = (int)Int(env, d[E::kOutType]);
  a.storeType = (int)Int(env, d[E::kStoreType]);
  a.aDtype = (int)Int(env, d[E::kADtype]);
  a.aSwap = d[E::kASwap] != 0;
  a.colStride = Int(env, d[E::kColStride]);
  int64_t nLead = Int(env, d[E::kNLead]);
  if (nLead < 0 || nLead >= kMaxDims || len != kHead + 2 * (size_t)nLead)
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "embed descriptor has the wrong length");
  a.nLead = (int)nLead;
  if ((a.op != kEmbedDot && a.op != kEmbedSearch) || (a.mode != kFloat32 && a.mode != kFloat64 && a.mode != kInt64) ||
      ItemSize(a.aDtype) == 0 || a.Q < 1 || a.Q > kMaxQueries || a.D < 0 || a.rowStart < 0 || a.rowCount < 0 || a.slot < 0)
    ThrowCode(env, "ERR_OUT_OF_RANGE", "bad embed arguments");
  int64_t shape[kMaxDims], strides[kMaxDims], rows = 1;
  for (int64_t k = 0; k < nLead; ++k) {
    shape[k] = a.leadShape[k] = Int(env, d[kHead + k]);
    strides[k] = a.leadStrides[k] = Int(env, d[kHead + nLead + k]);
    if (shape[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative dim");
    rows *= shape[k];
  }
  shape[nLead] = a.D;
  strides[nLead] = a.colStride;
  if (a.rowStart + a.rowCount > rows) ThrowCode(env, "ERR_OUT_OF_RANGE", "rows lie outside the array");
  size_t qBytes;
  a.queries = Bytes(info, 1, "queries", &qBytes);
  if ((int64_t)qBytes < a.Q * a.D * ItemSize(a.mode)) ThrowCode(env, "ERR_OUT_OF_RANGE", "queries are too short");
  if (a.op == kEmbedSearch) {
    if (a.k < 1 || a.metric < kMetricDot || a.metric > kMetricL2 || a.mode == kInt64)
      ThrowCode(env, "ERR_OUT_OF_RANGE", "bad search arguments");
    size_t words;
    a.state = Words(info, 2, "out", &words);
    if ((int64_t)words < (a.slot + 1) * a.Q * TopKSlotWords(a.k)) ThrowCode(env, "ERR_OUT_OF_RANGE", "out is too small");
  } else {
    if (ItemSize(a.outType) == 0 || ItemSize(a.storeType) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad out dtype");
    size_t bytes;
    a.out = Bytes(info, 2, "out", &bytes);
    if ((int64_t)bytes < (a.rowStart + a.rowCount) * a.Q * ItemSize(a.storeType))
      ThrowCode(env, "ERR_OUT_OF_RANGE", "out is too small");
  }
  Hold hold(env, Int(env, d[E::kAId]));
  a.a = Checked(env, hold.span, Int(env, d[E::kAPos]), (size_t)nLead + 1, shape, strides, ItemSize(a.aDtype));
  std::unique_ptr<Hold> filterHold;
  int64_t filterId = Int(env, d[E::kFilterId]);
  if (filterId >= 0) {
    a.filterDtype = (int)Int(env, d[E::kFilterDtype]);
    a.filterSwap = d[E::kFilterSwap] != 0;
    a.filterStride = Int(env, d[E::kFilterStride]);
    if (a.filterDtype != kBool) ThrowCode(env, "ERR_OUT_OF_RANGE", "the filter must be bool");
    filterHold.reset(new Hold(env, filterId));
    int64_t n = a.rowStart + a.rowCount;
    a.filter = Checked(env, filterHold->span, Int(env, d[E::kFilterPos]), 1, &n, &a.filterStride, 1);
  }
  Program filter;
  if (info.Length() > 3 && !info[3].IsUndefined() && !info[3].IsNull()) {
    if (a.op != kEmbedSearch || filterId >= 0 || !info[3].IsTypedArray() ||
        info[3].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
      ThrowCode(env, "ERR_INVALID_ARG_TYPE", "a filter program is a Uint8Array, for a search without a filter array");
    Napi::Uint8Array code = info[3].As<Napi::Uint8Array>();
    Napi::Float64Array consts = F64Arg(info, 4, "filter consts");
    bool ok = Validate(code.Data(), (int64_t)code.ElementLength(), (int64_t)consts.ElementLength(), &filter) &&
              filter.resultType == kBool;
    for (int k = 0; ok && k < filter.nOperands; ++k) ok = filter.operandTypes[k] == kInt64;
    if (!ok) ThrowCode(env, "ERR_NDMMAP_BAD_PROGRAM", "malformed filter program");
    a.filterProgram = &filter;
    a.filterConsts = reinterpret_cast<const uint64_t*>(consts.Data());
  }
  int status = Guarded(env, {&hold, filterHold.get()}, [&] { return Embed(a); });
  if (status == EDOM) ThrowCode(env, "ERR_NDMMAP_VALUE", "Integers to negative integer powers are not allowed.");
  if (status != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad embed arguments");
  return env.Undefined();
}

// [nOut, nRed, indexBase, outBase, id, dtype, swap, position, (nOut + nRed) x (length, mul, byte stride)]
namespace T = desc::topk;
constexpr size_t kTopKHead = T::kSize;

// topk(desc: Float64Array, out: BigUint64Array, k, largest)
Napi::Value TopKGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "descriptor");
  const double* d = da.Data();
  size_t len = da.ElementLength();
  if (len < kTopKHead) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "topk descriptor is too short");
  TopKArgs a;
  int64_t nOut = Int(env, d[T::kNOut]), nRed = Int(env, d[T::kNRed]);
  if (nOut < 0 || nRed < 0 || nOut + nRed > kMaxDims || len != kTopKHead + 3 * (size_t)(nOut + nRed))
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "topk descriptor has the wrong length");
  a.nOut = (int)nOut;
  a.nRed = (int)nRed;
  a.indexBase = Int(env, d[T::kIndexBase]);
  a.outBase = Int(env, d[T::kOutBase]);
  a.dtype = (int)Int(env, d[T::kDtype]);
  a.swap = d[T::kSwap] != 0;
  if (ItemSize(a.dtype) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad dtype");
  size_t words;
  a.out = Words(info, 1, "out", &words);
  a.k = (int64_t)U64(info, 2, "k");
  if (a.k < 1) ThrowCode(env, "ERR_OUT_OF_RANGE", "k must be positive");
  a.largest = info.Length() > 3 && info[3].ToBoolean().Value();
  int64_t maxPos = 0;
  bool empty = false;
  for (int64_t k = 0; k < nOut + nRed; ++k) {
    const double* e = d + kTopKHead + 3 * k;
    a.shape[k] = Int(env, e[0]);
    a.mul[k] = Int(env, e[1]);
    a.strides[k] = Int(env, e[2]);
    if (a.shape[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative dim");
    if (k < nOut) {
      if (a.mul[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative output step");
      if (a.shape[k] == 0) empty = true;
      else maxPos += (a.shape[k] - 1) * a.mul[k];
    }
  }
  if (!empty && (a.outBase < 0 || (a.outBase + maxPos + 1) * TopKSlotWords(a.k) > (int64_t)words))
    ThrowCode(env, "ERR_OUT_OF_RANGE", "out is too small");
  Hold hold(env, Int(env, d[T::kId]));
  a.data = Checked(env, hold.span, Int(env, d[T::kPosition]), (size_t)(nOut + nRed), a.shape, a.strides, ItemSize(a.dtype));
  int status = Guarded(env, {&hold}, [&] { return TopK(a); });
  if (status != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad topk arguments");
  return env.Undefined();
}

// mergeTopk(in: BigUint64Array, groups, k, out: BigUint64Array)
Napi::Value MergeGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t inWords, outWords;
  const uint64_t* in = Words(info, 0, "in", &inWords);
  int64_t groups = (int64_t)U64(info, 1, "groups"), k = (int64_t)U64(info, 2, "k");
  uint64_t* out = Words(info, 3, "out", &outWords);
  if (k < 1 || groups < 1) ThrowCode(env, "ERR_OUT_OF_RANGE", "k and groups must be positive");
  const int64_t W = TopKSlotWords(k);
  int64_t outCount = (int64_t)outWords / W;
  if ((int64_t)outWords != outCount * W || (int64_t)inWords != groups * outCount * W)
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "mergeTopk: sizes do not match");
  if (MergeTopK(in, groups, outCount, k, out) != 0) ThrowCode(env, "ERR_NDMMAP_PARTIAL", "a top-k state holds more than k candidates");
  return env.Undefined();
}

}  // namespace

Napi::Value EmbedCall(const Napi::CallbackInfo& info) { return EmbedGlue(info); }
Napi::Value TopKCall(const Napi::CallbackInfo& info) { return TopKGlue(info); }
Napi::Value MergeTopKCall(const Napi::CallbackInfo& info) { return MergeGlue(info); }

Napi::Object EmbedContract(Napi::Env env) {
  Napi::Object e = Napi::Object::New(env);
  e.Set("maxQueries", (double)kMaxQueries);
  e.Set("candWords", kCandWords);
  Napi::Object ops = Napi::Object::New(env);
  ops.Set("dot", (int)kEmbedDot);
  ops.Set("search", (int)kEmbedSearch);
  e.Set("ops", ops);
  Napi::Object metrics = Napi::Object::New(env);
  metrics.Set("dot", (int)kMetricDot);
  metrics.Set("cosine", (int)kMetricCosine);
  metrics.Set("l2", (int)kMetricL2);
  e.Set("metrics", metrics);
  return e;
}

}  // namespace ndmmap
