/**
 * numpy's quantile, percentile, median and their nan* variants, exact (bit-identical to numpy) over
 * files of any size: order statistics come from a radix select (select.ts) or, along axes, from one
 * pass that gathers and selects whole outputs natively (axis.ts), in memory bounded for all calls
 * together (budget.ts); numpy's method formulas (methods.ts, finish.ts) finish the job.
 */
import { type DTypeName, type Scalar } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { planReduceCached } from '../plan.js';
import { type NDResult, allocate, resultShape } from '../reduce.js';
import { checkAxes } from '../reduce-options.js';
import { type Reduction, type ResultData } from '../reductions/index.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { writeResult } from '../write-out.js';
import { type Each, byAxis, selectOne } from './axis.js';
import { type Job, castValue, finisher, put, storer } from './finish.js';
import { canCastSafe } from '../../expr/types.js';
import { checkMethod, isDiscrete, quantileDtype } from './methods.js';
import { source } from './pass.js';
import { type Quantiles, checkQDims, parseQ } from './q.js';
import { weightedQuantile } from './weighted-quantile.js';

/** Options of quantile, percentile, median and the nan* variants. */
export interface QuantileOptions extends RunOptions {
  /** Axis or axes (negative counts from the end); absent or null: every element. */
  axis?: number | readonly number[] | null;
  /** One of numpy's 13 methods; default `'linear'` (not for median). */
  method?: string;
  /** Keep reduced axes as length 1. */
  keepdims?: boolean;
  /** Take quantiles of an expression of `x` instead of the array. */
  expr?: string;
  /** Write the result into this MemMap (numpy's `out=`; the call resolves to it). */
  out?: MemMap;
  /** numpy 2's weights, with `method: 'inverted_cdf'` only: a's shape, or the reduced axes' shape. */
  weights?: MemMap;
}

/** numpy's nanmedian uses numpy.ma's median along axes shorter than this. */
const NANMEDIAN_SMALL = 600;

type Kind = Job['kind'];
const AXIS_RED = { name: 'quantile', axisTuple: true } as unknown as Reduction;
const KNOWN = new Set(['axis', 'method', 'keepdims', 'expr', 'out', 'weights', 'threads', 'signal', 'onProgress']);

function checkOut(out: unknown, shape: number[]): MemMap {
  const o = checkMemMap(out as MemMap, 'out');
  o.mapping.check();
  if (o.shape.join() !== shape.join()) fail('ERR_NDMMAP_SHAPE', `out has the wrong shape: expected ${show(shape)}, got ${show(o.shape)}`);
  o.checkWritable();
  return o;
}

/** A result array: `out` filled (and returned), a scalar for a 0-d result, else an NDResult. */
function deliver(data: ResultData, dt: DTypeName, shape: number[], out: MemMap | undefined): Scalar | NDResult | MemMap {
  if (out !== undefined) {
    const o = out.dtype.name;
    let held = data;
    if (o !== dt) { held = allocate(o, data.length); for (let i = 0; i < data.length; i++) put(held, i, o, data[i]); }
    writeResult(out, held, o);
    return out;
  }
  if (shape.length === 0) { const v = data[0]; return dt === 'bool' ? v !== 0 : v; }
  return { shape, dtype: dt, data };
}

async function run(kind: Kind, nan: boolean, a: MemMap, q: unknown, options: QuantileOptions = {}): Promise<Scalar | NDResult | MemMap> {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as QuantileOptions;
  for (const k of Object.keys(opts)) {
    if (!KNOWN.has(k) || (kind === 'median' && (k === 'method' || k === 'weights')))
      fail('ERR_INVALID_ARG_VALUE', `${nan ? 'nan' : ''}${kind}() got an unexpected keyword argument '${k}'`);
  }
  const Q: Quantiles = kind === 'median' ? { qs: [0.5], shape: [], weak: true } : parseQ(q, kind === 'percentile');
  if (opts.weights !== undefined && opts.weights !== null) return weightedQuantile(kind, nan, a, Q, opts);
  const method = checkMethod(opts.method ?? 'linear');
  if (opts.keepdims !== undefined && typeof opts.keepdims !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `keepdims must be a boolean, got ${show(opts.keepdims)}`);
  const keepdims = opts.keepdims ?? false;
  const axes = checkAxes(opts.axis, a.ndim, AXIS_RED);
  a.mapping.check();
  const src = source(a, opts.expr);
  const data = src.dtype.name;
  const plan = planReduceCached(a.layout, axes, 8);
  const outShape = resultShape(a.shape, axes, keepdims);
  const floatOf = (d: DTypeName): DTypeName => (d.startsWith('float') ? d : 'float64');
  if (nan && a.size === 0) {
    // numpy's nan* of an empty array is nanmean's answer, whatever q
    const out = opts.out === undefined ? undefined : checkOut(opts.out, outShape);
    return deliver(allocate(floatOf(data), plan.outCount).fill(NaN as never), floatOf(data), outShape, out);
  }
  if (kind !== 'median') checkQDims(Q);
  if (kind !== 'median' && !nan && plan.perOutput === 0 && plan.outCount > 0) fail('ERR_NDMMAP_EMPTY', 'index -1 is out of bounds for axis 0 with size 0');
  const natural = kind === 'median' ? floatOf(data) : quantileDtype(data, method, Q.weak);
  const shape = [...Q.shape, ...outShape];
  const out = opts.out === undefined ? undefined : checkOut(opts.out, shape);
  const interpolates = kind === 'median' || !isDiscrete(method);
  if (out !== undefined && !nan && kind !== 'median' && interpolates && !out.dtype.name.startsWith('float'))
    fail('ERR_NDMMAP_DTYPE', `Cannot cast ufunc 'add' output from dtype('${natural}') to dtype('${out.dtype.name}') with casting rule 'same_kind'`);
  // take(arr, indexes, out=out) needs out's dtype to cast safely to the data's
  if (out !== undefined && !nan && !interpolates && !canCastSafe(out.dtype.name, data))
    fail('ERR_NDMMAP_DTYPE', `Cannot cast ${shape.length === 0 ? 'scalar' : 'array data'} from dtype('${out.dtype.name}') to dtype('${data}') according to the rule 'safe'`);
  // numpy's apply_along_axis (nan* along some axes) takes the first slice's dtype for all
  const alongAxes = axes !== null && axes.length < a.ndim;
  const job: Job = {
    kind, nan, method, qs: Q.qs, data, natural,
    target: out !== undefined && !nan ? out.dtype.name : natural,
    masked: kind === 'median' && nan && alongAxes && plan.perOutput < NANMEDIAN_SMALL && plan.perOutput > 0,
  };
  const nq = Q.qs.length;
  const O = plan.outCount;
  const result = allocate(job.target, nq * O);
  if (kind === 'median' && plan.perOutput === 0) for (let i = 0; i < result.length; i++) put(result, i, job.target, NaN); // the mean of nothing
  let firstEmpty = false, anyNan = false;
  const fin = finisher(job);
  const store = storer(result, job.target);
  const each: Each = (o, s) => {
    const m = s.nValid;
    if (o === 0) firstEmpty = m === 0;
    if (s.nNan > 0) { anyNan = true; if (!nan) { for (let qi = 0; qi < nq; qi++) store(qi * O + o, NaN); return; } }
    if (m === 0) { for (let qi = 0; qi < nq; qi++) store(qi * O + o, NaN); return; }
    for (let qi = 0; qi < nq; qi++) store(qi * O + o, fin(m, s.lo(qi), s.hi(qi), s.gamma(qi)));
  };
  if (nq > 0 && plan.perOutput > 0) {
    // float64 in and out: the kernel finishes numpy's values itself (dist_axis.cc FinishRecord)
    const direct = data === 'float64' && job.target === 'float64' && job.natural === 'float64' && !job.masked && result instanceof Float64Array;
    if (alongAxes && O > 1) await byAxis(job, src, axes, each, opts, false, direct ? result : undefined);
    else if (O > 0) await selectOne(job, src, axes, 0, each, opts);
  }
  // a slice holding NaN gets the data's NaN, copied into out under same_kind casting
  if (out !== undefined && !nan && anyNan && !out.dtype.name.startsWith('float'))
    fail('ERR_NDMMAP_DTYPE', `Cannot cast ${shape.length === 0 ? 'scalar' : 'array data'} from dtype('${data}') to dtype('${out.dtype.name}') according to the rule 'same_kind'`);
  let dt = job.target;
  let values: ResultData = result;
  // nan* of an all-NaN slice: NaN in the data's own float type (the whole array), or every slice in
  // that type when the first one is all-NaN (apply_along_axis)
  if (nan && kind !== 'median' && firstEmpty && data.startsWith('float') && dt !== data && (!alongAxes || O > 0)) {
    dt = data;
    values = allocate(dt, result.length);
    for (let i = 0; i < result.length; i++) put(values, i, dt, castValue(dt, result[i]));
  }
  return deliver(values, dt, shape, out);
}

/** numpy's q: a number, or an array of numbers of any shape (nested arrays, a typed array, `{ shape, data }`). */
export type QArg = number | ArrayLike<number> | readonly unknown[] | { shape: readonly number[]; data: ArrayLike<number> };
type WithOut = QuantileOptions & { out: MemMap };
type Result = Scalar | NDResult;

/**
 * numpy's `quantile(a, q, axis, method, keepdims, out, weights)`: exact, in bounded memory.
 * @param q a number in [0, 1] (a scalar result) or an array of them of any shape (results stacked
 *   with q's shape first)
 * @param options axis, method (numpy's 13, default 'linear'), keepdims, out (the call resolves to it),
 *   weights (with method 'inverted_cdf'), expr, threads, signal, onProgress
 * @example await quantile(a, [0.5, 0.99], { method: 'median_unbiased' })
 * @throws `ERR_OUT_OF_RANGE` (q outside [0, 1]), `ERR_INVALID_ARG_VALUE` (unknown method or option, q
 *   of more than 2 dims), `ERR_NDMMAP_DTYPE` (bool data with an interpolating method, an integer out),
 *   `ERR_NDMMAP_EMPTY`, `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_SHAPE` (out, weights).
 */
export function quantile(a: MemMap, q: QArg, options: WithOut): Promise<MemMap>;
export function quantile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result>;
export function quantile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result | MemMap> { return run('quantile', false, a, q, options); }
/** numpy's `percentile`: quantile of q / 100 (q in [0, 100]). */
export function percentile(a: MemMap, q: QArg, options: WithOut): Promise<MemMap>;
export function percentile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result>;
export function percentile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result | MemMap> { return run('percentile', false, a, q, options); }
/** numpy's `median`: NaN when a slice holds NaN; float64 for integers. */
export function median(a: MemMap, options: WithOut): Promise<MemMap>;
export function median(a: MemMap, options?: QuantileOptions): Promise<Result>;
export function median(a: MemMap, options?: QuantileOptions): Promise<Result | MemMap> { return run('median', false, a, undefined, options); }
/** numpy's `nanquantile`: NaN skipped; an all-NaN slice gives NaN; an empty array nanmean's NaN. */
export function nanquantile(a: MemMap, q: QArg, options: WithOut): Promise<MemMap>;
export function nanquantile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result>;
export function nanquantile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result | MemMap> { return run('quantile', true, a, q, options); }
/** numpy's `nanpercentile`. */
export function nanpercentile(a: MemMap, q: QArg, options: WithOut): Promise<MemMap>;
export function nanpercentile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result>;
export function nanpercentile(a: MemMap, q: QArg, options?: QuantileOptions): Promise<Result | MemMap> { return run('percentile', true, a, q, options); }
/** numpy's `nanmedian`. */
export function nanmedian(a: MemMap, options: WithOut): Promise<MemMap>;
export function nanmedian(a: MemMap, options?: QuantileOptions): Promise<Result>;
export function nanmedian(a: MemMap, options?: QuantileOptions): Promise<Result | MemMap> { return run('median', true, a, undefined, options); }
