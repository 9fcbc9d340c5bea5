// The instruction-set choice (isa.h): CPU detection on x86-64, NDMMAP_ISA, cached at first use.
#include "core/isa.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <cstdlib>
#include <cstring>

namespace ndmmap {
namespace {

#if defined(__x86_64__) || defined(__i386__)
// The OS saves these register states (XCR0): SSE+AVX (bits 1-2), and the AVX-512 ones (5-7) besides.
constexpr unsigned kXcr0Avx = 0x6, kXcr0Avx512 = 0xE6;

unsigned Xcr0() {
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));  // not _xgetbv: that needs -mxsave
  return lo;
}
#endif

// cpuid and xgetbv, not __builtin_cpu_supports: that needs the compiler runtime's __cpu_model
// (libgcc has it, zig's compiler-rt used for the musl prebuild does not), and clang 16 has no "f16c".
IsaLevel Detect() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return kIsaBaseline;
  const bool fma = c & bit_FMA, f16c = c & bit_F16C;
  if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return kIsaBaseline;
  const unsigned xcr0 = Xcr0();
  if ((xcr0 & kXcr0Avx) != kXcr0Avx || __get_cpuid_max(0, nullptr) < 7) return kIsaBaseline;
  __cpuid_count(7, 0, a, b, c, d);
  const bool avx2 = b & bit_AVX2, bmi2 = b & bit_BMI2;  // the AVX2 set is compiled with -mbmi2 too
  const unsigned avx512 = bit_AVX512F | bit_AVX512BW | bit_AVX512VL | bit_AVX512DQ;
  if (avx2 && fma && f16c && bmi2 && (b & avx512) == avx512 && (xcr0 & kXcr0Avx512) == kXcr0Avx512) return kIsaAvx512;
  if (avx2 && fma && f16c && bmi2) return kIsaAvx2;
#endif
  return kIsaBaseline;
}

IsaLevel Choose() {
  IsaLevel best = Detect();
  const char* want = std::getenv("NDMMAP_ISA");
  if (want == nullptr) return best;
  if (std::strcmp(want, "baseline") == 0) return kIsaBaseline;
  if (std::strcmp(want, "avx2") == 0 && best != kIsaBaseline) return kIsaAvx2;
  return best;
}

}  // namespace

IsaLevel ChosenIsa() {
  static const IsaLevel isa = Choose();
  return isa;
}

const char* IsaName(IsaLevel isa) { return isa == kIsaAvx512 ? "avx512" : isa == kIsaAvx2 ? "avx2" : "baseline"; }

}  // namespace ndmmap
