// The weighted modes of the distribution kernels: whist and wcollect (the weighted radix select of
// outputs too long to gather) and numpy's weighted inverted_cdf of a gathered output (dist_axis.cc).
#include <errno.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "stats/dist_walk.h"
#include "core/dtype.h"

namespace ndmmap {

using distw::kChunk;
using distw::Local;
using distw::kCollectBuffer;
using distw::kMaxBuckets;
using distw::BuildTable;

// whist and wcollect (dist.h): keys with their weights, one thread adding in file order.
int WeightedKeyModes(const DistArgs& d) {
  const ReduceArgs& a = *d.r;
  uint64_t* s = d.spec;
  if (a.nOps != 2 || a.mask != nullptr || a.maskOperand >= 0) return EINVAL;
  uint64_t* win = s + kSpecHead + 2;
  const bool hist = d.mode == dist::kWHist;
  distw::SpecWindows sw;
  if (int e = distw::ParseWindows(d, hist, 2, &sw)) return e;  // records of (key, weight)
  const int64_t W = sw.W, nb = sw.nb, bits = hist ? (int64_t)s[2] : 0;
  std::vector<uint64_t>& lo = sw.lo;
  std::vector<uint64_t>& hi = sw.hi;
  std::vector<uint8_t>& sh = sw.sh;
  if (hist && d.outLen != W * nb * 2 + 2) return EINVAL;
  const int kind = distw::KindOf(a.valueType);
  if (kind < 0) return EINVAL;
  const DistIsa& isa = DistLoops();
  distw::Scratch& L = Local();
  BuildTable(L, s[4], lo.data(), W);
  KeyWindows kw;
  kw.count = W;
  kw.lo = lo.data();
  kw.hi = hi.data();
  kw.shift = sh.data();
  kw.table = L.table.data();
  if (!hist) {
    if ((int64_t)L.windowKeys.size() < W) L.windowKeys.resize((size_t)W);
    for (int64_t w = 0; w < W; ++w) L.windowKeys[(size_t)w].clear();
  }
  double* sums = static_cast<double*>(d.out);
  uint64_t* pairsOut = static_cast<uint64_t*>(d.out);
  auto flush = [&](int64_t w) {
    std::vector<uint64_t>& k = L.windowKeys[(size_t)w];
    if (k.empty()) return;
    uint64_t* e = win + w * kWindowWords;
    uint64_t n = k.size() / 2;
    uint64_t at = __atomic_fetch_add(&e[5], n, __ATOMIC_RELAXED);
    if (at < e[4]) std::memcpy(pairsOut + 2 * (e[3] + at), k.data(), 16 * std::min<uint64_t>(e[4] - at, n));
    k.clear();
  };
  const ReduceOperand& wo = a.ops[1];
  auto run = [&](int64_t, const uint8_t* const* pos, const int64_t* stp, int64_t n) {
    distw::Values(a, pos, stp, n, [&](const uint64_t* v, int64_t m, int64_t c0) {
      double* wt = L.weights.data();
      ConvertValues(wo.dtype, wo.swap, kFloat64, pos[1] + c0 * stp[1], stp[1], m, reinterpret_cast<uint8_t*>(wt));
      if (hist) { isa.whist(kind, v, wt, m, kw, (int)bits, sums, sums + W * nb * 2); return; }
      int32_t* which = L.wins.data();
      uint64_t* p = L.pairs.data();
      int64_t c = isa.wkeep(kind, v, wt, m, kw, p, which);
      for (int64_t i = 0; i < c;) {
        int64_t j = i + 1;
        while (j < c && which[j] == which[i]) ++j;
        std::vector<uint64_t>& b = L.windowKeys[(size_t)which[i]];
        b.insert(b.end(), p + 2 * i, p + 2 * j);
        if (b.size() >= 2 * kCollectBuffer) flush(which[i]);
        i = j;
      }
    });
  };
  distw::Walk(a, run, [](int64_t) {});
  if (!hist) for (int64_t w = 0; w < W; ++w) flush(w);
  return 0;
}

// numpy's weighted inverted_cdf of one output (_quantile's weighted branch): values sorted (ties as
// gathered: numpy's argsort is unstable too), NaN last; the weights summed in that order in float64,
// divided by their total; each q takes the first value whose cumulative weight reaches it, leading
// zero weights skipped. Record: [valid count, per q (value, status, 0)], status 1 when the total is
// NaN, inf or zero (numpy's "Weights included NaN, inf or were all zero.").
void WeightedCdf(int kind, uint64_t* keys, double* w, int64_t n, bool dropNan, const double* q, int64_t nq, bool asDouble, double* r) {
  struct Pair { uint64_t k; double w; bool nan; };
  std::vector<Pair> v((size_t)n);
  int64_t m = 0;
  for (int64_t i = 0; i < n; ++i) {
    bool nan = kind == kKeyF64 && keys[i] - kKeyNegInf > kKeyPosInf - kKeyNegInf;
    if (nan && dropNan) continue;
    v[(size_t)m++] = Pair{keys[i], w[i], nan};
  }
  v.resize((size_t)m);
  std::stable_sort(v.begin(), v.end(), [](const Pair& x, const Pair& y) { return x.nan != y.nan ? y.nan : x.k < y.k; });
  int64_t valid = 0;
  for (const Pair& x : v) valid += !x.nan;
  r[0] = (double)valid;
  for (int64_t j = 0; j < nq; ++j) { r[1 + 3 * j] = 0; r[2 + 3 * j] = 0; r[3 + 3 * j] = 0; }
  if (m == 0) return;
  std::vector<double> cdf((size_t)m);
  double acc = 0;
  for (int64_t i = 0; i < m; ++i) { acc += v[(size_t)i].w; cdf[(size_t)i] = acc; }
  const double total = cdf[(size_t)m - 1];
  for (double& c : cdf) c /= total;
  const bool bad = std::isnan(cdf[(size_t)m - 1]);
  if (cdf[0] == 0) for (double& c : cdf) if (c == 0) c = -1;
  for (int64_t j = 0; j < nq; ++j) {
    double* slot = r + 1 + 3 * j;
    slot[1] = bad ? 1 : 0;
    slot[2] = 0;
    int64_t i = std::lower_bound(cdf.begin(), cdf.end(), q[j]) - cdf.begin();
    if (i > m - 1) i = m - 1;
    uint64_t x = v[(size_t)i].k;
    if (kind == kKeyF64) x = KeyFloatBits(x);
    else if (kind == kKeyI64) x ^= uint64_t(1) << 63;
    if (asDouble && kind != kKeyF64) slot[0] = kind == kKeyI64 ? (double)(int64_t)x : (double)x;
    else std::memcpy(&slot[0], &x, 8);
  }
}

}  // namespace ndmmap
