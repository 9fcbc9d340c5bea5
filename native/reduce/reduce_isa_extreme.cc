// The extremes' part of one instruction set's reductions: min, max, argmin, argmax and their nan* forms
// (reduce_part.h: why the kernels are split).
#include "reduce/reduce_part.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

template <class V> using Min = KExtreme<V, false, false>;
template <class V> using Max = KExtreme<V, true, false>;
template <class V> using NanMin = KExtreme<V, false, true>;
template <class V> using NanMax = KExtreme<V, true, true>;
template <class V> using ArgMin = KArg<V, false, false>;
template <class V> using ArgMax = KArg<V, true, false>;
template <class V> using NanArgMin = KArg<V, false, true>;
template <class V> using NanArgMax = KArg<V, true, true>;

}  // namespace

Entry PickExtremes(int kernel, int vt) {
  using namespace kern;
  switch (kernel) {
    case kMin: return ForAll<Min>(vt);
    case kMax: return ForAll<Max>(vt);
    case kArgMin: return ForAll<ArgMin>(vt);
    case kArgMax: return ForAll<ArgMax>(vt);
    case kNanMin: return ForFloats<NanMin>(vt);
    case kNanMax: return ForFloats<NanMax>(vt);
    case kNanArgMin: return ForFloats<NanArgMin>(vt);
    case kNanArgMax: return ForFloats<NanArgMax>(vt);
    default: return kNone;
  }
}

}  // namespace NDM_ISA
}  // namespace ndmmap
