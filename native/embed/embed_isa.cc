// Score kernels of the embeddings engine, compiled once per instruction set (binding.gyp adds this
// file to kernels_baseline/avx2/avx512). A logical vector is 64 bytes (16 float32 or 8 float64
// lanes): one zmm on AVX-512, two ymm on AVX2, four xmm on the baseline, so every instruction set
// adds the same lanes in the same order; AVX2 and AVX-512 fuse multiply-adds, the baseline rounds
// twice. The horizontal sum is a fixed tree, so a score never depends on the thread count.
#include <cstdint>
#include <cstring>

#include "core/isa_unit.h"
#include "core/dtype.h"
#include "embed/embed.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

typedef float VF __attribute__((vector_size(64)));
typedef double VD __attribute__((vector_size(64)));

// Rows are summed a block of this many elements per lane at a time, blocks then added: long rows
// keep pairwise-like error growth without a stack per row.
constexpr int64_t kBlockLanes = 32;
// (row, query) pairs scored together: independent accumulator chains hide the FMA latency, and on
// AVX-512 a full set (one per lane) is reduced at once by the butterfly below. AVX2 and the baseline
// have 16 registers, so fewer pairs keep the accumulators out of memory.
#if defined(__AVX512F__)
constexpr int kPairsF = 16, kPairsD = 8;
#else
constexpr int kPairsF = 4, kPairsD = 4;
#endif

enum Mode { kDot = 0, kL2 = 1, kSelf = 2, kDotSelf = 3 };

template <class V> V LoadV(const void* p) { V v; std::memcpy(&v, p, sizeof v); return v; }

inline VF Madd(VF a, VF b, VF c) {
#if defined(__AVX512F__)
  return (VF)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#elif defined(__FMA__)
  union U { VF v; __m256 h[2]; } x{a}, y{b}, z{c};
  z.h[0] = _mm256_fmadd_ps(x.h[0], y.h[0], z.h[0]);
  z.h[1] = _mm256_fmadd_ps(x.h[1], y.h[1], z.h[1]);
  return z.v;
#else
  return a * b + c;
#endif
}

inline VD Madd(VD a, VD b, VD c) {
#if defined(__AVX512F__)
  return (VD)_mm512_fmadd_pd((__m512d)a, (__m512d)b, (__m512d)c);
#elif defined(__FMA__)
  union U { VD v; __m256d h[2]; } x{a}, y{b}, z{c};
  z.h[0] = _mm256_fmadd_pd(x.h[0], y.h[0], z.h[0]);
  z.h[1] = _mm256_fmadd_pd(x.h[1], y.h[1], z.h[1]);
  return z.v;
#else
  return a * b + c;
#endif
}

// Halves added until one lane is left: t[i] += t[i + w] for w = L/2 … 1, the same tree everywhere.
template <class T, class V> T Hsum(V v) {
  constexpr int L = sizeof(V) / sizeof(T);
  T t[L];
  std::memcpy(t, &v, sizeof v);
  for (int w = L / 2; w >= 1; w /= 2)
    for (int i = 0; i < w; ++i) t[i] += t[i + w];
  return t[0];
}

// The same tree for a full set of accumulators at once (a transpose by shuffles): lane p of the
// result is Hsum(a[p]), bit for bit.
inline VF Butterfly(const VF* a) {
  VF c[8], d[4], e[2];
  for (int k = 0; k < 8; ++k)
    c[k] = __builtin_shufflevector(a[2 * k], a[2 * k + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23) +
           __builtin_shufflevector(a[2 * k], a[2 * k + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
  for (int m = 0; m < 4; ++m)
    d[m] = __builtin_shufflevector(c[2 * m], c[2 * m + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27) +
           __builtin_shufflevector(c[2 * m], c[2 * m + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
  for (int n = 0; n < 2; ++n)
    e[n] = __builtin_shufflevector(d[2 * n], d[2 * n + 1], 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29) +
           __builtin_shufflevector(d[2 * n], d[2 * n + 1], 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
  return __builtin_shufflevector(e[0], e[1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30) +
         __builtin_shufflevector(e[0], e[1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
}

inline VD Butterfly(const VD* a) {
  VD c[4], d[2];
  for (int k = 0; k < 4; ++k)
    c[k] = __builtin_shufflevector(a[2 * k], a[2 * k + 1], 0, 1, 2, 3, 8, 9, 10, 11) +
           __builtin_shufflevector(a[2 * k], a[2 * k + 1], 4, 5, 6, 7, 12, 13, 14, 15);
  for (int m = 0; m < 2; ++m)
    d[m] = __builtin_shufflevector(c[2 * m], c[2 * m + 1], 0, 1, 4, 5, 8, 9, 12, 13) +
           __builtin_shufflevector(c[2 * m], c[2 * m + 1], 2, 3, 6, 7, 10, 11, 14, 15);
  return __builtin_shufflevector(d[0], d[1], 0, 2, 4, 6, 8, 10, 12, 14) + __builtin_shufflevector(d[0], d[1], 1, 3, 5, 7, 9, 11, 13, 15);
}

template <class V, int M>
inline V Step(V x, V q, V acc) {
  if constexpr (M == kL2) { V d = x - q; return Madd(d, d, acc); }
  else if constexpr (M == kSelf) return Madd(x, x, acc);
  else return Madd(x, q, acc);
}

// R rows x QT queries: out[r * step + j] = score(row r, query j); kDotSelf (QT = 1) also sums each
// row's squares into accumulators R..2R-1, stored in norms[r].
template <class T, class V, int R, int QT, int M>
inline void Tile(const T* const* rows, const T* q, const T (*qTail)[64 / sizeof(T)], int64_t D, int64_t full, int64_t tail,
                 T* out, int64_t step, T* norms = nullptr) {
  constexpr int64_t L = sizeof(V) / sizeof(T);
  constexpr int P = M == kDotSelf ? 2 * R : R * QT;
  V tot[P];
  for (int p = 0; p < P; ++p) tot[p] = V{};
  for (int64_t c0 = 0; c0 < full; c0 += kBlockLanes * L) {
    V acc[P];
    for (int p = 0; p < P; ++p) acc[p] = V{};
    const int64_t end = full - c0 < kBlockLanes * L ? full : c0 + kBlockLanes * L;
    for (int64_t i = c0; i < end; i += L) {
      V qv[QT];
      if constexpr (M != kSelf)
        for (int j = 0; j < QT; ++j) qv[j] = LoadV<V>(q + j * D + i);
      for (int r = 0; r < R; ++r) {
        V x = LoadV<V>(rows[r] + i);
        if constexpr (M == kDotSelf) {
          acc[r] = Madd(x, qv[0], acc[r]);
          acc[R + r] = Madd(x, x, acc[R + r]);
        } else {
          for (int j = 0; j < QT; ++j) acc[r * QT + j] = Step<V, M>(x, M == kSelf ? x : qv[j], acc[r * QT + j]);
        }
      }
    }
    for (int p = 0; p < P; ++p) tot[p] += acc[p];
  }
  if (tail > 0) {
    // the row's last partial vector, copied into zeroed lanes (never read past a row)
    for (int r = 0; r < R; ++r) {
      alignas(64) T xt[L] = {};
      std::memcpy(xt, rows[r] + full, (size_t)tail * sizeof(T));
      V x = LoadV<V>(xt);
      if constexpr (M == kDotSelf) {
        tot[r] += Madd(x, LoadV<V>(qTail[0]), V{});
        tot[R + r] += Madd(x, x, V{});
      } else {
        for (int j = 0; j < QT; ++j) tot[r * QT + j] += Step<V, M>(x, M == kSelf ? x : LoadV<V>(qTail[j]), V{});
      }
    }
  }
  alignas(64) T s[P];
  if constexpr (P == L) {
    V b = Butterfly(tot);
    std::memcpy(s, &b, sizeof b);
  } else {
    for (int p = 0; p < P; ++p) s[p] = Hsum<T, V>(tot[p]);
  }
  if constexpr (M == kDotSelf) {
    for (int r = 0; r < R; ++r) { out[r * step] = s[r]; norms[r] = s[R + r]; }
  } else {
    for (int r = 0; r < R; ++r)
      for (int j = 0; j < QT; ++j) out[r * step + j] = s[r * QT + j];
  }
}

template <class T, class V, int R, int QT, int M>
void Grid(const T* const* rows, int64_t nRows, const T* qs, int64_t nq, int64_t D, T* out, T* norms = nullptr) {
  constexpr int64_t L = sizeof(V) / sizeof(T);
  const int64_t full = D / L * L, tail = D - full;
  alignas(64) T qt[kMaxQueries][L];
  if constexpr (M != kSelf)
    for (int64_t j = 0; j < nq; ++j) {
      std::memset(qt[j], 0, sizeof qt[j]);
      if (tail > 0) std::memcpy(qt[j], qs + j * D + full, (size_t)tail * sizeof(T));  // qs may be null when D is 0
    }
  int64_t r = 0;
  if constexpr (M == kDotSelf) {
    for (; r + R <= nRows; r += R) Tile<T, V, R, 1, M>(rows + r, qs, qt, D, full, tail, out + r, 1, norms + r);
    for (; r < nRows; ++r) Tile<T, V, 1, 1, M>(rows + r, qs, qt, D, full, tail, out + r, 1, norms + r);
    return;
  }
  for (; r + R <= nRows; r += R) {
    int64_t j = 0;
    for (; j + QT <= nq; j += QT) Tile<T, V, R, QT, M>(rows + r, qs + j * D, qt + j, D, full, tail, out + r * nq + j, nq);
    for (; j < nq; ++j) Tile<T, V, R, 1, M>(rows + r, qs + j * D, qt + j, D, full, tail, out + r * nq + j, nq);
  }
  for (; r < nRows; ++r)
    for (int64_t j = 0; j < nq; ++j) Tile<T, V, 1, 1, M>(rows + r, qs + j * D, qt + j, D, full, tail, out + r * nq + j, nq);
}

// The tile shape by query count: every pair's accumulator in a register, the most rows per load.
template <class T, class V, int Pairs, int M>
void Scores(const T* const* rows, int64_t n, const T* q, int64_t nq, int64_t D, T* out, T* norms) {
  if (M == kDotSelf) Grid<T, V, Pairs / 2, 1, M>(rows, n, q, 1, D, out, norms);  // two accumulators a row
  else if (M == kSelf || nq == 1) Grid<T, V, Pairs, 1, M>(rows, n, q, M == kSelf ? 1 : nq, D, out);
  else if (nq < 4 || Pairs < 4) Grid<T, V, Pairs / 2, 2, M>(rows, n, q, nq, D, out);
  else Grid<T, V, Pairs / 4, 4, M>(rows, n, q, nq, D, out);
}

void F32(const float* const* rows, int64_t n, const float* q, int64_t nq, int64_t D, int mode, float* out, float* norms) {
  if (mode == kL2) Scores<float, VF, kPairsF, kL2>(rows, n, q, nq, D, out, norms);
  else if (mode == kSelf) Scores<float, VF, kPairsF, kSelf>(rows, n, q, nq, D, out, norms);
  else if (mode == kDotSelf) Scores<float, VF, kPairsF, kDotSelf>(rows, n, q, nq, D, out, norms);
  else Scores<float, VF, kPairsF, kDot>(rows, n, q, nq, D, out, norms);
}

void F64(const double* const* rows, int64_t n, const double* q, int64_t nq, int64_t D, int mode, double* out, double* norms) {
  if (mode == kL2) Scores<double, VD, kPairsD, kL2>(rows, n, q, nq, D, out, norms);
  else if (mode == kSelf) Scores<double, VD, kPairsD, kSelf>(rows, n, q, nq, D, out, norms);
  else if (mode == kDotSelf) Scores<double, VD, kPairsD, kDotSelf>(rows, n, q, nq, D, out, norms);
  else Scores<double, VD, kPairsD, kDot>(rows, n, q, nq, D, out, norms);
}

// Contiguous little-endian rows of narrow types widened to float32 (exactly: every float16, 8- and
// 16-bit integer is a float32): F16C for float16, plain loops the compiler vectorises for the rest.
void Widen(const uint8_t* src, int dtype, int64_t n, float* dst) {
  switch (dtype) {
    case kEmbedHalf: {
      int64_t i = 0;
#if defined(__AVX512F__)
      for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + 2 * i))));
#elif defined(__F16C__)
      for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 2 * i))));
#endif
      for (; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = HalfToFloat(h);
      }
      return;
    }
    case kEmbedI8: for (int64_t i = 0; i < n; ++i) dst[i] = (float)(int8_t)src[i]; return;
    case kEmbedU8: for (int64_t i = 0; i < n; ++i) dst[i] = (float)src[i]; return;
    case kEmbedI16: for (int64_t i = 0; i < n; ++i) { int16_t v; std::memcpy(&v, src + 2 * i, 2); dst[i] = (float)v; } return;
    case kEmbedU16: for (int64_t i = 0; i < n; ++i) { uint16_t v; std::memcpy(&v, src + 2 * i, 2); dst[i] = (float)v; } return;
    default: return;
  }
}

}  // namespace

EmbedIsa EmbedKernels() { return EmbedIsa{&F32, &F64, &Widen}; }

}  // namespace NDM_ISA
}  // namespace ndmmap
