// The scan kernels of the instruction set core/isa.h chose (scan_isa.cc is built three times).
#include "scan/scan.h"

#include "core/isa.h"

namespace ndmmap {

#define NDM_ISA_DECL(ns)                                                     \
  namespace ns {                                                             \
  int ScanRun(const ScanArgs& a);                                            \
  int ScanCarriesRun(int op, int acc, uint64_t* t, int64_t count);           \
  }
NDM_ISA_DECL(baseline)
NDM_ISA_DECL(avx2)
NDM_ISA_DECL(avx512)
#undef NDM_ISA_DECL

int Scan(const ScanArgs& a) {
  static const auto run = ByIsa(&baseline::ScanRun, &avx2::ScanRun, &avx512::ScanRun);
  return run(a);
}

int ScanCarries(int op, int acc, uint64_t* t, int64_t count) {
  static const auto run = ByIsa(&baseline::ScanCarriesRun, &avx2::ScanCarriesRun, &avx512::ScanCarriesRun);
  return run(op, acc, t, count);
}

}  // namespace ndmmap
