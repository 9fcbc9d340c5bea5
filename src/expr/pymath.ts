/**
 * Python's float arithmetic where it differs from plain IEEE: floor division and modulo (CPython's
 * float_divmod, the same algorithm as numpy's npy_divmod) and `**` with Python's errors.
 */
import { exprError } from './lex.js';

/** CPython's float_divmod: [a // b, a % b] for b != 0. */
export function floorDivMod(a: number, b: number): [number, number] {
  let mod = a % b; // fmod
  let div = (a - mod) / b;
  if (mod !== 0) {
    if ((b < 0) !== (mod < 0)) { mod += b; div -= 1; }
  } else {
    mod = b < 0 || Object.is(b, -0) ? -0 : 0;
  }
  let floordiv: number;
  if (div !== 0) {
    floordiv = Math.floor(div);
    if (div - floordiv > 0.5) floordiv += 1;
  } else {
    floordiv = a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  }
  return [floordiv, mod];
}

const isOddInteger = (v: number): boolean => Number.isInteger(v) && Math.abs(v % 2) === 1;

/**
 * CPython's float `**`: 0.0 to a negative power and overflow are errors, a negative base to a
 * fractional power would be complex (not supported here). The value itself comes from the JS engine's
 * pow, which may differ from the C library's in the last bit for non-integer results.
 */
export function pyPow(x: number, y: number, at: string): number {
  if (y === 0) return 1;
  if (Number.isNaN(x)) return x === 1 ? 1 : NaN;
  if (Number.isNaN(y)) return x === 1 ? 1 : NaN;
  if (!Number.isFinite(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    return (y > 0) === (ax > 1) ? Infinity : 0;
  }
  if (!Number.isFinite(x)) {
    const odd = isOddInteger(y);
    if (y > 0) return odd ? x : Math.abs(x);
    return odd ? (x < 0 ? -0 : 0) : 0;
  }
  if (x === 0) {
    if (y < 0) exprError(`${at}0.0 cannot be raised to a negative power`);
    return isOddInteger(y) ? x : 0;
  }
  if (x < 0 && !Number.isInteger(y)) exprError(`${at}a negative number to a fractional power is complex, which is not supported`);
  const r = x ** y;
  if (!Number.isFinite(r)) exprError(`${at}(34, 'Numerical result out of range')`);
  return r;
}
