/**
 * numpy's `histogram`, `histogram_bin_edges` and `bincount` over a MemMap, in parallel: one native pass
 * counts every block into thread-local bins (numpy's exact bin index: the same float operations in
 * numpy's types, the ±1 correction against the edges, the last bin closed); a found range costs one
 * more pass (min and max). Weighted counts take the weights' dtype and numpy's own block order
 * (weighted.ts); string bins are numpy's estimators (estimators.ts).
 */
import { type DTypeName, isSwapped } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { DIST_BIN_PARAMS, DIST_MODES } from '../../native.js';
import { planReduceCached } from '../plan.js';
import { allocate, prepare, reduce, runPrepared } from '../reduce.js';
import { valueReader } from '../reductions/family-extreme.js';
import { type ResultData } from '../reductions/index.js';
import { kernelType } from '../kernels.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { type Outer, checkRange, equalBins, givenEdges, pyFloat, rounding, widen } from './bins.js';
import { ESTIMATORS, type Estimator, type Values, binWidth } from './estimators.js';
import { type Source, runPass, shared, source } from './pass.js';
import { type BinSpec, density, weightedCounts } from './weighted.js';

/** Options of `histogram` (numpy's keywords) and of every parallel call. */
export interface HistogramOptions extends RunOptions {
  /** A number of equal-width bins (default 10), numpy's estimator name ('auto', 'fd', …), or increasing edges. */
  bins?: number | string | ArrayLike<number>;
  /** [lower, upper] of equal-width bins; default: the data's min and max (one more pass). */
  range?: readonly [number, number];
  /** A MemMap of a's shape: each value counts its weight instead of 1; counts take the weights' dtype. */
  weights?: MemMap;
  /** Probability density: count / bin width / total. */
  density?: boolean;
  /** Histogram of an expression of `x` (the array) instead of the array itself. */
  expr?: string;
}

/** numpy's `(hist, bin_edges)`: the counts (int64, the weights' dtype, or float64 densities) and the edges. */
export interface Histogram {
  counts: ResultData;
  /** numpy's dtype of the counts (float16 values are held in a Float32Array, bool as 0/1 bytes). */
  countsDtype: DTypeName;
  edges: Float64Array;
  /** numpy's dtype of the edges: float64, or the data's float32/float16 (values held as float64). */
  edgesDtype: DTypeName;
}

const KNOWN = new Set(['bins', 'range', 'weights', 'density', 'expr', 'threads', 'signal', 'onProgress']);
/** Values the estimators copy (or read in place) at most: their arithmetic needs the values in order. */
const ESTIMATOR_VALUES = 2 ** 26;

function checkWeights(a: MemMap, w: unknown): MemMap | undefined {
  if (w === undefined || w === null) return undefined;
  const m = checkMemMap(w as MemMap, 'weights');
  m.mapping.check();
  if (m.shape.join() !== a.shape.join()) fail('ERR_NDMMAP_SHAPE', 'weights should have the same shape as a.');
  return m;
}

/** The min and max of the values (one pass of the ptp kernel), as numbers or bigints. */
async function minMax(a: MemMap, expr: string | undefined, opts: RunOptions): Promise<[number | bigint, number | bigint]> {
  if (a.dtype.kind === 'b' && expr === undefined) {
    // ptp refuses bool (numpy's subtract does); numpy's histogram reads bool as uint8
    const o = { threads: opts.threads, signal: opts.signal };
    const [lo, hi] = await Promise.all([reduce('min', a, o), reduce('max', a, o)]);
    return [Number(lo), Number(hi)];
  }
  const p = prepare('ptp', a, expr === undefined ? {} : { expr });
  const states = await runPrepared(p, opts);
  const read = valueReader(states, kernelType(p.ctx.dtype));
  return [read(0, 0, 3), read(0, 1, 3)];
}

/** numpy's `_get_outer_edges`: the range, the data's extremes, or [0, 1] for no data; equal ends widened. */
async function outerEdges(src: Source, range: unknown, opts: RunOptions): Promise<Outer> {
  const a = src.a;
  if (range !== undefined && range !== null) {
    const [first, last] = checkRange(range);
    return widen({ first, last, found: false }, src.dtype.name);
  }
  if (a.size === 0) return { first: 0, last: 1, found: false };
  const [lo, hi] = await minMax(a, src.value === null ? undefined : (src as Source & { expr?: string }).expr, opts);
  const first = Number(lo), last = Number(hi);
  if (!Number.isFinite(first) || !Number.isFinite(last)) fail('ERR_INVALID_ARG_VALUE', `autodetected range of [${pyFloat(first)}, ${pyFloat(last)}] is not finite`);
  // numpy's _unsigned_subtract: integer ranges are differenced exactly, as uint64
  const exact = typeof lo === 'bigint' || src.dtype.kind !== 'f' ? Number(BigInt.asUintN(64, BigInt(hi) - BigInt(lo))) : undefined;
  return widen({ first, last, found: true, exactDelta: exact }, src.dtype.name);
}

/** The values in numpy's C order, trimmed to the range, for the estimators. */
function estimatorValues(src: Source, o: Outer, trim: boolean): Values {
  const a = src.a;
  if (src.value !== null) fail('ERR_INVALID_ARG_VALUE', "string bins read the array's values in order, so they cannot be used with expr");
  if (a.size > ESTIMATOR_VALUES) fail('ERR_NDMMAP_SIZE', `string bins need the values in memory: at most ${ESTIMATOR_VALUES} of them, got ${a.size}`);
  const dt: DTypeName = a.dtype.kind === 'b' ? 'uint8' : a.dtype.name;
  let v: ArrayLike<number>;
  if (a.order === 'C' && !isSwapped(a.dtype) && !['float16', 'bool', 'int64', 'uint64'].includes(a.dtype.name)) v = a.typedArray() as ArrayLike<number>;
  else {
    const flat = a.reshape([-1]);
    v = Float64Array.from({ length: a.size }, (_, i) => Number(flat.get(i)));
  }
  if (trim) {
    // a >= first and a <= last, numpy's comparisons with Python floats (cast to a float array's type)
    const c = dt.startsWith('float') ? (dt === 'float32' ? Math.fround : dt === 'float16' ? rounding('float16') : (x: number) => x) : (x: number) => x;
    const lo = c(o.first), hi = c(o.last);
    let keep = 0;
    for (let i = 0; i < v.length; i++) if (v[i] >= lo && v[i] <= hi) keep++;
    if (keep !== v.length) {
      const t = new Float64Array(keep);
      let k = 0;
      for (let i = 0; i < v.length; i++) if (v[i] >= lo && v[i] <= hi) t[k++] = v[i];
      v = t;
    }
  }
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < v.length; i++) { if (v[i] < min) min = v[i]; if (v[i] > max) max = v[i]; }
  return { v, dt, min, max };
}

interface Bins { edges: Float64Array; edgesDtype: DTypeName; spec: BinSpec }

/** numpy's `_get_bin_edges`. */
async function binEdges(src: Source, opts: HistogramOptions, weights: MemMap | undefined): Promise<Bins> {
  const bins = opts.bins ?? 10;
  const isF = src.dtype.kind === 'f';
  if (typeof bins === 'string') {
    if (!(ESTIMATORS as readonly string[]).includes(bins)) fail('ERR_INVALID_ARG_VALUE', `'${bins}' is not a valid estimator for \`bins\``);
    if (weights !== undefined) fail('ERR_INVALID_ARG_VALUE', 'Automated estimation of the number of bins is not supported for weighted data');
    const o = await outerEdges(src, opts.range, opts);
    const x = estimatorValues(src, o, opts.range !== undefined && opts.range !== null);
    let n = 1;
    if (x.v.length > 0) {
      let width = await binWidth(bins as Estimator, x, (nb) => countBins(src, equalBins(o, nb, src.dtype.name, isF).spec, equalBins(o, nb, src.dtype.name, isF).edges, opts));
      if (width) {
        if (!x.dt.startsWith('float') && width < 1) width = 1;
        // delta / width in numpy's types: a found range's delta is the data's float type (integers exact)
        const delta = o.found ? o.exactDelta ?? rounding(src.dtype.name)(o.last - o.first) : o.last - o.first;
        const narrow = o.found && isF && ['rice', 'scott', 'stone'].includes(bins) ? rounding(src.dtype.name) : (y: number) => y;
        n = Math.ceil(narrow(delta / width));
      }
    }
    return equalBins(o, n, src.dtype.name, isF);
  }
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins)) fail('ERR_INVALID_ARG_TYPE', '`bins` must be an integer, a string, or an array');
    if (bins < 1) fail('ERR_INVALID_ARG_VALUE', '`bins` must be positive, when an integer');
    return equalBins(await outerEdges(src, opts.range, opts), bins, src.dtype.name, isF);
  }
  if (bins === null || typeof bins !== 'object') fail('ERR_INVALID_ARG_TYPE', '`bins` must be an integer, a string, or an array');
  return givenEdges(bins as ArrayLike<unknown>);
}

function prepareSource(a: MemMap, opts: HistogramOptions, name: string): { src: Source; weights: MemMap | undefined } {
  checkMemMap(a, 'the array');
  for (const k of Object.keys(opts)) if (!KNOWN.has(k) || (name === 'histogram_bin_edges' && k === 'density')) fail('ERR_INVALID_ARG_VALUE', `${name}() got an unexpected keyword argument '${k}'`);
  const weights = checkWeights(a, opts.weights);
  if (opts.density !== undefined && typeof opts.density !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `density must be a boolean, got ${show(opts.density)}`);
  a.mapping.check();
  const src = source(a, opts.expr);
  if (src.dtype.kind === 'b') src.dtype = { ...src.dtype, name: 'uint8', kind: 'u' } as typeof src.dtype; // numpy converts bool to uint8
  return { src: { ...src, expr: opts.expr } as Source, weights };
}

/**
 * numpy's `histogram(a, bins, range, weights, density)` over every element (views and expressions too).
 * @example const { counts, edges } = await histogram(a, { bins: 'auto' })
 * @throws `ERR_INVALID_ARG_VALUE` (numpy's ValueError texts: bins, range, autodetected range not finite,
 *   too many bins, an unknown estimator, estimators with weights), `ERR_NDMMAP_SHAPE` (weights),
 *   `ERR_NDMMAP_DTYPE` (bool weights with given edges), `ERR_INVALID_ARG_TYPE`.
 */
export async function histogram(a: MemMap, options: HistogramOptions = {}): Promise<Histogram> {
  const opts = checkRunOptions(options) as HistogramOptions;
  const { src, weights } = prepareSource(a, opts, 'histogram');
  const { edges, edgesDtype, spec } = await binEdges(src, opts, weights);
  let counts: ResultData;
  let countsDtype: DTypeName = 'int64';
  if (weights === undefined) counts = await countBins(src, spec, edges, opts);
  else { counts = await weightedCounts(src, weights, spec, edges, opts); countsDtype = weights.dtype.name; }
  if (opts.density) {
    const r = rounding(edgesDtype);
    const widths = Float64Array.from({ length: edges.length - 1 }, (_, i) => r(edges[i + 1] - edges[i]));
    return { counts: density(counts as ArrayLike<number | bigint>, countsDtype, widths), countsDtype: 'float64', edges, edgesDtype };
  }
  return { counts, countsDtype, edges, edgesDtype };
}

/**
 * numpy's `histogram_bin_edges(a, bins, range, weights)`: the edges histogram() would use.
 * @example const { edges } = await histogramBinEdges(a, { bins: 'fd' })
 * @throws as histogram().
 */
export async function histogramBinEdges(a: MemMap, options: Omit<HistogramOptions, 'density'> = {}): Promise<{ edges: Float64Array; edgesDtype: DTypeName }> {
  const opts = checkRunOptions(options) as HistogramOptions;
  const { src, weights } = prepareSource(a, opts, 'histogram_bin_edges');
  const { edges, edgesDtype } = await binEdges(src, opts, weights);
  return { edges, edgesDtype };
}

/** One counting pass: int64 counts (weighted bincount: float64 sums added in element order). */
async function countBins(src: Source, b: BinSpec, edges: Float64Array | null, opts: RunOptions, weights?: MemMap): Promise<BigInt64Array | Float64Array> {
  const params = shared.f64(DIST_BIN_PARAMS);
  params.set([b.mode, b.bins, b.first, b.denom, b.sub, weights === undefined ? -1 : 1, b.lo, b.hi, b.div, 0, 0, 0, weights === undefined ? 0 : 1]);
  const valueType = b.mode === DIST_MODES.bincount ? 'int64' : 'float64';
  if (weights === undefined) {
    const plan = planReduceCached(src.a.layout, null, 8);
    const out = shared.i64(b.bins);
    if (plan.outCount > 0 && plan.perOutput > 0) await runPass(src, plan, valueType, params, out, edges, opts);
    return new BigInt64Array(out);
  }
  // numpy's bincount adds the weights one after the other: one thread walks the (1-D) array in order
  const a = src.a, n = a.size, chunk = 2 ** 20;
  const strides = [a.layout.strides[0] * a.itemsize, weights.layout.strides[0] * weights.itemsize];
  const blocks = [];
  for (let s = 0; s < n; s += chunk) {
    const len = Math.min(chunk, n - s);
    blocks.push({ pos: [a.layout.byteOffset + s * strides[0], weights.layout.byteOffset + s * strides[1]], dims: [[len, 0, ...strides]], nOut: 0, indexBase: 0, outBase: 0, bytes: len * (a.itemsize + weights.itemsize) });
  }
  const out = shared.f64(b.bins);
  if (n > 0) await runPass(src, { blocks } as never, valueType, params, out, null, { ...opts, threads: 1 }, blocks, [weights]);
  return new Float64Array(out);
}

/** Options of `bincount`. */
export interface BincountOptions extends RunOptions {
  /** At least this many bins (numpy's `minlength`, default 0). */
  minlength?: number;
  /** Weights: a MemMap of a's shape, of any numeric or bool dtype (float64 sums per value). */
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
  // numpy answers an empty input with int64 zeros, weights or not
  if (a.size === 0) return new BigInt64Array(minlength);
  const [lo, hi] = await minMax(a, undefined, opts);
  // numpy casts to int64 first: uint64 values from 2^63 on are negative there
  if (BigInt(lo) < 0n || BigInt.asIntN(64, BigInt(hi)) < 0n) fail('ERR_INVALID_ARG_VALUE', "'list' argument must have no negative elements");
  if (BigInt(hi) >= 2n ** 31n) fail('ERR_OUT_OF_RANGE', `bincount of values up to ${hi} would need more than 2^31 bins`);
  const bins = Math.max(Number(hi) + 1, minlength);
  return countBins(source(a, undefined), { mode: DIST_MODES.bincount, bins, first: 0, denom: 0, sub: 0, div: 0, lo: 0, hi: 0 }, null, opts, weights);
}

