#include "files.h"

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

bool FileInUse(uint64_t dev, uint64_t ino) {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (bool writable : {false, true})
    if (g_files->count(Key{(dev_t)dev, (ino_t)ino, writable}) != 0) return true;
  return false;
}

}  // namespace ndmmap
