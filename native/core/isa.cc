// The instruction-set choice (isa.h): CPU detection on x86-64, NDMMAP_ISA, cached at first use.
#include "core/isa.h"

#include <cstdlib>
#include <cstring>

namespace ndmmap {
namespace {

IsaLevel Detect() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return kIsaAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) return kIsaAvx2;
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
