// Distribution kernels (dist.h): the key modes of the radix select (histograms of keys, collection of
// keys inside windows, bracketing). Counts are made in thread-local arrays and added to the shared
// result with atomic adds once per block, so threads never contend per element. The per-element
// loops are the instruction set's (dist_isa.cc).
#include "stats/dist.h"

#include <errno.h>

#include <cstring>

#include "stats/dist_walk.h"
#include "core/dtype.h"
#include "core/isa.h"

namespace ndmmap {

using distw::kChunk;
using distw::Local;

namespace distw {
Scratch& Local() {
  static thread_local Scratch* s = new Scratch();  // never freed: a thread's scratch lives as long as it
  return *s;
}
}  // namespace distw

const DistIsa& DistLoops() {
  static const DistIsa isa = ByIsa(&baseline::DistKernels, &avx2::DistKernels, &avx512::DistKernels)();
  return isa;
}

namespace distw {

void BuildTable(Scratch& L, uint64_t nonce, const uint64_t* lo, int64_t W) {
  if (L.tableNonce == nonce && nonce != 0) return;
  int64_t w = 0;
  for (int64_t t = 0; t < 65536; ++t) {
    while (w < W && (lo[w] >> 48) < (uint64_t)t) ++w;
    L.table[(size_t)t] = (uint16_t)w;
  }
  L.tableNonce = nonce;
}

int ParseWindows(const DistArgs& d, bool hist, int64_t slots, SpecWindows* out) {
  const uint64_t* s = d.spec;
  if (d.specLen < kSpecHead + 2) return EINVAL;
  const int64_t O = (int64_t)s[1], W = (int64_t)s[3];
  const int64_t bits = hist ? (int64_t)s[2] : 0;
  if (O != 1 || W < 1 || W > 65535 || bits < 0 || bits > 16 || d.specLen != kSpecHead + 2 + W * kWindowWords) return EINVAL;
  if (s[kSpecHead] != 0 || s[kSpecHead + 1] != (uint64_t)W) return EINVAL;
  const uint64_t* win = s + kSpecHead + 2;
  const int64_t nb = int64_t(1) << bits;
  if (hist && W * nb > kMaxBuckets) return EINVAL;
  const uint64_t records = (uint64_t)d.outLen / (uint64_t)slots;
  out->W = W;
  out->nb = nb;
  out->lo.assign((size_t)W, 0);
  out->hi.assign((size_t)W, 0);
  out->sh.assign((size_t)W, 0);
  for (int64_t w = 0; w < W; ++w) {
    const uint64_t* e = win + w * kWindowWords;
    out->lo[(size_t)w] = e[0];
    out->hi[(size_t)w] = e[1];
    if (e[1] < e[0] || (w > 0 && e[0] <= out->hi[(size_t)w - 1])) return EINVAL;  // ascending and disjoint
    if (hist) {
      if (e[2] > 63 || ((e[1] - e[0]) >> e[2]) >= (uint64_t)nb) return EINVAL;
      out->sh[(size_t)w] = (uint8_t)e[2];
    } else if (e[3] > records || e[4] > records - e[3]) {
      return EINVAL;
    }
  }
  return 0;
}

}  // namespace distw

using distw::BuildTable;
using distw::kCollectBuffer;
using distw::kMaxBuckets;

int KeyModes(const DistArgs& d) {
  const ReduceArgs& a = *d.r;
  uint64_t* s = d.spec;
  uint64_t* win = s + kSpecHead + 2;  // the windows: counts and collect cursors are added here
  const bool hist = d.mode == dist::kKeyHist || d.mode == dist::kWinHist;
  distw::SpecWindows sw;
  if (int e = distw::ParseWindows(d, hist, 1, &sw)) return e;
  const int64_t W = sw.W, nb = sw.nb, bits = hist ? (int64_t)s[2] : 0;
  const uint64_t nonce = s[4];
  std::vector<uint64_t>& lo = sw.lo;
  std::vector<uint64_t>& hi = sw.hi;
  std::vector<uint8_t>& sh = sw.sh;
  if (d.mode == dist::kKeyHist && d.outLen != W * nb + 1) return EINVAL;
  if (d.mode == dist::kWinHist && d.outLen != W * nb + 1 + W) return EINVAL;
  const int kind = distw::KindOf(a.valueType);
  if (kind < 0) return EINVAL;
  const DistIsa& isa = DistLoops();
  distw::Scratch& L = Local();
  if (W > 1 || d.mode == dist::kWinHist) BuildTable(L, nonce, lo.data(), W);
  KeyWindows kw;
  kw.count = W;
  kw.lo = lo.data();
  kw.hi = hi.data();
  kw.shift = sh.data();
  kw.table = L.table.data();
  int64_t* counts = nullptr;
  if (hist) {
    // the thread's big scratch (the axis gather's too): one bounded buffer a thread, whatever it ran
    if ((int64_t)L.big.size() < W * nb) L.big.resize((size_t)(W * nb));
    counts = reinterpret_cast<int64_t*>(L.big.data());
    std::fill(counts, counts + W * nb, 0);
  } else {
    if ((int64_t)L.windowKeys.size() < W) L.windowKeys.resize((size_t)W);
    for (int64_t w = 0; w < W; ++w) L.windowKeys[(size_t)w].clear();
  }
  std::vector<int64_t> gaps((size_t)W + 1, 0), inside((size_t)W, 0);
  int64_t nan = 0, below1 = 0;
  uint64_t* keysOut = static_cast<uint64_t*>(d.out);
  auto flush = [&](int64_t w) {
    std::vector<uint64_t>& k = L.windowKeys[(size_t)w];
    if (k.empty()) return;
    uint64_t* e = win + w * kWindowWords;
    uint64_t at = __atomic_fetch_add(&e[5], (uint64_t)k.size(), __ATOMIC_RELAXED);
    // never past the window's slice: the counts of the previous pass bound it, a changed file could not
    if (at < e[4]) std::memcpy(keysOut + e[3] + at, k.data(), sizeof(uint64_t) * std::min<uint64_t>(e[4] - at, k.size()));
    k.clear();
  };
  auto keepAll = [&](int64_t w, const uint64_t* k, int64_t n) {
    std::vector<uint64_t>& b = L.windowKeys[(size_t)w];
    b.insert(b.end(), k, k + n);
    inside[(size_t)w] += n;
    if (b.size() >= kCollectBuffer) flush(w);
  };
  const int64_t step = d.mode == dist::kCollect && s[2] > 1 ? (int64_t)std::min<uint64_t>(s[2], kChunk) : 1;
  auto run = [&](int64_t, const uint8_t* const* pos, const int64_t* stp, int64_t n) {
    distw::Values(a, pos, stp, n, [&](const uint64_t* v, int64_t m, int64_t) {
      uint64_t* stage = L.keys.data();
      if (hist) {
        if (W == 1 && d.mode == dist::kKeyHist) nan += isa.hist1(kind, v, m, lo[0], hi[0] - lo[0], sh[0], counts);
        else isa.windows(kind, v, m, kw, gaps.data(), counts, (int)bits, nullptr, nullptr, &nan);
        return;
      }
      if (W == 1) {
        int64_t c = d.mode == dist::kCollect ? isa.collect1(kind, v, m, lo[0], hi[0] - lo[0], step, stage)
                                             : isa.bracket1(kind, v, m, lo[0], hi[0] - lo[0], stage, &below1, &nan);
        keepAll(0, stage, c);
        return;
      }
      int32_t* which = L.wins.data();
      int64_t c = isa.windows(kind, v, m, kw, gaps.data(), nullptr, 0, stage, which, &nan);
      for (int64_t i = 0; i < c;) {  // runs of one window
        int64_t j = i + 1;
        while (j < c && which[j] == which[i]) ++j;
        keepAll(which[i], stage + i, j - i);
        i = j;
      }
    });
  };
  distw::Walk(a, run, [](int64_t) {});
  if (hist) {
    int64_t* out = static_cast<int64_t*>(d.out);
    for (int64_t i = 0; i < W * nb; ++i)
      if (counts[i] != 0) __atomic_fetch_add(&out[i], counts[i], __ATOMIC_RELAXED);
    if (nan != 0) __atomic_fetch_add(&out[W * nb], nan, __ATOMIC_RELAXED);
    if (d.mode == dist::kWinHist) {
      // keys below window w: those in gaps 0..w and inside windows 0..w-1
      int64_t acc = 0;
      for (int64_t w = 0; w < W; ++w) {
        acc += gaps[(size_t)w];
        if (acc != 0) __atomic_fetch_add(&out[W * nb + 1 + w], acc, __ATOMIC_RELAXED);
        for (int64_t b = 0; b < nb; ++b) acc += counts[w * nb + b];
      }
    }
    return 0;
  }
  for (int64_t w = 0; w < W; ++w) flush(w);
  if (d.mode == dist::kBracket) {
    if (W == 1) {
      if (below1 != 0) __atomic_fetch_add(&win[2], (uint64_t)below1, __ATOMIC_RELAXED);
    } else {
      int64_t acc = 0;
      for (int64_t w = 0; w < W; ++w) {
        acc += gaps[(size_t)w];
        if (acc != 0) __atomic_fetch_add(&win[w * kWindowWords + 2], (uint64_t)acc, __ATOMIC_RELAXED);
        acc += inside[(size_t)w];
      }
    }
    if (nan != 0) __atomic_fetch_add(&s[2], (uint64_t)nan, __ATOMIC_RELAXED);
  }
  return 0;
}

int Dist(const DistArgs& d) {
  if (d.r == nullptr || d.out == nullptr) return EINVAL;
  if (int e = BeginPrograms(*d.r)) return e;
  int s = EINVAL;
  switch (d.mode) {
    case dist::kKeyHist: case dist::kCollect: case dist::kBracket: case dist::kWinHist:
      s = d.spec == nullptr ? EINVAL : KeyModes(d);
      break;
    case dist::kWHist: case dist::kWCollect:
      s = d.spec == nullptr ? EINVAL : WeightedKeyModes(d);
      break;
    case dist::kAxisSelect:
      s = d.params == nullptr ? EINVAL : AxisSelect(d);
      break;
    default:
      s = d.params == nullptr ? EINVAL : BinModes(d);
      break;
  }
  return s != 0 ? s : EndPrograms();
}

void SelectKeys(uint64_t* keys, int64_t n, const int64_t* ranks, int64_t nRanks) { DistLoops().select(keys, n, ranks, nRanks); }

void SortKeys(uint64_t* keys, const int64_t* ranges, int64_t nRanges) {
  for (int64_t r = 0; r < nRanges; ++r) DistLoops().sort(keys + ranges[2 * r], ranges[2 * r + 1]);
}

}  // namespace ndmmap
