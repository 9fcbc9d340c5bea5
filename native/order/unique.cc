// unique()'s kernels (lookup.h). The hash path: each block counts its values in a thread-local open
// addressing table, then merges it under a mutex into the call's table (a process-wide registry by
// call id: the pool's workers are threads of one process), so value counts of labels never sort and
// memory stays at the distinct values. The sort path: keys gathered at their flat index, then one
// stable radix sort with the indices as payload (radix.h), runs of equal values read off in order.
#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "order/lookup.h"
#include "order/radix.h"
#include "order/unique_table.h"

namespace ndmmap {
namespace lookup {
namespace {

std::mutex gMu;
std::unordered_map<uint64_t, std::shared_ptr<Call>>& Calls() {
  static auto* m = new std::unordered_map<uint64_t, std::shared_ptr<Call>>();
  return *m;
}

std::shared_ptr<Call> GetCall(uint64_t id, bool create) {
  std::lock_guard<std::mutex> g(gMu);
  auto& m = Calls();
  auto it = m.find(id);
  if (it != m.end()) return it->second;
  if (!create) return nullptr;
  auto c = std::make_shared<Call>();
  c->t.Reset(1024);
  m[id] = c;
  return c;
}

// A dense window of counts over folded keys [base, base + kDense): labels (a few thousand values in a
// narrow range, the common case of value counts) are counted by index, with no hashing or probing.
// Keys outside the window take the hash table. `lo`/`hi` bound the slots touched, so a block resets
// only those.
constexpr int64_t kDense = 1 << 16;
struct Dense {
  std::vector<Slot> slots = std::vector<Slot>((size_t)kDense, Slot{0, 0, 0, 0});
  bool set = false;
  uint64_t base = 0;
  int64_t lo = kDense, hi = -1;
};

// Per-thread scratch (on the heap: the addon's TLS segment stays small).
struct Scratch {
  std::vector<uint64_t> vals = std::vector<uint64_t>(8192), keys = std::vector<uint64_t>(8192);
  Table t;
  Dense dense;
};
Scratch& Local() {
  static thread_local std::unique_ptr<Scratch> s;
  if (!s) s.reset(new Scratch());
  return *s;
}

}  // namespace

int HashBlock(const ReduceArgs& a, int kind, uint64_t id, int64_t bound, bool needFirst) {
  std::shared_ptr<Call> c = GetCall(id, true);
  {
    std::lock_guard<std::mutex> g(c->mu);
    if (c->overflow) return EOVERFLOW;
  }
  Scratch& L = Local();
  Table& t = L.t;
  t.Reset(1024);
  Dense& D = L.dense;
  D.set = false;
  bool over = false;
  // integer labels: counted by index over typed loads (unique_dense.cc); anything else keyed and walked
  const int dense = DenseBlock(a, kind, needFirst, t, *c, bound);
  if (dense == EOVERFLOW) over = true;
  if (dense < 0) WalkKeys(a, kind, L.vals.data(), L.keys.data(), [&](const uint64_t* k, int64_t m, int64_t index, int64_t istep) {
    if (over) return;
    if (!D.set) {
      // the window starts at the first run's least key, so labels from 0 (or any least value) fit
      uint64_t least = Fold(kind, k[0]);
      for (int64_t i = 1; i < m; ++i) least = std::min(least, Fold(kind, k[i]));
      D.base = least;
      D.set = true;
    }
    for (int64_t i = 0; i < m; ++i) {
      uint64_t f = Fold(kind, k[i]);
      const int64_t at = index + i * istep;
      const uint64_t d = f - D.base;
      if (d < (uint64_t)kDense) {
        Slot& s = D.slots[d];
        if (s.count == 0) {
          s = Slot{f, k[i], at, 1};
          D.lo = std::min(D.lo, (int64_t)d);
          D.hi = std::max(D.hi, (int64_t)d);
        } else {
          ++s.count;
          if (at < s.first) { s.first = at; s.firstKey = k[i]; }
        }
        continue;
      }
      Slot& s = t.Find(f);
      // the walk follows memory, not the flat index (F order, flipped views): keep the least index
      if (s.count != 0) {
        ++s.count;
        if (at < s.first) { s.first = at; s.firstKey = k[i]; }
        continue;
      }
      t.Add(f, k[i], at, 1);
      if (t.used > bound) { over = true; return; }
    }
  });
  // the window's slots join the block's table (reset for the next block), then the table the call's
  for (int64_t d = D.lo; d <= D.hi; ++d) {
    Slot& s = D.slots[(size_t)d];
    if (s.count == 0) continue;
    if (!over) t.Add(s.key, s.firstKey, s.first, s.count);
    s = Slot{0, 0, 0, 0};
    if (t.used > bound) over = true;
  }
  D.lo = kDense;
  D.hi = -1;
  std::lock_guard<std::mutex> g(c->mu);
  if (over || c->overflow) { c->overflow = true; return EOVERFLOW; }
  for (const Slot& s : t.slots) {
    if (s.count == 0) continue;
    c->t.Add(s.key, s.firstKey, s.first, s.count);
    if (c->Used() > bound) { c->overflow = true; return EOVERFLOW; }
  }
  return 0;
}

int64_t HashFinish(uint64_t id, uint64_t* keys, int64_t* counts, int64_t* first, int64_t cap) {
  std::shared_ptr<Call> c = GetCall(id, false);
  if (!c) return -1;
  std::lock_guard<std::mutex> g(c->mu);
  if (c->overflow) return -2;
  c->Drain();
  const int64_t n = c->t.used;
  if (n > cap) return n;
  std::vector<uint64_t> k, ix, kt, it;
  for (size_t h = 0; h < c->t.slots.size(); ++h) {
    if (c->t.slots[h].count == 0) continue;
    k.push_back(c->t.slots[h].key);
    ix.push_back(h);
  }
  kt.resize(k.size());
  it.resize(k.size());
  radix::RadixSort(k.data(), ix.data(), (int64_t)k.size(), kt.data(), it.data());
  c->rank.assign(c->t.slots.size(), -1);
  for (int64_t r = 0; r < n; ++r) {
    const Slot& s = c->t.slots[ix[r]];
    keys[r] = s.firstKey;
    counts[r] = s.count;
    first[r] = s.first;
    c->rank[ix[r]] = r;
  }
  return n;
}

int InverseBlock(const ReduceArgs& a, int kind, uint64_t id, int64_t* inv, int64_t total) {
  std::shared_ptr<Call> c = GetCall(id, false);
  if (!c) return EINVAL;
  Scratch& L = Local();
  int status = 0;
  // rank is only read here (HashFinish filled it before the pass began).
  WalkKeys(a, kind, L.vals.data(), L.keys.data(), [&](const uint64_t* k, int64_t m, int64_t index, int64_t istep) {
    uint64_t prev = ~Fold(kind, k[0]);
    int64_t r = -1;
    for (int64_t i = 0; i < m; ++i) {
      uint64_t f = Fold(kind, k[i]);
      if (f != prev) {
        const Slot& s = c->t.Find(f);
        r = s.count == 0 || c->rank.empty() ? -1 : c->rank[(size_t)(&s - c->t.slots.data())];
        prev = f;
      }
      int64_t at = index + i * istep;
      if (r < 0 || at < 0 || at >= total) { status = EINVAL; continue; }
      inv[at] = r;
    }
  });
  return status;
}

void HashDrop(uint64_t id) {
  std::lock_guard<std::mutex> g(gMu);
  Calls().erase(id);
}

int GatherBlock(const ReduceArgs& a, int kind, uint64_t* keys, int64_t total) {
  Scratch& L = Local();
  int status = 0;
  WalkKeys(a, kind, L.vals.data(), L.keys.data(), [&](const uint64_t* k, int64_t m, int64_t index, int64_t istep) {
    for (int64_t i = 0; i < m; ++i) {
      int64_t at = index + i * istep;
      if (at < 0 || at >= total) { status = EINVAL; continue; }
      keys[at] = k[i];
    }
  });
  return status;
}

int64_t SortUnique(int kind, uint64_t* keys, uint64_t* idx, int64_t n, bool equalNan, int64_t* counts, int64_t* inv, uint64_t* tmp) {
  for (int64_t i = 0; i < n; ++i) idx[i] = (uint64_t)i;
  radix::RadixSort(keys, idx, n, tmp, tmp + n);
  int64_t runs = 0;
  for (int64_t i = 0; i < n;) {
    const uint64_t f = Fold(kind, keys[i]);
    int64_t j = i + 1;
    if (!HasNanKey(kind) || f != kNanKey || equalNan) while (j < n && Fold(kind, keys[j]) == f) ++j;
    // -0.0 sorts before +0.0: the first occurrence is the least index of the run, not its first entry.
    int64_t best = i;
    for (int64_t x = i + 1; x < j; ++x) if (idx[x] < idx[best]) best = x;
    if (inv != nullptr) for (int64_t x = i; x < j; ++x) inv[idx[x]] = runs;
    keys[runs] = keys[best];
    const uint64_t firstIndex = idx[best];
    idx[runs] = firstIndex;
    counts[runs] = j - i;
    ++runs;
    i = j;
  }
  return runs;
}

}  // namespace lookup
}  // namespace ndmmap
