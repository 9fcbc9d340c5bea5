#include "core/files.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <tuple>

namespace ndmmap {
namespace {

// While a file has an entry here its descriptor is open, so its inode cannot be reused: (dev, ino)
// names one file for as long as the entry lives.
using Key = std::tuple<dev_t, ino_t, bool>;
struct File {
  int fd;
  int refs;
};

std::mutex g_mutex;
// Never freed: they outlive every thread.
std::map<Key, File>* g_files = new std::map<Key, File>();
std::map<int, Key>* g_keys = new std::map<int, Key>();  // shared descriptor -> its file

}  // namespace

int FileRef(int fd, bool writable, int* shared) {
  struct stat st;
  if (fstat(fd, &st) != 0) return errno;
  std::lock_guard<std::mutex> lock(g_mutex);
  Key k{st.st_dev, st.st_ino, writable};
  auto it = g_files->find(k);
  if (it != g_files->end()) {
    it->second.refs++;
    *shared = it->second.fd;
    return 0;
  }
  // Close-on-exec like every descriptor Node opens: child processes must not inherit it.
  int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  if (d < 0) return errno;
  g_files->emplace(k, File{d, 1});
  g_keys->emplace(d, k);
  *shared = d;
  return 0;
}

void FileUnref(int shared) {
  int dead = -1;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto k = g_keys->find(shared);
    if (k == g_keys->end()) return;
    auto it = g_files->find(k->second);
    if (--it->second.refs == 0) {
      dead = shared;
      g_files->erase(it);
      g_keys->erase(k);
    }
  }
  // Outside the lock: close() of the last descriptor of a file can take a while (it drops the inode).
  if (dead >= 0) close(dead);
}

int HoleBytes(int fd, uint64_t pos, uint64_t len, uint64_t* holes) {
  *holes = 0;
  const uint64_t end = pos + len;
  for (uint64_t at = pos; at < end;) {
    off_t h = lseek(fd, (off_t)at, SEEK_HOLE);
    if (h < 0) return errno == ENXIO || errno == EINVAL ? 0 : errno;  // past the end; no SEEK_HOLE here
    if ((uint64_t)h >= end) break;
    off_t d = lseek(fd, h, SEEK_DATA);
    if (d < 0 && errno != ENXIO) return errno;
    uint64_t stop = d < 0 || (uint64_t)d > end ? end : (uint64_t)d;  // ENXIO: a hole up to the end of the file
    *holes += stop - (uint64_t)h;
    at = stop;
  }
  return 0;
}

int ReserveBlocks(int fd, uint64_t pos, uint64_t len) {
  // Most writes land on allocated blocks: one SEEK_HOLE (~1 µs) spares them fallocate's journal
  // transaction (~10 µs on ext4, per call, which small inline applies would feel).
  off_t hole = len > 0 ? lseek(fd, (off_t)pos, SEEK_HOLE) : -1;
  if (hole < 0 || (uint64_t)hole >= pos + len) return 0;
  int r;
  do r = fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)pos, (off_t)len); while (r != 0 && errno == EINTR);
  // No emulation (glibc's posix_fallocate writes a byte per block, racing with other writers):
  // where the file system cannot reserve, the write goes ahead and a full disk is a fault.
  return r != 0 && errno != EOPNOTSUPP && errno != ENOSYS ? errno : 0;
}

bool FileInUse(uint64_t dev, uint64_t ino) {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (bool writable : {false, true})
    if (g_files->count(Key{(dev_t)dev, (ino_t)ino, writable}) != 0) return true;
  return false;
}

}  // namespace ndmmap
