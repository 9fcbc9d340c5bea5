// The reduction kernels and their walk, compiled once per instruction set: binding.gyp builds this
// file three times with -DNDM_ISA=baseline | avx2 | avx512 and the matching -m flags, and reduce.cc
// picks one table at load from what the CPU supports. Everything here has internal linkage (an
// anonymous namespace), so no AVX code can leak into another instruction set's copy through the linker.
//
// Each instruction set's kernels are two objects, built in parallel: the products (reduce_isa_products.cc
// includes this file with NDM_REDUCE_PRODUCTS=1; Run and Combine below hand product kernels to it) and
// everything else. binding.gyp builds the AVX2/AVX-512 products at -O3 and the rest at -O2 with the
// vectoriser's -O3 cost model: the same speed (the float32 axis-0 product lost half at -O2) for about
// half the compile time (-O3's loop unswitching and peeling multiply the code of every instantiation).
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "core/isa_unit.h"
#include "core/dtype.h"
#include "reduce/reduce.h"

#ifndef NDM_REDUCE_PRODUCTS
#define NDM_REDUCE_PRODUCTS 0
#endif

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
#if NDM_REDUCE_PRODUCTS
    case kProdInt: return ForInts<KProdInt>(vt);
    case kProdFloat: return ForAll<ProdFloat>(vt);
    case kNanProd: return ForFloats<NanProd>(vt);
#else
    case kSumInt: return ForInts<KSumInt>(vt);
    case kSumFloat: return ForSums<SumFloat>(vt);
    case kMin: return ForAll<Min>(vt);
    case kMax: return ForAll<Max>(vt);
    case kArgMin: return ForAll<ArgMin>(vt);
    case kArgMax: return ForAll<ArgMax>(vt);
    case kMoments: return ForAll<Moments>(vt);
    case kNanSum: return vt == kFloat16 ? E<NanSum<Half>, Half>() : ForFloats<NanSum>(vt);
    case kNanMin: return ForFloats<NanMin>(vt);
    case kNanMax: return ForFloats<NanMax>(vt);
    case kNanArgMin: return ForFloats<NanArgMin>(vt);
    case kNanArgMax: return ForFloats<NanArgMax>(vt);
    case kNanMoments: return ForFloats<NanMoments>(vt);
    case kCountNonzero: return ForAll<KCountNonzero>(vt);
    case kMinMax: return ForAll<KMinMax>(vt);
#endif
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

constexpr bool IsProduct(int kernel) {
  return kernel == kern::kProdInt || kernel == kern::kProdFloat || kernel == kern::kNanProd;
}

#if !NDM_REDUCE_PRODUCTS
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

#endif

}  // namespace

#if NDM_REDUCE_PRODUCTS
namespace products {
#else
// The products' copy of Run and Combine (reduce_isa_products.cc).
namespace products {
int Run(const ReduceArgs& a, FetchFn fetch);
int Combine(int kernel, int valueType, const double* param, const double* in, int64_t groups, int64_t outCount,
            double* out);
}  // namespace products

FetchFn HalfFetch() { return &FetchHalf; }
FetchFn BoolFetch() { return &FetchBool; }
#endif

int Run(const ReduceArgs& a, FetchFn fetch) {
  if (a.kernel < 0 || a.kernel >= kKernelCount) return 22;
  if (!NDM_REDUCE_PRODUCTS && IsProduct(a.kernel)) return products::Run(a, fetch);
  Entry e = Pick(a.kernel, a.valueType);
  if (e.run == nullptr) return 22;
  Configure(a.kernel, a.param);
  e.run(a, fetch);
  return 0;
}

int Combine(int kernel, int valueType, const double* param, const double* in, int64_t groups, int64_t outCount,
            double* out) {
  if (kernel < 0 || kernel >= kKernelCount) return 22;
  if (!NDM_REDUCE_PRODUCTS && IsProduct(kernel)) return products::Combine(kernel, valueType, param, in, groups, outCount, out);
  Entry e = Pick(kernel, valueType);
  if (e.combine == nullptr) return 22;
  Configure(kernel, param);
  e.combine(in, groups, outCount, out, kKernelState[kernel]);
  return 0;
}

#if NDM_REDUCE_PRODUCTS
}  // namespace products
#endif

}  // namespace NDM_ISA
}  // namespace ndmmap
