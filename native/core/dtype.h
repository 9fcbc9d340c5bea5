// Element types and loads/stores shared by every kernel. No N-API here: kernels never throw.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "core/bounds.h"

namespace ndmmap {



// Codes and sizes from the contract spec (contract/spec.mjs -> gen/contract.h, src/gen/contract.cts).
enum DType : int {
#define NDM_DTYPE_ENUM(id, name, size, kind, ch) id,
  NDM_DTYPES(NDM_DTYPE_ENUM)
#undef NDM_DTYPE_ENUM
  kDTypeCount
};

inline int ItemSize(int dt) {
  static const int sizes[kDTypeCount] = {
#define NDM_DTYPE_SIZE(id, name, size, kind, ch) size,
      NDM_DTYPES(NDM_DTYPE_SIZE)
#undef NDM_DTYPE_SIZE
  };
  return dt >= 0 && dt < kDTypeCount ? sizes[dt] : 0;
}
inline bool IsFloat(int dt) { return dt == kFloat16 || dt == kFloat32 || dt == kFloat64; }
inline bool IsUnsigned(int dt) {
  return dt == kBool || dt == kUInt8 || dt == kUInt16 || dt == kUInt32 || dt == kUInt64;
}

// IEEE 754 binary16 <-> binary32, round-to-nearest-even like numpy's npy_float_to_half.
inline float HalfToFloat(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
  if (exp == 0) {
    if (man == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      int e = -1;
      do { ++e; man <<= 1; } while ((man & 0x400) == 0);
      bits = sign | (uint32_t)(112 - e) << 23 | (man & 0x3ff) << 13;
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | man << 13;
  } else {
    bits = sign | (exp + 112) << 23 | man << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
  uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) {  // inf or nan; keep nan payload non-zero
    if (absx == 0x7f800000u) return sign | 0x7c00;
    uint16_t m = (uint16_t)((absx & 0x7fffff) >> 13);
    return sign | 0x7c00 | (m ? m : 1);
  }
  if (absx >= 0x477ff000u) return sign | 0x7c00;  // rounds to >= 65520: overflow
  if (absx < 0x38800000u) {                        // result is subnormal or zero
    if (absx < 0x33000000u) return sign;           // below half the smallest subnormal
    uint32_t e = absx >> 23, m = (absx & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - e;  // 14..24
    uint32_t hm = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (hm & 1))) ++hm;
    return sign | (uint16_t)hm;
  }
  uint32_t hbits = ((absx >> 23) - 112) << 10 | ((absx >> 13) & 0x3ff);
  uint32_t rem = absx & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (hbits & 1))) ++hbits;  // carry may bump the exponent
  return sign | (uint16_t)hbits;
}

// Direct double -> half with round-to-nearest-even (going through float would round twice).
inline uint16_t DoubleToHalf(double d) {
  uint64_t x;
  std::memcpy(&x, &d, 8);
  uint16_t sign = (uint16_t)((x >> 48) & 0x8000);
  uint64_t absx = x & 0x7fffffffffffffffull;
  if (absx >= 0x7ff0000000000000ull) {
    if (absx == 0x7ff0000000000000ull) return sign | 0x7c00;
    uint16_t m = (uint16_t)((absx & 0xfffffffffffffull) >> 42);
    return sign | 0x7c00 | (m ? m : 1);
  }
  if (absx >= 0x40effe0000000000ull) return sign | 0x7c00;  // >= 65520 rounds to inf
  if (absx < 0x3f10000000000000ull) {                         // below 2^-14: subnormal half
    if (absx < 0x3e60000000000000ull) return sign;            // below 2^-25
    uint64_t e = absx >> 52, m = (absx & 0xfffffffffffffull) | (1ull << 52);
    uint64_t shift = 1051 - e;  // 43..53
    uint64_t hm = m >> shift, rem = m & ((1ull << shift) - 1), half = 1ull << (shift - 1);
    if (rem > half || (rem == half && (hm & 1))) ++hm;
    return sign | (uint16_t)hm;
  }
  uint64_t hbits = ((absx >> 52) - 1008) << 10 | ((absx >> 42) & 0x3ff);
  uint64_t rem = absx & ((1ull << 42) - 1);
  if (rem > (1ull << 41) || (rem == (1ull << 41) && (hbits & 1))) ++hbits;
  return sign | (uint16_t)hbits;
}

template <typename T>
inline T ByteSwap(T v) {
  uint8_t b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  for (size_t i = 0; i < sizeof(T) / 2; ++i) {
    uint8_t t = b[i];
    b[i] = b[sizeof(T) - 1 - i];
    b[sizeof(T) - 1 - i] = t;
  }
  std::memcpy(&v, b, sizeof(T));
  return v;
}

// Unaligned load of one element stored as T, optionally byte-swapped (big-endian files).
template <typename T, bool Swap>
inline T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if (Swap) v = ByteSwap(v);
  return v;
}

template <typename T, bool Swap>
inline void Store(uint8_t* p, T v) {
  if (Swap) v = ByteSwap(v);
  std::memcpy(p, &v, sizeof(T));
}

}  // namespace ndmmap
