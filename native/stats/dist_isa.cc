// The distribution kernels' per-element loops (dist_isa.h), built once per instruction set. Keys are
// made without branches (random signs would mispredict half the time); -0.0 keeps a key of its own,
// just below +0.0's, and NaN none.
#include <algorithm>
#include <cstring>

#include "core/isa_unit.h"
#include "stats/dist_isa.h"
#include "core/dtype.h"

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

#include "stats/dist_isa_bins.inc"
#include "stats/dist_isa_select.inc"

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
