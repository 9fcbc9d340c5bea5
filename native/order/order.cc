// The order kernels' entry: the per-ISA copy (order_isa.cc) chosen once at load (core/isa.h).
#include "order/order.h"

#include "core/isa.h"

namespace ndmmap {

int OrderRows(const OrderArgs& a) {
  static const auto fn = ByIsa(&baseline::OrderRows, &avx2::OrderRows, &avx512::OrderRows);
  return fn(a);
}

int OrderMerge(const MergeArgs& m) {
  static const auto fn = ByIsa(&baseline::OrderMerge, &avx2::OrderMerge, &avx512::OrderMerge);
  return fn(m);
}

int OrderPart(const PartArgs& p) {
  static const auto fn = ByIsa(&baseline::OrderPart, &avx2::OrderPart, &avx512::OrderPart);
  return fn(p);
}

const char* OrderIsa() { return IsaName(ChosenIsa()); }

}  // namespace ndmmap
