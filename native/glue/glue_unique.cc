// N-API glue of unique(), isin() and searchsorted() (order/lookup.h). Every argument is checked here:
// a block's flat indices inside [0, total), outputs long enough, mapped outputs writable and inside
// their mapping, the sorted side and the sorter inside theirs, before a kernel runs.
#include <cerrno>
#include <napi.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "core/dtype.h"
#include "gen/contract.h"
#include "glue/glue.h"
#include "order/lookup.h"

namespace ndmmap {
namespace {

// A typed array argument of one type: its data and element count.
template <class T>
T* Typed(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type want, const char* what, int64_t* n) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsTypedArray()) ThrowCode(env, "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a typed array");
  napi_typedarray_type t;
  size_t len;
  void* data;
  if (napi_get_typedarray_info(env, info[i], &t, &len, &data, nullptr, nullptr) != napi_ok || t != want)
    ThrowCode(env, "ERR_INVALID_ARG_TYPE", std::string(what) + " has the wrong element type");
  *n = (int64_t)len;
  return static_cast<T*>(data);
}

// An argument position past every call's arguments: passes never carry value or mask programs.
constexpr size_t kNoPrograms = 64;

int Kind(const Napi::CallbackInfo& info, size_t i) {
  int64_t k = I64(info, i, "kind");
  if (k < 0 || k > lookup::kKindNat) ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", "bad key kind");
  return (int)k;
}

// The parsed block of a pass: one operand, every dim reduced, values fetched as the kind's type, and
// its flat indices inside [0, total).
void ParsePass(const Napi::CallbackInfo& info, BlockArgs& b, int kind, int64_t total, size_t buffersArg) {
  int64_t maxPos, count;
  ParseBlock(info, 0, kNoPrograms, b, &maxPos, &count, buffersArg);
  ReduceArgs& a = b.a;
  const int want = lookup::KindType(kind);
  if (a.nOps != 1 || a.nOut != 0 || a.valueType != want || a.maskOperand >= 0)
    ThrowCode(info.Env(), "ERR_INVALID_ARG_VALUE", "order pass: one operand, every dim reduced, the kind's value type");
  int64_t lo = a.indexBase, hi = a.indexBase;
  for (int d = 0; d < a.nRed; ++d) {
    if (a.shape[d] == 0) return;
    int64_t span = (a.shape[d] - 1) * a.mul[d];
    if (span < 0) lo += span; else hi += span;
  }
  if (lo < 0 || hi >= total) ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", "block indices outside the output");
}

// An output of `total` elements of `item` bytes: a typed array of that type, or a mapped C-contiguous
// array given as an orderOut descriptor (Float64Array) (held while the kernel runs).
void* OutArg(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type type, int64_t item, int64_t total,
             std::unique_ptr<Hold>& hold) {
  Napi::Env env = info.Env();
  if (i < info.Length() && info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == napi_float64_array) {
    Napi::Float64Array r = info[i].As<Napi::Float64Array>();
    namespace O = desc::orderOut;
    if (r.ElementLength() != O::kSize) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "a mapped output is an orderOut descriptor");
    int64_t id = DescInt(env, r[O::kId], "ERR_OUT_OF_RANGE", "bad mapping id");
    int64_t pos = DescInt(env, r[O::kPosition], "ERR_OUT_OF_RANGE", "bad position");
    hold.reset(new Hold(env, id));
    if (hold->span.mode == kMapRead) ThrowCode(env, "ERR_NDMMAP_READONLY", "the output memmap is read-only");
    uint8_t* p = pos < 0 ? nullptr : hold->span.At((uint64_t)pos, (uint64_t)(total * item));
    if (p == nullptr) ThrowCode(env, "ERR_OUT_OF_RANGE", "output outside its mapping");
    return p;
  }
  int64_t n;
  void* p = Typed<void>(info, i, type, "out", &n);
  if (n < total) ThrowCode(env, "ERR_OUT_OF_RANGE", "out is too small");
  return p;
}

template <class F>
int Run(Napi::Env env, BlockArgs& b, const Hold* out, const Hold* more, F kernel) {
  return Guarded(env, {b.holds[0].get(), out, more}, std::move(kernel));
}

// uniqueHash(desc, kind, callId, bound, needFirst: 0 | 1, buffers?): 0, or 1 once the call's table holds
// more than bound values.
Napi::Value HashGlue(const Napi::CallbackInfo& info) {
  BlockArgs b;
  int kind = Kind(info, 1);
  ParsePass(info, b, kind, INT64_MAX, 5);
  uint64_t id = U64(info, 2, "callId");
  int64_t bound = (int64_t)U64(info, 3, "bound");
  uint64_t needFirst = U64(info, 4, "needFirst");
  if (needFirst > 1) ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", "needFirst must be 0 or 1");
  int s = Run(info.Env(), b, nullptr, nullptr, [&] { return lookup::HashBlock(b.a, kind, id, bound, needFirst == 1); });
  return Napi::Number::New(info.Env(), s == 0 ? 0 : 1);
}

// uniqueFinish(callId, keys: BigUint64Array, counts: BigInt64Array, first: BigInt64Array): the number of
// values (written when the arrays hold them all), or -1 (no such call) / -2 (it overflowed).
Napi::Value FinishGlue(const Napi::CallbackInfo& info) {
  uint64_t id = U64(info, 0, "callId");
  int64_t nk, nc, nf;
  uint64_t* k = Typed<uint64_t>(info, 1, napi_biguint64_array, "keys", &nk);
  int64_t* c = Typed<int64_t>(info, 2, napi_bigint64_array, "counts", &nc);
  int64_t* f = Typed<int64_t>(info, 3, napi_bigint64_array, "first", &nf);
  int64_t cap = std::min(nk, std::min(nc, nf));
  return Napi::Number::New(info.Env(), (double)lookup::HashFinish(id, k, c, f, cap));
}

// uniqueInverse(desc, kind, callId, out: BigInt64Array | orderOut, total, buffers?)
Napi::Value InverseGlue(const Napi::CallbackInfo& info) {
  BlockArgs b;
  int kind = Kind(info, 1);
  int64_t total = (int64_t)U64(info, 4, "total");
  ParsePass(info, b, kind, total, 5);
  uint64_t id = U64(info, 2, "callId");
  std::unique_ptr<Hold> h;
  int64_t* out = static_cast<int64_t*>(OutArg(info, 3, napi_bigint64_array, 8, total, h));
  int s = Run(info.Env(), b, h.get(), nullptr, [&] { return lookup::InverseBlock(b.a, kind, id, out, total); });
  if (s != 0) ThrowCode(info.Env(), "ERR_NDMMAP_VALUE", "unique: a value changed between the passes (the file was modified)");
  return info.Env().Undefined();
}

Napi::Value DropGlue(const Napi::CallbackInfo& info) {
  lookup::HashDrop(U64(info, 0, "callId"));
  return info.Env().Undefined();
}

// uniqueGather(desc, kind, keys: BigUint64Array, buffers?)
Napi::Value GatherGlue(const Napi::CallbackInfo& info) {
  BlockArgs b;
  int kind = Kind(info, 1);
  int64_t n;
  uint64_t* keys = Typed<uint64_t>(info, 2, napi_biguint64_array, "keys", &n);
  ParsePass(info, b, kind, n, 3);
  int s = Run(info.Env(), b, nullptr, nullptr, [&] { return lookup::GatherBlock(b.a, kind, keys, n); });
  if (s != 0) ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", "block indices outside the keys");
  return info.Env().Undefined();
}

// uniqueSort(keys, idx: BigUint64Array, tmp: BigUint64Array (2n), counts: BigInt64Array, inv: BigInt64Array |
// orderOut | null, equalNan, kind): the number of unique values; keys, idx and counts hold them.
Napi::Value SortGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n, ni, nt, nc;
  uint64_t* keys = Typed<uint64_t>(info, 0, napi_biguint64_array, "keys", &n);
  uint64_t* idx = Typed<uint64_t>(info, 1, napi_biguint64_array, "idx", &ni);
  uint64_t* tmp = Typed<uint64_t>(info, 2, napi_biguint64_array, "tmp", &nt);
  int64_t* counts = Typed<int64_t>(info, 3, napi_bigint64_array, "counts", &nc);
  if (ni < n || nt < 2 * n || nc < n) ThrowCode(env, "ERR_OUT_OF_RANGE", "uniqueSort: arrays too small");
  std::unique_ptr<Hold> h;
  int64_t* inv = info.Length() > 4 && !info[4].IsNull() ? static_cast<int64_t*>(OutArg(info, 4, napi_bigint64_array, 8, n, h)) : nullptr;
  bool equalNan = info.Length() > 5 && info[5].ToBoolean().Value();
  int kind = Kind(info, 6);
  int64_t runs = 0;
  Guarded(env, {h.get()}, [&] { runs = lookup::SortUnique(kind, keys, idx, n, equalNan, counts, inv, tmp); return 0; });
  return Napi::Number::New(env, (double)runs);
}

// uniqueValues(keys: BigUint64Array, n, kind, dtype, out: typed array of dtype): the values of keys.
Napi::Value ValuesGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t nk;
  uint64_t* keys = Typed<uint64_t>(info, 0, napi_biguint64_array, "keys", &nk);
  int64_t n = (int64_t)U64(info, 1, "n");
  int kind = Kind(info, 2);
  int64_t dt = I64(info, 3, "dtype");
  if (n > nk || ItemSize((int)dt) == 0 || !info[4].IsTypedArray()) ThrowCode(env, "ERR_OUT_OF_RANGE", "uniqueValues: bad arguments");
  Napi::TypedArray out = info[4].As<Napi::TypedArray>();
  if ((int64_t)out.ByteLength() < n * ItemSize((int)dt)) ThrowCode(env, "ERR_OUT_OF_RANGE", "uniqueValues: out too small");
  uint8_t* dst = static_cast<uint8_t*>(out.ArrayBuffer().Data()) + out.ByteOffset();
  const int from = lookup::KindType(kind);
  uint64_t chunk[1024];
  for (int64_t i = 0; i < n; i += 1024) {
    int64_t m = std::min<int64_t>(1024, n - i);
    for (int64_t j = 0; j < m; ++j) chunk[j] = lookup::KeyValue(kind, keys[i + j]);
    if (!ConvertValues(from, false, (int)dt, reinterpret_cast<uint8_t*>(chunk), 8, m, dst + i * ItemSize((int)dt)))
      ThrowCode(env, "ERR_OUT_OF_RANGE", "uniqueValues: no conversion");
  }
  return env.Undefined();
}

// search(desc, kind, sorted: orderSorted descriptor | keys: BigUint64Array,
//        sorter: BigInt64Array | orderSorter descriptor | null, mode, out, total, buffers?)
Napi::Value SearchGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BlockArgs b;
  int kind = Kind(info, 1);
  int64_t total = (int64_t)U64(info, 6, "total");
  ParsePass(info, b, kind, total, 7);
  int64_t mode = I64(info, 4, "mode");
  if (mode < 0 || mode > 3) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad search mode");
  lookup::Sorted s;
  std::unique_ptr<Hold> sh, so, oh;
  if (info[2].IsTypedArray() && info[2].As<Napi::TypedArray>().TypedArrayType() == napi_biguint64_array) {
    int64_t n;
    s.keys = Typed<uint64_t>(info, 2, napi_biguint64_array, "keys", &n);
    s.n = n;
  } else {
    Napi::Float64Array r = F64Arg(info, 2, "sorted");
    namespace D = desc::orderSorted;
    if (r.ElementLength() != D::kSize) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "sorted is an orderSorted descriptor");
    int64_t id = DescInt(env, r[D::kId], "ERR_OUT_OF_RANGE", "bad id");
    s.dtype = (int)DescInt(env, r[D::kDtype], "ERR_OUT_OF_RANGE", "bad dtype");
    if (ItemSize(s.dtype) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad dtype");
    if (IsFloat(s.dtype) ? kind != lookup::kKindF64 : ((kind == lookup::kKindU64 && !IsUnsigned(s.dtype)) || (kind == lookup::kKindNat && s.dtype != kInt64)))
      ThrowCode(env, "ERR_INVALID_ARG_VALUE", "the key kind does not hold the sorted dtype");
    s.swap = r[D::kSwap] != 0;
    int64_t pos = DescInt(env, r[D::kPosition], "ERR_OUT_OF_RANGE", "bad position");
    s.n = DescInt(env, r[D::kN], "ERR_OUT_OF_RANGE", "bad length");
    s.stride = DescInt(env, r[D::kStride], "ERR_OUT_OF_RANGE", "bad stride");
    if (s.n < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad length");
    sh.reset(new Hold(env, id));
    int64_t shape[1] = {s.n}, strides[1] = {s.stride};
    s.data = Checked(env, sh->span, pos, 1, shape, strides, ItemSize(s.dtype));
  }
  if (info.Length() > 3 && info[3].IsTypedArray()) {
    Napi::TypedArray t = info[3].As<Napi::TypedArray>();
    if (t.TypedArrayType() == napi_bigint64_array) {
      int64_t n;
      s.sorter = Typed<int64_t>(info, 3, napi_bigint64_array, "sorter", &n);
      if (n != s.n) ThrowCode(env, "ERR_NDMMAP_SHAPE", "sorter.size must equal a.size");
    } else {
      Napi::Float64Array r = F64Arg(info, 3, "sorter");
      namespace S = desc::orderSorter;
      if (r.ElementLength() != S::kSize) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "sorter is an orderSorter descriptor");
      so.reset(new Hold(env, DescInt(env, r[S::kId], "ERR_OUT_OF_RANGE", "bad id")));
      s.sorterSwap = r[S::kSwap] != 0;
      int64_t pos = DescInt(env, r[S::kPosition], "ERR_OUT_OF_RANGE", "bad position"), st = DescInt(env, r[S::kStride], "ERR_OUT_OF_RANGE", "bad stride");
      if (st % 8 != 0) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "sorter stride must be whole elements");
      int64_t shape[1] = {s.n}, strides[1] = {st};
      s.sorter = reinterpret_cast<const int64_t*>(Checked(env, so->span, pos, 1, shape, strides, 8));
      s.sorterStride = st / 8;
    }
  }
  void* out = OutArg(info, 5, mode <= 1 ? napi_bigint64_array : napi_uint8_array, mode <= 1 ? 8 : 1, total, oh);
  const Hold* holds[] = {b.holds[0].get(), sh.get(), so.get(), oh.get()};
  int st = Guarded(env, {holds[0], holds[1], holds[2], holds[3]}, [&] { return lookup::SearchBlock(b.a, kind, s, (int)mode, out, total); });
  if (st == EDOM) ThrowCode(env, "ERR_OUT_OF_RANGE", "Sorter index out of range.");
  if (st != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad search arguments");
  return env.Undefined();
}

}  // namespace

Napi::Object UniqueMethods(Napi::Env env) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("hash", Napi::Function::New(env, HashGlue));
  o.Set("finish", Napi::Function::New(env, FinishGlue));
  o.Set("inverse", Napi::Function::New(env, InverseGlue));
  o.Set("drop", Napi::Function::New(env, DropGlue));
  o.Set("gather", Napi::Function::New(env, GatherGlue));
  o.Set("sort", Napi::Function::New(env, SortGlue));
  o.Set("values", Napi::Function::New(env, ValuesGlue));
  o.Set("search", Napi::Function::New(env, SearchGlue));
  return o;
}

}  // namespace ndmmap
