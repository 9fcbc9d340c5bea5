/**
 * Python numbers meeting numpy dtypes (NEP 50): the value a Python int or float takes in a dtype, with
 * numpy's errors (`Python integer 300 out of bounds for int8`), and the scalar constructors used by
 * the casts (`np.int8(2.7)` is 2, `np.int8(300)` an error).
 */
import { type DTypeName, roundHalf } from '../dtype.js';
import { exprError } from './lex.js';
import { type Weak, intToFloat } from './fold.js';
import { intRange, isFloat } from './types.js';

/** A constant of a concrete dtype: ints and bools as bigint, floats as the dtype's exact value. */
export type ConstValue = bigint | number;

const TWO63 = 2n ** 63n;
const TWO64 = 2n ** 64n;

/** A float rounded to dtype t (float64, float32 or float16), as numpy's casts round it. */
export function roundTo(v: number, t: DTypeName): number {
  return t === 'float32' ? Math.fround(v) : t === 'float16' ? roundHalf(v) : v;
}

/** numpy's check of a Python int going into an integer dtype (NEP 50 and the scalar constructors). */
export function checkIntFits(v: bigint, t: DTypeName, at: string): void {
  const [lo, hi] = intRange(t);
  if (v >= lo && v <= hi) return;
  // numpy reads the int as a C long, or an unsigned long long for uint32/uint64: its message says which failed
  const wide = t === 'uint32' || t === 'uint64';
  if (v < -TWO63 || v >= TWO64 || (!wide && v >= TWO63)) exprError(`${at}Python int too large to convert to C long`);
  exprError(`${at}Python integer ${v} out of bounds for ${t}`);
}

/** Wrap an int to dtype t's width, as numpy's unsafe integer casts do. */
export function wrapInt(v: bigint, t: DTypeName): bigint {
  if (t === 'bool') return v !== 0n ? 1n : 0n;
  const bits = Number(/\d+$/.exec(t)![0]);
  return t.startsWith('u') ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}

/**
 * A Python number used as dtype t next to arrays (NEP 50): ints must fit an integer dtype, ints too
 * large for a float are an error, floats round to t (overflowing to inf, as numpy does).
 */
export function weakAs(x: Weak, t: DTypeName, at: string): ConstValue {
  if (t === 'bool') return (x.w === 'float' ? x.v !== 0 : x.w === 'int' ? x.v !== 0n : x.v) ? 1n : 0n;
  if (isFloat(t)) return roundTo(x.w === 'float' ? x.v : intToFloat(x.w === 'int' ? x.v : BigInt(x.v), at), t);
  const v = x.w === 'bool' ? BigInt(x.v) : x.w === 'int' ? x.v : BigInt(Math.trunc(x.v)); // floats never reach ints here
  checkIntFits(v, t, at);
  return v;
}

/** `np.<t>(value)` of a Python number: floats truncate toward zero, then the int must fit. */
export function scalarCast(x: Weak, t: DTypeName, at: string): ConstValue {
  if (t === 'bool' || isFloat(t) || x.w !== 'float') return weakAs(x, t, at);
  if (Number.isNaN(x.v)) exprError(`${at}cannot convert float NaN to integer`);
  if (!Number.isFinite(x.v)) exprError(`${at}cannot convert float infinity to integer`);
  const v = BigInt(Math.trunc(x.v));
  checkIntFits(v, t, at);
  return v;
}

/** A Python int taken as a 64-bit C integer, then cast unsafely to t: how `np.where` takes one. */
export function weakWrapped(x: Weak, t: DTypeName, at: string): ConstValue {
  if (x.w !== 'int' || isFloat(t)) return weakAs(x, t, at);
  if (x.v < -TWO63 || x.v >= TWO64) exprError(`${at}Python int too large to convert to C long`);
  return wrapInt(x.v, t);
}
