// numpy's histogram and bincount passes (dist.h bin modes). Counts go to thread-local bins, added to
// the shared result once per block. Weighted histograms follow numpy's own order of operations:
// numpy works through the flattened data 65,536 elements at a time, so a block here is a flat C-order
// range of whole numpy blocks and each numpy block's sums (or cumulative weights at the edges) land in
// a slot of their own, folded in numpy's dtype by src/engine/dist/weighted.ts.
#include <errno.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "stats/dist_walk.h"
#include "core/dtype.h"

namespace ndmmap {
namespace {

using distw::kChunk;

// Calls run(pos, step, n, flat) for the runs of the flat C-order range [start, stop) of a block whose
// dims are the whole array's, in C order (all reduced).
template <class Run>
void WalkFlat(const ReduceArgs& a, int64_t start, int64_t stop, Run&& run) {
  const int nd = a.nRed, nops = a.nOps;
  if (nd == 0) { if (start < stop) { const uint8_t* p[kMaxOperands]; int64_t st[kMaxOperands] = {}; for (int k = 0; k < nops; ++k) p[k] = a.ops[k].data; run(p, st, 1, start); } return; }
  int64_t idx[kMaxDims] = {};
  int64_t rest = start;
  for (int d = nd - 1; d >= 0; --d) { idx[d] = rest % a.shape[d]; rest /= a.shape[d]; }
  const int last = nd - 1;
  int64_t step[kMaxOperands];
  for (int k = 0; k < nops; ++k) step[k] = a.strides[k][last];
  for (int64_t cur = start; cur < stop;) {
    const uint8_t* pos[kMaxOperands];
    for (int k = 0; k < nops; ++k) {
      const uint8_t* p = a.ops[k].data;
      for (int d = 0; d < nd; ++d) p += idx[d] * a.strides[k][d];
      pos[k] = p;
    }
    int64_t len = std::min(a.shape[last] - idx[last], stop - cur);
    run(pos, step, len, cur);
    cur += len;
    idx[last] += len;
    for (int d = last; d > 0 && idx[d] == a.shape[d]; --d) { idx[d] = 0; ++idx[d - 1]; }
  }
}

// float64 values of the weights operand for a chunk of a run.
const double* Weights(const ReduceArgs& a, int op, const uint8_t* const* pos, const int64_t* step, int64_t c0, int64_t m) {
  double* w = distw::Local().weights.data();
  const ReduceOperand& o = a.ops[op];
  ConvertValues(o.dtype, o.swap, kFloat64, pos[op] + c0 * step[op], step[op], m, reinterpret_cast<uint8_t*>(w));
  return w;
}

// Add a cumulative sum step in numpy's dtype of the weights: float64, float32, or float16 (computed in
// float32, rounded to half).
inline double AddIn(int type, double acc, double w) {
  if (type == 2) return (double)((float)acc + (float)w);
  if (type == 3) return (double)HalfToFloat(FloatToHalf((float)acc + (float)w));
  return acc + w;
}

// One numpy block of the given-edges weighted path: sorted by value (ties in element order; numpy's
// unstable argsort may order them otherwise), weights summed cumulatively in their dtype, the sums
// taken where each edge would be inserted (the last edge on its right).
void CumsumAtEdges(std::vector<std::pair<double, double>>& vw, const double* edges, int64_t bins, int type, double* out) {
  std::stable_sort(vw.begin(), vw.end(), [](const std::pair<double, double>& x, const std::pair<double, double>& y) { return x.first < y.first; });
  const int64_t n = (int64_t)vw.size();
  int64_t i = 0;
  double acc = 0;
  for (int64_t e = 0; e <= bins; ++e) {
    const double x = edges[e];
    if (e < bins) { while (i < n && vw[(size_t)i].first < x) acc = AddIn(type, acc, vw[(size_t)i++].second); }
    else { while (i < n && vw[(size_t)i].first <= x) acc = AddIn(type, acc, vw[(size_t)i++].second); }
    out[e] = acc;
  }
  vw.clear();
}

int BlockModes(const DistArgs& d, int64_t bins, int wOp, const UniformBins& ub) {
  const ReduceArgs& a = *d.r;
  const double* p = d.params;
  const int64_t slot0 = (int64_t)p[9], slots = (int64_t)p[10];
  const int type = (int)p[11];
  const bool cum = d.mode == dist::kBlockCumsum;
  const int64_t width = cum ? bins + 1 : bins;
  const int64_t start = a.indexBase, stop = a.outBase;
  if (a.nOut != 0 || wOp < 0 || slot0 < 0 || slots < 1 || start < 0 || stop < start || start % kNumpyBlock != 0) return EINVAL;
  if (start / kNumpyBlock < slot0 || (stop + kNumpyBlock - 1) / kNumpyBlock > slot0 + slots || slots * width > d.outLen) return EINVAL;
  if (cum ? (type != 0 && type != 2 && type != 3) : (type != 0 && type != 1 && type != 4)) return EINVAL;
  if (a.mask != nullptr || a.maskOperand >= 0) return EINVAL;
  const DistIsa& isa = DistLoops();
  distw::Scratch& L = distw::Local();
  double* out = static_cast<double*>(d.out);
  if ((int64_t)L.sums.size() < bins) L.sums.resize((size_t)bins);
  double* sw = L.sums.data();
  std::vector<std::pair<double, double>> vw;
  int64_t block = -1;
  auto finish = [&]() {
    if (block < 0) return;
    double* slot = out + (block - slot0) * width;
    if (cum) CumsumAtEdges(vw, d.edges, bins, type, slot);
    else std::memcpy(slot, sw, sizeof(double) * (size_t)bins);  // the block's own slot (integer sums as their bits)
    block = -1;
  };
  WalkFlat(a, start, stop, [&](const uint8_t* const* pos, const int64_t* step, int64_t n, int64_t flat) {
    for (int64_t c0 = 0; c0 < n;) {
      const int64_t b = (flat + c0) / kNumpyBlock;
      if (b != block) {
        finish();
        block = b;
        std::memset(sw, 0, sizeof(double) * (size_t)bins);  // 0.0, or integer 0
      }
      const int64_t m = std::min({kChunk, n - c0, (b + 1) * kNumpyBlock - (flat + c0)});
      const uint8_t* at[kMaxOperands];
      for (int k = 0; k < a.nOps; ++k) at[k] = pos[k] + c0 * step[k];
      uint64_t* v = distw::Local().vals.data();
      int64_t got = FetchValues(a, at, step, m, v);
      if (got != m) return;  // a program failed: EndPrograms reports it
      if (type == 4) {  // given edges, integer weights: summed exactly (wrapping), as numpy's int64 cumsum
        int64_t* iw = reinterpret_cast<int64_t*>(distw::Local().weights.data());
        const ReduceOperand& o = a.ops[wOp];
        ConvertValues(o.dtype, o.swap, kInt64, pos[wOp] + c0 * step[wOp], step[wOp], m, reinterpret_cast<uint8_t*>(iw));
        uint64_t* isum = reinterpret_cast<uint64_t*>(sw);
        const double* e = d.edges;
        for (int64_t i = 0; i < m; ++i) {
          double x;
          std::memcpy(&x, &v[i], 8);
          if (!(x >= e[0]) || !(x <= e[bins])) continue;
          int64_t k = x == e[bins] ? bins - 1 : std::upper_bound(e, e + bins + 1, x) - e - 1;
          isum[k] += (uint64_t)iw[i];
        }
        c0 += m;
        continue;
      }
      const double* w = Weights(a, wOp, pos, step, c0, m);
      if (cum) {
        for (int64_t i = 0; i < m; ++i) {
          double x;
          std::memcpy(&x, &v[i], 8);
          if (x == x) vw.emplace_back(x, w[i]);  // NaN sorts after every edge: never summed
        }
      } else if (type == 0) {
        isa.uniform(ub, v, m, w, nullptr, sw);
      } else {
        isa.edges(d.edges, bins, v, m, w, nullptr, sw);
      }
      c0 += m;
    }
  });
  finish();
  return 0;
}

}  // namespace

int BinModes(const DistArgs& d) {
  const ReduceArgs& a = *d.r;
  const double* p = d.params;
  if (d.paramsLen != kBinParams) return EINVAL;
  const int64_t bins = (int64_t)p[1];
  const int sub = (int)p[4], div = (int)p[8];
  const int wOp = (int)p[5];
  const bool sequential = p[12] != 0;
  if (bins < 1 || div < 0 || div > 3 || sub < 0 || sub > 3 || div == 1 || sub == 1 || wOp >= a.nOps || wOp < -1 ||
      (wOp >= 0) != d.weighted)
    return EINVAL;
  if (a.valueType != kFloat64 && a.valueType != kInt64) return EINVAL;
  if (d.mode != dist::kBincount && d.nEdges != bins + 1) return EINVAL;
  UniformBins ub{p[6], p[7], p[2], p[3], bins, d.edges, sub, div};
  if (d.mode == dist::kBlockSums || d.mode == dist::kBlockCumsum) return BlockModes(d, bins, wOp, ub);
  if (d.mode != dist::kBinsUniform && d.mode != dist::kBinsEdges && d.mode != dist::kBincount) return EINVAL;
  if (d.weighted != sequential || (sequential && (d.mode != dist::kBincount || d.outLen != bins))) return EINVAL;
  if (!d.weighted && d.outLen != bins) return EINVAL;
  const DistIsa& isa = DistLoops();
  distw::Scratch& L = distw::Local();
  int64_t* c = nullptr;
  double* out = static_cast<double*>(d.out);
  if (!d.weighted) {
    if ((int64_t)L.counts.size() < bins) L.counts.resize((size_t)bins);
    c = L.counts.data();
    std::fill(c, c + bins, 0);
  }
  auto run = [&](int64_t, const uint8_t* const* pos, const int64_t* step, int64_t n) {
    distw::Values(a, pos, step, n, [&](const uint64_t* v, int64_t m, int64_t c0) {
      // sequential (weighted bincount): straight into out, in element order, as numpy's loop adds
      const double* w = d.weighted ? Weights(a, wOp, pos, step, c0, m) : nullptr;
      if (d.mode == dist::kBinsUniform) isa.uniform(ub, v, m, w, c, out);
      else if (d.mode == dist::kBinsEdges) isa.edges(d.edges, bins, v, m, w, c, out);
      else isa.bincount(bins, v, m, w, c, out);
    });
  };
  distw::Walk(a, run, [](int64_t) {});
  if (!d.weighted) {
    int64_t* o = static_cast<int64_t*>(d.out);
    for (int64_t i = 0; i < bins; ++i) if (c[i] != 0) __atomic_fetch_add(&o[i], c[i], __ATOMIC_RELAXED);
  }
  return 0;
}

}  // namespace ndmmap
