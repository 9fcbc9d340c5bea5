#include "core/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/files.h"

namespace ndmmap {
namespace {

// A window's own memory: a private remap (mode 'r'), or none (a view into the mapping).
struct Window {
  uint8_t* priv = nullptr;
  uint64_t len = 0;
};

struct Entry {
  Span span;
  uint64_t mappedLength = 0;  // what munmap needs (length, page-rounded by the kernel)
  std::string path;           // for error messages
  int holds = 0;              // native calls running on it
  bool closed = false;        // the owner closed it
  bool retired = false;       // closed, no holds: the file is no longer used (see registry.h)
  bool mainReserved = false;  // retired with views into it: the main range is anonymous, still mapped
  int busy = 0;               // a retire is swapping pages outside the lock
  int views = 0;              // windows that point into the main range
  uint64_t nextToken = 1;
  std::unordered_map<uint64_t, Window> windows;
  std::vector<Window> deferred;  // private windows closed during a retire: unmapped after its swap
};

using Unmaps = std::vector<std::pair<void*, uint64_t>>;

std::mutex g_mutex;
std::unordered_map<int64_t, Entry>* g_entries = new std::unordered_map<int64_t, Entry>();  // never freed: outlives every thread
int64_t g_next = 1;

const uint64_t kPage = (uint64_t)sysconf(_SC_PAGESIZE);

// NDMMAP_DEBUG_GUARD=1 (tests): every mapping and window gets an inaccessible page on each side, so a
// kernel that reads or writes past its operand's ends faults at once instead of when the neighbouring
// range happens to be unmapped (an intermittent SIGSEGV that ASan does not see in mapped memory).
const bool kGuard = [] {
  const char* v = getenv("NDMMAP_DEBUG_GUARD");
  return v != nullptr && v[0] == '1';
}();

uint64_t RoundPage(uint64_t n) { return (n + kPage - 1) / kPage * kPage; }

// mmap(nullptr, len, ...) with guard pages around the range under NDMMAP_DEBUG_GUARD.
void* MapRange(uint64_t len, int prot, int flags, int fd, off_t off) {
  if (!kGuard) return mmap(nullptr, len, prot, flags, fd, off);
  const uint64_t whole = RoundPage(len) + 2 * kPage;
  void* r = mmap(nullptr, whole, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED) return MAP_FAILED;
  uint8_t* at = static_cast<uint8_t*>(r) + kPage;
  void* p = mmap(at, len, prot, flags | MAP_FIXED, fd, off);
  if (p == MAP_FAILED) {
    int err = errno;
    munmap(r, whole);
    errno = err;
  }
  return p;
}

// munmap of a MapRange range, its guard pages included.
void UnmapRange(void* p, uint64_t len) {
  if (!kGuard) {
    munmap(p, len);
    return;
  }
  munmap(static_cast<uint8_t*>(p) - kPage, RoundPage(len) + 2 * kPage);
}

// Replaces [p, p + len) by anonymous zero pages in one step: MAP_FIXED swaps the mapping atomically,
// so the range is never unmapped (free for another mmap to take) in between.
void Anonymize(void* p, uint64_t len) {
  if (mmap(p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0) != MAP_FAILED)
    return;
  // Strict overcommit (vm.overcommit_memory=2) may refuse writable memory: an inaccessible
  // reservation still keeps the range from the file and from later mappings (a late access faults).
  mmap(p, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);
}

void Unmap(const Unmaps& u) {
  for (const auto& r : u) UnmapRange(r.first, r.second);
}

// Erases a retired entry with no windows left; its main range goes to `u` if still mapped.
void Erase(std::unordered_map<int64_t, Entry>::iterator it, Unmaps* u) {
  Entry& e = it->second;
  if (e.mainReserved && e.span.base != nullptr) u->emplace_back(e.span.base, e.mappedLength);
  g_entries->erase(it);
}

// Moves a closed mapping on once no call holds it: unmapped if no window is left, else retired
// (pages swapped for anonymous memory). Called with no lock held, after any change that may allow it.
void Settle(int64_t id) {
  std::unique_lock<std::mutex> lock(g_mutex);
  auto it = g_entries->find(id);
  if (it == g_entries->end()) return;
  Entry& e = it->second;
  if (!e.closed || e.holds > 0 || e.busy > 0 || e.retired) return;
  e.retired = true;
  Span s = e.span;
  uint64_t mapped = e.mappedLength;
  if (e.windows.empty()) {
    g_entries->erase(it);
    lock.unlock();
    if (s.base != nullptr) UnmapRange(s.base, mapped);  // outside the lock: a large munmap takes a while
    FileUnref(s.fd);
    return;
  }
  e.busy++;
  bool keepMain = e.mainReserved = e.views > 0;
  std::vector<Window> priv;
  for (const auto& w : e.windows) if (w.second.priv != nullptr) priv.push_back(w.second);
  lock.unlock();
  if (s.base != nullptr) {
    if (keepMain) Anonymize(s.base, mapped);
    else UnmapRange(s.base, mapped);
  }
  for (const Window& w : priv) Anonymize(w.priv, w.len);
  FileUnref(s.fd);
  Unmaps u;
  lock.lock();
  it = g_entries->find(id);  // still there: busy kept it
  it->second.busy--;
  for (const Window& w : it->second.deferred) u.emplace_back(w.priv, w.len);
  it->second.deferred.clear();
  if (it->second.windows.empty()) Erase(it, &u);
  lock.unlock();
  Unmap(u);
}

}  // namespace

int MapFile(int fd, int mode, uint64_t fileStart, uint64_t length, const std::string& path, int64_t* id) {
  if (fileStart % kPage != 0 || mode < kMapRead || mode > kMapCopy) return EINVAL;
  Entry e;
  e.span.fileStart = fileStart;
  e.span.length = length;
  e.span.mode = mode;
  e.path = path;
  if (length > 0) {
    int prot = mode == kMapRead ? PROT_READ : PROT_READ | PROT_WRITE;
    int flags = mode == kMapShared ? MAP_SHARED : MAP_PRIVATE;
    void* p = MapRange(length, prot, flags, fd, (off_t)fileStart);
    if (p == MAP_FAILED) return errno;
    e.span.base = static_cast<uint8_t*>(p);
    e.mappedLength = length;
  }
  // A shared mapping's fd is open for writing (mmap checked it): its shared descriptor can reserve blocks.
  int err = FileRef(fd, mode == kMapShared, &e.span.fd);
  if (err) {
    if (e.span.base != nullptr) UnmapRange(e.span.base, e.mappedLength);
    return err;
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  *id = g_next++;
  g_entries->emplace(*id, std::move(e));
  return 0;
}

int Acquire(int64_t id, Span* span) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_entries->find(id);
  if (it == g_entries->end() || it->second.closed) return EBADF;
  it->second.holds++;
  *span = it->second.span;
  return 0;
}

void Release(int64_t id) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_entries->find(id);
    if (it == g_entries->end() || --it->second.holds > 0 || !it->second.closed) return;
  }
  Settle(id);
}

int CloseMapping(int64_t id) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_entries->find(id);
    if (it == g_entries->end() || it->second.closed) return EBADF;
    it->second.closed = true;
  }
  Settle(id);
  return 0;
}

int OpenWindow(int64_t id, uint64_t pos, uint64_t len, uint8_t** ptr, uint64_t* token) {
  Span s;
  int err = Acquire(id, &s);
  if (err) return err;
  *token = 0;
  uint8_t* p = s.At(pos, len);
  if (p == nullptr) err = ERANGE;
  Window w;
  if (!err && len > 0 && s.mode == kMapRead) {
    // A private copy-on-write remap: a store through it cannot fault on the PROT_READ mapping.
    uint64_t delta = pos % kPage;
    void* q = MapRange(len + delta, PROT_READ | PROT_WRITE, MAP_PRIVATE, s.fd, (off_t)(pos - delta));
    if (q == MAP_FAILED) {
      err = errno;
    } else {
      w.priv = static_cast<uint8_t*>(q);
      w.len = len + delta;
      p = w.priv + delta;
    }
  }
  if (!err && len > 0) {
    std::lock_guard<std::mutex> lock(g_mutex);
    Entry& e = g_entries->at(id);  // held: it exists
    *token = e.nextToken++;
    e.windows.emplace(*token, w);
    if (w.priv == nullptr) e.views++;
  }
  *ptr = p;
  Release(id);  // a close() meanwhile retires the mapping here, window included
  return err;
}

void CloseWindow(int64_t id, uint64_t token) {
  if (token == 0) return;
  Unmaps u;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_entries->find(id);
    if (it == g_entries->end()) return;
    Entry& e = it->second;
    auto w = e.windows.find(token);
    if (w == e.windows.end()) return;
    Window win = w->second;
    e.windows.erase(w);
    if (win.priv == nullptr) e.views--;
    else if (e.busy > 0) e.deferred.push_back(win);  // a retire may be swapping it right now
    else u.emplace_back(win.priv, win.len);
    if (e.retired && e.busy == 0 && e.windows.empty()) Erase(it, &u);
  }
  Unmap(u);
}

int SyncRange(int64_t id, uint64_t pos, uint64_t len) {
  Span s;
  int err = Acquire(id, &s);
  if (err) return err;
  if (len > 0 && s.mode == kMapShared) {
    uint8_t* p = s.At(pos, len);
    if (p == nullptr) {
      err = ERANGE;
    } else {
      uint64_t delta = (uint64_t)(p - s.base) % kPage;
      if (msync(p - delta, len + delta, MS_SYNC) != 0) err = errno;
    }
  }
  Release(id);
  return err;
}

void PrefaultWrite(uint8_t* p, uint64_t len) {
#ifndef MADV_POPULATE_WRITE
  constexpr int MADV_POPULATE_WRITE = 23;
#endif
  if (p == nullptr || len == 0) return;
  const uint64_t delta = (uint64_t)(uintptr_t)p % kPage;
  int saved = errno;
  (void)madvise(p - delta, len + delta, MADV_POPULATE_WRITE);
  errno = saved;
}

int AdviseRange(int64_t id, uint64_t pos, uint64_t len, int advice) {
  Span s;
  int err = Acquire(id, &s);
  if (err) return err;
  if (len > 0) {
    uint8_t* p = s.At(pos, len);
    if (p == nullptr) {
      err = ERANGE;
    } else {
      uint64_t delta = (uint64_t)(p - s.base) % kPage;
      if (madvise(p - delta, len + delta, advice) != 0) err = errno;
    }
  }
  Release(id);
  return err;
}

int FileSize(int64_t id, uint64_t* size) {
  Span s;
  int err = Acquire(id, &s);
  if (err) return err;
  struct stat st;
  if (fstat(s.fd, &st) != 0) err = errno;
  else *size = (uint64_t)st.st_size;
  Release(id);
  return err;
}

int ReserveRange(int64_t id, uint64_t pos, uint64_t len) {
  Span s;
  int err = Acquire(id, &s);
  if (err) return err;
  if (s.mode == kMapShared) err = ReserveBlocks(s.fd, pos, len);
  Release(id);
  return err;
}

int FaultCause(int64_t id, uint64_t pos, uint64_t* size, std::string* path) {
  int fd;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_entries->find(id);
    if (it == g_entries->end()) return kFaultIo;
    fd = it->second.span.fd;  // the caller holds the mapping: the descriptor stays open
    *path = it->second.path;
  }
  struct stat st;
  struct statvfs vfs;
  *size = 0;
  if (fstat(fd, &st) == 0) {
    *size = (uint64_t)st.st_size;
    if (*size <= pos) return kFaultTruncated;
  }
  if (fstatvfs(fd, &vfs) == 0 && vfs.f_bavail == 0) return kFaultNoSpace;
  return kFaultIo;
}

int LiveMappings() {
  std::lock_guard<std::mutex> lock(g_mutex);
  int n = 0;
  for (const auto& e : *g_entries) n += e.second.retired ? 0 : 1;
  return n;
}

int ReservedRanges() {
  std::lock_guard<std::mutex> lock(g_mutex);
  int n = 0;
  for (const auto& e : *g_entries) {
    if (!e.second.retired) continue;
    n += e.second.mainReserved ? 1 : 0;
    for (const auto& w : e.second.windows) n += w.second.priv != nullptr ? 1 : 0;
  }
  return n;
}

}  // namespace ndmmap
