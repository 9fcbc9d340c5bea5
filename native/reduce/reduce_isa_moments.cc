// The moments' part of one instruction set's reductions: mean/var/std and their nan* forms
// (reduce_part.h: why the kernels are split).
#include "reduce/reduce_part.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

template <class V> using Moments = KMoments<V, false>;
template <class V> using NanMoments = KMoments<V, true>;

}  // namespace

Entry PickMoments(int kernel, int vt) {
  using namespace kern;
  switch (kernel) {
    case kMoments: return ForAll<Moments>(vt);
    case kNanMoments: return ForFloats<NanMoments>(vt);
    default: return kNone;
  }
}

}  // namespace NDM_ISA
}  // namespace ndmmap
