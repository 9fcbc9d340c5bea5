// Score kernels of the embeddings engine, compiled once per instruction set (binding.gyp adds this
// file to kernels_baseline/avx2/avx512). A logical vector is 64 bytes (16 float32 or 8 float64
// lanes): one zmm on AVX-512, two ymm on AVX2, four xmm on the baseline, so every instruction set
// adds the same lanes in the same order; AVX2 and AVX-512 fuse multiply-adds, the baseline rounds
// twice. The horizontal sum is a fixed tree, so a score never depends on the thread count.
#include <cstdint>
#include <cstring>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "embed.h"

#ifndef NDM_ISA
#error "NDM_ISA must name the instruction set (baseline, avx2, avx512)"
#endif

namespace ndmmap {
namespace NDM_ISA {
namespace {

typedef float VF __attribute__((vector_size(64)));
typedef double VD __attribute__((vector_size(64)));

// Rows are summed a block of this many elements per lane at a time, blocks then added: long rows
// keep pairwise-like error growth without a stack per row.
constexpr int64_t kBlockLanes = 32;
// Rows scored together per query pass: four independent accumulator chains hide the add latency.
constexpr int kTileRows = 4;

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

// Halves added until one lane is left: the same tree on every instruction set.
template <class T, class V> T Hsum(V v) {
  constexpr int L = sizeof(V) / sizeof(T);
  T t[L];
  std::memcpy(t, &v, sizeof v);
  for (int w = L / 2; w >= 1; w /= 2)
    for (int i = 0; i < w; ++i) t[i] += t[i + w];
  return t[0];
}

template <class T, class V, int R, bool L2>
inline void Tile(const T* const* rows, const T* q, const T* qTail, int64_t full, int64_t tail, T* out, int64_t step) {
  constexpr int64_t L = sizeof(V) / sizeof(T);
  V tot[R];
  for (int r = 0; r < R; ++r) tot[r] = V{};
  for (int64_t c0 = 0; c0 < full; c0 += kBlockLanes * L) {
    V acc[R];
    for (int r = 0; r < R; ++r) acc[r] = V{};
    const int64_t end = full - c0 < kBlockLanes * L ? full : c0 + kBlockLanes * L;
    for (int64_t i = c0; i < end; i += L) {
      V qv = LoadV<V>(q + i);
      for (int r = 0; r < R; ++r) {
        V x = LoadV<V>(rows[r] + i);
        if constexpr (L2) { V d = x - qv; acc[r] = Madd(d, d, acc[r]); }
        else acc[r] = Madd(x, qv, acc[r]);
      }
    }
    for (int r = 0; r < R; ++r) tot[r] += acc[r];
  }
  if (tail > 0) {
    // the row's last partial vector, copied into zeroed lanes (never read past a row)
    V qv = LoadV<V>(qTail);
    for (int r = 0; r < R; ++r) {
      alignas(64) T xt[L] = {};
      std::memcpy(xt, rows[r] + full, (size_t)tail * sizeof(T));
      V x = LoadV<V>(xt);
      V acc{};
      if constexpr (L2) { V d = x - qv; acc = Madd(d, d, acc); }
      else acc = Madd(x, qv, acc);
      tot[r] += acc;
    }
  }
  for (int r = 0; r < R; ++r) out[r * step] = Hsum<T, V>(tot[r]);
}

template <class T, class V, bool L2>
void Scores(const T* const* rows, int64_t nRows, const T* qs, int64_t nq, int64_t D, T* out) {
  constexpr int64_t L = sizeof(V) / sizeof(T);
  const int64_t full = D / L * L, tail = D - full;
  alignas(64) T qt[kMaxQueries][L];
  for (int64_t j = 0; j < nq; ++j) {
    std::memset(qt[j], 0, sizeof qt[j]);
    std::memcpy(qt[j], qs + j * D + full, (size_t)tail * sizeof(T));
  }
  int64_t r = 0;
  for (; r + kTileRows <= nRows; r += kTileRows)
    for (int64_t j = 0; j < nq; ++j)
      Tile<T, V, kTileRows, L2>(rows + r, qs + j * D, qt[j], full, tail, out + r * nq + j, nq);
  for (; r < nRows; ++r)
    for (int64_t j = 0; j < nq; ++j) Tile<T, V, 1, L2>(rows + r, qs + j * D, qt[j], full, tail, out + r * nq + j, nq);
}

void F32(const float* const* rows, int64_t n, const float* q, int64_t nq, int64_t D, bool l2, float* out) {
  if (l2) Scores<float, VF, true>(rows, n, q, nq, D, out);
  else Scores<float, VF, false>(rows, n, q, nq, D, out);
}

void F64(const double* const* rows, int64_t n, const double* q, int64_t nq, int64_t D, bool l2, double* out) {
  if (l2) Scores<double, VD, true>(rows, n, q, nq, D, out);
  else Scores<double, VD, false>(rows, n, q, nq, D, out);
}

}  // namespace

EmbedIsa EmbedKernels() { return EmbedIsa{&F32, &F64}; }

}  // namespace NDM_ISA
}  // namespace ndmmap
