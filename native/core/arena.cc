// Result memory the addon owns (arena.h).
#include "core/arena.h"

#include <sys/mman.h>

#include <cerrno>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace ndmmap {
namespace {

constexpr uint64_t kHuge = uint64_t(2) << 20;

struct Block {
  uint8_t* map;      // what mmap returned (nullptr for an empty block)
  uint64_t mapLen;   // its length
  uint8_t* ptr;      // the block's first byte: 2 MiB aligned when it is at least 2 MiB long
  uint64_t len;      // its capacity
  int holds;
  uint64_t used;     // bytes the current owner asked for
};

// Freed blocks kept mapped (their pages already faulted in) for the next dirty request, up to this
// many bytes: a loop of takes then writes into memory that costs no fault and no zeroing.
constexpr uint64_t kCacheBytes = uint64_t(256) << 20;

std::mutex mu;
std::unordered_map<int64_t, Block> blocks;
std::vector<Block> cache;  // oldest first
uint64_t cacheBytes = 0;
int64_t nextId = 1;
uint8_t emptyByte = 0;

// A cached block for `len` bytes (at least len, at most twice as long), taken out of the cache.
bool TakeCached(uint64_t len, Block* out) {
  std::lock_guard<std::mutex> lock(mu);
  for (size_t k = cache.size(); k-- > 0;) {
    const uint64_t cap = cache[k].len;
    if (cap < len || cap / 2 > len) continue;
    *out = cache[k];
    cacheBytes -= cap;
    cache.erase(cache.begin() + (std::ptrdiff_t)k);
    return true;
  }
  return false;
}

}  // namespace

int ArenaNew(uint64_t len, bool dirty, int64_t* id, uint8_t** ptr) {
  Block b{nullptr, 0, &emptyByte, len, 1, len};
  if (dirty && len >= kHuge && TakeCached(len, &b)) {
    b.holds = 1;
  } else if (len > 0) {
    // aligned to 2 MiB, so the whole block can be huge pages (a 4 KiB fault costs ~25 µs here)
    if (len > (uint64_t(1) << 62)) return ENOMEM;
    const bool huge = len >= kHuge;
    const uint64_t whole = huge ? (len + kHuge - 1) & ~(kHuge - 1) : len;  // huge pages to its end
    const uint64_t mapLen = huge ? whole + kHuge : len;                    // room to align the start
    void* m = mmap(nullptr, mapLen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) return errno == 0 ? ENOMEM : errno;
    b.map = static_cast<uint8_t*>(m);
    b.mapLen = mapLen;
    b.ptr = huge ? reinterpret_cast<uint8_t*>(((uintptr_t)m + kHuge - 1) & ~(uintptr_t)(kHuge - 1)) : b.map;
    b.len = whole;
    if (huge) {
      const int saved = errno;
      (void)madvise(b.ptr, whole, MADV_HUGEPAGE);  // a hint
      errno = saved;
    }
  }
  std::lock_guard<std::mutex> lock(mu);
  *id = nextId++;
  *ptr = b.ptr;
  b.used = len;
  blocks.emplace(*id, b);
  return 0;
}

int ArenaAcquire(int64_t id, uint8_t** ptr, uint64_t* len) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = blocks.find(id);
  if (it == blocks.end()) return EBADF;
  ++it->second.holds;
  *ptr = it->second.ptr;
  *len = it->second.used;
  return 0;
}

void ArenaRelease(int64_t id) {
  std::vector<Block> drop;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = blocks.find(id);
    if (it == blocks.end() || --it->second.holds > 0) return;
    Block b = it->second;
    blocks.erase(it);
    if (b.map != nullptr && b.len >= kHuge && b.len <= kCacheBytes) {
      // kept for the next dirty request; the oldest cached blocks make room
      while (cacheBytes + b.len > kCacheBytes) {
        drop.push_back(cache.front());
        cacheBytes -= cache.front().len;
        cache.erase(cache.begin());
      }
      cache.push_back(b);
      cacheBytes += b.len;
    } else if (b.map != nullptr) {
      drop.push_back(b);
    }
  }
  for (const Block& b : drop) munmap(b.map, b.mapLen);
}

int LiveArenas() {
  std::lock_guard<std::mutex> lock(mu);
  return (int)blocks.size();
}

uint64_t CachedArenaBytes() {
  std::lock_guard<std::mutex> lock(mu);
  return cacheBytes;
}

}  // namespace ndmmap
