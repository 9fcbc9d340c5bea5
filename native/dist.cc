// Distribution kernels (dist.h). Counts are made in thread-local arrays and added to the shared
// result with atomic adds once per output of a block, so threads never contend per element.
#include "dist.h"

#include <emmintrin.h>  // SSE2: part of every x86-64
#include <errno.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "dtype.h"

namespace ndmmap {
namespace {

// Elements fetched at a time (Fetch's limit is kScratchRun / 8).
constexpr int64_t kChunk = 8192;
// Keys a thread buffers per window before reserving room for them in the shared result.
constexpr size_t kCollectBuffer = 4096;
// Windows of one output the bracketing loop handles with tables on the stack (more take a slower path).
constexpr int64_t kMaxWindowsFast = 32;

inline uint64_t FloatKeyBits(uint64_t u);
inline bool NanBits(uint64_t u);

struct Scratch {
  std::vector<uint64_t> vals = std::vector<uint64_t>(kChunk);
  std::vector<double> weights = std::vector<double>(kChunk);
  std::vector<int64_t> counts;
  std::vector<double> sums;
  std::vector<std::vector<uint64_t>> keys;
};

Scratch& Local() {
  static thread_local Scratch s;
  return s;
}

// Calls run(o, pos, step, n) for each run of the innermost reduced dim and done(o) after each output.
template <class Run, class Done>
void Walk(const ReduceArgs& a, Run&& run, Done&& done) {
  const int no = a.nOut, nr = a.nRed, nops = a.nOps;
  for (int d = 0; d < no + nr; ++d) if (a.shape[d] == 0) return;
  const uint8_t* base[kMaxOperands];
  for (int k = 0; k < nops; ++k) base[k] = a.ops[k].data;
  int64_t opos[kMaxDims] = {};
  int64_t o = a.outBase;
  const int last = no + nr - 1;
  int64_t step[kMaxOperands] = {};
  if (nr > 0) for (int k = 0; k < nops; ++k) step[k] = a.strides[k][last];
  const int64_t inner = nr > 0 ? a.shape[last] : 1;
  for (;;) {
    const uint8_t* pos[kMaxOperands];
    for (int k = 0; k < nops; ++k) pos[k] = base[k];
    int64_t rpos[kMaxDims] = {};
    for (;;) {
      run(o, pos, step, inner);
      int d = last - 1;
      for (; d >= no; --d) {
        if (++rpos[d] < a.shape[d]) {
          for (int k = 0; k < nops; ++k) pos[k] += a.strides[k][d];
          break;
        }
        for (int k = 0; k < nops; ++k) pos[k] -= a.strides[k][d] * (a.shape[d] - 1);
        rpos[d] = 0;
      }
      if (d < no) break;
    }
    done(o);
    int d = no - 1;
    for (; d >= 0; --d) {
      if (++opos[d] < a.shape[d]) {
        for (int k = 0; k < nops; ++k) base[k] += a.strides[k][d];
        o += a.mul[d];
        break;
      }
      for (int k = 0; k < nops; ++k) base[k] -= a.strides[k][d] * (a.shape[d] - 1);
      o -= a.mul[d] * (a.shape[d] - 1);
      opos[d] = 0;
    }
    if (d < 0) return;
  }
}

// The values of a run in chunks: read in place when they already are 8-byte values of the value type.
template <class F>
void Values(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, F&& use) {
  const ReduceOperand& x = a.ops[0];
  bool direct = a.value == nullptr && a.mask == nullptr && a.maskOperand < 0 && !x.swap && x.dtype == a.valueType &&
                step[0] == 8 && reinterpret_cast<uintptr_t>(pos[0]) % 8 == 0;
  if (direct) {
    // in chunks too: a consumer may fetch a second operand (weights) into a chunk-sized buffer
    for (int64_t c = 0; c < n; c += kChunk) use(reinterpret_cast<const uint64_t*>(pos[0]) + c, std::min(kChunk, n - c), c);
    return;
  }
  uint64_t* buf = Local().vals.data();
  const uint8_t* at[kMaxOperands];
  for (int64_t c = 0; c < n; c += kChunk) {
    int64_t m = std::min(kChunk, n - c);
    for (int k = 0; k < a.nOps; ++k) at[k] = pos[k] + c * step[k];
    int64_t got = FetchValues(a, at, step, m, buf);
    use(buf, got, c);
  }
}

constexpr uint64_t kSign = uint64_t(1) << 63;

// FloatKey from the bits, without branches (random signs would mispredict half the time).
// -0.0 keeps a key of its own here, next to +0.0's: ranks are the same, and src/ reads it back as +0.0.
inline uint64_t FloatKeyBits(uint64_t u) {
  uint64_t flip = (uint64_t)((int64_t)u >> 63) | kSign;
  return u ^ flip;
}

// The single-window collecting loop: keys inside [lo, lo + span] appended to `out`, every step-th;
// with Below, keys under lo counted (returned) and NaNs added to *nan.
template <int VT, bool Below = false>
int64_t CollectOne(const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, std::vector<uint64_t>& out,
                   int64_t step = 1, int64_t* nan = nullptr) {
  int64_t below = 0;
  if constexpr (Below) {
    int64_t nn = 0;
    for (int64_t i = 0; i < m; ++i) {
      uint64_t u = v[i];
      uint64_t k;
      if constexpr (VT == kFloat64) {
        if (NanBits(u)) { ++nn; continue; }
        k = FloatKeyBits(u);
      } else if constexpr (VT == kInt64) {
        k = u ^ kSign;
      } else {
        k = u;
      }
      below += k < lo;
      if (k - lo <= span) out.push_back(k);
    }
    *nan += nn;
    return below;
  }
  for (int64_t i = 0; i < m; i += step) {
    uint64_t u = v[i];
    uint64_t k;
    if constexpr (VT == kFloat64) {
      if (NanBits(u)) continue;
      k = FloatKeyBits(u);
    } else if constexpr (VT == kInt64) {
      k = u ^ kSign;
    } else {
      k = u;
    }
    if (k - lo <= span) out.push_back(k);
  }
  return below;
}

inline bool NanBits(uint64_t u) { return (u & ~kSign) > 0x7ff0000000000000ull; }

// The float64 a key stands for (the inverse of FloatKeyBits).
inline double KeyToDouble(uint64_t k) {
  uint64_t u = (k & kSign) ? (k ^ kSign) : ~k;
  double x;
  std::memcpy(&x, &u, 8);
  return x;
}

// The single-window histogram loop (every first pass, most later ones): locals only, so the
// compiler keeps them in registers across the count stores. Returns the NaNs seen.
template <int VT>
int64_t HistOne(const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, uint64_t sh, int64_t* c) {
  int64_t nan = 0;
  for (int64_t i = 0; i < m; ++i) {
    uint64_t u = v[i];
    uint64_t k;
    if constexpr (VT == kFloat64) {
      bool isNan = NanBits(u);
      nan += isNan;
      k = FloatKeyBits(u) - lo;
      if (isNan) continue;
    } else if constexpr (VT == kInt64) {
      k = (u ^ kSign) - lo;
    } else {
      k = u - lo;
    }
    if (k <= span) ++c[k >> sh];
  }
  return nan;
}

// The single-window bracketing loop for float64 in the value domain, two values per SSE2 compare:
// keys order as values do except that -0.0 < +0.0 and NaN, so the caller uses it only when neither
// bound is a zero. Returns the keys below; NaNs added to *nan; keys inside appended to out.
constexpr int kBits4[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};

int64_t BracketDoubles(const uint64_t* v, int64_t m, double lo, double hi, std::vector<uint64_t>& out, int64_t* nan) {
  const double* p = reinterpret_cast<const double*>(v);
  const __m128d vlo = _mm_set1_pd(lo), vhi = _mm_set1_pd(hi);
  int64_t below = 0, nn = 0;
  int64_t i = 0;
  for (; i + 4 <= m; i += 4) {
    __m128d a = _mm_loadu_pd(p + i), b = _mm_loadu_pd(p + i + 2);
    int lt = _mm_movemask_pd(_mm_cmplt_pd(a, vlo)) | (_mm_movemask_pd(_mm_cmplt_pd(b, vlo)) << 2);
    int un = _mm_movemask_pd(_mm_cmpunord_pd(a, a)) | (_mm_movemask_pd(_mm_cmpunord_pd(b, b)) << 2);
    int in = _mm_movemask_pd(_mm_and_pd(_mm_cmpge_pd(a, vlo), _mm_cmple_pd(a, vhi))) |
             (_mm_movemask_pd(_mm_and_pd(_mm_cmpge_pd(b, vlo), _mm_cmple_pd(b, vhi))) << 2);
    below += kBits4[lt];  // a table: baseline x86-64 has no popcnt instruction (it would be a call)
    nn += kBits4[un];
    while (in != 0) {
      int j = __builtin_ctz(in);
      out.push_back(FloatKeyBits(v[i + j]));
      in &= in - 1;
    }
  }
  for (; i < m; ++i) {
    double x = p[i];
    if (x != x) { ++nn; continue; }
    below += x < lo;
    if (x >= lo && x <= hi) out.push_back(FloatKeyBits(v[i]));
  }
  *nan += nn;
  return below;
}

// The bracketing loop over several windows (ascending, disjoint): gap counts and kept keys; returns
// the NaNs seen. los/spans/valid are indexed by gap: gap j is inside window j - 1 when valid.
template <int VT, class Keep>
int64_t BracketMany(const uint64_t* v, int64_t m, int64_t nw, const uint64_t* los, const uint64_t* spans,
                    const uint64_t* valid, int64_t* gaps, Keep&& keep) {
  int64_t nan = 0;
  for (int64_t i = 0; i < m; ++i) {
    uint64_t u = v[i];
    uint64_t k;
    if constexpr (VT == kFloat64) {
      if (NanBits(u)) { ++nan; continue; }
      k = FloatKeyBits(u);
    } else if constexpr (VT == kInt64) {
      k = u ^ kSign;
    } else {
      k = u;
    }
    int64_t j = 0;
    for (int64_t w = 1; w <= nw; ++w) j += k >= los[w];
    ++gaps[j];
    if ((valid[j] & (uint64_t)(k - los[j] <= spans[j])) != 0) keep(j, k);
  }
  return nan;
}

inline uint64_t KeyOf(int vt, uint64_t bits, bool* nan) {
  if (vt == kFloat64) {
    double v;
    std::memcpy(&v, &bits, 8);
    *nan = v != v;
    return FloatKeyBits(bits);
  }
  *nan = false;
  return vt == kInt64 ? bits ^ (uint64_t(1) << 63) : bits;
}

int KeyModes(const DistArgs& d) {
  const ReduceArgs& a = *d.r;
  uint64_t* s = d.spec;
  if (d.specLen < kSpecHead) return EINVAL;
  const int64_t O = (int64_t)s[1], bits = (int64_t)s[2], W = (int64_t)s[3];
  if (O < 1 || (d.mode == dist::kKeyHist && (bits < 0 || bits > 20)) || W < 0 || d.specLen != kSpecHead + O + 1 + W * kWindowWords) return EINVAL;
  const uint64_t* off = s + kSpecHead;
  uint64_t* win = s + kSpecHead + O + 1;
  for (int64_t o = 0; o < O; ++o) if (off[o] > off[o + 1] || (int64_t)off[o + 1] > W) return EINVAL;
  const int64_t nb = d.mode == dist::kKeyHist ? int64_t(1) << bits : 0;
  for (int64_t w = 0; w < W; ++w) {
    uint64_t* e = win + w * kWindowWords;
    if (e[1] < e[0] || (d.mode != dist::kBracket && e[2] > 63)) return EINVAL;
    if (d.mode == dist::kKeyHist && ((e[1] - e[0]) >> e[2]) >= (uint64_t)nb) return EINVAL;
    if (d.mode != dist::kKeyHist && (e[3] > (uint64_t)d.outLen || e[4] > (uint64_t)d.outLen - e[3])) return EINVAL;
  }
  if (d.mode == dist::kKeyHist && d.outLen != W * nb + O) return EINVAL;
  const int vt = a.valueType;
  if (vt != kFloat64 && vt != kInt64 && vt != kUInt64) return EINVAL;
  Scratch& L = Local();
  int64_t* counts = static_cast<int64_t*>(d.out);
  uint64_t* keysOut = static_cast<uint64_t*>(d.out);
  int64_t nanCount = 0;
  int64_t curO = -1, w0 = 0, w1 = 0;
  std::vector<int64_t> below((size_t)W + 1), gaps((size_t)W + 2);
  double valueLo = 0, valueHi = 0;  // the single bracket window's bounds as values (float64 keys)
  auto begin = [&](int64_t o) {
    curO = o % O;
    w0 = (int64_t)off[curO];
    w1 = (int64_t)off[curO + 1];
    if (d.mode == dist::kBracket && w1 - w0 == 1 && vt == kFloat64) {
      valueLo = KeyToDouble(win[w0 * kWindowWords]);
      valueHi = KeyToDouble(win[w0 * kWindowWords + 1]);
    }
    if (d.mode == dist::kKeyHist) {
      size_t need = (size_t)((w1 - w0) * nb);
      if (L.counts.size() < need) L.counts.resize(need);
      std::fill(L.counts.begin(), L.counts.begin() + need, 0);
    } else {
      if (L.keys.size() < (size_t)(w1 - w0)) L.keys.resize((size_t)(w1 - w0));
      for (int64_t w = 0; w < w1 - w0; ++w) L.keys[w].clear();
      std::fill(below.begin(), below.end(), 0);
      std::fill(gaps.begin(), gaps.end(), 0);
    }
    nanCount = 0;
  };
  auto flushKeys = [&](int64_t w) {
    std::vector<uint64_t>& k = L.keys[w - w0];
    if (k.empty()) return;
    uint64_t* e = win + w * kWindowWords;
    uint64_t at = __atomic_fetch_add(&e[5], (uint64_t)k.size(), __ATOMIC_RELAXED);
    // never past the window's slice: the counts of the previous pass bound it, a changed file could not
    if (at < e[4]) {
      uint64_t room = e[4] - at;
      std::memcpy(keysOut + e[3] + at, k.data(), sizeof(uint64_t) * std::min<uint64_t>(room, k.size()));
    }
    k.clear();
  };
  auto run = [&](int64_t o, const uint8_t* const* pos, const int64_t* step, int64_t n) {
    if (o % O != curO) begin(o);
    if (w0 == w1) {
      if (d.mode != dist::kKeyHist || vt != kFloat64) return;  // no window: only NaN counts matter
    }
    Values(a, pos, step, n, [&](const uint64_t* v, int64_t m, int64_t) {
      if (d.mode == dist::kKeyHist) {
        int64_t* c = L.counts.data();
        if (w1 - w0 == 1) {
          const uint64_t* e = win + w0 * kWindowWords;
          const uint64_t lo = e[0], span = e[1] - e[0], sh = e[2];
          if (vt == kFloat64) nanCount += HistOne<kFloat64>(v, m, lo, span, sh, c);
          else if (vt == kInt64) HistOne<kInt64>(v, m, lo, span, sh, c);
          else HistOne<kUInt64>(v, m, lo, span, sh, c);
          return;
        }
        for (int64_t i = 0; i < m; ++i) {
          bool nan;
          uint64_t k = KeyOf(vt, v[i], &nan);
          if (nan) { ++nanCount; continue; }
          for (int64_t w = w0; w < w1; ++w) {
            const uint64_t* e = win + w * kWindowWords;
            if (k - e[0] <= e[1] - e[0]) { ++c[(w - w0) * nb + ((k - e[0]) >> e[2])]; break; }
          }
        }
        return;
      }
      if (w1 - w0 == 1 && d.mode == dist::kCollect) {
        const uint64_t* e = win + w0 * kWindowWords;
        std::vector<uint64_t>& b = L.keys[0];
        const int64_t step = s[2] > 1 ? (int64_t)std::min<uint64_t>(s[2], kChunk) : 1;
        if (vt == kFloat64) CollectOne<kFloat64>(v, m, e[0], e[1] - e[0], b, step);
        else if (vt == kInt64) CollectOne<kInt64>(v, m, e[0], e[1] - e[0], b, step);
        else CollectOne<kUInt64>(v, m, e[0], e[1] - e[0], b, step);
        if (b.size() >= kCollectBuffer) flushKeys(w0);
        return;
      }
      if (w1 - w0 == 1) {  // bracket
        const uint64_t* e = win + w0 * kWindowWords;
        std::vector<uint64_t>& b = L.keys[0];
        if (vt == kFloat64 && valueLo != 0 && valueHi != 0 && valueLo == valueLo && valueHi == valueHi)
          below[0] += BracketDoubles(v, m, valueLo, valueHi, b, &nanCount);
        else if (vt == kFloat64) below[0] += CollectOne<kFloat64, true>(v, m, e[0], e[1] - e[0], b, 1, &nanCount);
        else if (vt == kInt64) below[0] += CollectOne<kInt64, true>(v, m, e[0], e[1] - e[0], b, 1, &nanCount);
        else below[0] += CollectOne<kUInt64, true>(v, m, e[0], e[1] - e[0], b, 1, &nanCount);
        if (b.size() >= kCollectBuffer) flushKeys(w0);
        return;
      }
      if (d.mode == dist::kBracket) {
        // windows ascending and disjoint: j = how many start at or below k; k is inside window j - 1
        // or in the gap after it; the keys below window w are those with j <= w
        const int64_t nw = w1 - w0;
        const uint64_t* e0 = win + w0 * kWindowWords;
        // per gap j: the window it would be inside (j - 1), as lo/span with gap 0 never inside
        uint64_t los[kMaxWindowsFast + 1], spans[kMaxWindowsFast + 1], valid[kMaxWindowsFast + 1];
        const bool fast = nw <= kMaxWindowsFast;
        los[0] = 0; spans[0] = 0; valid[0] = 0;
        for (int64_t w = 0; fast && w < nw; ++w) {
          los[w + 1] = e0[w * kWindowWords]; spans[w + 1] = e0[w * kWindowWords + 1] - los[w + 1]; valid[w + 1] = 1;
        }
        auto keep = [&](int64_t j, uint64_t k) {
          std::vector<uint64_t>& b = L.keys[j - 1];
          b.push_back(k);
          if (b.size() >= kCollectBuffer) flushKeys(w0 + j - 1);
        };
        if (fast) {
          int64_t* g = gaps.data();
          if (vt == kFloat64) nanCount += BracketMany<kFloat64>(v, m, nw, los, spans, valid, g, keep);
          else if (vt == kInt64) BracketMany<kInt64>(v, m, nw, los, spans, valid, g, keep);
          else BracketMany<kUInt64>(v, m, nw, los, spans, valid, g, keep);
          return;
        }
        for (int64_t i = 0; i < m; ++i) {
          bool nan;
          uint64_t k = KeyOf(vt, v[i], &nan);
          if (nan) { ++nanCount; continue; }
          int64_t j = 0;
          for (int64_t w = 0; w < nw; ++w) j += k >= e0[w * kWindowWords];
          ++gaps[j];
          if (j > 0 && k <= e0[(j - 1) * kWindowWords + 1]) keep(j, k);
        }
        return;
      }
      const bool bracket = false;
      for (int64_t i = 0; i < m; ++i) {
        bool nan;
        uint64_t k = KeyOf(vt, v[i], &nan);
        if (nan) { nanCount += bracket; continue; }
        for (int64_t w = w0; w < w1; ++w) {
          const uint64_t* e = win + w * kWindowWords;
          if (bracket) below[w - w0] += k < e[0];
          if (k - e[0] <= e[1] - e[0]) {
            std::vector<uint64_t>& b = L.keys[w - w0];
            b.push_back(k);
            if (b.size() >= kCollectBuffer) flushKeys(w);
            if (!bracket) break;
          }
        }
      }
    });
  };
  auto done = [&](int64_t) {
    if (curO < 0) return;
    if (d.mode == dist::kKeyHist) {
      const int64_t n = (w1 - w0) * nb;
      int64_t* dst = counts + w0 * nb;
      for (int64_t i = 0; i < n; ++i)
        if (L.counts[i] != 0) __atomic_fetch_add(&dst[i], L.counts[i], __ATOMIC_RELAXED);
      if (nanCount != 0) __atomic_fetch_add(&counts[W * nb + curO], nanCount, __ATOMIC_RELAXED);
      std::fill(L.counts.begin(), L.counts.begin() + n, 0);
      nanCount = 0;
    } else {
      for (int64_t w = w0; w < w1; ++w) flushKeys(w);
      if (d.mode == dist::kBracket) {
        if (w1 - w0 > 1) {
          int64_t acc = 0;
          for (int64_t w = 0; w < w1 - w0; ++w) { acc += gaps[w]; below[w] = acc; }
        }
        for (int64_t w = w0; w < w1; ++w)
          if (below[w - w0] != 0) __atomic_fetch_add(&win[w * kWindowWords + 2], (uint64_t)below[w - w0], __ATOMIC_RELAXED);
        if (nanCount != 0) __atomic_fetch_add(&s[2], (uint64_t)nanCount, __ATOMIC_RELAXED);
      }
    }
    curO = -1;
  };
  Walk(a, run, done);
  return 0;
}


// numpy's arithmetic in the bin type: float64, float32 (each operation rounded), float16 (each
// operation computed in float32 and rounded to half, as numpy's half loops do).
inline double Round(int compute, double v) {
  if (compute == 3) return (double)HalfToFloat(FloatToHalf((float)v));
  if (compute == 2) return (double)(float)v;
  return v;
}

// numpy's equal-width bin index of each value, counted (or its weight added): locals only.
template <int Sub, int Div, bool Weighted>
void UniformLoop(const uint64_t* v, int64_t m, const double* w, double lo, double hi, double first, double denom,
                 int64_t bins, const double* edges, int64_t* c, double* sw) {
  const double nb = (double)bins;
  for (int64_t i = 0; i < m; ++i) {
    double x;
    std::memcpy(&x, &v[i], 8);
    if constexpr (Div >= 2) x = Round(Div, x);
    if (!(x >= lo && x <= hi)) continue;
    double t = Round(Sub, x - first);
    double f = Round(Div, Round(Div, t / denom) * nb);
    int64_t b = (int64_t)f;
    if (b == bins) b -= 1;
    if (x < edges[b]) b -= 1;
    if (x >= edges[b + 1] && b != bins - 1) b += 1;
    if constexpr (Weighted) sw[b] += w[i];
    else ++c[b];
  }
}

using UniformFn = void (*)(const uint64_t*, int64_t, const double*, double, double, double, double, int64_t, const double*,
                           int64_t*, double*);
template <int Sub, int Div>
UniformFn Uniform(bool weighted) { return weighted ? &UniformLoop<Sub, Div, true> : &UniformLoop<Sub, Div, false>; }

UniformFn PickUniform(int sub, int div, bool weighted) {
  switch (sub * 4 + div) {
    case 0: return Uniform<0, 0>(weighted);
    case 2: return Uniform<0, 2>(weighted);
    case 3: return Uniform<0, 3>(weighted);
    case 8: return Uniform<2, 0>(weighted);
    case 10: return Uniform<2, 2>(weighted);
    case 11: return Uniform<2, 3>(weighted);
    case 12: return Uniform<3, 0>(weighted);
    case 14: return Uniform<3, 2>(weighted);
    case 15: return Uniform<3, 3>(weighted);
    default: return nullptr;
  }
}

int BinModes(const DistArgs& d) {
  const ReduceArgs& a = *d.r;
  const double* p = d.params;
  const int64_t bins = (int64_t)p[1];
  const int sub = (int)p[4], compute = (int)p[8];
  const int wOp = (int)p[5];
  const double lo = p[6], hi = p[7];
  if (bins < 1 || compute < 0 || compute > 3 || sub < 0 || sub > 3 || wOp >= a.nOps || wOp < -1 || (wOp >= 0) != d.weighted) return EINVAL;
  if (a.valueType != kFloat64 && a.valueType != kInt64) return EINVAL;
  if (d.mode != dist::kBincount && d.nEdges != bins + 1) return EINVAL;
  // weighted: one slot of bins sums per group (outBase), added in group order by the caller
  if (d.weighted ? (a.outBase < 0 || (a.outBase + 1) * bins > d.outLen) : d.outLen != bins) return EINVAL;
  if (wOp >= 0 && (a.mask != nullptr || a.maskOperand >= 0)) return EINVAL;
  const double first = p[2], denom = p[3];
  const double* edges = d.edges;
  Scratch& L = Local();
  if (d.weighted) { if ((int64_t)L.sums.size() < bins) L.sums.resize((size_t)bins); std::fill(L.sums.begin(), L.sums.begin() + bins, 0.0); }
  else { if ((int64_t)L.counts.size() < bins) L.counts.resize((size_t)bins); std::fill(L.counts.begin(), L.counts.begin() + bins, 0); }
  int64_t* c = L.counts.data();
  double* sw = L.sums.data();
  UniformFn uniform = d.mode == dist::kBinsUniform ? PickUniform(sub, compute, d.weighted) : nullptr;
  if (d.mode == dist::kBinsUniform && uniform == nullptr) return EINVAL;
  // The bin of x, or -1 when numpy's keep mask drops it.
  auto binOf = [&](double x) -> int64_t {
    if (d.mode == dist::kBinsUniform) {
      if (!(x >= lo && x <= hi)) return -1;
      double t = Round(sub, x - first);
      double f = Round(compute, Round(compute, t / denom) * (double)bins);
      int64_t i = (int64_t)f;
      if (i == bins) i -= 1;
      if (x < edges[i]) i -= 1;
      if (x >= edges[i + 1] && i != bins - 1) i += 1;
      return i;
    }
    // searchsorted(edges, x, 'right') - 1, the last edge closed; NaN sorts after every edge
    if (!(x >= edges[0]) || !(x <= edges[bins])) return -1;
    if (x == edges[bins]) return bins - 1;  // the last bin is closed
    return std::upper_bound(edges, edges + bins + 1, x) - edges - 1;
  };
  auto run = [&](int64_t, const uint8_t* const* pos, const int64_t* step, int64_t n) {
    Values(a, pos, step, n, [&](const uint64_t* v, int64_t m, int64_t c0) {
      if (d.weighted) {
        const ReduceOperand& w = a.ops[wOp];
        ConvertValues(w.dtype, w.swap, kFloat64, pos[wOp] + c0 * step[wOp], step[wOp], m,
                      reinterpret_cast<uint8_t*>(L.weights.data()));
      }
      const double* wv = L.weights.data();
      if (uniform != nullptr) {
        uniform(v, m, wv, lo, hi, first, denom, bins, edges, c, sw);
        return;
      }
      for (int64_t i = 0; i < m; ++i) {
        int64_t b;
        if (d.mode == dist::kBincount) {
          int64_t x;
          std::memcpy(&x, &v[i], 8);
          if (x < 0 || x >= bins) continue;  // checked by the caller's max pass: never here
          b = x;
        } else {
          double x;
          std::memcpy(&x, &v[i], 8);
          if (compute >= 2 && d.mode == dist::kBinsUniform) x = Round(compute, x);
          b = binOf(x);
          if (b < 0) continue;
        }
        if (d.weighted) sw[b] += wv[i];
        else ++c[b];
      }
    });
  };
  Walk(a, run, [](int64_t) {});
  if (d.weighted) {
    double* out = static_cast<double*>(d.out) + a.outBase * bins;
    for (int64_t i = 0; i < bins; ++i) out[i] += sw[i];  // the block's own slot: no other writer
  } else {
    int64_t* out = static_cast<int64_t*>(d.out);
    for (int64_t i = 0; i < bins; ++i) if (c[i] != 0) __atomic_fetch_add(&out[i], c[i], __ATOMIC_RELAXED);
  }
  return 0;
}

}  // namespace

int Dist(const DistArgs& d) {
  if (d.r == nullptr || d.out == nullptr) return EINVAL;
  if (int e = BeginPrograms(*d.r)) return e;
  int s = EINVAL;
  if (d.mode == dist::kKeyHist || d.mode == dist::kCollect || d.mode == dist::kBracket)
    s = d.spec == nullptr ? EINVAL : KeyModes(d);
  else if (d.mode == dist::kBinsUniform || d.mode == dist::kBinsEdges || d.mode == dist::kBincount)
    s = d.params == nullptr ? EINVAL : BinModes(d);
  return s != 0 ? s : EndPrograms();
}

void SelectKeys(uint64_t* keys, int64_t n, const int64_t* ranks, int64_t nRanks) {
  // ranks ascending: each nth_element leaves everything before its rank no greater, so the next rank
  // is looked for only after it
  int64_t from = 0;
  for (int64_t i = 0; i < nRanks; ++i) {
    if (ranks[i] < from) continue;
    std::nth_element(keys + from, keys + ranks[i], keys + n);
    from = ranks[i] + 1;
  }
}

void SortKeys(uint64_t* keys, const int64_t* ranges, int64_t nRanges) {
  for (int64_t r = 0; r < nRanges; ++r) std::sort(keys + ranges[2 * r], keys + ranges[2 * r] + ranges[2 * r + 1]);
}

}  // namespace ndmmap
