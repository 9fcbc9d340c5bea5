// Order-preserving integer keys of IEEE floats: the one definition behind the distributions' radix
// selects (stats/), top-k and nearest-neighbour search (embed/) and src/engine/stats/keys.ts.
//
// Policy. FloatKey is a bijection of the bit patterns onto unsigned integers that orders every non-NaN
// value as IEEE does, with -0.0 just below +0.0 (distinct keys, so a key gives back its exact value:
// KeyFloatBits); positive NaNs lie above +inf's key, negative NaNs below -inf's. Where numpy treats
// -0.0 and +0.0 as equal and order must fall back to the index (argsort, top-k), the caller folds
// -0.0 into +0.0 first (FoldZero) — the only variation, on the input, never a second key function.
// Direction goes on top: Directed(key, largest) turns "smallest first" into "largest first".
#pragma once
#include <cstdint>

namespace ndmmap {

constexpr uint64_t kSign64 = uint64_t(1) << 63;
constexpr uint32_t kSign32 = uint32_t(1) << 31;

/** The key of float64 bits: negatives flipped whole, positives with the sign bit set. */
inline uint64_t FloatKey(uint64_t bits) { return bits ^ ((uint64_t)((int64_t)bits >> 63) | kSign64); }
/** The key of float32 bits (32-bit keys, zero-extended when widened). */
inline uint32_t FloatKey(uint32_t bits) { return bits ^ ((uint32_t)((int32_t)bits >> 31) | kSign32); }
/** The float64 bits a key stands for (inverse of FloatKey). */
inline uint64_t KeyFloatBits(uint64_t k) { return (k >> 63) ? (k ^ kSign64) : ~k; }

/** Is this float64 / float32 bit pattern a NaN? */
inline bool NanBits(uint64_t u) { return (u & ~kSign64) > 0x7ff0000000000000ull; }
inline bool NanBits(uint32_t u) { return (u & ~kSign32) > 0x7f800000u; }

/** -0.0 as +0.0 (numpy's comparisons tie them). */
inline uint64_t FoldZero(uint64_t b) { return b == kSign64 ? 0 : b; }
inline uint32_t FoldZero(uint32_t b) { return b == kSign32 ? 0 : b; }

/** Smallest-first keys as largest-first ones (the complement), or as they are. */
inline uint64_t Directed(uint64_t key, bool largest) { return largest ? ~key : key; }

// Keys of -inf and +inf: every other non-NaN key lies between, NaN keys outside.
constexpr uint64_t kKeyNegInf = 0x000fffffffffffffull;
constexpr uint64_t kKeyPosInf = 0xfff0000000000000ull;

}  // namespace ndmmap
