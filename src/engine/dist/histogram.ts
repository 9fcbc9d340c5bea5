/**
 * numpy's `histogram` and `bincount` over a MemMap, in parallel: one native pass counts every block
 * into thread-local bins (numpy's exact bin index: the same float operations in numpy's types, the
 * ±1 correction against the edges, the last bin closed); an automatic range costs one more pass
 * (min and max, the `ptp` kernel).
 */
import { type DTypeName } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { DIST_BIN_PARAMS, DIST_MODES } from '../../native.js';
import { planReduce, planReduceCached } from '../plan.js';
import { prepare, reduce, runPrepared } from '../reduce.js';
import { valueReader } from '../reductions/family-extreme.js';
import { kernelType } from '../kernels.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { pairwiseSum } from './numpy-sum.js';
import { type Source, runPass, shared, source } from './pass.js';

/** Options of `histogram` (numpy's keywords) and of every parallel call. */
export interface HistogramOptions extends RunOptions {
  /** A number of equal-width bins (default 10), or the increasing edges of the bins. */
  bins?: number | ArrayLike<number>;
  /** [lower, upper] of equal-width bins; default: the data's min and max (one more pass). */
  range?: readonly [number, number];
  /** A MemMap of a's shape: each value counts its weight instead of 1 (float64 results). */
  weights?: MemMap;
  /** Probability density: count / bin width / total. */
  density?: boolean;
  /** Histogram of an expression of `x` (the array) instead of the array itself. */
  expr?: string;
}

/** numpy's `(hist, bin_edges)`: int64 counts (float64 with weights or density) and the edges. */
export interface Histogram {
  counts: BigInt64Array | Float64Array;
  edges: Float64Array;
  /** numpy's dtype of the edges: float64, or the data's float32/float16 (values held as float64). */
  edgesDtype: DTypeName;
}

const TYPE_CODE: Partial<Record<DTypeName, number>> = { float64: 0, float32: 2, float16: 3 };
const KNOWN = new Set(['bins', 'range', 'weights', 'density', 'expr', 'threads', 'signal', 'onProgress']);

/** A number as Python's str() shows a float (numpy's error texts quote the range so). */
function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const s = String(x).replace('e+', 'e');
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** numpy's np.linspace(first, last, n + 1) computed in `dt` (then held exactly as float64). */
function linspace(first: number, last: number, n: number, r: (x: number) => number): Float64Array {
  const e = new Float64Array(n + 1);
  const delta = r(last - first);
  const step = r(delta / n);
  for (let i = 0; i <= n; i++) e[i] = step === 0 ? r(r(r(i / n) * delta) + first) : r(r(i * step) + first);
  e[n] = last;
  return e;
}

const rounding = (t: DTypeName): ((x: number) => number) =>
  t === 'float32' ? Math.fround : t === 'float16' ? (x) => roundHalfVia32(x) : (x) => x;
import { roundHalf } from '../../dtype.js';
const roundHalfVia32 = (x: number): number => roundHalf(Math.fround(x));

function checkWeights(a: MemMap, w: unknown): MemMap | undefined {
  if (w === undefined || w === null) return undefined;
  const m = checkMemMap(w as MemMap, 'weights');
  m.mapping.check();
  if (m.shape.join() !== a.shape.join()) fail('ERR_NDMMAP_SHAPE', 'weights should have the same shape as a.');
  if (m.dtype.kind === 'b') fail('ERR_NDMMAP_DTYPE', 'weights must be numbers, got bool');
  return m;
}

/** The min and max of the values (one pass of the ptp kernel), as numbers or bigints. */
async function minMax(a: MemMap, expr: string | undefined, opts: RunOptions): Promise<[number | bigint, number | bigint]> {
  if (a.dtype.kind === 'b' && expr === undefined) {
    // ptp refuses bool (numpy's subtract does); numpy's histogram reads bool as uint8
    const [lo, hi] = await Promise.all([reduce('min', a, { threads: opts.threads, signal: opts.signal }), reduce('max', a, { threads: opts.threads, signal: opts.signal })]);
    return [Number(lo), Number(hi)];
  }
  const p = prepare('ptp', a, expr === undefined ? {} : { expr });
  const states = await runPrepared(p, opts);
  const read = valueReader(states, kernelType(p.ctx.dtype));
  return [read(0, 0, 3), read(0, 1, 3)];
}

/**
 * numpy's `histogram(a, bins, range, weights, density)` over every element (views and expressions too).
 * @example const { counts, edges } = await histogram(a, { bins: 20, range: [0, 1] })
 * @throws `ERR_INVALID_ARG_VALUE` (numpy's ValueError texts: bins, range, autodetected range not finite,
 *   too many bins), `ERR_NDMMAP_SHAPE` (weights), `ERR_INVALID_ARG_TYPE`.
 */
export async function histogram(a: MemMap, options: HistogramOptions = {}): Promise<Histogram> {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as HistogramOptions;
  for (const k of Object.keys(opts)) if (!KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `histogram() got an unexpected keyword argument '${k}'`);
  const bins = opts.bins ?? 10;
  const weights = checkWeights(a, opts.weights);
  if (opts.density !== undefined && typeof opts.density !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `density must be a boolean, got ${show(opts.density)}`);
  a.mapping.check();
  const src = source(a, opts.expr);
  if (src.dtype.kind === 'b') src.dtype = { ...src.dtype, name: 'uint8', kind: 'u' } as typeof src.dtype; // numpy converts bool to uint8
  const dataName = src.dtype.name;
  const isF = src.dtype.kind === 'f';
  let edges: Float64Array;
  let uniform: { first: number; last: number; n: number; sub: number; div: number; denom: number; lo: number; hi: number } | null = null;
  let edgesDtype: DTypeName = 'float64';
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins)) fail('ERR_INVALID_ARG_TYPE', '`bins` must be an integer, a string, or an array');
    if (bins < 1) fail('ERR_INVALID_ARG_VALUE', '`bins` must be positive, when an integer');
    let first: number, last: number, auto = false;
    let denomExact: number | undefined;
    if (opts.range !== undefined && opts.range !== null) {
      const r = opts.range;
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number')
        fail('ERR_INVALID_ARG_TYPE', `range must be [lower, upper], got ${show(r)}`);
      [first, last] = r as [number, number];
      if (first > last) fail('ERR_INVALID_ARG_VALUE', 'max must be larger than min in range parameter.');
      if (!Number.isFinite(first) || !Number.isFinite(last)) fail('ERR_INVALID_ARG_VALUE', `supplied range of [${r[0]}, ${r[1]}] is not finite`);
    } else if (a.size === 0) {
      first = 0; last = 1;
    } else {
      const [lo, hi] = await minMax(a, opts.expr, opts);
      auto = true;
      first = Number(lo); last = Number(hi);
      if (!Number.isFinite(first) || !Number.isFinite(last)) fail('ERR_INVALID_ARG_VALUE', `autodetected range of [${pyFloat(first)}, ${pyFloat(last)}] is not finite`);
      // numpy's _unsigned_subtract: integer ranges are differenced exactly, as uint64
      if (typeof lo === 'bigint' || !isF) denomExact = Number(BigInt.asUintN(64, BigInt(hi) - BigInt(lo)));
    }
    // numpy's bin type: the data's float type, or float64 for integers; the range's scalars are
    // Python floats (weak) when given, numpy scalars of the data's type when found
    const bt: DTypeName = isF ? dataName : 'float64';
    const r = rounding(auto ? bt : 'float64');
    if (first === last) { first = r(first - 0.5); last = r(last + 0.5); denomExact = undefined; }
    edgesDtype = bt;
    const lin = linspace(first, last, bins, r);
    edges = lin.map(rounding(bt));
    for (let i = 0; i < bins; i++) {
      if (edges[i] >= edges[i + 1]) fail('ERR_INVALID_ARG_VALUE', `Too many bins for data range. Cannot create ${bins} finite-sized bins.`);
    }
    const code = TYPE_CODE[bt]!;
    const denom = denomExact ?? r(last - first);
    const weak = rounding(bt);
    // x - first in the bin type (a weak Python float first is cast to it); the division by numpy's
    // denominator: a float64 scalar for a given range, the bin type's for a found one
    uniform = {
      first: weak(first), last: weak(last), n: bins, sub: code, div: auto ? code : 0, denom,
      lo: weak(first), hi: weak(last),
    };
  } else {
    const e = Array.from(bins as ArrayLike<unknown>);
    if (e.some((v) => typeof v !== 'number')) {
      if (e.some((v) => Array.isArray(v) || ArrayBuffer.isView(v))) fail('ERR_INVALID_ARG_VALUE', '`bins` must be 1d, when an array');
      fail('ERR_INVALID_ARG_TYPE', '`bins` must be an integer, a string, or an array');
    }
    edges = Float64Array.from(e as number[]);
    for (let i = 0; i + 1 < edges.length; i++) if (edges[i] > edges[i + 1]) fail('ERR_INVALID_ARG_VALUE', '`bins` must increase monotonically, when an array');
    if (edges.length < 2) fail('ERR_INVALID_ARG_VALUE', '`bins` must hold at least two edges');
  }
  const nb = edges.length - 1;
  const counts = await countBins(src, weights, uniform === null
    ? { mode: DIST_MODES.edges, bins: nb, first: 0, denom: 0, sub: 0, div: 0, lo: edges[0], hi: edges[nb] }
    : { mode: DIST_MODES.uniform, bins: nb, first: uniform.first, denom: uniform.denom, sub: uniform.sub, div: uniform.div, lo: uniform.lo, hi: uniform.hi },
  edges, opts);
  if (opts.density) {
    const c = Array.from(counts, Number);
    const total = counts instanceof Float64Array ? pairwiseSum(c) : c.reduce((s, v) => s + v, 0);
    const r = rounding(edgesDtype);
    return { counts: Float64Array.from(c, (v, i) => v / r(edges[i + 1] - edges[i]) / total), edges, edgesDtype };
  }
  return { counts, edges, edgesDtype };
}

interface BinSpec { mode: number; bins: number; first: number; denom: number; sub: number; div: number; lo: number; hi: number }

/** One counting pass: int64 counts, or float64 weight sums added in block order. */
async function countBins(src: Source, weights: MemMap | undefined, b: BinSpec, edges: Float64Array | null, opts: RunOptions): Promise<BigInt64Array | Float64Array> {
  const layouts = weights === undefined ? [src.a.layout] : [src.a.layout, weights.layout];
  const plan = weights === undefined ? planReduceCached(src.a.layout, null, 8) : planReduce(layouts, null, b.bins * 8);
  const params = new Float64Array(new SharedArrayBuffer(DIST_BIN_PARAMS * 8));
  params.set([b.mode, b.bins, b.first, b.denom, b.sub, weights === undefined ? -1 : 1, b.lo, b.hi, b.div]);
  const valueType = b.mode === DIST_MODES.bincount ? 'int64' : 'float64';
  const sharedEdges = edges === null ? null : edges;
  if (weights === undefined) {
    const out = shared.i64(b.bins);
    if (plan.outCount > 0 && plan.perOutput > 0) await runPass(src, plan, valueType, params, out, sharedEdges, opts);
    return out;
  }
  const slots = shared.f64(plan.groups * b.bins);
  if (plan.outCount > 0 && plan.perOutput > 0) await runPass(src, plan, valueType, params, slots, sharedEdges, opts, plan.blocks, [weights]);
  // numpy adds each block's bincount to a zeroed float64 histogram, in order
  const out = new Float64Array(b.bins);
  for (let g = 0; g < plan.groups; g++) for (let i = 0; i < b.bins; i++) out[i] += slots[g * b.bins + i];
  return out;
}

/** Options of `bincount`. */
export interface BincountOptions extends RunOptions {
  /** At least this many bins (numpy's `minlength`, default 0). */
  minlength?: number;
  /** Weights: a MemMap of a's shape (float64 sums per value). */
  weights?: MemMap;
}

/**
 * numpy's `bincount(x, weights, minlength)`: counts of each non-negative integer of a 1-D array.
 * @example await bincount(labels, { minlength: 10 })
 * @throws `ERR_NDMMAP_DTYPE` (float data), `ERR_INVALID_ARG_VALUE` (negative values, negative minlength,
 *   not 1-D), `ERR_NDMMAP_SHAPE` (weights).
 */
export async function bincount(a: MemMap, options: BincountOptions = {}): Promise<BigInt64Array | Float64Array> {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as BincountOptions;
  for (const k of Object.keys(opts))
    if (!['minlength', 'weights', 'threads', 'signal', 'onProgress'].includes(k)) fail('ERR_INVALID_ARG_VALUE', `bincount() got an unexpected keyword argument '${k}'`);
  const minlength = opts.minlength ?? 0;
  if (typeof minlength !== 'number' || !Number.isInteger(minlength)) fail('ERR_INVALID_ARG_TYPE', `minlength must be an integer, got ${show(minlength)}`);
  if (minlength < 0) fail('ERR_INVALID_ARG_VALUE', "'minlength' must not be negative");
  if (a.ndim !== 1) fail('ERR_INVALID_ARG_VALUE', a.ndim === 0 ? 'object of too small depth for desired array' : 'object too deep for desired array');
  if (a.dtype.kind === 'f') fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${a.dtype.name}') to dtype('int64') according to the rule 'safe'`);
  const weights = checkWeights(a, opts.weights);
  if (weights !== undefined && weights.size !== a.size) fail('ERR_INVALID_ARG_VALUE', "The weights and list don't have the same length.");
  a.mapping.check();
  let n = 0;
  if (a.size > 0) {
    const [lo, hi] = await minMax(a, undefined, opts);
    // numpy casts to int64 first: uint64 values from 2^63 on are negative there
    if (BigInt(lo) < 0n || BigInt.asIntN(64, BigInt(hi)) < 0n) fail('ERR_INVALID_ARG_VALUE', "'list' argument must have no negative elements");
    if (BigInt(hi) >= 2n ** 31n) fail('ERR_OUT_OF_RANGE', `bincount of values up to ${hi} would need more than 2^31 bins`);
    n = Number(hi) + 1;
  }
  const bins = Math.max(n, minlength);
  if (bins === 0) return weights === undefined ? new BigInt64Array(0) : new Float64Array(0);
  const src: Source = source(a, undefined);
  return countBins(src, weights, { mode: DIST_MODES.bincount, bins, first: 0, denom: 0, sub: 0, div: 0, lo: 0, hi: 0 }, null, opts);
}
