/**
 * Operations between Python numbers, folded at compile time with Python's semantics: numpy never sees
 * `2 ** -1` or `1 / 3`, Python computes them first (exact ints, IEEE floats, True + True == 2), and
 * the result stays a "weak" Python number (NEP 50). Errors are Python's, as expression errors.
 */
import { exprError } from './lex.js';
import { floorDivMod, pyPow } from './pymath.js';
import { type WeakKind } from './types.js';

/** A Python number: an exact int, a float, or a bool. */
export type Weak =
  | { readonly w: 'int'; readonly v: bigint }
  | { readonly w: 'float'; readonly v: number }
  | { readonly w: 'bool'; readonly v: boolean };

/** Largest Python int an expression may build, in bits: far beyond any dtype, small enough to stay fast. */
export const MAX_INT_BITS = 4096;

const int = (v: bigint): Weak => {
  if (bitLength(v) > MAX_INT_BITS) exprError(`integer constant has more than ${MAX_INT_BITS} bits`);
  return { w: 'int', v };
};
const float = (v: number): Weak => ({ w: 'float', v });
const bool = (v: boolean): Weak => ({ w: 'bool', v });

/** Bits of |v|. */
export function bitLength(v: bigint): number {
  return (v < 0n ? -v : v).toString(2).length;
}

/** A Python int as a float, or Python's OverflowError. */
export function intToFloat(v: bigint, at: string): number {
  const f = Number(v);
  if (!Number.isFinite(f)) exprError(`${at}int too large to convert to float`);
  return f;
}

/** The int value of an int or bool. */
const asInt = (a: Weak): bigint => (a.w === 'bool' ? (a.v ? 1n : 0n) : (a.v as bigint));
const asFloat = (a: Weak, at: string): number => (a.w === 'float' ? a.v : intToFloat(asInt(a), at));

const PY_TYPE: Record<WeakKind, string> = { int: 'int', float: 'float', bool: 'bool' };

/** Python's exact int/int true division, correctly rounded (Python rounds once, from the exact quotient). */
function trueDivide(a: bigint, b: bigint, at: string): number {
  if (b === 0n) exprError(`${at}division by zero`);
  const small = (v: bigint): boolean => (v < 0n ? -v : v) <= 2n ** 53n;
  if (small(a) && small(b)) return Number(a) / Number(b);
  const neg = (a < 0n) !== (b < 0n);
  const n = a < 0n ? -a : a, d = b < 0n ? -b : b;
  // Scale so the quotient has at least 66 bits; the remainder becomes a sticky bit for the rounding.
  const shift = Math.max(0, 66 - (bitLength(n) - bitLength(d)));
  const q = (n << BigInt(shift)) / d;
  const sticky = (n << BigInt(shift)) % d !== 0n ? 1n : 0n;
  let r = Number(q | sticky) * 2 ** -Math.min(shift, 1000);
  if (shift > 1000) r *= 2 ** -(shift - 1000);
  if (!Number.isFinite(r)) exprError(`${at}integer division result too large for a float`);
  return neg ? -r : r;
}

/** Python's comparison of two numbers, exact across int and float. */
function compare(a: Weak, b: Weak): number {
  if (a.w !== 'float' && b.w !== 'float') { const x = asInt(a), y = asInt(b); return x < y ? -1 : x > y ? 1 : 0; }
  if (a.w === 'float' && b.w === 'float') return a.v < b.v ? -1 : a.v > b.v ? 1 : a.v === b.v ? 0 : NaN;
  const [f, i, sign] = a.w === 'float' ? [a.v, asInt(b), 1] : [(b as { v: number }).v, asInt(a), -1];
  if (Number.isNaN(f)) return NaN;
  if (!Number.isFinite(f)) return f > 0 ? sign : -sign;
  const fl = BigInt(Math.floor(f));
  const c = fl < i ? -1 : fl > i ? 1 : f > Math.floor(f) ? 1 : 0; // float vs int
  return c * sign;
}

/**
 * `a op b` for two Python numbers, as Python computes it.
 * @throws `ERR_NDMMAP_EXPR` with Python's error (`division by zero`, `negative shift count`…), `at` prefixed.
 */
export function foldBinary(op: string, a: Weak, b: Weak, at: string): Weak {
  if (['<', '<=', '>', '>=', '==', '!='].includes(op)) {
    const c = compare(a, b);
    const r = op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '==' ? c === 0 : !(c === 0);
    return bool(r);
  }
  if (['&', '|', '^', '<<', '>>'].includes(op)) {
    if (a.w === 'float' || b.w === 'float')
      exprError(`${at}unsupported operand type(s) for ${op}: '${PY_TYPE[a.w]}' and '${PY_TYPE[b.w]}'`);
    if (a.w === 'bool' && b.w === 'bool' && op !== '<<' && op !== '>>')
      return bool(op === '&' ? a.v && b.v : op === '|' ? a.v || b.v : a.v !== b.v);
    const x = asInt(a), y = asInt(b);
    if (op === '&') return int(x & y);
    if (op === '|') return int(x | y);
    if (op === '^') return int(x ^ y);
    if (y < 0n) exprError(`${at}negative shift count`);
    if (op === '>>') return int(y > BigInt(MAX_INT_BITS) ? (x < 0n ? -1n : 0n) : x >> y);
    if (x !== 0n && BigInt(bitLength(x)) + y > BigInt(MAX_INT_BITS)) exprError(`integer constant has more than ${MAX_INT_BITS} bits`);
    return int(x === 0n ? 0n : x << y);
  }
  if (a.w !== 'float' && b.w !== 'float') {
    const x = asInt(a), y = asInt(b);
    switch (op) {
      case '+': return int(x + y);
      case '-': return int(x - y);
      case '*':
        if (bitLength(x) + bitLength(y) > MAX_INT_BITS + 1) exprError(`integer constant has more than ${MAX_INT_BITS} bits`);
        return int(x * y);
      case '/': return float(trueDivide(x, y, at));
      case '//': case '%': {
        if (y === 0n) exprError(`${at}integer ${op === '//' ? 'division or modulo' : 'modulo'} by zero`);
        let q = x / y, r = x % y;
        if (r !== 0n && (r < 0n) !== (y < 0n)) { q -= 1n; r += y; }
        return int(op === '//' ? q : r);
      }
      case '**':
        if (y < 0n) return float(pyPow(asFloat(a, at), intToFloat(y, at), at));
        if (x !== 0n && x !== 1n && x !== -1n && BigInt(bitLength(x)) * y > BigInt(MAX_INT_BITS))
          exprError(`integer constant has more than ${MAX_INT_BITS} bits`);
        return int(x === 1n ? 1n : x === -1n ? (y % 2n === 0n ? 1n : -1n) : x ** y);
    }
  }
  const x = asFloat(a, at), y = asFloat(b, at);
  switch (op) {
    case '+': return float(x + y);
    case '-': return float(x - y);
    case '*': return float(x * y);
    case '/':
      if (y === 0) exprError(`${at}float division by zero`);
      return float(x / y);
    case '//': case '%': {
      if (y === 0) exprError(`${at}float ${op === '//' ? 'floor division' : 'modulo'} by zero`);
      const [q, r] = floorDivMod(x, y);
      return float(op === '//' ? q : r);
    }
    case '**': return float(pyPow(x, y, at));
  }
  return exprError(`${at}unsupported operator ${op}`);
}

/** `op a` for a Python number. */
export function foldUnary(op: string, a: Weak, at: string): Weak {
  if (op === '~') {
    if (a.w === 'float') exprError(`${at}bad operand type for unary ~: 'float'`);
    return int(~asInt(a));
  }
  if (a.w === 'float') return float(op === '-' ? -a.v : a.v);
  return int(op === '-' ? -asInt(a) : asInt(a));
}
