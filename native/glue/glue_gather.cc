// N-API glue of the gather kernels (gather/gather.h): gather(desc, buffers?, table?) runs one block of
// take/compress. Every descriptor field and the byte extent of every operand are checked here, against
// the held mapping or the JS buffer, before the kernel touches memory; indices are range-checked by the
// kernel itself (a status, never a stray read), so a hostile call is refused, never a crash.
#include "core/arena.h"
#include "gather/gather.h"
#include "glue/glue.h"

namespace ndmmap {
namespace {

namespace G = desc::gather;
constexpr int64_t kBuffer0 = -3;
constexpr int64_t kMaxItem = int64_t(1) << 31;

[[noreturn]] void Bad(Napi::Env env, const std::string& msg) { ThrowCode(env, "ERR_INVALID_ARG_VALUE", "gather descriptor: " + msg); }

int64_t Int(Napi::Env env, double d) { return DescInt(env, d, "ERR_INVALID_ARG_VALUE", "gather descriptor: fields must be integers"); }

// Byte extent [lo, hi) of a strided block, without overflow (false: empty; throws when it cannot be addressed).
bool SafeExtent(Napi::Env env, size_t ndim, const int64_t* shape, const int64_t* strides, int64_t item, int64_t* lo, int64_t* hi) {
  int64_t a = 0, b = 0;
  bool over = false;
  for (size_t k = 0; k < ndim; ++k) {
    if (shape[k] < 0) Bad(env, "negative length");
    if (shape[k] == 0) return false;
    int64_t span = 0;
    over |= __builtin_mul_overflow(shape[k] - 1, strides[k], &span);
    over |= span < 0 ? __builtin_add_overflow(a, span, &a) : __builtin_add_overflow(b, span, &b);
  }
  over |= __builtin_add_overflow(b, item, &b);
  const int64_t cap = int64_t(1) << 62;
  if (over || a < -cap || b > cap) ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: block lies outside the mapping");
  *lo = a;
  *hi = b;
  return true;
}

// The bytes of buffers[-3 - id] (the call's second argument).
void BufferBytes(const Napi::CallbackInfo& info, int64_t id, uint8_t** raw, uint64_t* size) {
  Napi::Env env = info.Env();
  if (id > kBuffer0) Bad(env, "bad operand id");
  const int64_t b = kBuffer0 - id;
  if (b > 0xffffffffLL) Bad(env, "bad operand id");
  Napi::Value arr = info.Length() > 1 && info[1].IsArray() ? info[1].As<Napi::Array>().Get((uint32_t)b) : env.Undefined();
  if (!arr.IsTypedArray()) Bad(env, "buffer " + std::to_string(b) + " is missing");
  Napi::TypedArray t = arr.As<Napi::TypedArray>();
  void* p = nullptr;
  if (napi_get_typedarray_info(env, t, nullptr, nullptr, &p, nullptr, nullptr) != napi_ok) Bad(env, "unreadable buffer");
  *raw = static_cast<uint8_t*>(p);
  *size = t.ByteLength();
}

// The memory of an operand spanning (shape, strides) from byte `pos`: a held mapping or buffers[b].
uint8_t* Resolve(const Napi::CallbackInfo& info, int64_t id, int64_t pos, size_t ndim, const int64_t* shape,
                 const int64_t* strides, int64_t item, bool isOut, std::unique_ptr<Hold>& hold) {
  Napi::Env env = info.Env();
  int64_t lo = 0, hi = 0;
  const bool any = SafeExtent(env, ndim, shape, strides, item, &lo, &hi);
  if (id >= 0) {
    hold.reset(new Hold(env, id));
    if (isOut && hold->span.mode == kMapRead) ThrowCode(env, "ERR_NDMMAP_READONLY", "the target is read-only");
    if (any && (pos + lo < 0 || hold->span.At((uint64_t)(pos + lo), (uint64_t)(hi - lo)) == nullptr))
      ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: block lies outside the mapping");
    if (!any) return hold->span.base;
    return hold->span.base + (pos - (int64_t)hold->span.fileStart);
  }
  uint8_t* raw = nullptr;
  uint64_t size = 0;
  BufferBytes(info, id, &raw, &size);
  if (any && (pos + lo < 0 || pos + hi > (int64_t)size)) ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: block lies outside the buffer");
  if (!any) return raw;
  return raw + pos;
}

// A hold on an arena block (core/arena.h) for the length of one call: the target of a take whose
// result is an NDResult's memory, written here while JS may already have dropped it.
struct ArenaHold {
  int64_t id = 0;
  uint8_t* base = nullptr;
  uint64_t len = 0;
  ArenaHold(Napi::Env env, int64_t id_) : id(id_) {
    if (ArenaAcquire(id, &base, &len) != 0) Bad(env, "unknown result block");
  }
  ~ArenaHold() { ArenaRelease(id); }
  ArenaHold(const ArenaHold&) = delete;
  ArenaHold& operator=(const ArenaHold&) = delete;
};

// The target of a take in arena block `id` spanning (shape, strides) from byte `pos`.
uint8_t* ResolveArena(Napi::Env env, int64_t id, int64_t pos, size_t ndim, const int64_t* shape, const int64_t* strides,
                      int64_t item, std::unique_ptr<ArenaHold>& hold) {
  int64_t lo = 0, hi = 0;
  const bool any = SafeExtent(env, ndim, shape, strides, item, &lo, &hi);
  hold.reset(new ArenaHold(env, id));
  if (any && (pos + lo < 0 || pos + hi > (int64_t)hold->len)) ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: block lies outside the buffer");
  return any ? hold->base + pos : hold->base;
}

// gather(desc: Float64Array, buffers?: TypedArray[], table?: Float64Array)
Napi::Value GatherGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "descriptor");
  const double* d = da.Data();
  const size_t len = da.ElementLength();
  if (len < G::kSize) Bad(env, "too short");
  GatherArgs a;
  a.mode = (int)Int(env, d[G::kMode]);
  if (a.mode != kGatherTake && a.mode != kGatherCount && a.mode != kGatherIndices) Bad(env, "bad mode");
  const int64_t nOuter = Int(env, d[G::kNOuter]), nInner = Int(env, d[G::kNInner]);
  if (nOuter < 0 || nInner < 0 || nOuter + nInner + 1 > kMaxDims || len != G::kSize + 3 * (size_t)(nOuter + nInner)) Bad(env, "wrong length");
  a.nOuter = (int)nOuter;
  a.nInner = (int)nInner;
  a.p0 = Int(env, d[G::kP0]);
  a.p1 = Int(env, d[G::kP1]);
  a.o0 = Int(env, d[G::kO0]);
  a.n = Int(env, d[G::kN]);
  a.nIdx = Int(env, d[G::kNIdx]);
  a.nDst = Int(env, d[G::kNDst]);
  if (a.n < 0 || a.nIdx < 0 || a.nDst < 0) Bad(env, "negative length");
  a.idxDtype = (int)Int(env, d[G::kIdxDtype]);
  const int64_t idxItem = ItemSize(a.idxDtype);
  if (idxItem == 0) Bad(env, "bad index dtype");
  if (a.mode == kGatherTake && (a.idxDtype == kBool || a.idxDtype == kFloat16 || a.idxDtype == kFloat32)) Bad(env, "bad index dtype");
  a.idxSwap = d[G::kIdxSwap] != 0;
  a.idxStep = Int(env, d[G::kIdxStep]);
  a.srcStep = Int(env, d[G::kSrcStep]);
  a.dstStep = Int(env, d[G::kDstStep]);
  a.item = Int(env, d[G::kItem]);
  a.swap = d[G::kSwap] != 0;
  std::unique_ptr<Hold> hi, hs, hd;
  std::unique_ptr<ArenaHold> ha;
  const int64_t arena = Int(env, d[G::kDstArena]);
  if (arena < 0 || (arena > 0 && a.mode == kGatherCount)) Bad(env, "bad result block");
  a.idx = Resolve(info, Int(env, d[G::kIdxId]), Int(env, d[G::kIdxPos]), 1, &a.nIdx, &a.idxStep, idxItem, false, hi);
  if (a.mode == kGatherTake) {
    if (a.item < 1 || a.item > kMaxItem) Bad(env, "bad item size");
    int64_t shape[kMaxDims], ss[kMaxDims], ds[kMaxDims];
    int64_t outer = 1;
    for (int64_t k = 0; k < nOuter + nInner; ++k) {
      const double* e = d + G::kSize + 3 * k;
      const int64_t l = Int(env, e[0]), s = Int(env, e[1]), t = Int(env, e[2]);
      if (l < 0) Bad(env, "negative dim");
      const size_t at = (size_t)(k < nOuter ? k : k + 1);  // the axis sits between outer and inner dims
      shape[at] = l; ss[at] = s; ds[at] = t;
      if (k < nOuter) {
        a.outerLen[k] = l; a.outerSrc[k] = s; a.outerDst[k] = t;
        outer = l == 0 ? 0 : (outer > (int64_t(1) << 53) / l ? -1 : outer * l);
        if (outer < 0) Bad(env, "too many slabs");
      } else {
        a.innerLen[k - nOuter] = l; a.innerSrc[k - nOuter] = s; a.innerDst[k - nOuter] = t;
      }
    }
    if (a.nIdx > 0 && outer > (int64_t(1) << 53) / a.nIdx) Bad(env, "too many slabs");
    if (a.p0 < 0 || a.p1 < a.p0 || a.p1 > outer * a.nIdx) ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: slabs out of range");
    const size_t nd = (size_t)(nOuter + nInner + 1);
    shape[nOuter] = a.n; ss[nOuter] = a.srcStep; ds[nOuter] = a.dstStep;
    a.src = Resolve(info, Int(env, d[G::kSrcId]), Int(env, d[G::kSrcPos]), nd, shape, ss, a.item, false, hs);
    shape[nOuter] = a.nIdx;
    a.dst = arena > 0 ? ResolveArena(env, arena, Int(env, d[G::kDstPos]), nd, shape, ds, a.item, ha)
                      : Resolve(info, Int(env, d[G::kDstId]), Int(env, d[G::kDstPos]), nd, shape, ds, a.item, true, hd);
    // a block of whole output slabs in a row: its pages made writable in one call (registry.h)
    uint64_t from = 0, to = 0;
    if (a.p1 > a.p0 && nOuter == 0 && a.dstStep > 0) {
      int64_t lo = 0, hiB = 0;
      if (SafeExtent(env, (size_t)nInner, a.innerLen, a.innerDst, a.item, &lo, &hiB)) {
        from = (uint64_t)(a.p0 * a.dstStep + lo);
        to = from + (uint64_t)((a.p1 - a.p0 - 1) * a.dstStep + hiB - lo);
      }
    }
    if (ha != nullptr && to > from) {
      // arena memory (2 MiB aligned, huge-page advised at birth): this block's pages in one call
      PrefaultWrite(a.dst + from, to - from);
    } else if (hd == nullptr && to > from) {
      // an NDResult's fresh memory: huge pages asked for on the whole buffer before this block touches it
      uint8_t* raw = nullptr;
      uint64_t size = 0;
      BufferBytes(info, Int(env, d[G::kDstId]), &raw, &size);
      const uint64_t at = (uint64_t)(a.dst - raw);
      GatherPrepareBuffer(raw, size, at + from, at + to);
    } else if (to > from) {
      PrefaultWrite(a.dst + from, to - from);
    }
  } else {
    if (a.p0 < 0 || a.p1 < a.p0 || a.p1 > a.nIdx) ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: mask block out of range");
    if (a.mode == kGatherCount) {
      Napi::Float64Array table = F64Arg(info, 2, "table");
      if (a.o0 < 0 || a.o0 >= (int64_t)table.ElementLength()) ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: table slot out of range");
      a.count = table.Data();
    } else {
      if (a.o0 < 0 || a.o0 > a.nDst) ThrowCode(env, "ERR_OUT_OF_RANGE", "gather: index slot out of range");
      // positions into a mapping, a buffer, or a result block of the addon (huge-page advised, no copy after)
      a.dst = arena > 0 ? ResolveArena(env, arena, Int(env, d[G::kDstPos]), 1, &a.nDst, &a.dstStep, 8, ha)
                        : Resolve(info, Int(env, d[G::kDstId]), Int(env, d[G::kDstPos]), 1, &a.nDst, &a.dstStep, 8, true, hd);
    }
  }
  const int status = Guarded(env, {hi.get(), hs.get(), hd.get()}, [&] { return Gather(a); });
  if (status == kGatherIndexRange) ThrowCode(env, "ERR_NDMMAP_INDEX", "gather: an index is out of bounds for the axis");
  if (status == kGatherOverflow) ThrowCode(env, "ERR_NDMMAP_PARTIAL", "compress: the condition changed while it was read");
  if (status != kGatherOk) Bad(env, "bad arguments");
  return env.Undefined();
}

}  // namespace

Napi::Value GatherCall(const Napi::CallbackInfo& info) { return GatherGlue(info); }

}  // namespace ndmmap
