// The product kernels' copy of reduce_isa.cc (its Run and Combine hand them here): a separate object
// so binding.gyp can build it at -O3 while the other kernels build at -O2, and so make -j runs the two
// halves of an instruction set's kernels at once.
#define NDM_REDUCE_PRODUCTS 1
#include "reduce/reduce_isa.cc"
