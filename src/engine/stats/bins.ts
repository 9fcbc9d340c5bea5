/**
 * numpy's bin edges (`_get_outer_edges`, `_get_bin_edges` of lib/_histograms_impl.py): a count over a
 * given or found range, a string estimator's count, or given edges; equal-width edges by np.linspace in
 * numpy's bin type, and the arguments of numpy's own bin-index arithmetic for the native pass.
 */
import { type DTypeName, roundHalf } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { DIST_MODES } from '../../native.js';
import { type BinSpec } from './weighted.js';

/** The range of equal-width bins: its ends, and whether they are the data's (numpy scalars of its type) or given (Python floats). */
export interface Outer { first: number; last: number; found: boolean; exactDelta?: number }

const TYPE_CODE: Partial<Record<DTypeName, number>> = { float64: 0, float32: 2, float16: 3 };

export const rounding = (t: DTypeName): ((x: number) => number) =>
  t === 'float32' ? Math.fround : t === 'float16' ? (x) => roundHalf(Math.fround(x)) : (x) => x;

/** A number as Python's str() shows a float (numpy's error texts quote the range so). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = String(x).replace('e+', 'e');
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** numpy's np.linspace(first, last, n + 1) computed in `r`'s type (then held exactly as float64). */
function linspace(first: number, last: number, n: number, r: (x: number) => number): Float64Array {
  const e = new Float64Array(n + 1);
  const delta = r(last - first);
  const step = r(delta / n);
  for (let i = 0; i <= n; i++) e[i] = step === 0 ? r(r(r(i / n) * delta) + first) : r(r(i * step) + first);
  e[n] = last;
  return e;
}

/** `range` checked as numpy checks it. */
export function checkRange(range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'number' || typeof range[1] !== 'number')
    fail('ERR_INVALID_ARG_TYPE', `range must be [lower, upper], got ${show(range)}`);
  const [first, last] = range as [number, number];
  if (first > last) fail('ERR_INVALID_ARG_VALUE', 'max must be larger than min in range parameter.');
  if (!Number.isFinite(first) || !Number.isFinite(last)) fail('ERR_INVALID_ARG_VALUE', `supplied range of [${range[0]}, ${range[1]}] is not finite`);
  return [first, last];
}

/** The range's ends after numpy's `first == last` widening (by 0.5 in the range's type). */
export function widen(o: Outer, dataType: DTypeName): Outer {
  if (o.first !== o.last) return o;
  const r = rounding(o.found && dataType.startsWith('float') ? dataType : 'float64');
  return { first: r(o.first - 0.5), last: r(o.last + 0.5), found: o.found };
}

/**
 * Equal-width edges and the native pass's arguments: numpy's bin type is the data's float type, or
 * float64 for integers; a given range's ends are Python floats (weak), a found one's the data's.
 * @throws `ERR_INVALID_ARG_VALUE` when the bins would not be finite-sized.
 */
export function equalBins(o: Outer, bins: number, dataType: DTypeName, isFloat: boolean): { edges: Float64Array; edgesDtype: DTypeName; spec: BinSpec } {
  const bt: DTypeName = isFloat ? dataType : 'float64';
  const r = rounding(o.found ? bt : 'float64');
  const edges = linspace(o.first, o.last, bins, r).map(rounding(bt));
  for (let i = 0; i < bins; i++)
    if (edges[i] >= edges[i + 1]) fail('ERR_INVALID_ARG_VALUE', `Too many bins for data range. Cannot create ${bins} finite-sized bins.`);
  const code = TYPE_CODE[bt]!;
  const weak = rounding(bt);
  // x - first in the bin type (a weak Python float first is cast to it); the division by numpy's
  // denominator: a float64 scalar for a given range, the bin type's for a found one
  const denom = o.exactDelta ?? r(o.last - o.first);
  const spec: BinSpec = {
    mode: DIST_MODES.uniform, bins, first: weak(o.first), denom, sub: code, div: o.found ? code : 0, lo: weak(o.first), hi: weak(o.last),
  };
  return { edges, edgesDtype: bt, spec };
}

/** numpy's dtype of np.asarray(bins): a typed array's, else int64 for whole numbers and float64 otherwise. */
function edgesDtypeOf(bins: ArrayLike<unknown>, e: number[]): DTypeName {
  const named: [unknown, DTypeName][] = [[Float64Array, 'float64'], [Float32Array, 'float32'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
    [Int16Array, 'int16'], [Uint16Array, 'uint16'], [Int32Array, 'int32'], [Uint32Array, 'uint32'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64']];
  for (const [T, name] of named) if (bins instanceof (T as new () => object)) return name;
  return e.every((v) => Number.isInteger(v)) ? 'int64' : 'float64';
}

/** Given edges, checked as numpy checks them. */
export function givenEdges(bins: ArrayLike<unknown>): { edges: Float64Array; edgesDtype: DTypeName; spec: BinSpec } {
  const e = Array.from(bins, (v) => (typeof v === 'bigint' ? Number(v) : v));
  if (e.some((v) => typeof v !== 'number')) {
    if (e.some((v) => Array.isArray(v) || ArrayBuffer.isView(v))) fail('ERR_INVALID_ARG_VALUE', '`bins` must be 1d, when an array');
    fail('ERR_INVALID_ARG_TYPE', '`bins` must be an integer, a string, or an array');
  }
  const edges = Float64Array.from(e as number[]);
  for (let i = 0; i + 1 < edges.length; i++) if (edges[i] > edges[i + 1]) fail('ERR_INVALID_ARG_VALUE', '`bins` must increase monotonically, when an array');
  if (edges.length < 2) fail('ERR_INVALID_ARG_VALUE', '`bins` must hold at least two edges');
  const nb = edges.length - 1;
  return { edges, edgesDtype: edgesDtypeOf(bins, e as number[]), spec: { mode: DIST_MODES.edges, bins: nb, first: 0, denom: 0, sub: 0, div: 0, lo: edges[0], hi: edges[nb] } };
}
