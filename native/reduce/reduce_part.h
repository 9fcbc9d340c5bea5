// The kernels and their walk, as every part of one instruction set's reduction unit sees them: the
// kernels are split over several files (reduce_isa.cc and reduce_isa_*.cc, each built three times with
// -DNDM_ISA=baseline | avx2 | avx512) so that make -j compiles them side by side; one file would be the
// last object of a build by minutes. binding.gyp builds the parts with GCC's whole-unit inlining budget
// lifted (--param=inline-unit-growth): the budget is 40% of a unit's size, so a part would otherwise
// inline less than the one unit did (the moments' Chan, RowsOf) and its loops would not be the same.
// Everything here has internal linkage (an anonymous namespace), so no AVX code can leak into another
// instruction set's copy through the linker; each part exports one Pick* function (its kernels' entry
// points) to reduce_isa.cc's dispatcher.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/isa_unit.h"
#include "core/dtype.h"
#include "reduce/reduce.h"

namespace ndmmap {
namespace NDM_ISA {

using RunFn = void (*)(const ReduceArgs&, FetchFn);
using CombineFn = void (*)(const double*, int64_t, int64_t, double*, int);
// A kernel's entry points for one value type, and the part's own copy of the per-call parameters
// (each part has its own, so the part that runs a kernel is the one configured).
using ConfigureFn = void (*)(int kernel, const double* param);
struct Entry { RunFn run; CombineFn combine; ConfigureFn configure; };
constexpr Entry kNone{nullptr, nullptr, nullptr};

// The parts: each returns kNone for a kernel (or value type) it does not hold.
Entry PickSums(int kernel, int vt);     // reduce_isa.cc: sums, count_nonzero, minmax
Entry PickProducts(int kernel, int vt); // reduce_isa_prod.cc
Entry PickExtremes(int kernel, int vt); // reduce_isa_extreme.cc: min, max, arg*, their nan* forms
Entry PickMoments(int kernel, int vt);  // reduce_isa_moments.cc: moments, nanmoments

namespace {

template <bool B, class A, class C> struct Select { using T = A; };
template <class A, class C> struct Select<false, A, C> { using T = C; };

#include "reduce/reduce_kernels.inc"
#include "reduce/reduce_driver.inc"

template <class K, class V> void RunK(const ReduceArgs& a, FetchFn f) { Driver<K, V>::Go(a, f); }
template <class K, class V> void CombineK(const double* in, int64_t g, int64_t n, double* out, int S) {
  Driver<K, V>::Combine(in, g, n, out, S);
}

// Kernel parameters of the call: the sums' accumulator width, the products' accumulator range.
inline void Configure(int kernel, const double* param) {
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

template <class K, class V> constexpr Entry E() { return Entry{&RunK<K, V>, &CombineK<K, V>, &Configure}; }

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

}  // namespace
}  // namespace NDM_ISA
}  // namespace ndmmap
