// The reductions of one instruction set: the dispatcher over the parts (reduce_part.h), the sums'
// part, and the fetches of float16 and bool values. binding.gyp builds this file and its sibling parts
// three times with -DNDM_ISA=baseline | avx2 | avx512 and the matching -m flags, and reduce.cc picks
// one set at load from what the CPU supports.
#include "reduce/reduce_part.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

template <class V> using SumFloat = KSumFloat<V, false>;
template <class V> using NanSum = KSumFloat<V, true>;

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

Entry PickSums(int kernel, int vt) {
  using namespace kern;
  switch (kernel) {
    case kSumInt: return ForInts<KSumInt>(vt);
    case kSumFloat: return ForSums<SumFloat>(vt);
    case kNanSum: return vt == kFloat16 ? E<NanSum<Half>, Half>() : ForFloats<NanSum>(vt);
    case kCountNonzero: return ForAll<KCountNonzero>(vt);
    case kMinMax: return ForAll<KMinMax>(vt);
    default: return kNone;
  }
}

namespace {

// Every part in turn: a kernel lives in exactly one of them.
constexpr Entry (*kParts[])(int, int) = {&PickSums, &PickProducts, &PickExtremes, &PickMoments};

Entry Pick(int kernel, int vt) {
  for (auto part : kParts) {
    Entry e = part(kernel, vt);
    if (e.run != nullptr) return e;
  }
  return kNone;
}

}  // namespace

FetchFn HalfFetch() { return &FetchHalf; }
FetchFn BoolFetch() { return &FetchBool; }

int Run(const ReduceArgs& a, FetchFn fetch) {
  if (a.kernel < 0 || a.kernel >= kKernelCount) return 22;
  Entry e = Pick(a.kernel, a.valueType);
  if (e.run == nullptr) return 22;
  e.configure(a.kernel, a.param);
  e.run(a, fetch);
  return 0;
}

int Combine(int kernel, int valueType, const double* param, const double* in, int64_t groups, int64_t outCount,
            double* out) {
  if (kernel < 0 || kernel >= kKernelCount) return 22;
  Entry e = Pick(kernel, valueType);
  if (e.combine == nullptr) return 22;
  e.configure(kernel, param);
  e.combine(in, groups, outCount, out, kKernelState[kernel]);
  return 0;
}

}  // namespace NDM_ISA
}  // namespace ndmmap
