// Conversions between stored elements and float64/int64 values, with numpy's casting='unsafe' results
// on x86_64 and no C++ undefined behaviour: every float -> int conversion is range-checked first.
#pragma once
#include <cstdint>
#include <limits>

#include "core/dtype.h"

namespace ndmmap {

// Float stores rely on IEEE 754 conversion (overflow -> inf), as numpy does.
static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559, "IEEE floats");

// x86's cvttsd2si "integer indefinite" result for NaN and out-of-range values, which numpy exposes.
constexpr int32_t kIndefinite32 = std::numeric_limits<int32_t>::min();
constexpr int64_t kIndefinite64 = std::numeric_limits<int64_t>::min();
constexpr double kTwo31 = 2147483648.0;
constexpr double kTwo63 = 9223372036854775808.0;

// double -> int32 as cvttsd2si does: truncate toward zero, indefinite when NaN or out of range.
inline int32_t CvtI32(double v) {
  return v > -kTwo31 - 1.0 && v < kTwo31 ? (int32_t)v : kIndefinite32;
}

// double -> int64 as cvttsd2si (64-bit) does.
inline int64_t CvtI64(double v) {
  return v >= -kTwo63 && v < kTwo63 ? (int64_t)v : kIndefinite64;
}

// double -> uint64 as gcc compiles `(uint64_t)v` on x86_64, which numpy's casts inherit: below 2^63
// (or NaN: the compare is unordered) convert signed; otherwise convert v - 2^63 and set the top bit.
inline uint64_t CvtU64(double v) {
  if (!(v >= kTwo63)) return (uint64_t)CvtI64(v);
  return (uint64_t)CvtI64(v - kTwo63) ^ (1ull << 63);
}

// Raw bits of `v` stored as dtype DT, from a float64 result. Types narrower than 32 bits go through
// int32 and keep the low bits (numpy: int8 <- 300.7 is 44, <- 1e10 is 0). uint32 goes through int64:
// numpy's scalar loop does that; its AVX-512 loop differs for out-of-range values, so this is the
// documented choice for those (in-range values agree).
template <int DT> struct FromDouble;
template <> struct FromDouble<kBool> { using R = uint8_t; static R Do(double v) { return v != 0; } };
template <> struct FromDouble<kInt8> { using R = uint8_t; static R Do(double v) { return (R)(uint32_t)CvtI32(v); } };
template <> struct FromDouble<kUInt8> { using R = uint8_t; static R Do(double v) { return (R)(uint32_t)CvtI32(v); } };
template <> struct FromDouble<kInt16> { using R = uint16_t; static R Do(double v) { return (R)(uint32_t)CvtI32(v); } };
template <> struct FromDouble<kUInt16> { using R = uint16_t; static R Do(double v) { return (R)(uint32_t)CvtI32(v); } };
template <> struct FromDouble<kInt32> { using R = uint32_t; static R Do(double v) { return (R)CvtI32(v); } };
template <> struct FromDouble<kUInt32> { using R = uint32_t; static R Do(double v) { return (R)(uint64_t)CvtI64(v); } };
template <> struct FromDouble<kInt64> { using R = uint64_t; static R Do(double v) { return (R)CvtI64(v); } };
template <> struct FromDouble<kUInt64> { using R = uint64_t; static R Do(double v) { return CvtU64(v); } };
template <> struct FromDouble<kFloat16> { using R = uint16_t; static R Do(double v) { return DoubleToHalf(v); } };
template <> struct FromDouble<kFloat32> { using R = float; static R Do(double v) { return (float)v; } };
template <> struct FromDouble<kFloat64> { using R = double; static R Do(double v) { return v; } };

// Raw bits of `v` stored as dtype DT, from a wrapping integer result (int64 or uint64 bits): integer
// targets keep the low bits, as numpy's int -> int casts do.
template <int DT, class T> struct FromInt {
  using R = typename FromDouble<DT>::R;
  static R Do(T v) {
    if constexpr (DT == kBool) return (R)(v != 0);
    else if constexpr (DT == kFloat16 || DT == kFloat32 || DT == kFloat64) return FromDouble<DT>::Do((double)v);
    else return (R)(uint64_t)v;
  }
};

// Element of dtype DT (raw bits r) as float64.
template <int DT> struct ToDouble;
#define NDM_TO_DOUBLE(CODE, RAW, EXPR) \
  template <> struct ToDouble<CODE> { using R = RAW; static double Do(RAW r) { return EXPR; } };
NDM_TO_DOUBLE(kBool, uint8_t, r != 0 ? 1.0 : 0.0)
NDM_TO_DOUBLE(kInt8, int8_t, r)
NDM_TO_DOUBLE(kUInt8, uint8_t, r)
NDM_TO_DOUBLE(kInt16, int16_t, r)
NDM_TO_DOUBLE(kUInt16, uint16_t, r)
NDM_TO_DOUBLE(kInt32, int32_t, r)
NDM_TO_DOUBLE(kUInt32, uint32_t, r)
NDM_TO_DOUBLE(kInt64, int64_t, (double)r)
NDM_TO_DOUBLE(kUInt64, uint64_t, (double)r)
NDM_TO_DOUBLE(kFloat16, uint16_t, (double)HalfToFloat(r))
NDM_TO_DOUBLE(kFloat32, float, r)
NDM_TO_DOUBLE(kFloat64, double, r)
#undef NDM_TO_DOUBLE

// Element of dtype DT as an integer value T (int64_t or uint64_t bits); floats get the int64 cast, so
// nothing is undefined.
template <int DT, class T> struct ToInt {
  using R = typename ToDouble<DT>::R;
  static T Do(R r) {
    if constexpr (DT == kBool) return (T)(r != 0);
    else if constexpr (DT == kFloat16 || DT == kFloat32 || DT == kFloat64) return (T)CvtI64(ToDouble<DT>::Do(r));
    else return (T)r;  // sign- or zero-extends, as numpy's int -> int64 casts
  }
};

}  // namespace ndmmap
