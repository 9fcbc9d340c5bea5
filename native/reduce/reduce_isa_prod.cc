// The products' part of one instruction set's reductions (reduce_part.h: why the kernels are split).
#include "reduce/reduce_part.h"

namespace ndmmap {
namespace NDM_ISA {
namespace {

template <class V> using ProdFloat = KProdFloat<V, false>;
template <class V> using NanProd = KProdFloat<V, true>;

}  // namespace

Entry PickProducts(int kernel, int vt) {
  using namespace kern;
  switch (kernel) {
    case kProdInt: return ForInts<KProdInt>(vt);
    case kProdFloat: return ForAll<ProdFloat>(vt);
    case kNanProd: return ForFloats<NanProd>(vt);
    default: return kNone;
  }
}

}  // namespace NDM_ISA
}  // namespace ndmmap
