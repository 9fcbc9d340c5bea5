// N-API glue of the distribution kernels (dist.h): dist() runs one block of a pass, sortKeys() orders
// collected keys. Every argument is checked before a kernel sees it.
#include <errno.h>
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "stats/dist.h"
#include "core/dtype.h"
#include "glue/glue.h"

namespace ndmmap {
namespace {

// A typed array argument of one of the given types: its data and element count.
void* TypedArg(const Napi::CallbackInfo& info, size_t i, std::initializer_list<napi_typedarray_type> types,
               const char* what, int64_t* length, napi_typedarray_type* type = nullptr) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsTypedArray()) ThrowCode(env, "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a typed array");
  napi_typedarray_type t;
  size_t n;
  void* data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, info[i], &t, &n, &data, &ab, &off) != napi_ok)
    ThrowCode(env, "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a typed array");
  bool ok = false;
  for (napi_typedarray_type x : types) ok = ok || x == t;
  if (!ok) ThrowCode(env, "ERR_INVALID_ARG_TYPE", std::string(what) + " has the wrong element type");
  *length = (int64_t)n;
  if (type != nullptr) *type = t;
  return data;
}

// dist(desc, spec: BigUint64Array | params: Float64Array, out, edges: Float64Array | null,
//      value?, valueConsts?, mask?, maskConsts?)
Napi::Value DistGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BlockArgs b;
  int64_t maxPos, count;
  ParseBlock(info, 0, 4, b, &maxPos, &count);
  DistArgs d;
  d.r = &b.a;
  int64_t specLen;
  napi_typedarray_type st;
  void* spec = TypedArg(info, 1, {napi_biguint64_array, napi_float64_array}, "spec", &specLen, &st);
  napi_typedarray_type ot;
  d.out = TypedArg(info, 2, {napi_bigint64_array, napi_biguint64_array, napi_float64_array}, "out", &d.outLen, &ot);
  if (st == napi_biguint64_array) {
    d.spec = static_cast<uint64_t*>(spec);
    d.specLen = specLen;
    if (specLen < 1) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "dist spec is too short");
    d.mode = (int)std::min<uint64_t>(d.spec[0], 1000);
    const bool counts = d.mode == dist::kKeyHist || d.mode == dist::kWinHist;
    const bool keys = d.mode == dist::kCollect || d.mode == dist::kBracket || d.mode == dist::kWCollect;
    if (!counts && !keys && d.mode != dist::kWHist) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad dist mode");
    napi_typedarray_type want = counts ? napi_bigint64_array : keys ? napi_biguint64_array : napi_float64_array;
    if (ot != want) ThrowCode(env, "ERR_INVALID_ARG_TYPE", "out has the wrong element type for the mode");
  } else {
    d.params = static_cast<const double*>(spec);
    d.paramsLen = specLen;
    if (specLen < 1) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "dist params are too short");
    double m = d.params[0];
    if (!(m == dist::kBinsUniform || m == dist::kBinsEdges || m == dist::kBincount || m == dist::kBlockSums ||
          m == dist::kBlockCumsum || m == dist::kAxisSelect))
      ThrowCode(env, "ERR_OUT_OF_RANGE", "bad dist mode");
    d.mode = (int)m;
    if (d.mode == dist::kAxisSelect) {
      if (specLen < kAxisHead || ot != napi_float64_array) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "axis params or records of the wrong kind");
    } else {
      if (specLen != kBinParams) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "dist params have the wrong length");
      d.weighted = ot == napi_float64_array;
      if (ot == napi_biguint64_array) ThrowCode(env, "ERR_INVALID_ARG_TYPE", "out has the wrong element type for the mode");
      double bins = d.params[1];
      if (!(bins >= 1 && bins <= 9007199254740991.0) || bins != (double)(int64_t)bins) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad bin count");
      if (d.mode != dist::kBincount) d.edges = static_cast<const double*>(TypedArg(info, 3, {napi_float64_array}, "edges", &d.nEdges));
    }
  }
  int status = b.Run(env, [&] { return Dist(d); });
  if (status == EDOM) ThrowCode(env, "ERR_NDMMAP_VALUE", "Integers to negative integer powers are not allowed.");
  if (status != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad dist arguments");
  return env.Undefined();
}

// sortKeys(keys: BigUint64Array, ranges: Float64Array [start, length]...)
Napi::Value SortKeysGlue(const Napi::CallbackInfo& info) {
  int64_t n;
  uint64_t* keys = static_cast<uint64_t*>(TypedArg(info, 0, {napi_biguint64_array}, "keys", &n));
  std::vector<int64_t> r;
  Napi::Float64Array ra = F64Arg(info, 1, "ranges");
  if (ra.ElementLength() % 2 != 0) ThrowCode(info.Env(), "ERR_INVALID_ARG_VALUE", "ranges come in pairs");
  r.resize(ra.ElementLength());
  for (size_t i = 0; i < r.size(); i += 2) {
    double s = ra[i], l = ra[i + 1];
    if (!(s >= 0 && l >= 0 && s + l <= (double)n) || s != (double)(int64_t)s || l != (double)(int64_t)l)
      ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", "range outside the keys");
    r[i] = (int64_t)s;
    r[i + 1] = (int64_t)l;
  }
  SortKeys(keys, r.data(), (int64_t)r.size() / 2);
  return info.Env().Undefined();
}

// selectKeys(keys: BigUint64Array, start, length, ranks: Float64Array (ascending, relative to start))
Napi::Value SelectKeysGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  uint64_t* keys = static_cast<uint64_t*>(TypedArg(info, 0, {napi_biguint64_array}, "keys", &n));
  int64_t start = (int64_t)U64(info, 1, "start"), len = (int64_t)U64(info, 2, "length");
  if (start + len > n) ThrowCode(env, "ERR_OUT_OF_RANGE", "range outside the keys");
  Napi::Float64Array ra = F64Arg(info, 3, "ranks");
  std::vector<int64_t> r(ra.ElementLength());
  for (size_t i = 0; i < r.size(); ++i) {
    double d = ra[i];
    if (!(d >= 0 && d < (double)len) || d != (double)(int64_t)d || (i > 0 && d < ra[i - 1]))
      ThrowCode(env, "ERR_OUT_OF_RANGE", "ranks must be ascending integers inside the range");
    r[i] = (int64_t)d;
  }
  SelectKeys(keys + start, len, r.data(), (int64_t)r.size());
  return env.Undefined();
}

// planQuantile(method, n, q): [lo, hi, gamma] as the axis kernel computes them (tests compare methods.ts).
Napi::Value PlanQuantileGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t method = I64(info, 0, "method"), n = (int64_t)U64(info, 1, "n");
  if (method < 0 || method >= kMethodCount || n < 1 || info.Length() < 3 || !info[2].IsNumber())
    ThrowCode(env, "ERR_OUT_OF_RANGE", "bad method, n or q");
  QuantilePlan p = PlanQuantile((int)method, n, info[2].As<Napi::Number>().DoubleValue());
  Napi::Float64Array r = Napi::Float64Array::New(env, 3);
  r[0] = (double)p.lo;
  r[1] = (double)p.hi;
  r[2] = p.gamma;
  return r;
}

// sortPairs(pairs: BigUint64Array, start, count): (key, weight) pairs [start, start + count) sorted by
// key, ties kept in order (the weighted select's collected values).
Napi::Value SortPairsGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t n;
  uint64_t* p = static_cast<uint64_t*>(TypedArg(info, 0, {napi_biguint64_array}, "pairs", &n));
  int64_t start = (int64_t)U64(info, 1, "start"), count = (int64_t)U64(info, 2, "count");
  if (2 * (start + count) > n) ThrowCode(env, "ERR_OUT_OF_RANGE", "pairs outside the array");
  std::vector<std::pair<uint64_t, uint64_t>> v((size_t)count);
  for (int64_t i = 0; i < count; ++i) v[(size_t)i] = {p[2 * (start + i)], p[2 * (start + i) + 1]};
  std::stable_sort(v.begin(), v.end(), [](const std::pair<uint64_t, uint64_t>& x, const std::pair<uint64_t, uint64_t>& y) { return x.first < y.first; });
  for (int64_t i = 0; i < count; ++i) { p[2 * (start + i)] = v[(size_t)i].first; p[2 * (start + i) + 1] = v[(size_t)i].second; }
  return env.Undefined();
}

// libm(op, x, y): the C library's pow (0), log2 (1) and powf (2), as numpy and Python call them.
Napi::Value LibmGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsNumber())
    ThrowCode(env, "ERR_INVALID_ARG_TYPE", "libm(op, x, y) takes three numbers");
  int op = info[0].As<Napi::Number>().Int32Value();
  double x = info[1].As<Napi::Number>().DoubleValue(), y = info[2].As<Napi::Number>().DoubleValue();
  switch (op) {
    case 0: return Napi::Number::New(env, std::pow(x, y));
    case 1: return Napi::Number::New(env, std::log2(x));
    case 2: return Napi::Number::New(env, (double)std::pow((float)x, (float)y));
    default: ThrowCode(env, "ERR_OUT_OF_RANGE", "libm: unknown op");
  }
}

}  // namespace

Napi::Value LibmCall(const Napi::CallbackInfo& info) { return LibmGlue(info); }
Napi::Value SortPairsCall(const Napi::CallbackInfo& info) { return SortPairsGlue(info); }
Napi::Value PlanQuantileCall(const Napi::CallbackInfo& info) { return PlanQuantileGlue(info); }
Napi::Value SelectKeysCall(const Napi::CallbackInfo& info) { return SelectKeysGlue(info); }
Napi::Value DistCall(const Napi::CallbackInfo& info) { return DistGlue(info); }
Napi::Value SortKeysCall(const Napi::CallbackInfo& info) { return SortKeysGlue(info); }

// The modes' names and ids and the spec layout, for src/native.ts to check.
Napi::Object DistTable(Napi::Env env) {
  Napi::Object t = Napi::Object::New(env);
  Napi::Object modes = Napi::Object::New(env);
#define NDM_DIST_NAME(id, name) modes.Set(name, (int)dist::id);
  NDM_DIST_MODES(NDM_DIST_NAME)
#undef NDM_DIST_NAME
  t.Set("modes", modes);
  t.Set("specHead", kSpecHead);
  t.Set("windowWords", kWindowWords);
  t.Set("binParams", kBinParams);
  t.Set("axisHead", kAxisHead);
  t.Set("numpyBlock", (double)kNumpyBlock);
  t.Set("methodMedian", kMethodMedian);
  return t;
}

}  // namespace ndmmap
