// Opcodes of the expression VM (format in src/expr/compile.ts): one row per opcode in the contract spec
// with its code, how many blocks it pops and which type codes it accepts. The addon exports the names and
// codes, and src/native.ts checks them against OP at load.
#pragma once
#include <cstdint>

#include "core/dtype.h"

namespace ndmmap {

// Type codes: the 12 dtype codes, then numpy's exact int64/uint64 comparison loops ("qQ", "Qq").
enum TypeCode : int { kMixedQQ = kDTypeCount, kMixedQQR, kTypeCodes };

// The type masks (kTAll, kTNum...) and NDM_OPS(X) rows (id, name, code, pops, types) are in gen/contract.h.

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
