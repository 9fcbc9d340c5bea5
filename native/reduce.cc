#include "reduce.h"

#include <errno.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "dtype.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace ndmmap {
namespace {

// Sub-block for two-pass moments: small enough that the second pass reads from L1.
constexpr int64_t kMomentBlock = 1024;
// numpy's pairwise summation leaf: below this, 8 accumulators; above, split in two.
constexpr int64_t kPairwiseLeaf = 128;

// Loaders: V is the compute type (double for floats, int64/uint64 for integers).
template <int DT, bool S> struct L;
#define NDM_LOADER(CODE, RAW, VT, EXPR)                        \
  template <bool S> struct L<CODE, S> {                        \
    using V = VT;                                              \
    static constexpr int kSize = sizeof(RAW);                  \
    static constexpr bool kIsFloat = std::is_same<VT, double>::value; \
    static inline V Get(const uint8_t* p) { RAW r = Load<RAW, S>(p); return EXPR; } \
  };
NDM_LOADER(kBool, uint8_t, int64_t, r != 0 ? 1 : 0)
NDM_LOADER(kInt8, int8_t, int64_t, r)
NDM_LOADER(kUInt8, uint8_t, uint64_t, r)
NDM_LOADER(kInt16, int16_t, int64_t, r)
NDM_LOADER(kUInt16, uint16_t, uint64_t, r)
NDM_LOADER(kInt32, int32_t, int64_t, r)
NDM_LOADER(kUInt32, uint32_t, uint64_t, r)
NDM_LOADER(kInt64, int64_t, int64_t, r)
NDM_LOADER(kUInt64, uint64_t, uint64_t, r)
NDM_LOADER(kFloat16, uint16_t, double, (double)HalfToFloat(r))
NDM_LOADER(kFloat32, float, double, (double)r)
NDM_LOADER(kFloat64, double, double, r)
#undef NDM_LOADER

// numpy's pairwise_sum (loops_utils.h.src): the same blocking, so a contiguous run sums as numpy's
// does. Contig fixes the stride at compile time so the 8-accumulator leaf vectorises.
template <class LD, bool Contig>
double Pairwise(const uint8_t* p, int64_t n, int64_t stride) {
  const int64_t s = Contig ? LD::kSize : stride;
  if (n < 8) {
    double r = 0.;
    for (int64_t i = 0; i < n; ++i) r += LD::Get(p + i * s);
    return r;
  }
  if (n <= kPairwiseLeaf) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = LD::Get(p + j * s);
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += LD::Get(p + (i + j) * s);
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += LD::Get(p + i * s);
    return res;
  }
  int64_t n2 = n / 2;
  n2 -= n2 % 8;
  return Pairwise<LD, Contig>(p, n2, s) + Pairwise<LD, Contig>(p + n2 * s, n - n2, s);
}

template <class LD>
double PairwiseRun(const uint8_t* p, int64_t n, int64_t s) {
  return s == LD::kSize ? Pairwise<LD, true>(p, n, s) : Pairwise<LD, false>(p, n, s);
}

struct State {
  double s = 0, c = 0;         // sum with Neumaier compensation; also float products
  uint64_t u = 0;              // integer sums and products (wraparound)
  double fv = 0;               // float min/max/arg value
  uint64_t iv = 0;             // integer min/max/arg value bits
  int64_t idx = -1;            // arg* flat index
  double n = 0, mean = 0, m2 = 0;  // count (also for min/max), moments
};

inline void Neumaier(State& st, double x) {
  double t = st.s + x;
  if (std::fabs(st.s) >= std::fabs(x)) st.c += (st.s - t) + x;
  else st.c += (x - t) + st.s;
  st.s = t;
}

inline void Chan(State& st, double nb, double mb, double m2b) {
  if (nb == 0) return;
  double n = st.n + nb, d = mb - st.mean;
  st.m2 += m2b + d * d * st.n * nb / n;
  st.mean += d * nb / n;
  st.n = n;
}

// Is (v, i) a better extreme than the current one? NaN wins; ties go to the smaller index.
template <bool Max, class V>
inline bool Better(V v, int64_t i, V best, int64_t bi) {
  if (bi < 0) return true;
  if (std::is_floating_point<V>::value) {
    bool vn = v != v, bn = best != best;
    if (bn) return vn && i < bi;
    if (vn) return true;
  }
  if (v == best) return i < bi;
  return Max ? best < v : v < best;
}

template <class LD, int OP>
struct Kernel {
  using V = typename LD::V;
  static constexpr bool kIsMax = OP == ReduceOp::kMax || OP == ReduceOp::kArgMax;

  static inline void SetVal(State& st, V v) {
    if (LD::kIsFloat) st.fv = (double)v;
    else std::memcpy(&st.iv, &v, 8);
  }
  static inline V GetVal(const State& st) {
    if (LD::kIsFloat) return (V)st.fv;
    V v;
    std::memcpy(&v, &st.iv, 8);
    return v;
  }

  // One element, in any order (the strided and row-vector paths).
  static inline void Step(State& st, const uint8_t* p, int64_t index) {
    V v = LD::Get(p);
    if (OP == kSum || OP == kSumFloat) {
      if (OP == kSum && !LD::kIsFloat) st.u += (uint64_t)v;
      else st.s += (double)v;
    } else if (OP == kProd) {
      ProdStep(st, v);
    } else if (OP == kMin || OP == kMax) {
      if (st.n == 0) SetVal(st, v);
      else {
        V b = GetVal(st);
        if (!(b != b) && ((v != v) || (kIsMax ? b < v : v < b))) SetVal(st, v);
      }
      st.n += 1;
    } else if (OP == kArgMin || OP == kArgMax) {
      if (Better<kIsMax, V>(v, index, GetVal(st), st.idx)) { SetVal(st, v); st.idx = index; }
    } else if (OP == kMoments) {
      st.n += 1;  // first pass of the row-vector path: sums in s
      st.s += (double)v;
    }
  }

  static inline void ProdStep(State& st, V v) {
    if (!LD::kIsFloat) st.u *= (uint64_t)v;
    else if (std::is_same<LD, L<kFloat64, false>>::value || std::is_same<LD, L<kFloat64, true>>::value)
      st.s *= (double)v;
    else if (std::is_same<LD, L<kFloat16, false>>::value || std::is_same<LD, L<kFloat16, true>>::value)
      st.s = HalfToFloat(FloatToHalf((float)st.s * (float)v));  // numpy rounds to half each step
    else
      st.s = (double)((float)st.s * (float)v);
  }

  // A 1-D run of n elements at byte stride s whose first element has flat index idx0.
  static void Run(State& st, const uint8_t* p, int64_t n, int64_t s, int64_t idx0, int64_t mul) {
    if (OP == kSum && !LD::kIsFloat) {
      uint64_t acc = 0;
      if (s == LD::kSize) for (int64_t i = 0; i < n; ++i) acc += (uint64_t)LD::Get(p + i * LD::kSize);
      else for (int64_t i = 0; i < n; ++i) acc += (uint64_t)LD::Get(p + i * s);
      st.u += acc;
    } else if (OP == kSum || OP == kSumFloat) {
      Neumaier(st, PairwiseRun<LD>(p, n, s));
    } else if (OP == kProd) {
      for (int64_t i = 0; i < n; ++i) ProdStep(st, LD::Get(p + i * s));
    } else if (OP == kMin || OP == kMax) {
      if (n == 0) return;
      if (s == LD::kSize) MinMaxRun<true>(st, p, n, s);
      else MinMaxRun<false>(st, p, n, s);
    } else if (OP == kArgMin || OP == kArgMax) {
      V best = GetVal(st);
      int64_t bi = st.idx;
      for (int64_t i = 0; i < n; ++i) {
        V v = LD::Get(p + i * s);
        int64_t k = idx0 + i * mul;
        if (Better<kIsMax, V>(v, k, best, bi)) { best = v; bi = k; }
      }
      if (bi != st.idx) { SetVal(st, best); st.idx = bi; }
    } else if (OP == kMoments) {
      for (int64_t b = 0; b < n; b += kMomentBlock) {
        int64_t m = n - b < kMomentBlock ? n - b : kMomentBlock;
        const uint8_t* q = p + b * s;
        double mean = PairwiseRun<LD>(q, m, s) / (double)m;
        double r[4] = {0, 0, 0, 0};
        int64_t i = 0;
        for (; i + 4 <= m; i += 4)
          for (int j = 0; j < 4; ++j) { double d = (double)LD::Get(q + (i + j) * s) - mean; r[j] += d * d; }
        for (; i < m; ++i) { double d = (double)LD::Get(q + i * s) - mean; r[0] += d * d; }
        Chan(st, (double)m, mean, (r[0] + r[1]) + (r[2] + r[3]));
      }
    }
  }

  // 8 lanes of compare-select (vectorises to min/max instructions). NaN is caught by a lane sum of
  // v - v, which is 0 for every finite v; only when it is not (NaN or inf seen) do we rescan.
  template <bool Contig>
  static void MinMaxRun(State& st, const uint8_t* p, int64_t n, int64_t stride) {
#ifdef __SSE2__
    if (Contig && std::is_same<LD, L<kFloat64, false>>::value && n >= 16) { MinMaxF64(st, p, n); return; }
#endif
    const int64_t s = Contig ? LD::kSize : stride;
    V m[8];
    double z[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    V first = st.n > 0 ? GetVal(st) : LD::Get(p);
    for (int j = 0; j < 8; ++j) m[j] = first;
    for (; i + 8 <= n; i += 8) {
      for (int j = 0; j < 8; ++j) {
        V v = LD::Get(p + (i + j) * s);
        if (LD::kIsFloat) z[j] += (double)v - (double)v;
        m[j] = (kIsMax ? m[j] < v : v < m[j]) ? v : m[j];
      }
    }
    for (; i < n; ++i) {
      V v = LD::Get(p + i * s);
      if (LD::kIsFloat) z[0] += (double)v - (double)v;
      m[0] = (kIsMax ? m[0] < v : v < m[0]) ? v : m[0];
    }
    V r = m[0];
    for (int j = 1; j < 8; ++j) r = (kIsMax ? r < m[j] : m[j] < r) ? m[j] : r;
    if (LD::kIsFloat) {
      bool nan = first != first;
      double zs = ((z[0] + z[1]) + (z[2] + z[3])) + ((z[4] + z[5]) + (z[6] + z[7]));
      if (!nan && zs != 0 && zs != zs) {
        for (int64_t k = 0; k < n && !nan; ++k) { V v = LD::Get(p + k * s); nan = v != v; }
      }
      if (nan) r = std::numeric_limits<V>::quiet_NaN();
    }
    SetVal(st, r);
    st.n += (double)n;
  }

#ifdef __SSE2__
  // Contiguous native float64: minpd/maxpd return their second operand unless the first is strictly
  // smaller/larger, exactly `v < m ? v : m`; NaN is detected separately (cmpunord).
  static void MinMaxF64(State& st, const uint8_t* p, int64_t n) {
    double first = st.n > 0 ? st.fv : LD::Get(p);
    __m128d m0 = _mm_set1_pd(first), m1 = m0, m2 = m0, m3 = m0, u = _mm_setzero_pd();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
      __m128d a = _mm_loadu_pd((const double*)p + i), b = _mm_loadu_pd((const double*)p + i + 2);
      __m128d c = _mm_loadu_pd((const double*)p + i + 4), d = _mm_loadu_pd((const double*)p + i + 6);
      u = _mm_or_pd(u, _mm_or_pd(_mm_cmpunord_pd(a, b), _mm_cmpunord_pd(c, d)));
      if (kIsMax) { m0 = _mm_max_pd(a, m0); m1 = _mm_max_pd(b, m1); m2 = _mm_max_pd(c, m2); m3 = _mm_max_pd(d, m3); }
      else { m0 = _mm_min_pd(a, m0); m1 = _mm_min_pd(b, m1); m2 = _mm_min_pd(c, m2); m3 = _mm_min_pd(d, m3); }
    }
    double lanes[8];
    _mm_storeu_pd(lanes, m0); _mm_storeu_pd(lanes + 2, m1); _mm_storeu_pd(lanes + 4, m2); _mm_storeu_pd(lanes + 6, m3);
    bool nan = first != first || _mm_movemask_pd(u) != 0;
    double r = lanes[0];
    for (int j = 1; j < 8; ++j) r = (kIsMax ? r < lanes[j] : lanes[j] < r) ? lanes[j] : r;
    for (; i < n; ++i) {
      double v = LD::Get(p + i * 8);
      nan |= v != v;
      r = (kIsMax ? r < v : v < r) ? v : r;
    }
    st.fv = nan ? std::numeric_limits<double>::quiet_NaN() : r;
    st.n += (double)n;
  }
#endif

  static void Write(const State& st, const ReduceArgs& a, int64_t o) {
    double* out = a.out + a.outBase;
    int64_t k = a.outCount;
    double slot[kSlots] = {0, 0, 0, 0};
    if (OP == kSum && !LD::kIsFloat) std::memcpy(&slot[0], &st.u, 8);
    else if (OP == kSum || OP == kSumFloat) { slot[0] = st.s; slot[1] = st.c; }
    else if (OP == kProd) {
      if (LD::kIsFloat) slot[0] = st.s; else std::memcpy(&slot[0], &st.u, 8);
    } else if (OP == kMin || OP == kMax) {
      if (LD::kIsFloat) slot[0] = st.fv; else std::memcpy(&slot[0], &st.iv, 8);
      slot[1] = st.n;
    } else if (OP == kArgMin || OP == kArgMax) {
      if (LD::kIsFloat) slot[0] = st.fv; else std::memcpy(&slot[0], &st.iv, 8);
      std::memcpy(&slot[1], &st.idx, 8);
    } else if (OP == kMoments) {
      slot[0] = st.n; slot[1] = st.mean; slot[2] = st.m2;
    }
    for (int j = 0; j < kSlots; ++j) out[j * k + o] = slot[j];
  }

  static State Fresh() {
    State st;
    if (OP == kProd) { st.s = 1; st.u = 1; }
    return st;
  }

  // Reduce every red dim for the block at p, odometer over all but the innermost red dim.
  static void ReduceAll(State& st, const ReduceArgs& a, const uint8_t* p) {
    int nr = a.nRed;
    if (nr == 0) { Run(st, p, 1, LD::kSize, a.indexBase, 0); return; }
    int64_t inner = a.redShape[nr - 1], is = a.redStrides[nr - 1], im = a.redIndexMul[nr - 1];
    for (int k = 0; k < nr; ++k) if (a.redShape[k] == 0) return;
    int64_t pos[kMaxDims] = {0};
    int64_t idx = a.indexBase;
    for (;;) {
      Run(st, p, inner, is, idx, im);
      int k = nr - 2;
      for (; k >= 0; --k) {
        if (++pos[k] < a.redShape[k]) { p += a.redStrides[k]; idx += a.redIndexMul[k]; break; }
        p -= a.redStrides[k] * (a.redShape[k] - 1);
        idx -= a.redIndexMul[k] * (a.redShape[k] - 1);
        pos[k] = 0;
      }
      if (k < 0) break;
    }
  }

  // One output per position of the out dims; each reduces its own strided slice.
  static void PerOutput(const ReduceArgs& a) {
    int no = a.nOut;
    int64_t total = 1;
    for (int k = 0; k < no; ++k) total *= a.outShape[k];
    if (total == 0) return;
    int64_t pos[kMaxDims] = {0};
    const uint8_t* p = a.data;
    int64_t o = 0;
    for (;;) {
      State st = Fresh();
      ReduceAll(st, a, p);
      Write(st, a, o);
      int k = no - 1;
      for (; k >= 0; --k) {
        if (++pos[k] < a.outShape[k]) { p += a.outStrides[k]; o += a.outIndexMul[k]; break; }
        p -= a.outStrides[k] * (a.outShape[k] - 1);
        o -= a.outIndexMul[k] * (a.outShape[k] - 1);
        pos[k] = 0;
      }
      if (k < 0) break;
    }
  }

  // One out dim and one red dim whose stride is the larger: sweep rows, update a vector of states,
  // so memory is read in order (numpy's axis=0 loop does the same).
  static void RowVector(const ReduceArgs& a) {
    int64_t no = a.outShape[0], os = a.outStrides[0], om = a.outIndexMul[0];
    int64_t nr = a.redShape[0], rs = a.redStrides[0], rm = a.redIndexMul[0];
    std::vector<State> st(no, Fresh());
    constexpr bool kFlatInt = OP == kSum && !LD::kIsFloat;
    constexpr bool kFlatFloat = OP == kSumFloat || OP == kMoments || (OP == kSum && LD::kIsFloat);
    if (kFlatInt || kFlatFloat) {
      // Sums into flat accumulators: the inner loop over a row is a vectorisable a[j] += x[j].
      std::vector<double> acc(kFlatFloat ? no : 0, 0.0);
      std::vector<uint64_t> iacc(kFlatInt ? no : 0, 0);
      for (int64_t r = 0; r < nr; ++r) {
        const uint8_t* row = a.data + r * rs;
        if (kFlatInt) {
          if (os == LD::kSize) for (int64_t j = 0; j < no; ++j) iacc[j] += (uint64_t)LD::Get(row + j * LD::kSize);
          else for (int64_t j = 0; j < no; ++j) iacc[j] += (uint64_t)LD::Get(row + j * os);
        } else {
          if (os == LD::kSize) for (int64_t j = 0; j < no; ++j) acc[j] += (double)LD::Get(row + j * LD::kSize);
          else for (int64_t j = 0; j < no; ++j) acc[j] += (double)LD::Get(row + j * os);
        }
      }
      for (int64_t j = 0; j < no; ++j) {
        if (kFlatInt) st[j].u = iacc[j];
        else st[j].s = acc[j];
      }
      if (OP == kMoments) {  // second pass over the same rows: deviations from each column's mean
        for (int64_t j = 0; j < no; ++j) { acc[j] = nr > 0 ? acc[j] / (double)nr : 0; st[j].mean = acc[j]; }
        std::vector<double> m2(no, 0.0);
        for (int64_t r = 0; r < nr; ++r) {
          const uint8_t* row = a.data + r * rs;
          for (int64_t j = 0; j < no; ++j) {
            double d = (double)LD::Get(row + j * os) - acc[j];
            m2[j] += d * d;
          }
        }
        for (int64_t j = 0; j < no; ++j) { st[j].n = (double)nr; st[j].m2 = m2[j]; }
      }
    } else {
      for (int64_t r = 0; r < nr; ++r) {
        const uint8_t* row = a.data + r * rs;
        int64_t idx = a.indexBase + r * rm;
        for (int64_t j = 0; j < no; ++j) Step(st[j], row + j * os, idx);
      }
    }
    for (int64_t j = 0; j < no; ++j) Write(st[j], a, j * om);
  }

  static void Go(const ReduceArgs& a) {
    bool vec = a.nOut == 1 && a.nRed == 1 && a.outShape[0] > 1 &&
               llabs(a.outStrides[0]) < llabs(a.redStrides[0]);
    if (vec) RowVector(a);
    else PerOutput(a);
  }
};

template <class LD>
int DispatchOp(const ReduceArgs& a) {
  switch (a.op) {
    case kSum: Kernel<LD, kSum>::Go(a); return 0;
    case kSumFloat: Kernel<LD, kSumFloat>::Go(a); return 0;
    case kProd: Kernel<LD, kProd>::Go(a); return 0;
    case kMin: Kernel<LD, kMin>::Go(a); return 0;
    case kMax: Kernel<LD, kMax>::Go(a); return 0;
    case kArgMin: Kernel<LD, kArgMin>::Go(a); return 0;
    case kArgMax: Kernel<LD, kArgMax>::Go(a); return 0;
    case kMoments: Kernel<LD, kMoments>::Go(a); return 0;
    default: return EINVAL;
  }
}

template <bool S>
int DispatchType(const ReduceArgs& a) {
  switch (a.dtype) {
    case kBool: return DispatchOp<L<kBool, S>>(a);
    case kInt8: return DispatchOp<L<kInt8, S>>(a);
    case kUInt8: return DispatchOp<L<kUInt8, S>>(a);
    case kInt16: return DispatchOp<L<kInt16, S>>(a);
    case kUInt16: return DispatchOp<L<kUInt16, S>>(a);
    case kInt32: return DispatchOp<L<kInt32, S>>(a);
    case kUInt32: return DispatchOp<L<kUInt32, S>>(a);
    case kInt64: return DispatchOp<L<kInt64, S>>(a);
    case kUInt64: return DispatchOp<L<kUInt64, S>>(a);
    case kFloat16: return DispatchOp<L<kFloat16, S>>(a);
    case kFloat32: return DispatchOp<L<kFloat32, S>>(a);
    case kFloat64: return DispatchOp<L<kFloat64, S>>(a);
    default: return EINVAL;
  }
}

}  // namespace

int Reduce(const ReduceArgs& a) {
  if (a.nOut < 0 || a.nOut > kMaxDims || a.nRed < 0 || a.nRed > kMaxDims || a.out == nullptr) return EINVAL;
  return a.swap ? DispatchType<true>(a) : DispatchType<false>(a);
}

}  // namespace ndmmap
