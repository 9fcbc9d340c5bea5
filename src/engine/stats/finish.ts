/**
 * From order statistics to numpy's results: the method's value of each q (methods.ts), and, with
 * `out=`, numpy's arithmetic in out's dtype (quantile's `_lerp(..., out=out)` subtracts in out's dtype
 * where gamma >= 0.5; median's mean sums and divides there), or numpy's `out[...] = result` (nan*).
 */
import { type DTypeName } from '../../dtype.js';
import { promote } from '../../expr/types.js';
import { type ResultData } from '../reductions/index.js';
import { type Method, dataDiff, isDiscrete, lerp, lerpFn, medianFn, rounder } from './methods.js';

/** What a call computes: its function, method, q, the data's and the result's dtypes. */
export interface Job {
  kind: 'quantile' | 'percentile' | 'median';
  nan: boolean;
  method: Method;
  qs: number[];
  data: DTypeName;
  /** numpy's result dtype without out. */
  natural: DTypeName;
  /** The dtype the values are computed in: natural, or out's for quantile and median with out=. */
  target: DTypeName;
  /** nanmedian along a short axis goes through numpy.ma, which adds an odd slice's middle value to itself. */
  masked: boolean;
}

const INT_BITS: Partial<Record<DTypeName, [number, boolean]>> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false],
};

/** numpy's unsafe cast of a value to `to` (floats round; to an integer, truncation then wrap as C's cast on x86). */
export function castValue(to: DTypeName, v: number | bigint | boolean): number | bigint {
  const x = typeof v === 'boolean' ? +v : v;
  if (to === 'bool') return typeof x === 'bigint' ? +(x !== 0n) : +(x !== 0);
  const ib = INT_BITS[to];
  if (ib === undefined) return rounder(to)(Number(x));
  const [bits, signed] = ib;
  let b: bigint;
  if (typeof x === 'bigint') b = x;
  else {
    const t = Math.trunc(x);
    // out of range (and NaN): the x86 conversion's "indefinite" integer
    const limit = bits === 64 ? 2 ** 63 : 2 ** 31;
    b = Number.isFinite(t) && Math.abs(t) < limit ? BigInt(t) : -(2n ** BigInt(bits === 64 ? 63 : 31));
  }
  const w = signed ? BigInt.asIntN(bits, b) : BigInt.asUintN(bits, b);
  return bits === 64 ? w : Number(w);
}

const isFloat = (t: DTypeName): boolean => t.startsWith('float');

/** numpy's `_lerp(a, b, t, out=out)` with out of dtype `o` (a float type). */
function lerpInto(job: Job, o: DTypeName, a: number | bigint, b: number | bigint, t: number): number {
  if (t < 0.5) return castValue(o, lerp(job.data, job.natural, a, b, t)) as number;
  // subtract(b, diff * (1 - t), dtype=o): both operands cast to o, the difference rounded in o
  const r = rounder(job.natural);
  const x = castValue(o, r(dataDiff(job.data, a, b) * r(1 - t))) as number;
  return rounder(o)((castValue(o, b) as number) - x);
}

/**
 * numpy's median into out of dtype `o`: `mean(part, out=out)` sums in the common type of out and the
 * data (f8 for integer data, f4 for float16), casts the sum into out, and divides there.
 */
function medianInto(job: Job, o: DTypeName, lo: number | bigint, hi: number | bigint, two: boolean): number | bigint {
  // the add loop takes the accumulator (out) and the values: their common type
  const acc: DTypeName = isFloat(job.data) ? (job.data === 'float16' ? 'float32' : promote(o, job.data)) : 'float64';
  const add = (x: number | bigint, y: number | bigint): number | bigint =>
    isFloat(acc) ? rounder(acc)(Number(x) + Number(y)) : castValue(acc, BigInt(x) + BigInt(y));
  // the sum starts from the add identity (+0.0)
  const first = add(castValue(acc, 0), castValue(acc, lo));
  const s = castValue(o, two ? add(first, castValue(acc, hi)) : first);
  const count = two ? 2 : 1;
  // true_divide(ret, count, out=ret): in out's float type, or a float64 cast unsafely into an integer out
  return isFloat(o) ? rounder(o)((s as number) / count) : castValue(o, Number(s) / count);
}

/** A value from one output's order statistics (lo, hi: the values at numpy's two indexes, gamma their weight). */
export type Finisher = (nValid: number, lo: number | bigint, hi: number | bigint, gamma: number) => number | bigint;

/** The value of quantile `qi` (or the median) from order statistics, for outputs holding valid values. */
export function finisher(job: Job): Finisher {
  const into = job.target !== job.natural && !job.nan;
  if (job.kind === 'median') {
    if (into) return (m, lo, hi) => medianInto(job, job.target, lo, hi, m % 2 === 0);
    const med = medianFn(job.data, job.masked);
    return (m, lo, hi) => med(lo, hi, m % 2 === 0);
  }
  if (isDiscrete(job.method)) return (_m, lo) => lo;
  if (into) return (_m, lo, hi, g) => lerpInto(job, job.target, lo, hi, g);
  const l = lerpFn(job.data, job.natural);
  return (_m, lo, hi, g) => l(lo, hi, g);
}

/** Store a value in a result array of any dtype (NaN into an integer array: numpy's unsafe cast). */
export function put(out: ResultData, i: number, dt: DTypeName, v: number | bigint | boolean): void {
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) (out as BigInt64Array)[i] = castValue(dt, v) as bigint;
  else if (isFloat(dt)) out[i] = typeof v === 'boolean' ? +v : Number(v);
  else out[i] = castValue(dt, v) as number;
}

/** put() specialised for one result array (the float case is a plain store). */
export function storer(out: ResultData, dt: DTypeName): (i: number, v: number | bigint) => void {
  if (out instanceof Float64Array || out instanceof Float32Array) return (i, v) => { out[i] = Number(v); };
  return (i, v) => put(out, i, dt, v);
}
