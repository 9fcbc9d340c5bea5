/**
 * numpy's float printing (Dragon4 in unique mode): shortest digits for the value's own type, positional
 * or scientific, with numpy's trimming and padding. Used by repr.ts and for scalars.
 */
import { roundHalf } from '../dtype.js';

/** The float types printed here (float16/float32 values arrive widened exactly to float64). */
export type FloatName = 'float16' | 'float32' | 'float64';

/** numpy's `finfo(t).precision`: decimal digits each type holds (sets the scientific cutoffs). */
export const FLOAT_PRECISION: Record<FloatName, number> = { float16: 3, float32: 6, float64: 15 };

/** Shortest `toExponential` text that reads back as the same value of type `t`. */
function shortestExp(x: number, t: FloatName): string {
  if (t === 'float64') return x.toExponential();
  const round = t === 'float32' ? Math.fround : roundHalf;
  for (let k = 0; k < 17; k++) {
    const s = x.toExponential(k);
    if (round(Number(s)) === x) return s;
  }
  return x.toExponential();
}

/** Sign, significant digits and decimal exponent of |x| (digits '0' for zero). */
function decompose(s: string): { neg: boolean; digits: string; exp: number } {
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)!;
  const digits = (m[2] + (m[3] ?? '')).replace(/0+$/, '') || '0';
  return { neg: m[1] === '-', digits, exp: Number(m[4]) };
}

/** Options of `positional` / `scientific`, numpy's dragon4 names. */
export interface DragonOptions {
  /** At most this many fractional digits (rounding the exact value); undefined: no limit. */
  precision?: number;
  /** Pad the fraction with zeros to at least this many digits. */
  minDigits?: number;
  /** `'.'`: keep the point after trimming zeros; `'0'`: keep one zero (`1.0`); `'-'`: drop the point. */
  trim?: '.' | '0' | '-';
  padLeft?: number;
  padRight?: number;
  /** Scientific: exponent digits, at least 2. */
  expDigits?: number;
}

function finish(int: string, frac: string, o: DragonOptions): string {
  if (o.minDigits !== undefined && frac.length < o.minDigits) frac = frac.padEnd(o.minDigits, '0');
  if (frac === '' && o.trim === '0') frac = '0';
  const point = frac === '' && o.trim === '-' ? '' : '.';
  return int.padStart(o.padLeft ?? 0) + point + frac.padEnd(o.padRight ?? 0);
}

/** numpy's `dragon4_positional(x, unique=True, fractional=True)` for finite x. */
export function positional(x: number, t: FloatName, o: DragonOptions = {}): string {
  let { neg, digits, exp } = decompose(shortestExp(x, t));
  if (o.precision !== undefined && digits.length - 1 - exp > o.precision) {
    ({ digits, exp } = decompose(Number(x.toFixed(o.precision)).toExponential()));
    if (digits === '0') exp = 0;
  }
  let int: string, frac: string;
  if (exp >= 0) {
    int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    frac = digits.slice(exp + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  if (digits === '0') frac = '';
  return finish((neg || Object.is(x, -0) ? '-' : '') + int, frac, o);
}

/** numpy's `dragon4_scientific(x, unique=True)` for finite x. */
export function scientific(x: number, t: FloatName, o: DragonOptions = {}): string {
  let { neg, digits, exp } = decompose(shortestExp(x, t));
  if (o.precision !== undefined && digits.length - 1 > o.precision) ({ neg, digits, exp } = decompose(x.toExponential(o.precision)));
  const mant = finish((neg || Object.is(x, -0) ? '-' : '') + digits[0], digits.slice(1), o);
  const e = String(Math.abs(exp)).padStart(Math.max(o.expDigits ?? 2, 2), '0');
  return `${mant}e${exp < 0 ? '-' : '+'}${e}`;
}

/** Non-finite values as numpy prints them. */
export function nonFinite(x: number): string {
  return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/**
 * A float scalar as `print(np.float64(x))` shows it: positional within [1e-4, 10**precision) (1e16
 * for float64), scientific outside, shortest digits of its own type.
 * @example floatScalar(1.5, 'float64') // '1.5'
 */
export function floatScalar(x: number, t: FloatName): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const cutoff = t === 'float64' ? 1e16 : 10 ** FLOAT_PRECISION[t];
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-4 && a < cutoff)) return positional(x, t, { trim: '0' });
  return scientific(x, t, { trim: '-' });
}

/** The shortest decimal of x as type t, as a JS number (so JSON shows `0.1` for float32 0.1). */
export function shortestNumber(x: number, t: FloatName): number {
  return Number.isFinite(x) ? Number(shortestExp(x, t)) : x;
}
