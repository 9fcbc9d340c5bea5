// The only file that touches N-API: argument checks, errno -> JS errors, windows as ArrayBuffers.
// Policy (modes, sizes, layouts) lives in src/; this file trusts nothing it is given.
#include <errno.h>
#include <fcntl.h>
#include <napi.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uv.h>

#include <atomic>
#include <cmath>
#include <initializer_list>
#include <string>
#include <unordered_set>
#include <vector>

#include "apply.h"
#include "dtype.h"
#include "guard.h"
#include "reduce.h"
#include "registry.h"

namespace ndmmap {
namespace {

// Node 20 refuses external ArrayBuffers above 4 GiB; src/ keeps windows below this.
constexpr uint64_t kMaxWindow = 1ull << 32;
const uint64_t kPage = (uint64_t)sysconf(_SC_PAGESIZE);

[[noreturn]] void ThrowErrno(Napi::Env env, int err, const char* syscall) {
  Napi::Error e = Napi::Error::New(env, std::string(uv_strerror(-err)) + ", " + syscall);
  e.Set("code", Napi::String::New(env, uv_err_name(-err)));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("syscall", Napi::String::New(env, syscall));
  throw e;
}

[[noreturn]] void ThrowCode(Napi::Env env, const char* code, const std::string& msg) {
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  throw e;
}

// A non-negative integer below 2^53 (byte positions, lengths, ids).
uint64_t U64(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(d >= 0) || d > 9007199254740991.0 || std::floor(d) != d)
    ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", std::string(what) + " must be a non-negative integer");
  return (uint64_t)d;
}

int64_t I64(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!(std::fabs(d) <= 9007199254740991.0) || std::floor(d) != d)
    ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", std::string(what) + " must be an integer");
  return (int64_t)d;
}

// A Float64Array of integers (shapes, strides) as int64.
std::vector<int64_t> Ints(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a Float64Array");
  Napi::Float64Array a = info[i].As<Napi::Float64Array>();
  if (a.ElementLength() > 32) ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", std::string(what) + " has more than 32 dims");
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
[[noreturn]] void ThrowFault(Napi::Env env, const Hold& h, const Fault& f) {
  uint64_t pos = h.span.fileStart + (uint64_t)(f.addr - (uintptr_t)h.span.base);
  uint64_t size = 0;
  std::string path;
  int kind = FaultCause(h.id, pos, &size, &path);
  std::string where = "'" + path + "' at byte " + std::to_string(pos);
  if (kind == kFaultTruncated) {
    Napi::Error e = Napi::Error::New(env, "'" + path + "' was truncated to " + std::to_string(size) +
                                     " bytes while mapped; a running call touched byte " + std::to_string(pos));
    e.Set("code", Napi::String::New(env, "ERR_NDMMAP_TRUNCATED"));
    e.Set("path", Napi::String::New(env, path));
    throw e;
  }
  int err = kind == kFaultNoSpace ? ENOSPC : EIO;
  std::string why = kind == kFaultNoSpace ? ": the file system is full, a page of the mapped file could not be allocated, "
                                          : ": a page of the mapped file could not be read or written, ";
  Napi::Error e = Napi::Error::New(env, std::string(uv_err_name(-err)) + why + where);
  e.Set("code", Napi::String::New(env, uv_err_name(-err)));
  e.Set("errno", Napi::Number::New(env, -err));
  e.Set("path", Napi::String::New(env, path));
  throw e;
}

// Runs kernel() (returning a status) with SIGBUS on the held mappings turned into a JS error.
template <class F>
int Guarded(Napi::Env env, std::initializer_list<const Hold*> holds, F&& kernel) {
  GuardRange ranges[3];
  const Hold* held[3];
  int n = 0;
  for (const Hold* h : holds) {
    if (h == nullptr || n == 3) continue;
    ranges[n] = GuardRange{h->span.base, h->span.base + h->span.length};
    held[n++] = h;
  }
  struct Call { F* kernel; int status; } call{&kernel, 0};
  Fault fault;
  if (RunGuarded([](void* p) { Call* c = static_cast<Call*>(p); c->status = (*c->kernel)(); }, &call, ranges, n, &fault))
    return call.status;
  ThrowFault(env, *held[fault.index], fault);
}

// Byte extent [lo, hi) touched by a strided block starting at pos; false when the block is empty.
bool Extent(size_t ndim, const int64_t* shape, const int64_t* strides, int64_t item, int64_t* lo, int64_t* hi) {
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

uint8_t* Checked(Napi::Env env, const Span& s, int64_t pos, size_t ndim, const int64_t* shape,
                 const int64_t* strides, int64_t item) {
  int64_t lo, hi;
  if (!Extent(ndim, shape, strides, item, &lo, &hi)) return s.base;
  if (pos + lo < 0 || s.At((uint64_t)(pos + lo), (uint64_t)(hi - lo)) == nullptr)
    ThrowCode(env, "ERR_OUT_OF_RANGE", "block lies outside the mapping");
  return s.base + (pos - (int64_t)s.fileStart);
}

// map(fd, mode, fileStart, length, path?) -> id. The caller may close fd afterwards.
int64_t MapGlue(const Napi::CallbackInfo& info) {
  int fd = (int)U64(info, 0, "fd");
  int mode = (int)U64(info, 1, "mode");
  uint64_t start = U64(info, 2, "fileStart"), length = U64(info, 3, "length");
  std::string path = info.Length() > 4 && info[4].IsString() ? info[4].As<Napi::String>().Utf8Value() : "";
  int64_t id = 0;
  int err = MapFile(fd, mode, start, length, path, &id);
  if (err) ThrowErrno(info.Env(), err, "mmap");
  return id;
}

Napi::Value Sync(const Napi::CallbackInfo& info) {
  int err = SyncRange(I64(info, 0, "id"), U64(info, 1, "position"), U64(info, 2, "length"));
  if (err == EBADF) ThrowCode(info.Env(), "ERR_NDMMAP_CLOSED", "the memmap is closed");
  if (err) ThrowErrno(info.Env(), err, "msync");
  return info.Env().Undefined();
}

Napi::Value Advise(const Napi::CallbackInfo& info) {
  static const int advice[] = {MADV_NORMAL, MADV_SEQUENTIAL, MADV_RANDOM, MADV_WILLNEED, MADV_DONTNEED};
  uint64_t a = U64(info, 3, "advice");
  if (a >= sizeof(advice) / sizeof(advice[0])) ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", "unknown advice");
  int err = AdviseRange(I64(info, 0, "id"), U64(info, 1, "position"), U64(info, 2, "length"), advice[a]);
  if (err == EBADF) ThrowCode(info.Env(), "ERR_NDMMAP_CLOSED", "the memmap is closed");
  if (err) ThrowErrno(info.Env(), err, "madvise");
  return info.Env().Undefined();
}

// fallocate(fd, offset, length): reserve blocks now so a later mapped write cannot hit ENOSPC (SIGBUS).
Napi::Value Fallocate(const Napi::CallbackInfo& info) {
  int fd = (int)U64(info, 0, "fd");
  uint64_t off = U64(info, 1, "offset"), len = U64(info, 2, "length");
  if (len == 0) return info.Env().Undefined();
  int err = posix_fallocate(fd, (off_t)off, (off_t)len);
  if (err == EOPNOTSUPP || err == EINVAL) err = 0;  // tmpfs and friends: nothing to reserve up front
  if (err) ThrowErrno(info.Env(), err, "posix_fallocate");
  return info.Env().Undefined();
}

// fileSize(id): the mapped file's size now (fstat), whatever its path has become.
Napi::Value FileSizeGlue(const Napi::CallbackInfo& info) {
  uint64_t size = 0;
  int err = FileSize(I64(info, 0, "id"), &size);
  if (err == EBADF) ThrowCode(info.Env(), "ERR_NDMMAP_CLOSED", "the memmap is closed");
  if (err) ThrowErrno(info.Env(), err, "fstat");
  return Napi::Number::New(info.Env(), (double)size);
}

// reserve(id, position, length): allocate the file's blocks under a range about to be written.
Napi::Value Reserve(const Napi::CallbackInfo& info) {
  int err = ReserveRange(I64(info, 0, "id"), U64(info, 1, "position"), U64(info, 2, "length"));
  if (err == EBADF) ThrowCode(info.Env(), "ERR_NDMMAP_CLOSED", "the memmap is closed");
  if (err) ThrowErrno(info.Env(), err, "fallocate");
  return info.Env().Undefined();
}

// A window onto a mapping as an external ArrayBuffer (mode 'r': a private copy-on-write remap, so a
// store through a typed array cannot fault on a PROT_READ page). Its memory stays mapped until both
// the JS object has been collected and V8 has let go of its backing store: detaching (close()) or
// dropping the buffer does not end the use of its address by native code that captured it (Node's
// threadpool: randomFill, zlib, fs.read keep the JS object alive until they are done). The handle
// (an External) owns the struct too, not the memory, so detach() never sees a freed Window.
struct Window {
  int64_t id;
  uint64_t token;
  const void* data;
  size_t length;
  std::atomic<int> memoryOwners{2};  // the backing store and the ArrayBuffer object
  std::atomic<int> owners{3};        // those two and the handle
};

void Disown(Window* w, bool memory) {
  if (memory && --w->memoryOwners == 0) CloseWindow(w->id, w->token);
  if (--w->owners == 0) delete w;
}

void WindowStoreFreed(Napi::Env, void*, Window* w) { Disown(w, true); }
void WindowObjectGone(Napi::Env, Window* w) { Disown(w, true); }

Napi::Value MakeWindow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id = I64(info, 0, "id");
  uint64_t pos = U64(info, 1, "position"), len = U64(info, 2, "length");
  if (len > kMaxWindow) ThrowCode(env, "ERR_OUT_OF_RANGE", "a window is at most 4 GiB on Node 20");
  uint8_t* p = nullptr;
  uint64_t token = 0;
  int err = OpenWindow(id, pos, len, &p, &token);
  if (err == EBADF) ThrowCode(env, "ERR_NDMMAP_CLOSED", "the memmap is closed");
  if (err == ERANGE) ThrowCode(env, "ERR_OUT_OF_RANGE", "window lies outside the mapping");
  if (err) ThrowErrno(env, err, "mmap");
  static uint8_t empty = 0;
  Window* w = new Window{id, token, len ? p : &empty, (size_t)len};
  Napi::ArrayBuffer ab;
  try {
    ab = Napi::ArrayBuffer::New(env, const_cast<void*>(w->data), len, WindowStoreFreed, w);
  } catch (...) {
    CloseWindow(id, token);
    delete w;
    throw;
  }
  ab.AddFinalizer(WindowObjectGone, w);
  Napi::Object r = Napi::Object::New(env);
  r.Set("buffer", ab);
  r.Set("handle", Napi::External<Window>::New(env, w, [](Napi::Env, Window* x) { Disown(x, false); }));
  return r;
}

// detach(handle, buffer): the buffer (and every typed array over it) becomes empty for JavaScript.
// Its memory is not released here: see Window.
Napi::Value Detach(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsExternal() || !info[1].IsArrayBuffer())
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", "detach(handle, buffer)");
  Window* w = info[0].As<Napi::External<Window>>().Data();
  Napi::ArrayBuffer ab = info[1].As<Napi::ArrayBuffer>();
  if (!ab.IsDetached() && ab.Data() == w->data && ab.ByteLength() == w->length) ab.Detach();
  return info.Env().Undefined();
}

Napi::Value LiveCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), LiveMappings());
}

Napi::Value ReservedCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ReservedRanges());
}

// reduce(desc: Float64Array, out: Float64Array(kSlots * outCount)). One packed descriptor keeps a
// call to a few N-API round trips (this runs once per block, and inline for tiny arrays):
// [id, op, dtype, swap, position, indexBase, outBase, nOut, nRed,
//  outShape[nOut], outStrides[nOut], outIndexMul[nOut], redShape[nRed], redStrides[nRed], redIndexMul[nRed]]
constexpr size_t kDescHead = 9;

Napi::Float64Array F64Arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsTypedArray())
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a Float64Array");
  Napi::TypedArray t = info[i].As<Napi::TypedArray>();
  if (t.TypedArrayType() != napi_float64_array)
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", std::string(what) + " must be a Float64Array");
  return info[i].As<Napi::Float64Array>();
}

Napi::Value ReduceGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Float64Array da = F64Arg(info, 0, "descriptor");
  Napi::Float64Array out = F64Arg(info, 1, "out");
  const double* d = da.Data();
  size_t len = da.ElementLength();
  if (len < kDescHead) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "reduce descriptor is too short");
  int64_t v[kDescHead + 6 * 32];
  size_t n = len < sizeof(v) / sizeof(v[0]) ? len : sizeof(v) / sizeof(v[0]);
  for (size_t k = 0; k < n; ++k) {
    if (!(std::fabs(d[k]) <= 9007199254740991.0) || std::floor(d[k]) != d[k])
      ThrowCode(env, "ERR_OUT_OF_RANGE", "reduce descriptor must hold integers");
    v[k] = (int64_t)d[k];
  }
  int64_t nOut = v[7], nRed = v[8];
  if (nOut < 0 || nOut > 32 || nRed < 0 || nRed > 32 || len != kDescHead + 3 * (size_t)(nOut + nRed))
    ThrowCode(env, "ERR_INVALID_ARG_VALUE", "reduce descriptor has the wrong length");
  ReduceArgs a;
  a.op = (int)v[1];
  a.dtype = (int)v[2];
  a.swap = v[3] != 0;
  a.indexBase = v[5];
  a.outBase = v[6];
  if (a.op < 0 || a.op >= kReduceOpCount || ItemSize(a.dtype) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad op or dtype");
  const int64_t* os = v + kDescHead;
  const int64_t *ost = os + nOut, *om = ost + nOut, *rs = om + nOut, *rst = rs + nRed, *rm = rst + nRed;
  int64_t count = 1, maxPos = 0;
  for (int64_t k = 0; k < nOut; ++k) {
    if (os[k] < 0 || om[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative out dim");
    count *= os[k];
    maxPos += (os[k] - 1) * om[k];
  }
  for (int64_t k = 0; k < nRed; ++k) if (rs[k] < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative reduce dim");
  a.outCount = (int64_t)out.ElementLength() / kSlots;
  if (count > 0 && (a.outBase < 0 || a.outBase + maxPos >= a.outCount))
    ThrowCode(env, "ERR_OUT_OF_RANGE", "out is too small");
  int64_t shape[64], strides[64];
  for (int64_t k = 0; k < nOut; ++k) { shape[k] = os[k]; strides[k] = ost[k]; }
  for (int64_t k = 0; k < nRed; ++k) { shape[nOut + k] = rs[k]; strides[nOut + k] = rst[k]; }
  Hold hold(env, v[0]);
  a.data = Checked(env, hold.span, v[4], (size_t)(nOut + nRed), shape, strides, ItemSize(a.dtype));
  a.nOut = (int)nOut; a.outShape = os; a.outStrides = ost; a.outIndexMul = om;
  a.nRed = (int)nRed; a.redShape = rs; a.redStrides = rst; a.redIndexMul = rm;
  a.out = out.Data();
  if (Guarded(env, {&hold}, [&] { return Reduce(a); }) != 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad reduction arguments");
  return env.Undefined();
}

// An apply operand: Float64Array [id, dtype, swap, position, ...strides]; id < 0 for none.
struct ApplyOperand {
  std::vector<int64_t> v;
  std::unique_ptr<Hold> hold;
  Operand op;
};

void ReadOperand(const Napi::CallbackInfo& info, size_t i, const std::vector<int64_t>& shape,
                 ApplyOperand* o, bool writable) {
  Napi::Env env = info.Env();
  o->v = Ints(info, i, "operand");
  if (o->v.size() == 0 || o->v[0] < 0) return;
  if (o->v.size() != 4 + shape.size()) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "operand has the wrong rank");
  int dt = (int)o->v[1];
  if (ItemSize(dt) == 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "bad dtype");
  o->hold.reset(new Hold(env, o->v[0]));
  if (writable && o->hold->span.mode == kMapRead) ThrowCode(env, "ERR_NDMMAP_READONLY", "the target is read-only");
  std::vector<int64_t> strides(o->v.begin() + 4, o->v.end());
  o->op.data = Checked(env, o->hold->span, o->v[3], shape.size(), shape.data(), strides.data(), ItemSize(dt));
  o->op.dtype = dt;
  o->op.swap = o->v[2] != 0;
  o->op.strides = o->v.data() + 4;
}

// apply(code: Uint8Array, consts: Float64Array, shape: Float64Array, x, y, out)
Napi::Value ApplyGlue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || !info[1].IsTypedArray() ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    ThrowCode(env, "ERR_INVALID_ARG_TYPE", "apply(code, consts, shape, x, y, out)");
  Napi::Uint8Array code = info[0].As<Napi::Uint8Array>();
  Napi::Float64Array consts = info[1].As<Napi::Float64Array>();
  std::vector<int64_t> shape = Ints(info, 2, "shape");
  for (int64_t d : shape) if (d < 0) ThrowCode(env, "ERR_OUT_OF_RANGE", "negative dim");
  ApplyOperand x, y, out;
  ReadOperand(info, 3, shape, &x, false);
  ReadOperand(info, 4, shape, &y, false);
  ReadOperand(info, 5, shape, &out, true);
  if (out.op.data == nullptr) ThrowCode(env, "ERR_INVALID_ARG_VALUE", "apply needs an output");
  int err = Guarded(env, {x.hold.get(), y.hold.get(), out.hold.get()}, [&] {
    return Apply(code.Data(), (int64_t)code.ElementLength(), consts.Data(), (int64_t)consts.ElementLength(),
                 (int)shape.size(), shape.data(), x.op, y.op, out.op);
  });
  if (err) ThrowCode(env, "ERR_NDMMAP_BAD_PROGRAM", "malformed expression program");
  return env.Undefined();
}

// What an open mapping is reported to V8 as (external memory), so that MemMaps dropped without
// close() prompt a GC, which runs their FinalizationRegistry callbacks. Not the mapping's length: a
// mapping is address space and reclaimable page cache, not heap, and reporting 6 GiB per open of a
// large file would force a full GC on nearly every open. 1 MiB stands for the kernel resources it
// pins (a share of a descriptor, a VMA, the range): a few dozen dropped mappings start a collection.
constexpr int64_t kMappingCost = 1 << 20;

// One per environment (main thread, each worker thread). Mappings opened by an environment are
// closed when it is torn down: a worker that exits with open MemMaps runs no FinalizationRegistry
// callback, and would otherwise keep its mappings and descriptors for the life of the process.
class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    InstallFaultHandler();
    DefineAddon(exports, {
      InstanceMethod<&Addon::Map>("map"),
      InstanceMethod<&Addon::Unmap>("unmap"),
      InstanceMethod<&Addon::Call<FileSizeGlue>>("fileSize"),
      InstanceMethod<&Addon::Call<Reserve>>("reserve"),
      InstanceMethod<&Addon::Call<ReservedCount>>("reservedRanges"),
      InstanceMethod<&Addon::Call<Sync>>("sync"),
      InstanceMethod<&Addon::Call<Advise>>("advise"),
      InstanceMethod<&Addon::Call<Fallocate>>("fallocate"),
      InstanceMethod<&Addon::Call<MakeWindow>>("window"),
      InstanceMethod<&Addon::Call<Detach>>("detach"),
      InstanceMethod<&Addon::Call<LiveCount>>("liveMappings"),
      InstanceMethod<&Addon::Call<ReduceGlue>>("reduce"),
      InstanceMethod<&Addon::Call<ApplyGlue>>("apply"),
    });
  }

  ~Addon() {
    for (int64_t id : owned_) CloseMapping(id);
  }

 private:
  std::unordered_set<int64_t> owned_;  // mappings this environment opened and has not closed

  Napi::Value Map(const Napi::CallbackInfo& info) {
    int64_t id = MapGlue(info);
    owned_.insert(id);
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), kMappingCost);
    return Napi::Number::New(info.Env(), (double)id);
  }

  Napi::Value Unmap(const Napi::CallbackInfo& info) {
    int64_t id = I64(info, 0, "id");
    if (owned_.erase(id)) Napi::MemoryManagement::AdjustExternalMemory(info.Env(), -kMappingCost);
    return Napi::Boolean::New(info.Env(), CloseMapping(id) == 0);
  }

  template <Napi::Value (*F)(const Napi::CallbackInfo&)>
  Napi::Value Call(const Napi::CallbackInfo& info) { return F(info); }
};

}  // namespace
}  // namespace ndmmap

using ndmmap::Addon;
NODE_API_ADDON(Addon)
