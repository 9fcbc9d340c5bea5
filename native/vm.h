// The expression VM: validates a program (format in src/expr/compile.ts) and runs it on one block.
// A stack of block pointers: X and Y push the loaded input blocks without copying; every other op
// writes into the scratch block owned by its result slot.
#pragma once
#include <cstdint>
#include <cstring>

#include "vm_ops.h"

namespace ndmmap {

// Elements per block: 256 doubles = 2 KiB per slot, so a typical program's slots stay in L1.
constexpr int kBlock = 1024;
// Deepest stack accepted; src/expr/compile.ts MAX_STACK.
constexpr int kMaxStack = 1024;
constexpr uint8_t kFormatVersion = 1;
constexpr int kHeader = 2;  // version, mode

enum Mode : uint8_t { kModeFloat = 0, kModeInt = 1, kModeUInt = 2, kModeCount };

// A validated program.
struct Program {
  const uint8_t* code;
  int64_t len;
  Mode mode;
  int stack;  // slots needed
  bool usesX, usesY;
};

// Check every byte of `code` before it runs: known opcode, const index in range, no stack underflow,
// depth within kMaxStack, exactly one result, only ops valid in the mode, x/y present when read.
// Returns false for anything malformed.
inline bool Validate(const uint8_t* code, int64_t len, int64_t nConsts, bool hasX, bool hasY, Program* p) {
  if (len < kHeader + 1 || code[0] != kFormatVersion || code[1] >= kModeCount) return false;
  Mode mode = (Mode)code[1];
  int depth = 0, maxDepth = 0;
  bool usesX = false, usesY = false;
  for (int64_t pc = kHeader; pc < len; ++pc) {
    int op = code[pc], pops = Arity(op);
    if (pops < 0) return false;
    if (op == kX) {
      if (!hasX) return false;
      usesX = true;
    }
    if (op == kY) {
      if (!hasY) return false;
      usesY = true;
    }
    if (op == kConst) {
      if (pc + 2 >= len) return false;
      if ((code[pc + 1] | code[pc + 2] << 8) >= nConsts) return false;
      pc += 2;
    }
    if (mode != kModeFloat && !IntegerOp(op)) return false;
    if (depth < pops) return false;
    depth += 1 - pops;
    if (depth > maxDepth) maxDepth = depth;
    if (maxDepth > kMaxStack) return false;
  }
  if (depth != 1) return false;
  *p = Program{code, len, mode, maxDepth, usesX, usesY};
  return true;
}

// Run `p` on n <= kBlock elements. `slots` is scratch for p.stack blocks; `ptr` holds p.stack pointers.
// Returns the result block (which may be xb or yb itself).
template <class T>
const T* Run(const Program& p, const T* consts, const T* xb, const T* yb, int n, T* slots, const T** ptr) {
  using Ops = VmOps<T>;
  // A constant stays a scalar (ptr null, value in cval) until an op needs it as a block.
  T cval[kMaxStack];
  int sp = 0;
  auto block = [&](int k) -> const T* {
    if (ptr[k] == nullptr) {
      T* o = slots + (int64_t)k * kBlock;
      for (int i = 0; i < n; ++i) o[i] = cval[k];
      ptr[k] = o;
    }
    return ptr[k];
  };
  for (int64_t pc = kHeader; pc < p.len; ++pc) {
    int op = p.code[pc];
    switch (Arity(op)) {
      case 0: {
        if (op == kX) {
          ptr[sp] = xb;
        } else if (op == kY) {
          ptr[sp] = yb;
        } else {
          cval[sp] = consts[p.code[pc + 1] | p.code[pc + 2] << 8];
          pc += 2;
          ptr[sp] = nullptr;
        }
        ++sp;
        break;
      }
      case 1: {
        T* o = slots + (int64_t)(sp - 1) * kBlock;
        Ops::Unary(op, block(sp - 1), o, n);
        ptr[sp - 1] = o;
        break;
      }
      case 2: {
        T* o = slots + (int64_t)(sp - 2) * kBlock;
        const T* a = ptr[sp - 2];
        const T* b = ptr[sp - 1];
        if (a != nullptr && b == nullptr) Ops::Binary(op, a, Bcast<T>{cval[sp - 1]}, o, n);
        else if (a == nullptr && b != nullptr) Ops::Binary(op, Bcast<T>{cval[sp - 2]}, b, o, n);
        else Ops::Binary(op, block(sp - 2), block(sp - 1), o, n);
        ptr[sp - 2] = o;
        --sp;
        break;
      }
      default: {
        T* o = slots + (int64_t)(sp - 3) * kBlock;
        Ops::Ternary(op, block(sp - 3), block(sp - 2), block(sp - 1), o, n);
        ptr[sp - 3] = o;
        sp -= 2;
        break;
      }
    }
  }
  return block(0);
}

}  // namespace ndmmap
