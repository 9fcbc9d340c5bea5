#include "registry.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mutex>
#include <unordered_map>

namespace ndmmap {
namespace {

struct Entry {
  Span span;
  uint64_t mappedLength = 0;  // what munmap needs (length, page-rounded by the kernel)
  int refs = 1;               // the owner's reference
  bool closed = false;
};

std::mutex g_mutex;
std::unordered_map<int64_t, Entry>* g_entries = new std::unordered_map<int64_t, Entry>();  // never freed: outlives every thread
int64_t g_next = 1;

const uint64_t kPage = (uint64_t)sysconf(_SC_PAGESIZE);

void Destroy(Entry& e) {
  if (e.span.base != nullptr) munmap(e.span.base, e.mappedLength);
  if (e.span.fd >= 0) close(e.span.fd);
}

}  // namespace

int MapFile(int fd, int mode, uint64_t fileStart, uint64_t length, int64_t* id) {
  if (fileStart % kPage != 0 || mode < kMapRead || mode > kMapCopy) return EINVAL;
  Entry e;
  e.span.fileStart = fileStart;
  e.span.length = length;
  e.span.mode = mode;
  if (length > 0) {
    int prot = mode == kMapRead ? PROT_READ : PROT_READ | PROT_WRITE;
    int flags = mode == kMapShared ? MAP_SHARED : MAP_PRIVATE;
    void* p = mmap(nullptr, length, prot, flags, fd, (off_t)fileStart);
    if (p == MAP_FAILED) return errno;
    e.span.base = static_cast<uint8_t*>(p);
    e.mappedLength = length;
  }
  if (mode == kMapRead) {
    e.span.fd = dup(fd);
    if (e.span.fd < 0) {
      int err = errno;
      Destroy(e);
      return err;
    }
  }
  std::lock_guard<std::mutex> lock(g_mutex);
  *id = g_next++;
  g_entries->emplace(*id, e);
  return 0;
}

int Acquire(int64_t id, Span* span) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_entries->find(id);
  if (it == g_entries->end() || it->second.closed) return EBADF;
  it->second.refs++;
  *span = it->second.span;
  return 0;
}

void Release(int64_t id) {
  Entry dead;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_entries->find(id);
    if (it == g_entries->end() || --it->second.refs > 0) return;
    dead = it->second;
    g_entries->erase(it);
  }
  Destroy(dead);  // outside the lock: munmap of a large mapping takes a while
}

int CloseMapping(int64_t id) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_entries->find(id);
    if (it == g_entries->end() || it->second.closed) return EBADF;
    it->second.closed = true;
  }
  Release(id);
  return 0;
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

int LiveMappings() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return (int)g_entries->size();
}

}  // namespace ndmmap
