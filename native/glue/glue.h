// Helpers shared by the N-API glue files (addon.cc, glue_reduce.cc): argument checks and errno -> JS
// errors. Only glue files touch N-API; kernels return statuses.
#pragma once
#include <napi.h>
#include <uv.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "core/bounds.h"
#include "core/guard.h"
#include "core/registry.h"
#include "reduce/reduce.h"
#include "vm/vm.h"

namespace ndmmap {

// An NdmmapError (the class src/native.ts hands the addon at load, as better-sqlite3 does with
// SqliteError), or a plain Error with the same fields before it has. addon.cc.
Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& msg, const char* syscall = nullptr,
                      const std::string& path = "");

[[noreturn]] inline void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& path = "") {
  Napi::Error e = MakeError(env, uv_err_name(-err), std::string(uv_strerror(-err)) + ", " + syscall +
                                                        (path.empty() ? "" : " '" + path + "'"), syscall, path);
  e.Set("errno", Napi::Number::New(env, -err));
  throw e;
}

[[noreturn]] inline void ThrowCode(Napi::Env env, const char* code, const std::string& msg, const std::string& path = "") {
  throw MakeError(env, code, msg, nullptr, path);
}

// A non-negative integer below 2^53 (byte positions, lengths, ids).
inline uint64_t U64(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9007199254740991.0 || std::floor(d) != d)
    ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", std::string(what) + " must be a non-negative integer");
  return (uint64_t)d;
}

inline int64_t I64(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(std::fabs(d) <= 9007199254740991.0) || std::floor(d) != d)
    ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", std::string(what) + " must be an integer");
  return (int64_t)d;
}

// A descriptor field that must be an integer below 2^53 (the one check behind every descriptor's
// fields); throws `code` with `msg` otherwise.
inline int64_t DescInt(Napi::Env env, double d, const char* code, const char* msg) {
  if (!(std::fabs(d) <= 9007199254740991.0) || std::floor(d) != d) ThrowCode(env, code, msg);
  return (int64_t)d;
}

// A Float64Array of integers (shapes, strides) as int64: at most kMaxDims, plus `head` leading fields.
inline std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i, const char* what, size_t head = 0) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a Float64Array");
  Napi::Float64Array a = info[i].As<Napi::Float64Array>();
  if (a.ElementLength() > head + kMaxDims)
    ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", std::string(what) + " has more than " + std::to_string(kMaxDims) + " dims");
  std::vector<int64_t> v(a.ElementLength());
  for (size_t k = 0; k < v.size(); ++k) {
    double d = a[k];
    if (!(std::fabs(d) <= 9007199254740991.0) || std::floor(d) != d)
      ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", std::string(what) + " must hold integers");
    v[k] = (int64_t)d;
  }
  return v;
}

// Holds a mapping reference for the length of one native call.
struct Hold {
  int64_t id;
  Span span;
  Hold(Napi::Env env, int64_t id_) : id(id_) {
    if (Acquire(id, &span) != 0) ThrowCode(env, "ERR_NDMMAP_CLOSED", "the memmap is closed");
  }
  ~Hold() { Release(id); }
  Hold(const Hold&) = delete;
  Hold& operator=(const Hold&) = delete;
};

// A SIGBUS on a held mapping during a kernel, as the error it stands for (guard.h).
[[noreturn]] inline void ThrowFault(Napi::Env env, const Hold& h, const Fault& f) {
  uint64_t pos = h.span.fileStart + (uint64_t)(f.addr - (uintptr_t)h.span.base);
  uint64_t size = 0;
  std::string path;
  int kind = FaultCause(h.id, pos, &size, &path);
  std::string where = "'" + path + "' at byte " + std::to_string(pos);
  if (kind == kFaultTruncated)
    throw MakeError(env, "ERR_NDMMAP_TRUNCATED", "'" + path + "' was truncated to " + std::to_string(size) +
                    " bytes while mapped; a running call touched byte " + std::to_string(pos), nullptr, path);
  int err = kind == kFaultNoSpace ? ENOSPC : EIO;
  std::string why = kind == kFaultNoSpace ? ": the file system is full, a page of the mapped file could not be allocated, "
                                          : ": a page of the mapped file could not be read or written, ";
  Napi::Error e = MakeError(env, uv_err_name(-err), std::string(uv_err_name(-err)) + why + where, nullptr, path);
  e.Set("errno", Napi::Number::New(env, -err));
  throw e;
}

// Runs kernel() (returning a status) with SIGBUS on the held mappings turned into a JS error.
template <class F>
inline int Guarded(Napi::Env env, std::initializer_list<const Hold*> holds, F&& kernel) {
  GuardRange ranges[kMaxOperands];
  const Hold* held[kMaxOperands];
  int n = 0;
  for (const Hold* h : holds) {
    if (h == nullptr || n == kMaxOperands) continue;
    ranges[n] = GuardRange{h->span.base, h->span.base + h->span.length};
    held[n++] = h;
  }
  struct Call { F* kernel; int status; } call{&kernel, 0};
  Fault fault;
  if (RunGuarded([](void* p) { Call* c = static_cast<Call*>(p); c->status = (*c->kernel)(); }, &call, ranges, n, &fault))
    return call.status;
  ThrowFault(env, *held[fault.index], fault);
}

// Guarded() for any number of held mappings (apply reads up to 32 operands).
template <class F>
inline int GuardedAll(Napi::Env env, const std::vector<const Hold*>& holds, F&& kernel) {
  std::vector<GuardRange> ranges;
  for (const Hold* h : holds) ranges.push_back(GuardRange{h->span.base, h->span.base + h->span.length});
  struct Call { F* kernel; int status; } call{&kernel, 0};
  Fault fault;
  if (RunGuarded([](void* p) { Call* c = static_cast<Call*>(p); c->status = (*c->kernel)(); }, &call, ranges.data(),
                 (int)ranges.size(), &fault))
    return call.status;
  ThrowFault(env, *holds[fault.index], fault);
}

// Byte extent [lo, hi) touched by a strided block starting at pos; false when the block is empty.
inline bool Extent(size_t ndim, const int64_t* shape, const int64_t* strides, int64_t item, int64_t* lo, int64_t* hi) {
  int64_t a = 0, b = 0;
  for (size_t k = 0; k < ndim; ++k) {
    if (shape[k] == 0) return false;
    int64_t span = (shape[k] - 1) * strides[k];
    if (span < 0) a += span; else b += span;
  }
  *lo = a;
  *hi = b + item;
  return true;
}

inline uint8_t* Checked(Napi::Env env, const Span& s, int64_t pos, size_t ndim, const int64_t* shape,
                        const int64_t* strides, int64_t item) {
  int64_t lo, hi;
  if (!Extent(ndim, shape, strides, item, &lo, &hi)) return s.base;
  if (pos + lo < 0 || s.At((uint64_t)(pos + lo), (uint64_t)(hi - lo)) == nullptr)
    ThrowCode(env, "ERR_OUT_OF_RANGE", "block lies outside the mapping");
  return s.base + (pos - (int64_t)s.fileStart);
}

inline Napi::Float64Array F64Arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsTypedArray())
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a Float64Array");
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  if (t.TypedArrayType() != napi_float64_array)
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a Float64Array");
  return info[i].As<Napi::Float64Array>();
}

// A parsed block descriptor: the kernel arguments, the held mappings, the programs they point to.
struct BlockArgs {
  ReduceArgs a;
  std::unique_ptr<Hold> holds[kMaxOperands];
  Program value, mask;
  // kernel() with SIGBUS on the held mappings turned into a JS error.
  template <class F>
  int Run(Napi::Env env, F kernel) {
    const Hold* h[kMaxOperands] = {};
    for (int o = 0; o < a.nOps; ++o) h[o] = holds[o].get();
    return Guarded(env, {h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]}, std::move(kernel));
  }
};

// glue_reduce.cc
void ParseBlock(const Napi::CallbackInfo& info, size_t descArg, size_t progArg, BlockArgs& b, int64_t* maxPos,
                int64_t* count, size_t buffersArg = SIZE_MAX);
Napi::Value ReduceCall(const Napi::CallbackInfo& info);
Napi::Value CombineCall(const Napi::CallbackInfo& info);
Napi::Value PutCall(const Napi::CallbackInfo& info);
Napi::Array KernelTable(Napi::Env env);
// glue_apply.cc
Napi::Value ApplyCall(const Napi::CallbackInfo& info);

// glue_embed.cc
Napi::Value EmbedCall(const Napi::CallbackInfo& info);
Napi::Value TopKCall(const Napi::CallbackInfo& info);
Napi::Value MergeTopKCall(const Napi::CallbackInfo& info);
Napi::Object EmbedContract(Napi::Env env);
// glue_order.cc
Napi::Value OrderCall(const Napi::CallbackInfo& info);
Napi::Value OrderMergeCall(const Napi::CallbackInfo& info);
Napi::Value OrderPartCall(const Napi::CallbackInfo& info);

// glue_dist.cc
Napi::Value DistCall(const Napi::CallbackInfo& info);
Napi::Value SortKeysCall(const Napi::CallbackInfo& info);
Napi::Value SelectKeysCall(const Napi::CallbackInfo& info);
Napi::Value PlanQuantileCall(const Napi::CallbackInfo& info);
Napi::Value LibmCall(const Napi::CallbackInfo& info);
Napi::Value SortPairsCall(const Napi::CallbackInfo& info);
Napi::Object DistTable(Napi::Env env);

// glue_gather.cc
Napi::Value GatherCall(const Napi::CallbackInfo& info);

// glue_scan.cc
Napi::Value ScanCall(const Napi::CallbackInfo& info);
Napi::Value ScanCarriesCall(const Napi::CallbackInfo& info);
// glue_unique.cc: unique / isin / searchsorted methods (an object of functions)
Napi::Object UniqueMethods(Napi::Env env);

}  // namespace ndmmap
