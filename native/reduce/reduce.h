// Reduction kernels over strided n-d blocks of a mapping: the contract with src/engine/reductions/
// (checked at load by src/native.ts against the tables the addon exports). Pure C++: no N-API, no throws.
#pragma once
#include <cstdint>

#include "core/bounds.h"

namespace ndmmap {

// Native kernels (NDM_KERNELS and the slot names in gen/contract.h). A user reduction
// (src/engine/reductions/<name>.ts) names the kernel it runs; each kernel writes kKernelState[k] doubles
// of partial state per output, merged by Combine() in group order.
namespace kern {
enum Kernel : int {
#define NDM_ENUM(id, name, size) id,
  NDM_KERNELS(NDM_ENUM)
#undef NDM_ENUM
  kCount
};
}  // namespace kern
constexpr int kKernelCount = kern::kCount;

constexpr int kKernelState[kKernelCount] = {
#define NDM_SIZE(id, name, size) size,
    NDM_KERNELS(NDM_SIZE)
#undef NDM_SIZE
};

// Bits of kProdFloat's flags slot.
enum ProdFlag : int {
  kProdNaN = 1, kProdZero = 2, kProdInf = 4,
  kProdFirstZero = 8, kProdFirstInf = 16,  // the first zero/inf came before any other special
  kProdNeg = 32,                           // an odd number of negative factors (zeros and infs included)
};

// Where a reduction's values come from. kSourceDirect: operand 0 as stored. Anything else (byte-swapped
// data, float16, bool, an expression, a mask) is materialised run by run into scratch by the base code.
struct ReduceOperand {
  const uint8_t* data = nullptr;  // element [0, ..., 0] of the block
  int dtype = 0;
  bool swap = false;
};

struct Program;  // vm.h

struct ReduceArgs {
  int kernel = 0;
  int valueType = 0;   // dtype code of the values the kernel sees (after materialisation)
  int nOps = 1;        // operands: 0 = x; then y / variables / the where mask
  ReduceOperand ops[kMaxOperands];
  int nOut = 0, nRed = 0;           // dims kept, then dims reduced (innermost by memory last)
  int64_t shape[kMaxDims] = {};     // nOut + nRed lengths
  int64_t mul[kMaxDims] = {};       // out dims: output position step; red dims: arg* index step
  int64_t strides[kMaxOperands][kMaxDims] = {};  // bytes, per operand and dim
  int64_t indexBase = 0;
  double* out = nullptr;            // state: out[(outBase + o) * kKernelState[kernel] + j]
  int64_t outCount = 0;             // outputs the buffer holds
  int64_t outBase = 0;
  // Materialisation (nullptr/none for the direct path).
  const Program* value = nullptr;   // computes the values from the operands
  int valueRound = -1;              // the program's numpy dtype, its results rounded to it first (or -1)
  const double* valueConsts = nullptr;
  int64_t valueConstCount = 0;
  int maskOperand = -1;             // an operand read as a bool mask
  const Program* mask = nullptr;    // or a program computing it
  const double* maskConsts = nullptr;
  int64_t maskConstCount = 0;
  double param[2] = {0, 0};         // kProdFloat: overflow and underflow exponents of the accumulator
};

// 0, or EINVAL for bad arguments (unknown kernel, type the kernel does not take, too many dims).
int Reduce(const ReduceArgs& a);

// Merge `groups` partial states per output (group g of output o at in[(g * outCount + o) * S]) in group
// order into out[o * S]. Deterministic: the same order whatever the thread count. 0 or EINVAL.
int Combine(int kernel, int valueType, const double* param, const double* in, int64_t groups, int64_t outCount,
            double* out);

// Per-thread scratch for the kernels (reduce.cc): a run of values, a group of gathered rows, a tile of
// states (kTileCols of at most 64 bytes each), and the row kernels' per-column temporaries (kColArrays
// arrays of kTileCols 8-byte cells). A tile of 16384 float64 columns is a 128 KiB row: rows that long
// stream from memory nearly as fast as the whole file, and the temporaries stay in L2.
constexpr int64_t kScratchRun = 64 * 1024;
constexpr int64_t kScratchRows = 512 * 1024;
constexpr int64_t kTileCols = 16384;
constexpr int64_t kScratchAccs = kTileCols * 64;
constexpr int64_t kColArrays = 3;
uint8_t* ScratchRun();
uint8_t* ScratchRows();
uint8_t* ScratchAccs();
uint8_t* ScratchCols();
// Materialises the values (and applies the mask) of a run of n <= 8192 elements whose
// operand k starts at pos[k] with byte step step[k]: writes them, as a.valueType, to dst and returns
// how many it wrote (fewer than n when a mask drops some).
using FetchFn = int64_t (*)(const ReduceArgs& a, const uint8_t* const* pos, const int64_t* step, int64_t n, void* dst);

// Write n = prod(shape) contiguous C-order values of dtype srcType into a strided n-d block of dtype
// dstType (byte-swapped when dstSwap), with numpy's casting. 0 or EINVAL.
int Store(const uint8_t* src, int srcType, int ndim, const int64_t* shape, uint8_t* dst, int dstType, bool dstSwap,
          const int64_t* dstStrides);

// Convert n elements of dtype sd (byte step s, byte-swapped when swap) to contiguous dtype dd, as
// numpy's casting='unsafe' does; nullptr for a bad dtype code.
using ConvFn = void (*)(const uint8_t* src, int64_t step, int64_t n, uint8_t* dst);
ConvFn Conversion(int sd, bool swap, int dd);

// Which instruction set the kernels were picked for at load: "avx512", "avx2" or "baseline".
const char* KernelIsa();

}  // namespace ndmmap
