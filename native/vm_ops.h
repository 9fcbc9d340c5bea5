// Opcodes of the expression VM (format in src/expr/compile.ts): one X-macro row per opcode with its
// code, how many blocks it pops and which type codes it accepts. The addon exports the names and
// codes, and src/native.ts checks them against OP at load.
#pragma once
#include <cstdint>

#include "dtype.h"

namespace ndmmap {

// Type codes: the 12 dtype codes, then numpy's exact int64/uint64 comparison loops ("qQ", "Qq").
enum TypeCode : int { kMixedQQ = kDTypeCount, kMixedQQR, kTypeCodes };

// Type masks over the type codes.
constexpr uint32_t kTBool = 1u << kBool;
constexpr uint32_t kTFloat = (1u << kFloat16) | (1u << kFloat32) | (1u << kFloat64);
constexpr uint32_t kTAll = (1u << kDTypeCount) - 1;
constexpr uint32_t kTInt = kTAll & ~kTFloat & ~kTBool;
constexpr uint32_t kTNum = kTAll & ~kTBool;
constexpr uint32_t kTBInt = kTInt | kTBool;
constexpr uint32_t kTCmp = kTAll | (1u << kMixedQQ) | (1u << kMixedQQR);

// X(id, name, code, pops, types)
#define NDM_OPS(X)                                                                                          \
  X(kLoad, "LOAD", 1, 0, 0) X(kConst, "CONST", 2, 0, 0) X(kCast, "CAST", 3, 1, 0)                            \
  X(kNeg, "NEG", 10, 1, kTNum) X(kAbs, "ABS", 11, 1, kTAll) X(kSign, "SIGN", 12, 1, kTNum)                   \
  X(kSquare, "SQUARE", 13, 1, kTNum) X(kRecip, "RECIP", 14, 1, kTFloat) X(kInvert, "INVERT", 15, 1, kTBInt)  \
  X(kFloor, "FLOOR", 16, 1, kTAll) X(kCeil, "CEIL", 17, 1, kTAll) X(kTrunc, "TRUNC", 18, 1, kTAll)           \
  X(kRint, "RINT", 19, 1, kTFloat) X(kIsNan, "ISNAN", 20, 1, kTAll) X(kIsInf, "ISINF", 21, 1, kTAll)         \
  X(kIsFinite, "ISFINITE", 22, 1, kTAll) X(kSqrt, "SQRT", 23, 1, kTFloat) X(kExp, "EXP", 24, 1, kTFloat)     \
  X(kExpm1, "EXPM1", 25, 1, kTFloat) X(kLog, "LOG", 26, 1, kTFloat) X(kLog10, "LOG10", 27, 1, kTFloat)       \
  X(kLog2, "LOG2", 28, 1, kTFloat) X(kLog1p, "LOG1P", 29, 1, kTFloat) X(kSin, "SIN", 30, 1, kTFloat)         \
  X(kCos, "COS", 31, 1, kTFloat) X(kTan, "TAN", 32, 1, kTFloat) X(kArcsin, "ARCSIN", 33, 1, kTFloat)         \
  X(kArccos, "ARCCOS", 34, 1, kTFloat) X(kArctan, "ARCTAN", 35, 1, kTFloat) X(kSinh, "SINH", 36, 1, kTFloat) \
  X(kCosh, "COSH", 37, 1, kTFloat) X(kTanh, "TANH", 38, 1, kTFloat) X(kArcsinh, "ARCSINH", 39, 1, kTFloat)   \
  X(kArccosh, "ARCCOSH", 40, 1, kTFloat) X(kArctanh, "ARCTANH", 41, 1, kTFloat)                              \
  X(kSignbit, "SIGNBIT", 42, 1, kTFloat)                                                                     \
  X(kAdd, "ADD", 64, 2, kTAll) X(kSub, "SUB", 65, 2, kTNum) X(kMul, "MUL", 66, 2, kTAll)                     \
  X(kDiv, "DIV", 67, 2, kTFloat) X(kFloorDiv, "FLOORDIV", 68, 2, kTNum) X(kMod, "MOD", 69, 2, kTNum)         \
  X(kPow, "POW", 70, 2, kTNum) X(kMin, "MIN", 71, 2, kTAll) X(kMax, "MAX", 72, 2, kTAll)                     \
  X(kArctan2, "ARCTAN2", 73, 2, kTFloat) X(kHypot, "HYPOT", 74, 2, kTFloat) X(kAnd, "AND", 75, 2, kTBInt)    \
  X(kOr, "OR", 76, 2, kTBInt) X(kXor, "XOR", 77, 2, kTBInt) X(kShl, "SHL", 78, 2, kTInt)                     \
  X(kShr, "SHR", 79, 2, kTInt) X(kLt, "LT", 80, 2, kTCmp) X(kLe, "LE", 81, 2, kTCmp) X(kGt, "GT", 82, 2, kTCmp) \
  X(kGe, "GE", 83, 2, kTCmp) X(kEq, "EQ", 84, 2, kTCmp) X(kNe, "NE", 85, 2, kTCmp)                           \
  X(kFmod, "FMOD", 86, 2, kTNum) X(kCopysign, "COPYSIGN", 87, 2, kTFloat) X(kNextafter, "NEXTAFTER", 88, 2, kTFloat) \
  X(kWhere, "WHERE", 96, 3, kTAll) X(kClip, "CLIP", 97, 3, kTAll)

enum Op : int {
#define NDM_OP_ENUM(id, name, code, pops, types) id = code,
  NDM_OPS(NDM_OP_ENUM)
#undef NDM_OP_ENUM
};

struct OpInfo {
  int8_t pops = -1;  // -1: not an opcode
  uint32_t types = 0;
};

// Pops and accepted types of `op` (pops -1 for an unknown opcode).
inline OpInfo Info(int op) {
  switch (op) {
#define NDM_OP_INFO(id, name, code, pops, types) case code: return OpInfo{(int8_t)(pops), (uint32_t)(types)};
    NDM_OPS(NDM_OP_INFO)
#undef NDM_OP_INFO
    default: return OpInfo{};
  }
}

inline bool IsComparison(int op) { return op >= kLt && op <= kNe; }
inline bool IsPredicate(int op) { return op == kIsNan || op == kIsInf || op == kIsFinite || op == kSignbit; }

// The dtype an op of type code t leaves on the stack.
inline int ResultType(int op, int t) { return IsComparison(op) || IsPredicate(op) ? (int)kBool : t; }

// Bytes after the opcode.
inline int OperandBytes(int op) {
  if (op == kLoad) return 1;
  if (op == kConst) return 3;
  if (op == kCast) return 2;
  return 1;  // the type code
}

}  // namespace ndmmap
