// The one instruction-set choice of the addon: every kernel family (reduce/, vm/, embed/, stats/) is
// compiled three times (binding.gyp: baseline, AVX2, AVX-512) and runs the set chosen here once at load.
#pragma once

namespace ndmmap {

enum IsaLevel : int { kIsaBaseline = 0, kIsaAvx2 = 1, kIsaAvx512 = 2 };

// The best set this CPU runs, lowered (never raised) by NDMMAP_ISA=baseline|avx2 (tests compare them).
// Off x86-64 always kIsaBaseline: the three builds are then the same portable code.
IsaLevel ChosenIsa();
// "avx512", "avx2" or "baseline".
const char* IsaName(IsaLevel isa);

// One of three per-set values (function tables) by the chosen set.
template <class T>
inline T ByIsa(T baseline, T avx2, T avx512) {
  IsaLevel isa = ChosenIsa();
  return isa == kIsaAvx512 ? avx512 : isa == kIsaAvx2 ? avx2 : baseline;
}

}  // namespace ndmmap
