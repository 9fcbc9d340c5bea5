/**
 * numpy's 13 quantile methods (`lib/_function_base_impl.py`): the virtual index of each q among n
 * sorted values, the neighbouring order statistics, gamma and numpy's `_lerp` — with numpy's dtypes
 * and its arithmetic operation by operation (float32/float16 rounded after each; integer differences
 * wrap in the data's type as numpy's do), so results are bit-identical.
 */
import { type DTypeName, roundHalf } from '../../dtype.js';
import { fail } from '../../errors.js';

export const METHODS = [
  'inverted_cdf', 'averaged_inverted_cdf', 'closest_observation', 'interpolated_inverted_cdf', 'hazen', 'weibull',
  'linear', 'median_unbiased', 'normal_unbiased', 'lower', 'higher', 'midpoint', 'nearest',
] as const;
export type Method = (typeof METHODS)[number];

/** Methods that take an element as it is (numpy's `fix_gamma` None): the result keeps the data's dtype. */
const DISCRETE = new Set<string>(['inverted_cdf', 'closest_observation', 'lower', 'higher', 'nearest']);

export function checkMethod(m: unknown): Method {
  if (typeof m !== 'string' || !(METHODS as readonly string[]).includes(m))
    fail('ERR_INVALID_ARG_VALUE', `${typeof m === 'string' ? `'${m}'` : String(m)} is not a valid method. Use one of: dict_keys([${METHODS.map((x) => `'${x}'`).join(', ')}])`);
  return m as Method;
}

export const isDiscrete = (m: Method): boolean => DISCRETE.has(m);

/** numpy's np.around: half to even. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `_discrete_interpolation_to_boundaries`: floor or floor + 1 by gamma, clipped at 0. */
function boundary(index: number, cond: (gamma: number, index: number) => boolean): number {
  const prev = Math.floor(index);
  const g = index - prev;
  const r = cond(g, index) ? prev : prev + 1;
  return r < 0 ? 0 : r;
}

/** What one q needs: the ranks `lo`, `hi` (0-based among n) and gamma (discrete: lo only). */
export interface Plan { lo: number; hi: number; gamma: number; discrete: boolean }

/** numpy's indexes and gamma for q among n (n ≥ 1) values. */
export function planQ(method: Method, n: number, q: number): Plan {
  const civ = (alpha: number, beta: number): number => n * q + (alpha + q * (1 - alpha - beta)) - 1;
  switch (method) {
    case 'inverted_cdf': return disc(boundary(n * q - 1, (g) => g === 0), n);
    case 'closest_observation': return disc(boundary(n * q - 1 - 0.5, (g, i) => g === 0 && Math.floor(i) % 2 === 1), n);
    case 'lower': return disc(Math.floor((n - 1) * q), n);
    case 'higher': return disc(Math.ceil((n - 1) * q), n);
    case 'nearest': return disc(roundEven((n - 1) * q), n);
    default: break;
  }
  let v: number;
  switch (method) {
    case 'averaged_inverted_cdf': v = n * q - 1; break;
    case 'interpolated_inverted_cdf': v = civ(0, 1); break;
    case 'hazen': v = civ(0.5, 0.5); break;
    case 'weibull': v = civ(0, 0); break;
    case 'linear': v = (n - 1) * q; break;
    case 'median_unbiased': v = civ(1 / 3.0, 1 / 3.0); break;
    case 'normal_unbiased': v = civ(3 / 8.0, 3 / 8.0); break;
    default: v = 0.5 * (Math.floor((n - 1) * q) + Math.ceil((n - 1) * q)); break; // midpoint
  }
  // _get_indexes: above the last index both neighbours are the last (-1), below 0 both are 0
  let prev = Math.floor(v);
  let next = prev + 1;
  if (v >= n - 1) { prev = -1; next = -1; }
  if (v < 0) { prev = 0; next = 0; }
  let gamma = v - prev; // numpy computes gamma from the adjusted previous index
  if (method === 'averaged_inverted_cdf') gamma = gamma === 0 ? 0.5 : 1;
  if (method === 'midpoint') gamma = v % 1 === 0 ? 0 : 0.5;
  return { lo: prev < 0 ? n + prev : prev, hi: next < 0 ? n + next : next, gamma, discrete: false };
}

function disc(i: number, n: number): Plan {
  const r = i < 0 ? n + i : i;
  return { lo: r, hi: r, gamma: 0, discrete: true };
}

const IDENTITY = (x: number): number => x;
const HALF = (x: number): number => roundHalf(Math.fround(x));

/** Rounding of each operation in a float type (float16 through float32, as numpy's half loops). */
export function rounder(t: DTypeName): (x: number) => number {
  if (t === 'float32') return Math.fround;
  if (t === 'float16') return HALF;
  return IDENTITY;
}

const BITS: Partial<Record<DTypeName, [number, boolean]>> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false], bool: [8, false],
};

/** numpy's `b - a` in the data's dtype (integers wrap), as a float64. */
function diffFn(data: DTypeName): (a: number | bigint, b: number | bigint) => number {
  const ib = BITS[data];
  if (ib === undefined) { const r = rounder(data); return (a, b) => r((b as number) - (a as number)); }
  const [bits, signed] = ib;
  if (bits <= 32) {
    const m = 2 ** bits, half = 2 ** (bits - 1);
    // exact in doubles: wrap the difference into the type's range
    return (a, b) => { let d = (Number(b) - Number(a)) % m; if (d < 0) d += m; return signed && d >= half ? d - m : d; };
  }
  return (a, b) => { const d = BigInt(b) - BigInt(a); return Number(signed ? BigInt.asIntN(64, d) : BigInt.asUintN(64, d)); };
}

/**
 * numpy's quantile result dtype: the data's for discrete methods; else the data's float type when q
 * is a Python scalar (weak), float64 for an array q or integer data.
 */
export function quantileDtype(data: DTypeName, method: Method, weak: boolean): DTypeName {
  if (isDiscrete(method)) return data;
  if (data === 'bool') fail('ERR_NDMMAP_DTYPE', 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
  if (data.startsWith('float') && weak) return data;
  return 'float64';
}

/** numpy's `_lerp(a, b, t)` for a, b of dtype `data` and the result in `result`, as a function. */
export function lerpFn(data: DTypeName, result: DTypeName): (a: number | bigint, b: number | bigint, t: number) => number {
  const diffOf = diffFn(data);
  const r = rounder(result);
  return (a, b, t) => {
    const diff = diffOf(a, b);
    // a weak (Python float) t is cast to the result's float type before it multiplies
    if (t >= 0.5) return r(Number(b) - r(diff * r(1 - t)));
    return r(Number(a) + r(diff * r(t)));
  };
}

/** numpy's `_lerp(a, b, t)` with a, b of dtype `data` and the result in `result`. */
export function lerp(data: DTypeName, result: DTypeName, a: number | bigint, b: number | bigint, t: number): number {
  return lerpFn(data, result)(a, b, t);
}

/** numpy's `b - a` in the data's dtype, as a float64 (finish.ts's lerp into out). */
export function dataDiff(data: DTypeName, a: number | bigint, b: number | bigint): number {
  return diffFn(data)(a, b);
}

/**
 * numpy's median of the middle one or two values (np.mean of them), as a function: float types keep
 * theirs (float16 summed in float32). The sum starts from the add identity +0.0, so a median of
 * -0.0 values is +0.0; numpy.ma's median (nanmedian along a short axis) adds an odd slice's middle
 * value to itself.
 */
export function medianFn(data: DTypeName, masked: boolean): (lo: number | bigint, hi: number | bigint, two: boolean) => number {
  if (!data.startsWith('float')) return (lo, hi, two) => (two ? (0 + Number(lo) + Number(hi)) / 2 : (0 + Number(lo)) / 1);
  const acc = data === 'float16' ? Math.fround : rounder(data);
  const out = rounder(data);
  return (lo, hi, two) => {
    const a = acc(0 + (lo as number));
    if (!two) return masked ? out(acc(acc(a + (lo as number)) / 2)) : out(acc(a / 1));
    return out(acc(acc(a + (hi as number)) / 2));
  };
}

/** numpy's median of the middle one or two values (np.mean of them): float types keep theirs. */
export function medianOf(data: DTypeName, lo: number | bigint, hi: number | bigint, two: boolean, masked: boolean): number {
  return medianFn(data, masked)(lo, hi, two);
}
