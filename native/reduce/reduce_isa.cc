// The reduction kernels and their walk, compiled once per instruction set: binding.gyp builds this
// file three times with -DNDM_ISA=baseline | avx2 | avx512 and the matching -m flags, and reduce.cc
// picks one table at load from what the CPU supports. Everything here has internal linkage (an
// anonymous namespace), so no AVX code can leak into another instruction set's copy through the linker.
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/isa_unit.h"
#include "core/dtype.h"
#include "reduce/reduce.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

template <bool B, class A, class C> struct Select { using T = A; };
template <class A, class C> struct Select<false, A, C> { using T = C; };

#include "reduce/reduce_kernels.inc"
#include "reduce/reduce_driver.inc"

using RunFn = void (*)(const ReduceArgs&, FetchFn);
using CombineFn = void (*)(const double*, int64_t, int64_t, double*, int);

template <class K, class V> void RunK(const ReduceArgs& a, FetchFn f) { Driver<K, V>::Go(a, f); }
template <class K, class V> void CombineK(const double* in, int64_t g, int64_t n, double* out, int S) {
  Driver<K, V>::Combine(in, g, n, out, S);
}

struct Entry { RunFn run; CombineFn combine; };
template <class K, class V> constexpr Entry E() { return Entry{&RunK<K, V>, &CombineK<K, V>}; }
constexpr Entry kNone{nullptr, nullptr};

// Kernels for every value type the kernel takes, by dtype code; bool and float16 values always
// arrive materialised (as uint8 0/1 and float32), so they have no entries of their own.
template <template <class> class K>
constexpr Entry ForAll(int vt) {
  switch (vt) {
    case kInt8: return E<K<int8_t>, int8_t>();
    case kUInt8: return E<K<uint8_t>, uint8_t>();
    case kInt16: return E<K<int16_t>, int16_t>();
    case kUInt16: return E<K<uint16_t>, uint16_t>();
    case kInt32: return E<K<int32_t>, int32_t>();
    case kUInt32: return E<K<uint32_t>, uint32_t>();
    case kInt64: return E<K<int64_t>, int64_t>();
    case kUInt64: return E<K<uint64_t>, uint64_t>();
    case kFloat32: return E<K<float>, float>();
    case kFloat64: return E<K<double>, double>();
    default: return kNone;
  }
}
template <template <class> class K>
constexpr Entry ForInts(int vt) { return vt == kFloat32 || vt == kFloat64 ? kNone : ForAll<K>(vt); }
// Sums also read float16 in place (numpy's pairwise tree over the whole run).
template <template <class> class K>
constexpr Entry ForSums(int vt) { return vt == kFloat16 ? E<K<Half>, Half>() : ForAll<K>(vt); }
template <template <class> class K>
constexpr Entry ForFloats(int vt) {
  return vt == kFloat32 ? E<K<float>, float>() : vt == kFloat64 ? E<K<double>, double>() : kNone;
}

template <class V> using SumFloat = KSumFloat<V, false>;
template <class V> using NanSum = KSumFloat<V, true>;
template <class V> using ProdFloat = KProdFloat<V, false>;
template <class V> using NanProd = KProdFloat<V, true>;
template <class V> using Min = KExtreme<V, false, false>;
template <class V> using Max = KExtreme<V, true, false>;
template <class V> using NanMin = KExtreme<V, false, true>;
template <class V> using NanMax = KExtreme<V, true, true>;
template <class V> using ArgMin = KArg<V, false, false>;
template <class V> using ArgMax = KArg<V, true, false>;
template <class V> using NanArgMin = KArg<V, false, true>;
template <class V> using NanArgMax = KArg<V, true, true>;
template <class V> using Moments = KMoments<V, false>;
template <class V> using NanMoments = KMoments<V, true>;

constexpr Entry Pick(int kernel, int vt) {
  using namespace kern;
  switch (kernel) {
    case kSumInt: return ForInts<KSumInt>(vt);
    case kSumFloat: return ForSums<SumFloat>(vt);
    case kProdInt: return ForInts<KProdInt>(vt);
    case kProdFloat: return ForAll<ProdFloat>(vt);
    case kMin: return ForAll<Min>(vt);
    case kMax: return ForAll<Max>(vt);
    case kArgMin: return ForAll<ArgMin>(vt);
    case kArgMax: return ForAll<ArgMax>(vt);
    case kMoments: return ForAll<Moments>(vt);
    case kNanSum: return vt == kFloat16 ? E<NanSum<Half>, Half>() : ForFloats<NanSum>(vt);
    case kNanProd: return ForFloats<NanProd>(vt);
    case kNanMin: return ForFloats<NanMin>(vt);
    case kNanMax: return ForFloats<NanMax>(vt);
    case kNanArgMin: return ForFloats<NanArgMin>(vt);
    case kNanArgMax: return ForFloats<NanArgMax>(vt);
    case kNanMoments: return ForFloats<NanMoments>(vt);
    case kCountNonzero: return ForAll<KCountNonzero>(vt);
    case kMinMax: return ForAll<KMinMax>(vt);
    default: return kNone;
  }
}

// Kernel parameters of the call: the sums' accumulator width, the products' accumulator range.
void Configure(int kernel, const double* param) {
  if (kernel == kern::kSumFloat || kernel == kern::kNanSum) {
    sumWide = param[0] == 64;
    sumBuffer = param[1] >= 1 && param[1] <= 1e9 ? (int64_t)param[1] : 0;
    return;
  }
  if (kernel == kern::kMoments || kernel == kern::kNanMoments) {
    devRound = (int)param[0];
    momentsExtremes = param[1] != 0;
    return;
  }
  if (kernel != kern::kProdFloat && kernel != kern::kNanProd) return;
  hiExp = param[0] != 0 ? param[0] : 1024;
  loExp = param[1] != 0 ? param[1] : -1075;
  round32 = hiExp <= 128;
}

// float16 values widened to float32 (exact) a run at a time, with F16C/AVX-512 where the CPU has them.
// (GCC 12's _mm512_cvtph_ps starts from _mm512_undefined_ps(), which -Wmaybe-uninitialized flags.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
int64_t FetchHalf(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, void* dst) {
  float* out = static_cast<float*>(dst);
  const uint8_t* p = pos[0];
  const int64_t s = step[0];
  int64_t i = 0;
  if (s == 2) {
#if defined(__AVX512F__)
    for (; i + 16 <= n; i += 16)
      _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2 * i))));
#elif defined(__F16C__)
    for (; i + 8 <= n; i += 8)
      _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i))));
#endif
  }
  for (; i < n; ++i) {
    uint16_t h;
    __builtin_memcpy(&h, p + i * s, 2);
    out[i] = HalfToF(h);
  }
  return n;
}
#pragma GCC diagnostic pop

// bool values as 0/1 bytes (numpy reads any non-zero byte as True).
int64_t FetchBool(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, void* dst) {
  uint8_t* out = static_cast<uint8_t*>(dst);
  const uint8_t* p = pos[0];
  const int64_t s = step[0];
  if (s == 1) for (int64_t i = 0; i < n; ++i) out[i] = p[i] != 0;
  else for (int64_t i = 0; i < n; ++i) out[i] = p[i * s] != 0;
  return n;
}

}  // namespace

FetchFn HalfFetch() { return &FetchHalf; }
FetchFn BoolFetch() { return &FetchBool; }

int Run(const ReduceArgs& a, FetchFn fetch) {
  if (a.kernel < 0 || a.kernel >= kKernelCount) return 22;
  Entry e = Pick(a.kernel, a.valueType);
  if (e.run == nullptr) return 22;
  Configure(a.kernel, a.param);
  e.run(a, fetch);
  return 0;
}

int Combine(int kernel, int valueType, const double* param, const double* in, int64_t groups, int64_t outCount,
            double* out) {
  if (kernel < 0 || kernel >= kKernelCount) return 22;
  Entry e = Pick(kernel, valueType);
  if (e.combine == nullptr) return 22;
  Configure(kernel, param);
  e.combine(in, groups, outCount, out, kKernelState[kernel]);
  return 0;
}

}  // namespace NDM_ISA
}  // namespace ndmmap
