// The only file that touches N-API: argument checks, errno -> JS errors, windows as ArrayBuffers.
// Policy (modes, sizes, layouts) lives in src/; this file trusts nothing it is given.
#include <errno.h>
#include <fcntl.h>
#include <napi.h>
#include <sys/mman.h>
#include <unistd.h>
#include <uv.h>

#include <cmath>
#include <string>
#include <vector>

#include "apply.h"
#include "vm.h"
#include "glue.h"
#include "dtype.h"
#include "reduce.h"
#include "registry.h"

namespace ndmmap {
namespace {

// Node 20 refuses external ArrayBuffers above 4 GiB; src/ keeps windows below this.
constexpr uint64_t kMaxWindow = 1ull << 32;
const uint64_t kPage = (uint64_t)sysconf(_SC_PAGESIZE);

// map(fd, mode, fileStart, length) -> id
Napi::Value Map(const Napi::CallbackInfo& info) {
  int fd = (int)U64(info, 0, "fd");
  int mode = (int)U64(info, 1, "mode");
  uint64_t start = U64(info, 2, "fileStart"), length = U64(info, 3, "length");
  int64_t id = 0;
  int err = MapFile(fd, mode, start, length, &id);
  if (err) ThrowErrno(info.Env(), err, "mmap");
  return Napi::Number::New(info.Env(), (double)id);
}

Napi::Value Unmap(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), CloseMapping(I64(info, 0, "id")) == 0);
}

Napi::Value Sync(const Napi::CallbackInfo& info) {
  int err = SyncRange(I64(info, 0, "id"), U64(info, 1, "position"), U64(info, 2, "length"));
  if (err == EBADF) ThrowCode(info.Env(), "ERR_NDMMAP_CLOSED", "the memmap is closed");
  if (err) ThrowErrno(info.Env(), err, "msync");
  return info.Env().Undefined();
}

// madvise hints by index; the names are exported in the contract.
const char* const kAdviceNames[] = {"normal", "sequential", "random", "willneed", "dontneed"};
const int kAdvice[] = {MADV_NORMAL, MADV_SEQUENTIAL, MADV_RANDOM, MADV_WILLNEED, MADV_DONTNEED};

Napi::Value Advise(const Napi::CallbackInfo& info) {
  const int* advice = kAdvice;
  uint64_t a = U64(info, 3, "advice");
  if (a >= sizeof(kAdvice) / sizeof(kAdvice[0])) ThrowCode(info.Env(), "ERR_OUT_OF_RANGE", "unknown advice");
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

// A window onto a mapping as an external ArrayBuffer. It holds a mapping reference until it is
// detached (MemMap.close) or collected. Read-only mappings get a private copy-on-write remap of the
// range instead, so a store through a typed array cannot fault on a PROT_READ page.
struct Window {
  int64_t id;
  void* privBase = nullptr;
  size_t privLen = 0;
  bool released = false;
  void Let() {
    if (released) return;
    released = true;
    if (privBase != nullptr) munmap(privBase, privLen);
    Release(id);
  }
};

void FinalizeWindow(Napi::Env, void*, Window* w) {
  w->Let();
  delete w;
}

Napi::Value MakeWindow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id = I64(info, 0, "id");
  uint64_t pos = U64(info, 1, "position"), len = U64(info, 2, "length");
  if (len > kMaxWindow) ThrowCode(env, "ERR_OUT_OF_RANGE", "a window is at most 4 GiB on Node 20");
  Span s;
  if (Acquire(id, &s) != 0) ThrowCode(env, "ERR_NDMMAP_CLOSED", "the memmap is closed");
  Window* w = new Window{id};
  uint8_t* p = s.At(pos, len);
  if (p == nullptr) {
    w->Let();
    delete w;
    ThrowCode(env, "ERR_OUT_OF_RANGE", "window lies outside the mapping");
  }
  if (s.mode == kMapRead && len > 0) {
    uint64_t delta = pos % kPage;
    void* q = mmap(nullptr, len + delta, PROT_READ | PROT_WRITE, MAP_PRIVATE, s.fd, (off_t)(pos - delta));
    if (q == MAP_FAILED) {
      int err = errno;
      w->Let();
      delete w;
      ThrowErrno(env, err, "mmap");
    }
    w->privBase = q;
    w->privLen = len + delta;
    p = static_cast<uint8_t*>(q) + delta;
  }
  static uint8_t empty = 0;
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, len ? p : &empty, len, FinalizeWindow, w);
  Napi::Object r = Napi::Object::New(env);
  r.Set("buffer", ab);
  r.Set("handle", Napi::External<Window>::New(env, w));
  return r;
}

// detach(handle, buffer): the buffer becomes empty and the window's reference goes now, not at GC.
Napi::Value Detach(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsExternal() || !info[1].IsArrayBuffer())
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", "detach(handle, buffer)");
  Window* w = info[0].As<Napi::External<Window>>().Data();
  Napi::ArrayBuffer ab = info[1].As<Napi::ArrayBuffer>();
  if (w->released) return info.Env().Undefined();
  // Detach first: the finalizer may run inside Detach and free w, so touch nothing after it.
  void* priv = w->privBase;
  size_t privLen = w->privLen;
  int64_t id = w->id;
  w->released = true;
  ab.Detach();
  if (priv != nullptr) munmap(priv, privLen);
  Release(id);
  return info.Env().Undefined();
}

Napi::Value LiveCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), LiveMappings());
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
  o->v = Ints(info, i, "operand", 4);
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
  int err = Apply(code.Data(), (int64_t)code.ElementLength(), consts.Data(), (int64_t)consts.ElementLength(),
                  (int)shape.size(), shape.data(), x.op, y.op, out.op);
  if (err) ThrowCode(env, "ERR_NDMMAP_BAD_PROGRAM", "malformed expression program");
  return env.Undefined();
}

// Everything src/ must agree with, so src/native.ts can check it once at load.
Napi::Object Contract(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
  static const char* dtypes[] = {"bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
                                 "float16", "float32", "float64"};
  static_assert(sizeof(dtypes) / sizeof(dtypes[0]) == kDTypeCount, "one name per dtype code");
  Napi::Array dt = Napi::Array::New(env, kDTypeCount);
  for (int k = 0; k < kDTypeCount; ++k) dt.Set((uint32_t)k, dtypes[k]);
  c.Set("dtypes", dt);
  c.Set("kernels", KernelTable(env));
  c.Set("maxDims", kMaxDims);
  c.Set("maxOperands", kMaxOperands);
  c.Set("maxWindow", (double)kMaxWindow);
  Napi::Object advice = Napi::Object::New(env);
  for (size_t k = 0; k < sizeof(kAdviceNames) / sizeof(kAdviceNames[0]); ++k) advice.Set(kAdviceNames[k], (double)k);
  c.Set("advice", advice);
  Napi::Object modes = Napi::Object::New(env);
  modes.Set("read", (int)kMapRead);
  modes.Set("shared", (int)kMapShared);
  modes.Set("copy", (int)kMapCopy);
  c.Set("mapModes", modes);
  Napi::Object vm = Napi::Object::New(env);
  vm.Set("format", (int)kFormatVersion);
  vm.Set("block", kBlock);
  vm.Set("maxStack", kMaxStack);
  Napi::Object ops = Napi::Object::New(env);
#define NDM_OP_EXPORT(id, name, code) ops.Set(name, code);
  NDM_OPS(NDM_OP_EXPORT)
#undef NDM_OP_EXPORT
  vm.Set("ops", ops);
  Napi::Object vmModes = Napi::Object::New(env);
  vmModes.Set("float64", (int)kModeFloat);
  vmModes.Set("int64", (int)kModeInt);
  vmModes.Set("uint64", (int)kModeUInt);
  vm.Set("modes", vmModes);
  c.Set("vm", vm);
  c.Set("isa", KernelIsa());
  return c;
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
      InstanceMethod<&Addon::Call<Map>>("map"),
      InstanceMethod<&Addon::Call<Unmap>>("unmap"),
      InstanceMethod<&Addon::Call<Sync>>("sync"),
      InstanceMethod<&Addon::Call<Advise>>("advise"),
      InstanceMethod<&Addon::Call<Fallocate>>("fallocate"),
      InstanceMethod<&Addon::Call<MakeWindow>>("window"),
      InstanceMethod<&Addon::Call<Detach>>("detach"),
      InstanceMethod<&Addon::Call<LiveCount>>("liveMappings"),
      InstanceMethod<&Addon::Call<ReduceCall>>("reduce"),
      InstanceMethod<&Addon::Call<CombineCall>>("combine"),
      InstanceMethod<&Addon::Call<ApplyGlue>>("apply"),
      InstanceValue("contract", Contract(env), napi_enumerable),
    });
  }

 private:
  template <Napi::Value (*F)(const Napi::CallbackInfo&)>
  Napi::Value Call(const Napi::CallbackInfo& info) { return F(info); }
};

}  // namespace
}  // namespace ndmmap

using ndmmap::Addon;
NODE_API_ADDON(Addon)
