// Opcodes of the expression VM and their block loops, with numpy's elementwise semantics.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace ndmmap {

// Opcodes (name as in OP of src/expr/compile.ts, which src/native.ts checks against this list at load).
#define NDM_OPS(X)                                                                                   \
  X(kX, "X", 1) X(kY, "Y", 2) X(kConst, "CONST", 3)                                                  \
  X(kNeg, "NEG", 10) X(kAbs, "ABS", 11) X(kSqrt, "SQRT", 12) X(kExp, "EXP", 13) X(kLog, "LOG", 14)   \
  X(kLog1p, "LOG1P", 15) X(kSin, "SIN", 16) X(kCos, "COS", 17) X(kTan, "TAN", 18)                    \
  X(kFloor, "FLOOR", 19) X(kCeil, "CEIL", 20) X(kRound, "ROUND", 21) X(kSquare, "SQUARE", 22)        \
  X(kAdd, "ADD", 32) X(kSub, "SUB", 33) X(kMul, "MUL", 34) X(kDiv, "DIV", 35)                        \
  X(kFloorDiv, "FLOORDIV", 36) X(kMod, "MOD", 37) X(kPow, "POW", 38) X(kMin, "MIN", 39)              \
  X(kMax, "MAX", 40) X(kLt, "LT", 41) X(kLe, "LE", 42) X(kGt, "GT", 43) X(kGe, "GE", 44)             \
  X(kEq, "EQ", 45) X(kNe, "NE", 46) X(kWhere, "WHERE", 64) X(kClip, "CLIP", 65)

enum Op : int {
#define NDM_OP_ENUM(id, name, code) id = code,
  NDM_OPS(NDM_OP_ENUM)
#undef NDM_OP_ENUM
};

// Operands popped by `op`, or -1 for an unknown opcode.
inline int Arity(int op) {
  if (op >= kX && op <= kConst) return 0;
  if (op >= kNeg && op <= kSquare) return 1;
  if (op >= kAdd && op <= kNe) return 2;
  if (op == kWhere || op == kClip) return 3;
  return -1;
}

// Ops with an integer version (true division and the transcendental functions are float only).
inline bool IntegerOp(int op) { return op != kDiv && (op < kSqrt || op > kTan); }

// numpy's npy_divmod (npymath): Python's floor division and modulo for floats.
inline double FloorDivMod(double a, double b, double* modulus) {
  double mod = std::fmod(a, b);
  double div = (a - mod) / b;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, b);
  }
  double floordiv;
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, a / b);
  }
  *modulus = mod;
  return floordiv;
}
inline double FloorDiv(double a, double b) {
  double m;
  return b == 0 ? a / b : FloorDivMod(a, b, &m);
}
inline double Mod(double a, double b) {
  double m;
  if (b == 0) return std::fmod(a, b);
  FloorDivMod(a, b, &m);
  return m;
}
// np.minimum / np.maximum: NaN propagates; on a tie the second operand wins (so min(0., -0.) is -0.).
inline double Min(double a, double b) { return (a < b || std::isnan(a)) ? a : b; }
inline double Max(double a, double b) { return (a > b || std::isnan(a)) ? a : b; }

#define NDM_LOOP(EXPR) for (int i = 0; i < n; ++i) o[i] = (EXPR); break;

// A constant operand seen as a block (so `x * 2` needs no block of 2s).
template <class T> struct Bcast {
  T c;
  T operator[](int) const { return c; }
};

template <class T> struct VmOps;

template <> struct VmOps<double> {
  using T = double;
  static void Unary(int op, const T* a, T* o, int n) {
    switch (op) {
      case kNeg: NDM_LOOP(-a[i])
      case kAbs: NDM_LOOP(std::fabs(a[i]))
      case kSqrt: NDM_LOOP(std::sqrt(a[i]))
      case kExp: NDM_LOOP(std::exp(a[i]))
      case kLog: NDM_LOOP(std::log(a[i]))
      case kLog1p: NDM_LOOP(std::log1p(a[i]))
      case kSin: NDM_LOOP(std::sin(a[i]))
      case kCos: NDM_LOOP(std::cos(a[i]))
      case kTan: NDM_LOOP(std::tan(a[i]))
      case kFloor: NDM_LOOP(std::floor(a[i]))
      case kCeil: NDM_LOOP(std::ceil(a[i]))
      case kRound: NDM_LOOP(std::nearbyint(a[i]))  // the default rounding mode: half to even, as np.round
      case kSquare: NDM_LOOP(a[i] * a[i])
    }
  }
  template <class A, class B>
  static void Binary(int op, A a, B b, T* o, int n) {
    switch (op) {
      case kAdd: NDM_LOOP(a[i] + b[i])
      case kSub: NDM_LOOP(a[i] - b[i])
      case kMul: NDM_LOOP(a[i] * b[i])
      case kDiv: NDM_LOOP(a[i] / b[i])
      case kFloorDiv: NDM_LOOP(FloorDiv(a[i], b[i]))
      case kMod: NDM_LOOP(Mod(a[i], b[i]))
      case kPow: NDM_LOOP(std::pow(a[i], b[i]))
      case kMin: NDM_LOOP(Min(a[i], b[i]))
      case kMax: NDM_LOOP(Max(a[i], b[i]))
      case kLt: NDM_LOOP(a[i] < b[i] ? 1.0 : 0.0)
      case kLe: NDM_LOOP(a[i] <= b[i] ? 1.0 : 0.0)
      case kGt: NDM_LOOP(a[i] > b[i] ? 1.0 : 0.0)
      case kGe: NDM_LOOP(a[i] >= b[i] ? 1.0 : 0.0)
      case kEq: NDM_LOOP(a[i] == b[i] ? 1.0 : 0.0)
      case kNe: NDM_LOOP(a[i] != b[i] ? 1.0 : 0.0)
    }
  }
  static void Ternary(int op, const T* a, const T* b, const T* c, T* o, int n) {
    if (op == kWhere) {
      for (int i = 0; i < n; ++i) o[i] = a[i] != 0 ? b[i] : c[i];  // NaN != 0: NaN is true, as in numpy
    } else {
      for (int i = 0; i < n; ++i) o[i] = Min(Max(a[i], b[i]), c[i]);  // np.clip
    }
  }
};

// Integers: T is int64_t or uint64_t; + - * and negation wrap (done on uint64_t bits, never signed
// overflow). Division and modulo by zero give 0, and INT64_MIN // -1 gives INT64_MIN, as numpy does.
template <class T> struct VmOps {
  using U = uint64_t;
  static constexpr bool kSigned = std::is_signed<T>::value;
  static T Wrap(U v) { return (T)v; }
  static T FloorDivI(T a, T b) {
    if (b == 0) return 0;
    if (kSigned && b == (T)-1) return Wrap(U(0) - (U)a);
    T q = a / b;
    if (kSigned && ((a % b) != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
  static T ModI(T a, T b) {
    if (b == 0 || (kSigned && b == (T)-1)) return 0;
    T r = a % b;
    if (kSigned && r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  }
  static T PowI(T a, T b) {
    if (kSigned && b < 0) return 0;  // numpy refuses; the compiler never emits it
    U r = 1, base = (U)a, e = (U)b;
    while (e) {
      if (e & 1) r *= base;
      base *= base;
      e >>= 1;
    }
    return Wrap(r);
  }
  static T AbsI(T a) { return kSigned && a < 0 ? Wrap(U(0) - (U)a) : a; }
  static T MinI(T a, T b) { return a < b ? a : b; }
  static T MaxI(T a, T b) { return a > b ? a : b; }

  static void Unary(int op, const T* a, T* o, int n) {
    switch (op) {
      case kNeg: NDM_LOOP(Wrap(U(0) - (U)a[i]))
      case kAbs: NDM_LOOP(AbsI(a[i]))
      case kSquare: NDM_LOOP(Wrap((U)a[i] * (U)a[i]))
      default: NDM_LOOP(a[i])  // floor, ceil, round: identity on integers
    }
  }
  template <class A, class B>
  static void Binary(int op, A a, B b, T* o, int n) {
    switch (op) {
      case kAdd: NDM_LOOP(Wrap((U)a[i] + (U)b[i]))
      case kSub: NDM_LOOP(Wrap((U)a[i] - (U)b[i]))
      case kMul: NDM_LOOP(Wrap((U)a[i] * (U)b[i]))
      case kFloorDiv: NDM_LOOP(FloorDivI(a[i], b[i]))
      case kMod: NDM_LOOP(ModI(a[i], b[i]))
      case kPow: NDM_LOOP(PowI(a[i], b[i]))
      case kMin: NDM_LOOP(MinI(a[i], b[i]))
      case kMax: NDM_LOOP(MaxI(a[i], b[i]))
      case kLt: NDM_LOOP(a[i] < b[i])
      case kLe: NDM_LOOP(a[i] <= b[i])
      case kGt: NDM_LOOP(a[i] > b[i])
      case kGe: NDM_LOOP(a[i] >= b[i])
      case kEq: NDM_LOOP(a[i] == b[i])
      case kNe: NDM_LOOP(a[i] != b[i])
    }
  }
  static void Ternary(int op, const T* a, const T* b, const T* c, T* o, int n) {
    if (op == kWhere) {
      for (int i = 0; i < n; ++i) o[i] = a[i] != 0 ? b[i] : c[i];
    } else {
      for (int i = 0; i < n; ++i) o[i] = MinI(MaxI(a[i], b[i]), c[i]);
    }
  }
};

#undef NDM_LOOP

}  // namespace ndmmap
