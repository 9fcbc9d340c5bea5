/**
 * numpy's `np.average(a, axis, weights, returned, keepdims)`: without weights the mean (and the count
 * as the mean's dtype); with weights `sum(a * w) / sum(w)` in numpy's result dtype (`result_type(a, w)`,
 * with float64 for integer and bool data), the product and its sum one fused pass over the file. Weights
 * have a's shape, or the shape of a along `axis` (numpy transposes and broadcasts them along it).
 */
import { type DTypeName, type Scalar, halfToNumber } from '../dtype.js';
import { fail, show } from '../errors.js';
import { promote } from '../expr/types.js';
import { sizeOf } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { type ArrayOperand, type VarValue, classify, paren } from './operands.js';
import { type NDResult, allocate, reduce } from './reduce.js';
import { checkAxes } from './reduce-options.js';
import { type ResultData, reduction } from './reductions/index.js';
import { roundTo } from './reductions/common.js';
import { type RunOptions, checkRunOptions } from './run.js';

/** Options of {@link average}: numpy's keywords, and the engine's. */
export interface AverageOptions extends RunOptions {
  /** Axis or axes to average over; null or absent: every element. */
  axis?: number | readonly number[] | null;
  /** The weight of each element: a's shape, or a's shape along `axis` (MemMap, typed array, `{ data, shape }`). */
  weights?: VarValue;
  /** Also return the sum of the weights (numpy's `returned=True`): `[avg, sumOfWeights]`. */
  returned?: boolean;
  keepdims?: boolean;
}

const OPTIONS = new Set(['axis', 'weights', 'returned', 'keepdims', 'threads', 'signal', 'onProgress']);

/** A value of `r` as a result: a scalar for a 0-d result without keepdims, else `{ shape, dtype, data }`. */
const asResult = (r: Scalar | NDResult | MemMap): NDResult | Scalar => r as NDResult | Scalar;

/** The weights' values, C order, as numbers (bigints beyond 2^53 round). */
function weightValues(w: ArrayOperand): number[] {
  if (w.memmap !== undefined) {
    const t = w.memmap.toArray();
    return (Array.isArray(t) ? (t as unknown[]).flat(64) : [t]).map((v) => Number(v));
  }
  const b = w.buffer!;
  if (w.dtype.name === 'float16') return Array.from(b as Uint16Array, halfToNumber);
  return Array.from(b as unknown as ArrayLike<number | bigint>, (v) => Number(v));
}

/** numpy's reshaping of axis-shaped weights: transposed into sorted-axis order, length 1 on a's other dims. */
function alongAxes(w: ArrayOperand, shape: readonly number[], axes: readonly number[]): { data: ResultData; shape: number[]; dtype: DTypeName } {
  const order = axes.map((ax, j) => [ax, j]).sort((p, q) => p[0] - q[0]).map(([, j]) => j); // argsort(axis)
  const values = weightValues(w);
  const wShape = w.shape;
  const tShape = order.map((j) => wShape[j]);
  const strides = wShape.map((_, d) => sizeOf(wShape.slice(d + 1)));
  const data = allocate(w.dtype.name, values.length);
  for (let i = 0; i < values.length; i++) {
    // i is a C-order index into the transposed shape; its source index permutes the coordinates back
    let rest = i, src = 0;
    for (let d = tShape.length - 1; d >= 0; d--) {
      const c = rest % tShape[d];
      rest = Math.floor(rest / tShape[d]);
      src += c * strides[order[d]];
    }
    (data as unknown as (number | bigint)[])[i] = data instanceof BigInt64Array || data instanceof BigUint64Array ? BigInt(Math.trunc(values[src])) : values[src];
  }
  return { data, shape: shape.map((n, k) => (axes.includes(k) ? n : 1)), dtype: w.dtype.name };
}

/**
 * numpy's `np.average(a, axis=None, weights=None, returned=False, keepdims=False)`.
 * @returns the average (a scalar for axis null without keepdims, else an `NDResult`), or with
 *   `returned` the pair `[average, sumOfWeights]` (the sum broadcast to the average's shape).
 * @throws `ERR_INVALID_ARG_VALUE` ("Axis must be specified when shapes of a and weights differ.",
 *   "Shape of weights must be consistent with shape of a along specified axis."), `ERR_NDMMAP_VALUE`
 *   ("Weights sum to zero, can't be normalized"), and the reductions' errors.
 * @example await average(a, { axis: 0, weights: w, returned: true }) // [avg, sum of w]
 */
export async function average(a: MemMap, options: AverageOptions = {}): Promise<Scalar | NDResult | [Scalar | NDResult, Scalar | NDResult]> {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as AverageOptions;
  for (const k of Object.keys(opts)) if (!OPTIONS.has(k)) fail('ERR_INVALID_ARG_VALUE', `unknown option '${k}' for average() (options: ${[...OPTIONS].join(', ')})`);
  if (opts.returned !== undefined && typeof opts.returned !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `returned must be a boolean, got ${show(opts.returned)}`);
  const axes = checkAxes(opts.axis, a.ndim, reduction('sum'));
  const given = opts.axis === undefined || opts.axis === null ? null : (Array.isArray(opts.axis) ? opts.axis : [opts.axis as number]).map((k) => (k < 0 ? k + a.ndim : k));
  const run = { threads: opts.threads, signal: opts.signal, onProgress: opts.onProgress };
  const kd = opts.keepdims === undefined ? {} : { keepdims: opts.keepdims };
  if (opts.weights === undefined || opts.weights === null) {
    const avg = asResult(await reduce('mean', a, { axis: axes, ...kd, ...run }));
    if (!opts.returned) return avg;
    const dt = typeof avg === 'object' ? avg.dtype : a.dtype.kind === 'f' ? a.dtype.name : 'float64';
    const n = typeof avg === 'object' ? avg.data.length : 1;
    const scl = roundTo(dt, a.size / n);
    return [avg, typeof avg === 'object' ? { shape: [...avg.shape], dtype: dt, data: allocate(dt, n).fill(scl as never) } : scl];
  }
  const w = classify('weights', opts.weights);
  if (typeof w !== 'object' || !('dtype' in w)) return fail('ERR_INVALID_ARG_TYPE', `weights must be an array (a MemMap, a typed array or { data, shape }), got ${show(opts.weights)}`);
  const rt: DTypeName = a.dtype.kind === 'f' ? promote(a.dtype.name, w.dtype.name) : promote(promote(a.dtype.name, w.dtype.name), 'float64');
  let wVar: VarValue;
  if (w.shape.join() === a.shape.join()) wVar = opts.weights;
  else {
    if (given === null) fail('ERR_INVALID_ARG_TYPE', 'Axis must be specified when shapes of a and weights differ.');
    if (w.shape.join() !== given.map((k) => a.shape[k]).join())
      fail('ERR_INVALID_ARG_VALUE', `Shape of weights must be consistent with shape of a along specified axis. (weights ${paren(w.shape)}, a ${paren(a.shape)})`);
    wVar = alongAxes(w, a.shape, given);
  }
  const sums = { axis: axes, ...kd, ...run };
  const scl = asResult(await reduce('sum', a, { ...sums, dtype: rt, expr: 'w', vars: { w: wVar } }));
  const scls = typeof scl === 'object' ? Array.from(scl.data, Number) : [Number(scl)];
  if (scls.some((v) => v === 0)) fail('ERR_NDMMAP_VALUE', "Weights sum to zero, can't be normalized");
  const num = asResult(await reduce('sum', a, { ...sums, expr: `${rt}(x) * ${rt}(w)`, vars: { w: wVar } }));
  // the division in the result dtype (float16 through float32, as numpy's half loop)
  const div = (s: number, d: number): number => roundTo(rt, rt === 'float16' ? Math.fround(s / d) : s / d);
  let avg: Scalar | NDResult;
  if (typeof num === 'object') {
    const data = allocate(rt, num.data.length);
    num.data.forEach((v, i) => { (data as Float64Array)[i] = div(Number(v), scls[scls.length === 1 ? 0 : i]); });
    avg = { shape: [...num.shape], dtype: rt, data };
  } else avg = div(Number(num), scls[0]);
  if (!opts.returned) return avg;
  if (typeof avg === 'object' && (typeof scl !== 'object' || scl.data.length !== avg.data.length)) {
    const data = allocate(rt, avg.data.length).fill(scls[0] as never);
    return [avg, { shape: [...avg.shape], dtype: rt, data }];
  }
  return [avg, scl];
}

