// The distribution kernels' per-element loops (dist_isa.h), built once per instruction set. Keys are
// made without branches (random signs would mispredict half the time); -0.0 keeps a key of its own,
// just below +0.0's, and NaN none.
#include <algorithm>
#include <cstring>

#include "dist_isa.h"
#include "dtype.h"

#ifndef NDM_ISA
#error "NDM_ISA must name the instruction set (baseline, avx2, avx512)"
#endif

namespace ndmmap {
namespace NDM_ISA {
namespace {

constexpr uint64_t kSign = uint64_t(1) << 63;
// Ranges this short are sorted whole by insertion: cheaper than partitioning.
constexpr int64_t kSmallSort = 24;

template <int K>
inline uint64_t Key(uint64_t u) {
  if constexpr (K == kKeyF64) return FloatKey(u);
  else if constexpr (K == kKeyI64) return u ^ kSign;
  else return u;
}

template <int K>
int64_t ToKeysT(const uint64_t* v, int64_t m, uint64_t* out) {
  if constexpr (K != kKeyF64) {
    for (int64_t i = 0; i < m; ++i) out[i] = Key<K>(v[i]);
    return m;
  } else {
    int64_t c = 0;
    for (int64_t i = 0; i < m; ++i) {
      uint64_t u = v[i];
      out[c] = FloatKey(u);
      c += !NanBits(u);  // a NaN is overwritten by the next key
    }
    return c;
  }
}

template <int K>
void AllKeysT(const uint64_t* v, int64_t m, uint64_t* out) {
  for (int64_t i = 0; i < m; ++i) out[i] = Key<K>(v[i]);
}

template <int K>
int64_t Hist1T(const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, int sh, int64_t* c) {
  int64_t nan = 0;
  for (int64_t i = 0; i < m; ++i) {
    uint64_t u = v[i];
    if constexpr (K == kKeyF64) {
      if (NanBits(u)) { ++nan; continue; }
    }
    uint64_t k = Key<K>(u) - lo;
    if (k <= span) ++c[k >> sh];
  }
  return nan;
}

template <int K>
int64_t Collect1T(const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, int64_t step, uint64_t* out) {
  int64_t c = 0;
  for (int64_t i = 0; i < m; i += step) {
    uint64_t u = v[i];
    if constexpr (K == kKeyF64) {
      if (NanBits(u)) continue;
    }
    uint64_t k = Key<K>(u);
    out[c] = k;
    c += k - lo <= span;
  }
  return c;
}

template <int K>
int64_t Bracket1T(const uint64_t* v, int64_t m, uint64_t lo, uint64_t span, uint64_t* out, int64_t* below, int64_t* nan) {
  int64_t c = 0, b = 0, nn = 0;
  for (int64_t i = 0; i < m; ++i) {
    uint64_t u = v[i];
    if constexpr (K == kKeyF64) {
      if (NanBits(u)) { ++nn; continue; }
    }
    uint64_t k = Key<K>(u);
    b += k < lo;
    out[c] = k;
    c += k - lo <= span;
  }
  *below += b;
  *nan += nn;
  return c;
}

template <int K>
int64_t WindowsT(const uint64_t* v, int64_t m, const KeyWindows& w, int64_t* gaps, int64_t* hist, int bits, uint64_t* keep,
                 int32_t* win, int64_t* nan) {
  int64_t c = 0, nn = 0;
  const int64_t W = w.count;
  for (int64_t i = 0; i < m; ++i) {
    uint64_t u = v[i];
    if constexpr (K == kKeyF64) {
      if (NanBits(u)) { ++nn; continue; }
    }
    uint64_t k = Key<K>(u);
    int64_t j = w.table[k >> 48];
    while (j < W && w.lo[j] <= k) ++j;
    if (j > 0 && k <= w.hi[j - 1]) {
      if (hist != nullptr) {
        ++hist[((j - 1) << bits) | (int64_t)((k - w.lo[j - 1]) >> w.shift[j - 1])];
      } else {
        keep[c] = k;
        win[c++] = (int32_t)(j - 1);
      }
    } else {
      ++gaps[j];
    }
  }
  *nan += nn;
  return c;
}

template <int K>
void WHistT(const uint64_t* v, const double* wt, int64_t m, const KeyWindows& w, int bits, double* sums, double* nan) {
  const int64_t W = w.count;
  for (int64_t i = 0; i < m; ++i) {
    uint64_t u = v[i];
    if constexpr (K == kKeyF64) {
      if (NanBits(u)) { nan[0] += 1; nan[1] += wt[i]; continue; }
    }
    uint64_t k = Key<K>(u);
    int64_t j = w.table[k >> 48];
    while (j < W && w.lo[j] <= k) ++j;
    if (j > 0 && k <= w.hi[j - 1]) {
      double* s = sums + 2 * (((j - 1) << bits) | (int64_t)((k - w.lo[j - 1]) >> w.shift[j - 1]));
      s[0] += wt[i];
      s[1] += 1;
    }
  }
}

template <int K>
int64_t WKeepT(const uint64_t* v, const double* wt, int64_t m, const KeyWindows& w, uint64_t* pairs, int32_t* win) {
  const int64_t W = w.count;
  int64_t c = 0;
  for (int64_t i = 0; i < m; ++i) {
    uint64_t u = v[i];
    if constexpr (K == kKeyF64) {
      if (NanBits(u)) continue;
    }
    uint64_t k = Key<K>(u);
    int64_t j = w.table[k >> 48];
    while (j < W && w.lo[j] <= k) ++j;
    if (j > 0 && k <= w.hi[j - 1]) {
      pairs[2 * c] = k;
      std::memcpy(&pairs[2 * c + 1], &wt[i], 8);
      win[c++] = (int32_t)(j - 1);
    }
  }
  return c;
}

// numpy's arithmetic in the bin type: float64, float32 (each operation rounded), float16 (each
// operation computed in float32 and rounded to half, as numpy's half loops do).
template <int T>
inline double Round(double v) {
  if constexpr (T == 3) return (double)HalfToFloat(FloatToHalf((float)v));
  else if constexpr (T == 2) return (double)(float)v;
  else return v;
}

template <int Sub, int Div>
void UniformT(const UniformBins& b, const uint64_t* v, int64_t m, const double* w, int64_t* c, double* sw) {
  const double nb = (double)b.bins;
  const int64_t bins = b.bins;
  const double* edges = b.edges;
  for (int64_t i = 0; i < m; ++i) {
    double x;
    std::memcpy(&x, &v[i], 8);
    if constexpr (Div >= 2) x = Round<Div>(x);
    if (!(x >= b.lo && x <= b.hi)) continue;
    double t = Round<Sub>(x - b.first);
    double f = Round<Div>(Round<Div>(t / b.denom) * nb);
    int64_t k = (int64_t)f;
    if (k == bins) k -= 1;
    if (x < edges[k]) k -= 1;
    if (x >= edges[k + 1] && k != bins - 1) k += 1;
    if (w != nullptr) sw[k] += w[i];
    else ++c[k];
  }
}

void Uniform(const UniformBins& b, const uint64_t* v, int64_t m, const double* w, int64_t* c, double* sw) {
  switch (b.sub * 4 + b.div) {
    case 0: return UniformT<0, 0>(b, v, m, w, c, sw);
    case 2: return UniformT<0, 2>(b, v, m, w, c, sw);
    case 3: return UniformT<0, 3>(b, v, m, w, c, sw);
    case 8: return UniformT<2, 0>(b, v, m, w, c, sw);
    case 10: return UniformT<2, 2>(b, v, m, w, c, sw);
    case 11: return UniformT<2, 3>(b, v, m, w, c, sw);
    case 12: return UniformT<3, 0>(b, v, m, w, c, sw);
    case 14: return UniformT<3, 2>(b, v, m, w, c, sw);
    default: return UniformT<3, 3>(b, v, m, w, c, sw);  // the caller checked the pair
  }
}

void Edges(const double* edges, int64_t bins, const uint64_t* v, int64_t m, const double* w, int64_t* c, double* sw) {
  const double first = edges[0], last = edges[bins];
  for (int64_t i = 0; i < m; ++i) {
    double x;
    std::memcpy(&x, &v[i], 8);
    if (!(x >= first) || !(x <= last)) continue;  // NaN sorts after every edge
    int64_t k = x == last ? bins - 1 : std::upper_bound(edges, edges + bins + 1, x) - edges - 1;
    if (w != nullptr) sw[k] += w[i];
    else ++c[k];
  }
}

void Bincount(int64_t bins, const uint64_t* v, int64_t m, const double* w, int64_t* c, double* sw) {
  for (int64_t i = 0; i < m; ++i) {
    int64_t x;
    std::memcpy(&x, &v[i], 8);
    if (x < 0 || x >= bins) continue;
    if (w != nullptr) sw[x] += w[i];
    else ++c[x];
  }
}

void InsertionSort(uint64_t* k, int64_t n) {
  for (int64_t i = 1; i < n; ++i) {
    uint64_t x = k[i];
    int64_t j = i;
    for (; j > 0 && k[j - 1] > x; --j) k[j] = k[j - 1];
    k[j] = x;
  }
}

// Batcher's odd-even merge network for 8 keys: 19 branch-free compare-exchanges (min/max compile to
// conditional moves), where an insertion sort of random keys mispredicts about every other compare.
constexpr int kNet8[19][2] = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {0, 2}, {1, 3}, {4, 6}, {5, 7}, {1, 2}, {5, 6},
                              {0, 4}, {1, 5}, {2, 6}, {3, 7}, {2, 4}, {3, 5}, {1, 2}, {3, 4}, {5, 6}};

void Sort8(uint64_t* k, int64_t n) {
  uint64_t t[8];
  for (int i = 0; i < 8; ++i) t[i] = i < n ? k[i] : ~uint64_t(0);  // padding sorts last
  for (const auto& p : kNet8) {
    uint64_t a = t[p[0]], b = t[p[1]];
    t[p[0]] = a < b ? a : b;
    t[p[1]] = a < b ? b : a;
  }
  for (int64_t i = 0; i < n; ++i) k[i] = t[i];
}

// Divide and conquer over the ranks: the middle rank splits the range, each half keeps its ranks, so
// R ranks of n keys cost O(n log R), not O(n R).
void MultiSelect(uint64_t* k, int64_t lo, int64_t hi, const int64_t* r, int64_t nr) {
  while (nr > 0) {
    if (hi - lo <= kSmallSort) { InsertionSort(k + lo, hi - lo); return; }
    int64_t mid = nr / 2;
    std::nth_element(k + lo, k + r[mid], k + hi);
    MultiSelect(k, lo, r[mid], r, mid);
    lo = r[mid] + 1;
    r += mid + 1;
    nr -= mid + 1;
  }
}

void Select(uint64_t* keys, int64_t n, const int64_t* ranks, int64_t nRanks) {
  if (n <= 8) Sort8(keys, n);  // the many short outputs along an axis
  else MultiSelect(keys, 0, n, ranks, nRanks);
}

// A key's value as the record holds it: float64 bits, or an integer (as a double, or its bits).
template <int K>
inline double RecordValue(uint64_t k, bool asDouble) {
  uint64_t u;
  if constexpr (K == kKeyF64) u = KeyFloatBits(k);
  else if constexpr (K == kKeyI64) u = k ^ kSign;
  else u = k;
  double d;
  if (K != kKeyF64 && asDouble) return K == kKeyI64 ? (double)(int64_t)u : (double)u;
  std::memcpy(&d, &u, 8);
  return d;
}

template <int K>
void SmallOutputsT(const uint8_t* base, int64_t os, int64_t es, int64_t n, int64_t outs, const int64_t* lo, const int64_t* hi,
                   const double* gamma, int64_t nq, bool asDouble, double* rec, int64_t recWords) {
  for (int64_t o = 0; o < outs; ++o) {
    const uint8_t* p = base + o * os;
    uint64_t t[8];
    bool nan = false;
    for (int64_t i = 0; i < 8; ++i) {
      if (i < n) {
        uint64_t u;
        std::memcpy(&u, p + i * es, 8);
        if constexpr (K == kKeyF64) nan |= NanBits(u);
        t[i] = Key<K>(u);
      } else {
        t[i] = ~uint64_t(0);
      }
    }
    for (const auto& e : kNet8) {
      uint64_t a = t[e[0]], b = t[e[1]];
      t[e[0]] = a < b ? a : b;
      t[e[1]] = a < b ? b : a;
    }
    double* r = rec + o * recWords;
    r[0] = nan ? -1.0 : (double)n;
    if (nan) continue;
    for (int64_t j = 0; j < nq; ++j) {
      r[1 + 3 * j] = RecordValue<K>(t[lo[j]], asDouble);
      r[2 + 3 * j] = RecordValue<K>(t[hi[j]], asDouble);
      r[3 + 3 * j] = gamma[j];
    }
  }
}

void SmallOutputs(int kind, const uint8_t* base, int64_t os, int64_t es, int64_t n, int64_t outs, const int64_t* lo, const int64_t* hi,
                  const double* gamma, int64_t nq, bool asDouble, double* rec, int64_t recWords) {
  if (kind == kKeyF64) SmallOutputsT<kKeyF64>(base, os, es, n, outs, lo, hi, gamma, nq, asDouble, rec, recWords);
  else if (kind == kKeyI64) SmallOutputsT<kKeyI64>(base, os, es, n, outs, lo, hi, gamma, nq, asDouble, rec, recWords);
  else SmallOutputsT<kKeyU64>(base, os, es, n, outs, lo, hi, gamma, nq, asDouble, rec, recWords);
}

void Sort(uint64_t* keys, int64_t n) {
  if (n <= 8) Sort8(keys, n);
  else if (n <= kSmallSort) InsertionSort(keys, n);
  else std::sort(keys, keys + n);
}

template <template <int> class F, class... A>
auto ByKind(int kind, A... a) {
  if (kind == kKeyF64) return F<kKeyF64>::Run(a...);
  if (kind == kKeyI64) return F<kKeyI64>::Run(a...);
  return F<kKeyU64>::Run(a...);
}

template <int K> struct ToKeysF { static int64_t Run(const uint64_t* v, int64_t m, uint64_t* o) { return ToKeysT<K>(v, m, o); } };
template <int K> struct WHistF {
  static int Run(const uint64_t* v, const double* wt, int64_t m, const KeyWindows* w, int bits, double* s, double* n) { WHistT<K>(v, wt, m, *w, bits, s, n); return 0; }
};
template <int K> struct WKeepF {
  static int64_t Run(const uint64_t* v, const double* wt, int64_t m, const KeyWindows* w, uint64_t* p, int32_t* win) { return WKeepT<K>(v, wt, m, *w, p, win); }
};
template <int K> struct AllKeysF { static int Run(const uint64_t* v, int64_t m, uint64_t* o) { AllKeysT<K>(v, m, o); return 0; } };
template <int K> struct Hist1F {
  static int64_t Run(const uint64_t* v, int64_t m, uint64_t lo, uint64_t s, int sh, int64_t* c) { return Hist1T<K>(v, m, lo, s, sh, c); }
};
template <int K> struct Collect1F {
  static int64_t Run(const uint64_t* v, int64_t m, uint64_t lo, uint64_t s, int64_t st, uint64_t* o) { return Collect1T<K>(v, m, lo, s, st, o); }
};
template <int K> struct Bracket1F {
  static int64_t Run(const uint64_t* v, int64_t m, uint64_t lo, uint64_t s, uint64_t* o, int64_t* b, int64_t* n) {
    return Bracket1T<K>(v, m, lo, s, o, b, n);
  }
};
template <int K> struct WindowsF {
  static int64_t Run(const uint64_t* v, int64_t m, const KeyWindows* w, int64_t* g, int64_t* h, int bits, uint64_t* keep, int32_t* win,
                     int64_t* nan) {
    return WindowsT<K>(v, m, *w, g, h, bits, keep, win, nan);
  }
};

}  // namespace

DistIsa DistKernels() {
  DistIsa d;
  d.toKeys = [](int k, const uint64_t* v, int64_t m, uint64_t* o) { return ByKind<ToKeysF>(k, v, m, o); };
  d.allKeys = [](int k, const uint64_t* v, int64_t m, uint64_t* o) { ByKind<AllKeysF>(k, v, m, o); };
  d.hist1 = [](int k, const uint64_t* v, int64_t m, uint64_t lo, uint64_t s, int sh, int64_t* c) { return ByKind<Hist1F>(k, v, m, lo, s, sh, c); };
  d.collect1 = [](int k, const uint64_t* v, int64_t m, uint64_t lo, uint64_t s, int64_t st, uint64_t* o) {
    return ByKind<Collect1F>(k, v, m, lo, s, st, o);
  };
  d.bracket1 = [](int k, const uint64_t* v, int64_t m, uint64_t lo, uint64_t s, uint64_t* o, int64_t* b, int64_t* n) {
    return ByKind<Bracket1F>(k, v, m, lo, s, o, b, n);
  };
  d.windows = [](int k, const uint64_t* v, int64_t m, const KeyWindows& w, int64_t* g, int64_t* h, int bits, uint64_t* keep, int32_t* win,
                 int64_t* nan) { return ByKind<WindowsF>(k, v, m, &w, g, h, bits, keep, win, nan); };
  d.whist = [](int k, const uint64_t* v, const double* wt, int64_t m, const KeyWindows& w, int bits, double* s, double* n) {
    ByKind<WHistF>(k, v, wt, m, &w, bits, s, n);
  };
  d.wkeep = [](int k, const uint64_t* v, const double* wt, int64_t m, const KeyWindows& w, uint64_t* p, int32_t* win) {
    return ByKind<WKeepF>(k, v, wt, m, &w, p, win);
  };
  d.uniform = &Uniform;
  d.edges = &Edges;
  d.bincount = &Bincount;
  d.smallOutputs = &SmallOutputs;
  d.select = &Select;
  d.sort = &Sort;
  return d;
}

}  // namespace NDM_ISA
}  // namespace ndmmap
