// N-API glue for mappings, windows and apply (glue_reduce.cc has the reductions): argument checks,
// errno -> JS errors, windows as ArrayBuffers. Policy lives in src/; this file trusts nothing it is given.
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

#include "core/dtype.h"
#include "core/files.h"
#include "glue/glue.h"
#include "core/guard.h"
#include "reduce/reduce.h"
#include "core/registry.h"
#include "core/arena.h"
#include "vm/vm.h"

namespace ndmmap {
namespace {

// V8's ArrayBuffer limit on 64-bit (Node >= 22). Node 20 refuses external ArrayBuffers above 4 GiB by
// itself; src/ asks only for what buffer.constants.MAX_LENGTH allows.
constexpr uint64_t kMaxWindow = (1ull << 53) - 1;
const uint64_t kPage = (uint64_t)sysconf(_SC_PAGESIZE);

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

// madvise hints by index; the names are exported in the contract.
// populateWrite: MADV_POPULATE_WRITE (Linux 5.14+; core/registry.h PrefaultWrite says why)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
const char* const kAdviceNames[] = {"normal", "sequential", "random", "willneed", "dontneed", "populateWrite"};
const int kAdvice[] = {MADV_NORMAL, MADV_SEQUENTIAL, MADV_RANDOM, MADV_WILLNEED, MADV_DONTNEED, MADV_POPULATE_WRITE};

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

// holes(fd, offset, length): bytes of that range of the open file that are holes (no block yet).
Napi::Value Holes(const Napi::CallbackInfo& info) {
  uint64_t holes = 0;
  int err = HoleBytes((int)U64(info, 0, "fd"), U64(info, 1, "offset"), U64(info, 2, "length"), &holes);
  if (err) ThrowErrno(info.Env(), err, "lseek");
  return Napi::Number::New(info.Env(), (double)holes);
}

// reserveBlocks(fd, offset, length): allocate the holes of that range (fallocate, size kept).
Napi::Value ReserveBlocksGlue(const Napi::CallbackInfo& info) {
  int err = ReserveBlocks((int)U64(info, 0, "fd"), U64(info, 1, "offset"), U64(info, 2, "length"));
  if (err) ThrowErrno(info.Env(), err, "fallocate");
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
// store through a typed array cannot fault on a PROT_READ page). Nothing detaches it: Node's own
// threadpool code (randomFill, zlib, fs.read) keeps the JS object and its address while it works, and
// zlib checks the length of its input between chunks (an abort of the process when it shrank). So
// its memory stays mapped, the same length, until both the JS object has been collected and V8 has
// let go of its backing store (after close(): anonymous memory, registry.h).
struct Window {
  int64_t id;
  uint64_t token;
  std::atomic<int> owners{2};  // the backing store and the ArrayBuffer object
};

// What a live window is reported to V8 as (external memory): a range a closed mapping keeps, a
// registry record and V8's own backing store — little memory, but its release waits for the GC and
// then for finalizers, which Node runs from the event loop. Many dropped windows prompt a collection.
constexpr int64_t kWindowCost = 64 << 10;

// A finalizer: no exception may escape (hence the C call, its status ignored).
void Disown(Napi::Env env, Window* w) {
  if (--w->owners != 0) return;
  CloseWindow(w->id, w->token);
  int64_t total = 0;
  napi_adjust_external_memory(env, -kWindowCost, &total);
  delete w;
}

void WindowStoreFreed(Napi::Env env, void*, Window* w) { Disown(env, w); }
void WindowObjectGone(Napi::Env env, Window* w) { Disown(env, w); }

Napi::Value MakeWindow(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id = I64(info, 0, "id");
  uint64_t pos = U64(info, 1, "position"), len = U64(info, 2, "length");
  if (len > kMaxWindow) ThrowCode(env, "ERR_OUT_OF_RANGE", "a window is at most 2^53 - 1 bytes");
  uint8_t* p = nullptr;
  uint64_t token = 0;
  int err = OpenWindow(id, pos, len, &p, &token);
  if (err == EBADF) ThrowCode(env, "ERR_NDMMAP_CLOSED", "the memmap is closed");
  if (err == ERANGE) ThrowCode(env, "ERR_OUT_OF_RANGE", "window lies outside the mapping");
  if (err) ThrowErrno(env, err, "mmap");
  static uint8_t empty = 0;
  Window* w = new Window{id, token};
  Napi::ArrayBuffer ab;
  try {
    ab = Napi::ArrayBuffer::New(env, len ? p : &empty, len, WindowStoreFreed, w);
  } catch (...) {
    CloseWindow(id, token);
    delete w;
    throw;
  }
  ab.AddFinalizer(WindowObjectGone, w);
  int64_t total = 0;
  napi_adjust_external_memory(env, kWindowCost, &total);  // undone by Disown, whatever happens next
  Napi::Object r = Napi::Object::New(env);
  r.Set("buffer", ab);
  return r;
}

// An arena block (core/arena.h) as an ArrayBuffer: its JS owner's hold is dropped once both the
// backing store and the object are gone (as a window's, above).
struct ArenaOwner {
  int64_t id;
  std::atomic<int> owners{2};
};

void DisownArena(ArenaOwner* o) {
  if (--o->owners != 0) return;
  ArenaRelease(o->id);
  delete o;
}

void ArenaStoreFreed(Napi::Env, void*, ArenaOwner* o) { DisownArena(o); }
void ArenaObjectGone(Napi::Env, ArenaOwner* o) { DisownArena(o); }

// resultBuffer(bytes: number, dirty?: boolean) -> { id, buffer }: memory the pool's threads write
// through `id` (a gather's dstArena) and JS reads through `buffer`, zero-filled unless `dirty` (then
// perhaps an earlier result's block: the caller writes every byte); freed when the buffer is collected.
Napi::Value ResultBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowCode(env, "ERR_INVALID_ARG_TYPE", "resultBuffer(bytes: number)");
  const double want = info[0].As<Napi::Number>().DoubleValue();
  if (!(want >= 0 && want <= (double)kMaxWindow) || want != std::floor(want)) ThrowCode(env, "ERR_OUT_OF_RANGE", "resultBuffer: bad length");
  const uint64_t len = (uint64_t)want;
  const bool dirty = info.Length() > 1 && info[1].ToBoolean().Value();
  int64_t id = 0;
  uint8_t* p = nullptr;
  int err = ArenaNew(len, dirty, &id, &p);
  if (err) ThrowErrno(env, err, "mmap");
  ArenaOwner* o = new ArenaOwner{id};
  Napi::ArrayBuffer ab;
  try {
    ab = Napi::ArrayBuffer::New(env, p, len, ArenaStoreFreed, o);
  } catch (...) {
    ArenaRelease(id);
    delete o;
    throw;
  }
  ab.AddFinalizer(ArenaObjectGone, o);
  Napi::Object r = Napi::Object::New(env);
  r.Set("id", Napi::Number::New(env, (double)id));
  r.Set("buffer", ab);
  return r;
}

// liveArenas() -> [blocks alive, bytes of freed blocks cached]
Napi::Value LiveArenaCount(const Napi::CallbackInfo& info) {
  Napi::Array r = Napi::Array::New(info.Env(), 2);
  r.Set(0u, Napi::Number::New(info.Env(), LiveArenas()));
  r.Set(1u, Napi::Number::New(info.Env(), (double)CachedArenaBytes()));
  return r;
}

// fileInUse(dev: bigint, ino: bigint): does an open mapping (of any thread) map this file?
Napi::Value FileInUseGlue(const Napi::CallbackInfo& info) {
  if (info.Length() < 2 || !info[0].IsBigInt() || !info[1].IsBigInt())
    ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", "fileInUse(dev: bigint, ino: bigint)");
  bool lossless = true;
  uint64_t dev = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  uint64_t ino = info[1].As<Napi::BigInt>().Uint64Value(&lossless);
  return Napi::Boolean::New(info.Env(), FileInUse(dev, ino));
}

Napi::Value LiveCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), LiveMappings());
}

Napi::Value ReservedCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), ReservedRanges());
}

// Everything src/ must agree with, so src/native.ts can check it once at load.
Napi::Object Contract(Napi::Env env) {
  Napi::Object c = Napi::Object::New(env);
  static const char* dtypes[] = {
#define NDM_DTYPE_NAME(id, name, size, kind, ch) name,
      NDM_DTYPES(NDM_DTYPE_NAME)
#undef NDM_DTYPE_NAME
  };
  static_assert(sizeof(dtypes) / sizeof(dtypes[0]) == kDTypeCount, "one name per dtype code");
  Napi::Array dt = Napi::Array::New(env, kDTypeCount);
  for (int k = 0; k < kDTypeCount; ++k) dt.Set((uint32_t)k, dtypes[k]);
  c.Set("hash", kContractHash);  // of contract/spec.mjs: src/native.ts compares it first
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
#define NDM_OP_EXPORT(id, name, code, pops, types) ops.Set(name, code);
  NDM_OPS(NDM_OP_EXPORT)
#undef NDM_OP_EXPORT
  vm.Set("ops", ops);
  vm.Set("maxOperands", kMaxProgramOperands);
  vm.Set("isa", VmIsa());
  c.Set("vm", vm);
  c.Set("isa", KernelIsa());
  c.Set("embed", EmbedContract(env));
  c.Set("dist", DistTable(env));
  return c;
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
      InstanceMethod<&Addon::Call<Holes>>("holes"),
      InstanceMethod<&Addon::Call<ReserveBlocksGlue>>("reserveBlocks"),
      InstanceMethod<&Addon::Call<MakeWindow>>("window"),
      InstanceMethod<&Addon::Call<LiveCount>>("liveMappings"),
      InstanceMethod<&Addon::Call<ResultBuffer>>("resultBuffer"),
      InstanceMethod<&Addon::Call<LiveArenaCount>>("liveArenas"),
      InstanceMethod<&Addon::Call<FileInUseGlue>>("fileInUse"),
      InstanceMethod<&Addon::Call<ReduceCall>>("reduce"),
      InstanceMethod<&Addon::Call<CombineCall>>("combine"),
      InstanceMethod<&Addon::Call<DistCall>>("dist"),
      InstanceMethod<&Addon::Call<SortKeysCall>>("sortKeys"),
      InstanceMethod<&Addon::Call<SelectKeysCall>>("selectKeys"),
      InstanceMethod<&Addon::Call<PlanQuantileCall>>("planQuantile"),
      InstanceMethod<&Addon::Call<LibmCall>>("libm"),
      InstanceMethod<&Addon::Call<SortPairsCall>>("sortPairs"),
      InstanceMethod<&Addon::Call<PutCall>>("put"),
      InstanceMethod<&Addon::Call<ApplyCall>>("apply"),
      InstanceMethod<&Addon::Call<EmbedCall>>("embed"),
      InstanceMethod<&Addon::Call<TopKCall>>("topk"),
      InstanceMethod<&Addon::Call<MergeTopKCall>>("mergeTopk"),
      InstanceMethod<&Addon::Call<ScanCall>>("scan"),
      InstanceMethod<&Addon::Call<ScanCarriesCall>>("scanCarries"),
      InstanceMethod<&Addon::Call<OrderCall>>("order"),
      InstanceMethod<&Addon::Call<OrderMergeCall>>("orderMerge"),
      InstanceMethod<&Addon::Call<OrderPartCall>>("orderPart"),
      InstanceMethod<&Addon::Call<GatherCall>>("gather"),
      InstanceMethod<&Addon::SetErrorClassMethod>("setErrorClass"),
      InstanceValue("contract", Contract(env), napi_enumerable),
      InstanceValue("lookup", UniqueMethods(env), napi_enumerable),
    });
  }

  ~Addon() {
    for (int64_t id : owned_) CloseMapping(id);
  }

  Napi::FunctionReference errorClass;

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

  // setErrorClass(NdmmapError): errors this environment's addon throws are of that class from then on.
  Napi::Value SetErrorClassMethod(const Napi::CallbackInfo& info) {
    if (info.Length() < 1 || !info[0].IsFunction()) ThrowCode(info.Env(), "ERR_INVALID_ARG_TYPE", "setErrorClass(class)");
    errorClass = Napi::Persistent(info[0].As<Napi::Function>());
    return info.Env().Undefined();
  }
};

}  // namespace

Napi::Error MakeError(Napi::Env env, const std::string& code, const std::string& msg, const char* syscall,
                      const std::string& path) {
  Addon* addon = env.GetInstanceData<Addon>();
  if (addon != nullptr && !addon->errorClass.IsEmpty()) {
    Napi::Object extra = Napi::Object::New(env);
    if (syscall != nullptr) extra.Set("syscall", syscall);
    if (!path.empty()) extra.Set("path", path);
    Napi::Value e = addon->errorClass.New({Napi::String::New(env, code), Napi::String::New(env, msg), extra});
    return Napi::Error(env, e);
  }
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  if (syscall != nullptr) e.Set("syscall", Napi::String::New(env, syscall));
  if (!path.empty()) e.Set("path", Napi::String::New(env, path));
  return e;
}

}  // namespace ndmmap

using ndmmap::Addon;
NODE_API_ADDON(Addon)
