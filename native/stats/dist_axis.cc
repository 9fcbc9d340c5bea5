// Quantiles along axes (dist.h kAxisSelect): a block holds whole outputs. The block is read once in
// memory order (the dims sorted by stride, whatever they reduce), each value's key appended to its
// output's slice of the thread's scratch, NaNs left out; then each output selects the ranks numpy's
// method needs (a multi-select, O(n) per output) and writes them to its record. One pass over the
// data, whatever the number of outputs and q.
#include <errno.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "stats/dist_walk.h"

namespace ndmmap {

namespace {

// A dim of the block in memory order: length, byte strides, and its step among the block's outputs
// (0 for a reduced dim).
struct Dim { int64_t n; int64_t stride[kMaxOperands]; int64_t local; };

// numpy's float64 value from a record's (lo, hi, gamma), in place: methods.ts's medianFn and lerpFn for
// float64 data and result, operation by operation (-ffp-contract=off: no fused multiply-add).
void FinishRecord(int method, double* r, int64_t nq, bool skipNan, int64_t n) {
  const int64_t m = (int64_t)r[0];
  const bool none = m == 0 || (skipNan && m < n);
  for (int64_t j = 0; j < nq; ++j) {
    double* s = r + 1 + 3 * j;
    if (none) { s[0] = NAN; continue; }
    const double lo = s[0], hi = s[1], t = s[2];
    if (method == kMethodMedian) {
      const double a = 0.0 + lo;  // np.mean's sum starts from the add identity
      s[0] = m % 2 == 0 ? (a + hi) / 2 : a / 1;
    } else if (method == 0 || method == 2 || method == 9 || method == 10 || method == 12) {
      s[0] = lo;  // the discrete methods take the element
    } else {
      const double diff = hi - lo;
      s[0] = t >= 0.5 ? hi - diff * (1 - t) : lo + diff * t;
    }
  }
}

}  // namespace

int AxisSelect(const DistArgs& d) {
  const ReduceArgs& a = *d.r;
  const double* p = d.params;
  if (d.paramsLen < kAxisHead) return EINVAL;
  const int method = (int)p[1];
  const int64_t nq = (int64_t)p[2], n = (int64_t)p[3], records = (int64_t)p[4];
  const bool asDouble = p[5] != 0, skipNan = p[6] != 0, weighted = p[7] != 0, finish = p[8] != 0;
  const int kind = distw::KindOf(a.valueType);
  if (kind < 0 || method < 0 || method >= kMethodCount || nq < 1 || d.paramsLen != kAxisHead + nq || n < 1) return EINVAL;
  if (finish && (kind != kKeyF64 || weighted)) return EINVAL;
  if (a.mask != nullptr || a.maskOperand >= 0 || (weighted && (a.nOps != 2 || method != 0))) return EINVAL;
  const int nd = a.nOut + a.nRed;
  if (nd < 1) return EINVAL;
  int64_t outs = 1, per = 1;
  for (int k = 0; k < a.nOut; ++k) outs *= a.shape[k];
  for (int k = a.nOut; k < nd; ++k) per *= a.shape[k];
  const int64_t rec = 1 + 3 * nq;
  if (outs == 0) return 0;
  if (per != n || outs * n > distw::kBigWords || a.outBase < 0 || a.outBase + outs > records || records * rec > d.outLen) return EINVAL;
  // the block's dims sorted by stride (outermost first); outputs numbered in C order of the out dims
  Dim dims[kMaxDims];
  int64_t mul = 1;
  for (int k = nd - 1; k >= 0; --k) {
    Dim& x = dims[k];
    x.n = a.shape[k];
    for (int o = 0; o < a.nOps; ++o) x.stride[o] = a.strides[o][k];
    x.local = k < a.nOut ? mul : 0;
    if (k < a.nOut) mul *= a.shape[k];
  }
  std::stable_sort(dims, dims + nd, [](const Dim& x, const Dim& y) { return std::llabs(x.stride[0]) > std::llabs(y.stride[0]); });
  const DistIsa& isa = DistLoops();
  const double* q = p + kAxisHead;
  double* out = static_cast<double*>(d.out);
  // many short outputs read in place (a run of outputs by one reduced dim, 8-byte values as stored):
  // sorted by a network each, no gathering; outputs holding NaN are left to the general path
  const ReduceOperand& x0 = a.ops[0];
  const bool small = !weighted && a.nOut == 1 && a.nRed == 1 && n <= 8 && a.value == nullptr && !x0.swap && x0.dtype == a.valueType;
  std::vector<char> redo;
  if (small) {
    std::vector<int64_t> lo((size_t)nq), hi((size_t)nq);
    std::vector<double> gamma((size_t)nq);
    for (int64_t j = 0; j < nq; ++j) {
      QuantilePlan qp = PlanQuantile(method, n, q[j]);
      lo[(size_t)j] = qp.lo; hi[(size_t)j] = qp.hi; gamma[(size_t)j] = qp.gamma;
    }
    double* r0 = out + a.outBase * rec;
    isa.smallOutputs(kind, x0.data, a.strides[0][0], a.strides[0][1], n, outs, lo.data(), hi.data(), gamma.data(), nq, asDouble, r0, rec);
    redo.resize((size_t)outs);
    bool any = false;
    for (int64_t o = 0; o < outs; ++o) {
      redo[(size_t)o] = r0[o * rec] < 0;
      any |= redo[(size_t)o] != 0;
      if (finish && !redo[(size_t)o]) FinishRecord(method, r0 + o * rec, nq, skipNan, n);
    }
    if (!any) return 0;
  }
  distw::Scratch& L = distw::Local();
  if ((int64_t)L.big.size() < outs * n) L.big.resize((size_t)(outs * n));
  if ((int64_t)L.counts.size() < outs) L.counts.resize((size_t)outs);
  if (weighted && (int64_t)L.sums.size() < outs * n) L.sums.resize((size_t)(outs * n));
  uint64_t* keys = L.big.data();
  double* wts = weighted ? L.sums.data() : nullptr;
  int64_t* fill = L.counts.data();
  std::fill(fill, fill + outs, 0);
  // gather: runs along the innermost (smallest stride) dim
  const Dim& in = dims[nd - 1];
  int64_t idx[kMaxDims] = {};
  int64_t step[kMaxOperands];
  for (int o = 0; o < a.nOps; ++o) step[o] = in.stride[o];
  uint64_t* stage = L.keys.data();
  for (;;) {
    const uint8_t* pos[kMaxOperands];
    int64_t local = 0;
    for (int o = 0; o < a.nOps; ++o) pos[o] = a.ops[o].data;
    for (int k = 0; k < nd - 1; ++k) {
      for (int o = 0; o < a.nOps; ++o) pos[o] += idx[k] * dims[k].stride[o];
      local += idx[k] * dims[k].local;
    }
    distw::Values(a, pos, step, in.n, [&](const uint64_t* v, int64_t m, int64_t c0) {
      if (weighted) {  // keys and weights side by side; NaN values kept (their weights count in numpy's total)
        double* w = L.weights.data();
        ConvertValues(a.ops[1].dtype, a.ops[1].swap, kFloat64, pos[1] + c0 * step[1], step[1], m, reinterpret_cast<uint8_t*>(w));
        isa.allKeys(kind, v, m, stage);
        int64_t at = local + c0 * in.local;
        for (int64_t i = 0; i < m; ++i, at += in.local) {
          keys[at * n + fill[at]] = stage[i];
          wts[at * n + fill[at]++] = w[i];
        }
        return;
      }
      if (in.local == 0) {  // one output's values
        int64_t got = isa.toKeys(kind, v, m, keys + local * n + fill[local]);
        fill[local] += got;
        return;
      }
      isa.allKeys(kind, v, m, stage);
      int64_t at = local + c0 * in.local;
      for (int64_t i = 0; i < m; ++i, at += in.local) {  // one value for each of m outputs
        const uint64_t key = stage[i];
        if (kind == kKeyF64 && key - kKeyNegInf > kKeyPosInf - kKeyNegInf) continue;  // NaN
        keys[at * n + fill[at]++] = key;
      }
    });
    int k = nd - 2;
    for (; k >= 0; --k) {
      if (++idx[k] < dims[k].n) break;
      idx[k] = 0;
    }
    if (k < 0) break;
  }
  // select and record, output by output
  if (weighted) {
    for (int64_t o = 0; o < outs; ++o) WeightedCdf(kind, keys + o * n, wts + o * n, n, !skipNan, q, nq, asDouble, out + (a.outBase + o) * rec);
    return 0;
  }
  // the plans of the last valid count (every output's, unless NaNs were dropped), and their ranks
  std::vector<QuantilePlan> plans((size_t)nq);
  std::vector<int64_t> ranks((size_t)(2 * nq));
  int64_t planned = -1, nr = 0;
  for (int64_t o = 0; o < outs; ++o) {
    if (small && !redo[(size_t)o]) continue;  // recorded in place above
    double* r = out + (a.outBase + o) * rec;
    const int64_t m = fill[o];
    r[0] = (double)m;
    if (m == 0 || (skipNan && m < n)) continue;
    uint64_t* k = keys + o * n;
    if (m != planned) {
      nr = 0;
      for (int64_t j = 0; j < nq; ++j) {
        plans[(size_t)j] = PlanQuantile(method, m, q[j]);
        ranks[(size_t)nr++] = plans[(size_t)j].lo;
        ranks[(size_t)nr++] = plans[(size_t)j].hi;
      }
      std::sort(ranks.begin(), ranks.begin() + nr);
      nr = std::unique(ranks.begin(), ranks.begin() + nr) - ranks.begin();
      planned = m;
    }
    isa.select(k, m, ranks.data(), nr);
    for (int64_t j = 0; j < nq; ++j) {
      const QuantilePlan& qp = plans[(size_t)j];
      r[1 + 3 * j + 2] = qp.gamma;
      uint64_t lo = k[qp.lo], hi = k[qp.hi];
      if (kind == kKeyF64) { lo = KeyFloatBits(lo); hi = KeyFloatBits(hi); }
      else if (kind == kKeyI64) { lo ^= uint64_t(1) << 63; hi ^= uint64_t(1) << 63; }
      double* slot = r + 1 + 3 * j;
      if (asDouble && kind != kKeyF64) {
        slot[0] = kind == kKeyI64 ? (double)(int64_t)lo : (double)lo;
        slot[1] = kind == kKeyI64 ? (double)(int64_t)hi : (double)hi;
      } else {
        std::memcpy(&slot[0], &lo, 8);
        std::memcpy(&slot[1], &hi, 8);
      }
    }
  }
  if (finish) for (int64_t o = 0; o < outs; ++o) if (!small || redo[(size_t)o]) FinishRecord(method, out + (a.outBase + o) * rec, nq, skipNan, n);
  return 0;
}

}  // namespace ndmmap
