// unique()'s open addressing table of (folded key, first occurrence, count): shared by the hash pass
// (unique.cc) and the dense counting kernels (unique_dense.cc), which add the values they count.
#pragma once
#include <cstdint>
#include <mutex>
#include <vector>

#include "reduce/reduce.h"

namespace ndmmap {
namespace lookup {

// One slot of a table: the folded key (equality), the first occurrence's own key (-0.0 or +0.0),
// its flat index and the count (0: empty slot).
struct Slot { uint64_t key, firstKey; int64_t first, count; };

inline uint64_t Mix(uint64_t k) { k ^= k >> 33; k *= 0xff51afd7ed558ccdull; k ^= k >> 33; return k; }

struct Table {
  std::vector<Slot> slots;
  int64_t used = 0;
  uint64_t mask = 0;
  void Reset(int64_t cap) {
    slots.assign((size_t)cap, Slot{0, 0, 0, 0});
    mask = (uint64_t)cap - 1;
    used = 0;
  }
  // The slot of key k (an empty one if absent).
  Slot& Find(uint64_t k) {
    for (uint64_t h = Mix(k) & mask;; h = (h + 1) & mask) {
      Slot& s = slots[h];
      if (s.count == 0 || s.key == k) return s;
    }
  }
  void Grow() {
    std::vector<Slot> old;
    old.swap(slots);
    Reset((int64_t)old.size() * 2);
    for (const Slot& s : old) if (s.count != 0) { Find(s.key) = s; ++used; }
  }
  // Add `count` occurrences whose first is (firstKey, first).
  void Add(uint64_t k, uint64_t firstKey, int64_t first, int64_t count) {
    if (2 * (used + 1) > (int64_t)slots.size()) Grow();
    Slot& s = Find(k);
    if (s.count == 0) { s = Slot{k, firstKey, first, count}; ++used; return; }
    s.count += count;
    if (first < s.first) { s.first = first; s.firstKey = firstKey; }
  }
};

// Keys a call counts by index (Call::AddDense): the dense kernels' slots land in it without hashing.
constexpr int64_t kCallWindow = 1 << 16;

// A call's table (every block's values merged under mu), its rank per folded key after HashFinish.
struct Call {
  std::mutex mu;
  Table t;
  bool overflow = false;
  std::vector<int64_t> rank;  // per slot of t
  // Counts and first indices of keys [keyBase, keyBase + kCallWindow), from the dense kernels: tens of
  // thousands of labels per block would otherwise each miss the cache in t. Drained into t once.
  std::vector<int64_t> count, first;
  uint64_t keyBase = 0;
  int64_t denseUsed = 0;
  // Distinct values held (t and the window).
  int64_t Used() const { return t.used + denseUsed; }
  void AddDense(uint64_t k, int64_t at, int64_t n) {
    if (count.empty()) {
      count.assign((size_t)kCallWindow, 0);
      first.assign((size_t)kCallWindow, INT64_MAX);
      keyBase = k;  // the first block's least slot: labels from it up fit
    }
    const uint64_t d = k - keyBase;
    if (d >= (uint64_t)kCallWindow) { t.Add(k, k, at, n); return; }
    if (count[d] == 0) ++denseUsed;
    count[d] += n;
    if (at < first[d]) first[d] = at;
  }
  // The window's values into t (before t is read: HashFinish).
  void Drain() {
    for (size_t d = 0; d < count.size(); ++d)
      if (count[d] != 0) t.Add(keyBase + d, keyBase + d, first[d], count[d]);
    count.clear();
    first.clear();
    denseUsed = 0;
  }
};

// Dense counting of a block of integer or bool values (unique_dense.cc), when the block reads its
// operand as stored (no programs or mask) and the kind is int64/uint64: 1-byte and 2-byte values by
// a full table, wider ones through a window of 65,536 values from the first run's least. The window's
// counts go straight into the call's table c (under c.mu, once per block); values outside it one by
// one into the block's table t, which the caller merges. needFirst: also the least flat index of each
// value (else the window's firsts are 0). Returns 0, EOVERFLOW once a table holds more than bound
// values (c.overflow set), or -1 when the block is not for it.
int DenseBlock(const ReduceArgs& a, int kind, bool needFirst, Table& t, Call& c, int64_t bound);

}  // namespace lookup
}  // namespace ndmmap
