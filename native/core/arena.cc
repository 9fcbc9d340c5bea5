// Result memory the addon owns (arena.h).
#include "core/arena.h"

#include <sys/mman.h>

#include <cerrno>
#include <mutex>
#include <unordered_map>

namespace ndmmap {
namespace {

constexpr uint64_t kHuge = uint64_t(2) << 20;

struct Block {
  uint8_t* map;      // what mmap returned (nullptr for an empty block)
  uint64_t mapLen;   // its length
  uint8_t* ptr;      // the block's first byte: 2 MiB aligned when it is at least 2 MiB long
  uint64_t len;
  int holds;
};

std::mutex mu;
std::unordered_map<int64_t, Block> blocks;
int64_t nextId = 1;
uint8_t emptyByte = 0;

}  // namespace

int ArenaNew(uint64_t len, int64_t* id, uint8_t** ptr) {
  Block b{nullptr, 0, &emptyByte, len, 1};
  if (len > 0) {
    // aligned to 2 MiB, so the whole block can be huge pages (a 4 KiB fault costs ~25 µs here)
    const uint64_t pad = len >= kHuge ? kHuge : 0;
    if (len > (uint64_t(1) << 62)) return ENOMEM;
    void* m = mmap(nullptr, len + pad, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return errno == 0 ? ENOMEM : errno;
    b.map = static_cast<uint8_t*>(m);
    b.mapLen = len + pad;
    b.ptr = pad ? reinterpret_cast<uint8_t*>(((uintptr_t)m + kHuge - 1) & ~(uintptr_t)(kHuge - 1)) : b.map;
    if (pad) {
      const int saved = errno;
      (void)madvise(b.ptr, (len + kHuge - 1) & ~(kHuge - 1), MADV_HUGEPAGE);  // a hint
      errno = saved;
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  *id = nextId++;
  *ptr = b.ptr;
  blocks.emplace(*id, b);
  return 0;
}

int ArenaAcquire(int64_t id, uint8_t** ptr, uint64_t* len) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = blocks.find(id);
  if (it == blocks.end()) return EBADF;
  ++it->second.holds;
  *ptr = it->second.ptr;
  *len = it->second.len;
  return 0;
}

void ArenaRelease(int64_t id) {
  Block b;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = blocks.find(id);
    if (it == blocks.end() || --it->second.holds > 0) return;
    b = it->second;
    blocks.erase(it);
  }
  if (b.map != nullptr) munmap(b.map, b.mapLen);
}

int LiveArenas() {
  std::lock_guard<std::mutex> lock(mu);
  return (int)blocks.size();
}

}  // namespace ndmmap
