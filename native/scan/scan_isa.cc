// Scan kernels, compiled once per instruction set (binding.gyp adds this file to
// kernels_baseline/avx2/avx512; scan.cc picks one copy). A block is walked in chunks of kChunk
// elements: load (cast to the accumulator's type) -> combine -> store (cast to the output). Along a
// line the combine is numpy's sequential recurrence; across lines (the axis outer in memory: axis 0
// of a C-order array) the running values of up to kChunk lines are combined lane by lane, which the
// compiler vectorises, and each line still sees numpy's order exactly.
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "core/isa_unit.h"
#include "core/cast.h"
#include "core/dtype.h"
#include "scan/scan.h"

namespace ndmmap {
namespace NDM_ISA {

int ScanRun(const ScanArgs& a);
int ScanCarriesRun(int op, int acc, uint64_t* t, int64_t count);

namespace {

constexpr int64_t kChunk = 256;
constexpr bool IsInt(int dt) { return !(dt == kFloat16 || dt == kFloat32 || dt == kFloat64 || dt == kBool); }
constexpr bool IsF(int dt) { return dt == kFloat16 || dt == kFloat32 || dt == kFloat64; }
constexpr bool IsSigned(int dt) { return dt == kInt8 || dt == kInt16 || dt == kInt32 || dt == kInt64; }

// The running value's C type: float16 values are held as float (numpy's half loops compute in float).
template <int ACC> struct Acc { using T = uint64_t; };
template <> struct Acc<kFloat64> { using T = double; };
template <> struct Acc<kFloat32> { using T = float; };
template <> struct Acc<kFloat16> { using T = float; };

template <int ACC, bool Prod>
inline typename Acc<ACC>::T Combine(typename Acc<ACC>::T x, typename Acc<ACC>::T y) {
  if constexpr (ACC == kBool) return Prod ? (x & y) : (x | y);  // numpy's bool add is or, multiply and
  else if constexpr (ACC == kFloat16) return HalfToFloat(FloatToHalf(Prod ? x * y : x + y));
  else return Prod ? x * y : x + y;  // integers wrap (uint64 arithmetic; only the low bits are kept)
}

// An element of IN (raw bits r) as ACC's running value, numpy's cast of the input to the loop's type.
template <int IN, int ACC>
inline typename Acc<ACC>::T ToAcc(typename ToDouble<IN>::R r) {
  if constexpr (ACC == kBool) {
    return IsF(IN) ? (uint64_t)(ToDouble<IN>::Do(r) != 0) : (uint64_t)(r != 0);
  } else if constexpr (ACC == kFloat64) {
    return ToDouble<IN>::Do(r);
  } else if constexpr (ACC == kFloat32) {
    if constexpr (IN == kInt64 || IN == kUInt64) return (float)r;  // one rounding, as numpy's cast
    else return (float)ToDouble<IN>::Do(r);
  } else if constexpr (ACC == kFloat16) {
    if constexpr (IN == kFloat16) return HalfToFloat(r);
    else return HalfToFloat(DoubleToHalf(ToDouble<IN>::Do(r)));
  } else if constexpr (IsF(IN)) {
    return (uint64_t)FromDouble<ACC>::Do(ToDouble<IN>::Do(r));  // low bits are what count
  } else {
    return ToInt<IN, uint64_t>::Do(r);
  }
}

// The running value stored as OUT (numpy's unsafe cast from the loop's type).
template <int ACC, int OUT>
inline typename FromDouble<OUT>::R FromAcc(typename Acc<ACC>::T v) {
  if constexpr (IsF(ACC)) {
    return FromDouble<OUT>::Do((double)v);
  } else if constexpr (ACC == kBool) {
    return FromInt<OUT, uint64_t>::Do(v);
  } else {
    constexpr int bits = 8 * (ACC == kInt8 || ACC == kUInt8 ? 1 : ACC == kInt16 || ACC == kUInt16 ? 2 : ACC == kInt32 || ACC == kUInt32 ? 4 : 8);
    if constexpr (bits < 64) {
      uint64_t low = v & ((1ull << bits) - 1);
      if constexpr (IsSigned(ACC)) {
        int64_t s = (int64_t)(low ^ (1ull << (bits - 1))) - (int64_t)(1ull << (bits - 1));
        return FromInt<OUT, int64_t>::Do(s);
      } else {
        return FromInt<OUT, uint64_t>::Do(low);
      }
    } else if constexpr (IsSigned(ACC)) {
      return FromInt<OUT, int64_t>::Do((int64_t)v);
    } else {
      return FromInt<OUT, uint64_t>::Do(v);
    }
  }
}

// w elements of IN from p (byte step), as running values; fill: 0 keep NaN, else NaN reads as 0 or 1.
template <int IN, int ACC, bool Swap>
void LoadRun(const uint8_t* p, int64_t step, int64_t w, void* dst, int fill) {
  using R = typename ToDouble<IN>::R;
  using T = typename Acc<ACC>::T;
  T* buf = static_cast<T*>(dst);
  if constexpr (IsF(IN)) {
    if (fill != 0) {
      const double sub = fill == 1 ? 0.0 : 1.0;
      for (int64_t k = 0; k < w; ++k) {
        R r = Load<R, Swap>(p + k * step);
        if (std::isnan(ToDouble<IN>::Do(r))) r = FromDouble<IN>::Do(sub);
        buf[k] = ToAcc<IN, ACC>(r);
      }
      return;
    }
  }
  if (step == (int64_t)sizeof(R))  // contiguous: the loop the compiler vectorises
    for (int64_t k = 0; k < w; ++k) buf[k] = ToAcc<IN, ACC>(Load<R, Swap>(p + k * (int64_t)sizeof(R)));
  else
    for (int64_t k = 0; k < w; ++k) buf[k] = ToAcc<IN, ACC>(Load<R, Swap>(p + k * step));
}

template <int ACC, int OUT, bool Swap>
void StoreRun(const void* src, int64_t w, uint8_t* p, int64_t step) {
  using R = typename FromDouble<OUT>::R;
  const typename Acc<ACC>::T* buf = static_cast<const typename Acc<ACC>::T*>(src);
  if (step == (int64_t)sizeof(R))
    for (int64_t k = 0; k < w; ++k) Store<R, Swap>(p + k * (int64_t)sizeof(R), FromAcc<ACC, OUT>(buf[k]));
  else
    for (int64_t k = 0; k < w; ++k) Store<R, Swap>(p + k * step, FromAcc<ACC, OUT>(buf[k]));
}

// Along one line: buf[k] becomes the running value; *acc carries it between chunks.
template <int ACC, bool Prod>
void ChainRun(void* bufp, int64_t w, void* accp, bool fresh) {
  using T = typename Acc<ACC>::T;
  T* buf = static_cast<T*>(bufp);
  T acc = fresh ? buf[0] : Combine<ACC, Prod>(*static_cast<T*>(accp), buf[0]);
  buf[0] = acc;
  for (int64_t k = 1; k < w; ++k) buf[k] = acc = Combine<ACC, Prod>(acc, buf[k]);
  *static_cast<T*>(accp) = acc;
}

// Across lines: acc[j] op= buf[j] (one step of w independent lines).
template <int ACC, bool Prod>
void LanesRun(void* accp, const void* bufp, int64_t w) {
  using T = typename Acc<ACC>::T;
  T* acc = static_cast<T*>(accp);
  const T* buf = static_cast<const T*>(bufp);
  for (int64_t j = 0; j < w; ++j) acc[j] = Combine<ACC, Prod>(acc[j], buf[j]);
}

using LoadFn = void (*)(const uint8_t*, int64_t, int64_t, void*, int);
using StoreFn = void (*)(const void*, int64_t, uint8_t*, int64_t);
using ChainFn = void (*)(void*, int64_t, void*, bool);
using LanesFn = void (*)(void*, const void*, int64_t);

template <int IN, int ACC> constexpr void FillLoad(LoadFn (&t)[kDTypeCount][kDTypeCount][2]) {
  t[IN][ACC][0] = &LoadRun<IN, ACC, false>;
  t[IN][ACC][1] = &LoadRun<IN, ACC, true>;
}
template <int ACC, int OUT> constexpr void FillStore(StoreFn (&t)[kDTypeCount][kDTypeCount][2]) {
  t[ACC][OUT][0] = &StoreRun<ACC, OUT, false>;
  t[ACC][OUT][1] = &StoreRun<ACC, OUT, true>;
}

struct Tables {
  LoadFn load[kDTypeCount][kDTypeCount][2] = {};
  StoreFn store[kDTypeCount][kDTypeCount][2] = {};
  ChainFn chain[kDTypeCount][2] = {};
  LanesFn lanes[kDTypeCount][2] = {};
};

template <int A, int... B> void Row(Tables& t, std::integer_sequence<int, B...>) {
  (FillLoad<A, B>(t.load), ...);
  (FillStore<A, B>(t.store), ...);
  t.chain[A][0] = &ChainRun<A, false>;
  t.chain[A][1] = &ChainRun<A, true>;
  t.lanes[A][0] = &LanesRun<A, false>;
  t.lanes[A][1] = &LanesRun<A, true>;
}
template <int... A> Tables Build(std::integer_sequence<int, A...> s) {
  Tables t;
  (Row<A>(t, s), ...);
  return t;
}
const Tables& T() {
  static const Tables t = Build(std::make_integer_sequence<int, kDTypeCount>());
  return t;
}

// Enough room for kChunk running values of any type.
struct Buf { alignas(64) uint64_t v[kChunk]; };

}  // namespace

int ScanRun(const ScanArgs& a) {
  const Tables& t = T();
  if (a.acc < 0 || a.acc >= kDTypeCount || a.inType < 0 || a.inType >= kDTypeCount || a.outType < 0 ||
      a.outType >= kDTypeCount || a.op < 0 || a.op >= kScanOpCount || a.nLines < 0 || a.nLines > kMaxDims)
    return EINVAL;
  const bool prod = a.op == kScanProd || a.op == kScanNanProd;
  const int fill = !IsF(a.inType) ? 0 : a.op == kScanNanSum ? 1 : a.op == kScanNanProd ? 2 : 0;
  LoadFn load = t.load[a.inType][a.acc][a.inSwap];
  StoreFn store = t.store[a.acc][a.outType][a.outSwap];
  ChainFn chain = t.chain[a.acc][prod];
  LanesFn lanes = t.lanes[a.acc][prod];
  int64_t lines = 1;
  for (int d = 0; d < a.nLines; ++d) lines *= a.shape[d];
  if (a.n == 0 || lines == 0) return 0;
  Buf buf, acc;
  const int last = a.nLines - 1;
  // lanes when the axis steps further in memory than the innermost line dim does
  const bool laned = a.out != nullptr && a.carry == nullptr && last >= 0 && a.shape[last] > 1 &&
                     std::llabs(a.inStep) > std::llabs(a.inStrides[last]);
  const int outer = laned ? last : a.nLines;  // line dims walked by the index below
  int64_t idx[kMaxDims] = {};
  int64_t count = 1;
  for (int d = 0; d < outer; ++d) count *= a.shape[d];
  for (int64_t c = 0; c < count; ++c) {
    int64_t ip = 0, op = 0;
    for (int d = 0; d < outer; ++d) { ip += idx[d] * a.inStrides[d]; op += idx[d] * a.outStrides[d]; }
    const uint8_t* in = a.in + ip;
    uint8_t* out = a.out == nullptr ? nullptr : a.out + op;
    if (!laned) {
      bool fresh = a.carry == nullptr;
      if (!fresh) std::memcpy(acc.v, a.carry, 8);
      for (int64_t i0 = 0; i0 < a.n; i0 += kChunk) {
        int64_t w = a.n - i0 < kChunk ? a.n - i0 : kChunk;
        load(in + i0 * a.inStep, a.inStep, w, buf.v, fill);
        chain(buf.v, w, acc.v, fresh);
        fresh = false;
        if (out != nullptr) store(buf.v, w, out + i0 * a.outStep, a.outStep);
      }
      if (a.total != nullptr) std::memcpy(a.total, acc.v, 8);
    } else {
      const int64_t len = a.shape[last], is = a.inStrides[last], os = a.outStrides[last];
      for (int64_t j0 = 0; j0 < len; j0 += kChunk) {
        int64_t w = len - j0 < kChunk ? len - j0 : kChunk;
        load(in + j0 * is, is, w, acc.v, fill);
        store(acc.v, w, out + j0 * os, os);
        for (int64_t i = 1; i < a.n; ++i) {
          load(in + i * a.inStep + j0 * is, is, w, buf.v, fill);
          lanes(acc.v, buf.v, w);
          store(acc.v, w, out + i * a.outStep + j0 * os, os);
        }
      }
    }
    for (int d = outer - 1; d >= 0; --d) {
      if (++idx[d] < a.shape[d]) break;
      idx[d] = 0;
    }
  }
  return 0;
}

// Totals are combined in the accumulator's arithmetic, in block order.
int ScanCarriesRun(int op, int acc, uint64_t* t, int64_t count) {
  if (acc < 0 || acc >= kDTypeCount || op < 0 || op >= kScanOpCount) return EINVAL;
  const bool prod = op == kScanProd || op == kScanNanProd;
  Buf run;
  for (int64_t k = 1; k < count; ++k) {
    std::memcpy(run.v, t + k - 1, 8);
    Buf one;
    std::memcpy(one.v, t + k, 8);
    // a one-element chain from the running value: run op one
    T().chain[acc][prod](one.v, 1, run.v, false);
    std::memcpy(t + k, one.v, 8);
  }
  return 0;
}

}  // namespace NDM_ISA
}  // namespace ndmmap
