/**
 * numpy 2's weighted quantiles (`weights=`, method 'inverted_cdf' only): each output's values sorted
 * with their weights, the cumulative weights in float64 divided by their total, and for each q the
 * first value whose share reaches q. Along axes the weights are a's shape or the reduced axes' shape
 * (broadcast over the kept ones, as numpy's `_weights_are_valid`). Outputs of up to WEIGHTED_CAP
 * values are gathered whole by the workers (axis.ts); longer ones go through a weighted radix select
 * (weighted-select.ts).
 */
import { type DTypeName, type Scalar } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { makeLayout } from '../../layout.js';
import { MemMap, checkMemMap } from '../../memmap.js';
import { type NDResult, allocate, reduce, resultShape } from '../reduce.js';
import { checkAxes } from '../reduce-options.js';
import { type Reduction } from '../reductions/index.js';
import { writeResult } from '../write-out.js';
import { planReduce } from '../plan.js';
import { WEIGHTED_CAP, byAxis } from './axis.js';
import { keyKind } from './keys.js';
import { weightedSelect } from './weighted-select.js';
import { castValue, put } from './finish.js';
import { type Quantiles, checkQDims } from './q.js';
import { source } from './pass.js';
import type { QuantileOptions } from './quantile.js';

const AXIS_RED = { name: 'quantile', axisTuple: true } as unknown as Reduction;

/** The weights as a view of a's shape (zero strides over the kept axes), checked as numpy does. */
function weightsView(a: MemMap, w: MemMap, axis: QuantileOptions['axis']): MemMap {
  if (w.shape.join() === a.shape.join()) return w;
  if (axis === undefined || axis === null) fail('ERR_NDMMAP_SHAPE', 'Axis must be specified when shapes of a and weights differ.');
  const user = (typeof axis === 'number' ? [axis] : [...axis]).map((k) => (k < 0 ? k + a.ndim : k));
  if (w.shape.join() !== user.map((k) => a.shape[k]).join())
    fail('ERR_NDMMAP_SHAPE', 'Shape of weights must be consistent with shape of a along specified axis.');
  const strides = a.shape.map((_, k) => { const j = user.indexOf(k); return j < 0 ? 0 : w.layout.strides[j]; });
  return new MemMap(w.mapping, makeLayout(w.dtype, a.shape, strides, w.layout.byteOffset), w.offset);
}

/** quantile/percentile (and nan*) with weights. */
export async function weightedQuantile(kind: 'quantile' | 'percentile' | 'median', nan: boolean, a: MemMap, Q: Quantiles,
  opts: QuantileOptions): Promise<Scalar | NDResult | MemMap> {
  const method = opts.method ?? 'linear';
  if (method !== 'inverted_cdf') fail('ERR_INVALID_ARG_VALUE', `Only method 'inverted_cdf' supports weights. Got: ${String(method)}.`);
  if (opts.keepdims !== undefined && typeof opts.keepdims !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `keepdims must be a boolean, got ${show(opts.keepdims)}`);
  const axes = checkAxes(opts.axis, a.ndim, AXIS_RED);
  const w = checkMemMap(opts.weights, 'weights');
  w.mapping.check();
  a.mapping.check();
  const wv = weightsView(a, w, opts.axis);
  if (w.size > 0) {
    const low = await reduce('min', w, { threads: opts.threads, signal: opts.signal });
    if (typeof low === 'bigint' ? low < 0n : (low as number) < 0) fail('ERR_INVALID_ARG_VALUE', 'Weights must be non-negative.');
  }
  const base = source(a, opts.expr);
  const src = { ...base, operands: [a, wv] };
  const data: DTypeName = base.dtype.name;
  const keepdims = opts.keepdims ?? false;
  const all = axes ?? a.shape.map((_, k) => k);
  const outShape = resultShape(a.shape, axes, keepdims);
  const perOutput = all.reduce((t, k) => t * a.shape[k], 1);
  const outCount = a.size === 0 ? a.shape.filter((_, k) => !all.includes(k)).reduce((t, n) => t * n, 1) : a.size / perOutput;
  const floatOf = (d: DTypeName): DTypeName => (d.startsWith('float') ? d : 'float64');
  if (nan && a.size === 0) return finishEmpty(allocate(floatOf(data), outCount).fill(NaN as never), floatOf(data), outShape, opts.out);
  checkQDims(Q);
  if (perOutput === 0 && outCount > 0) fail('ERR_NDMMAP_EMPTY', 'index -1 is out of bounds for axis 0 with size 0');
  const shape = [...Q.shape, ...outShape];
  const out = opts.out === undefined ? undefined : checkMemMap(opts.out, 'out');
  if (out !== undefined && out.shape.join() !== shape.join()) fail('ERR_NDMMAP_SHAPE', `Wrong shape of argument 'out', shape=${show(shape)} is required; got shape=${show(out.shape)}.`);
  const nq = Q.qs.length;
  const result = allocate(data, nq * outCount);
  let bad = false;
  if (nq > 0 && outCount > 0 && perOutput > WEIGHTED_CAP) {
    // outputs too long to gather: each by the weighted radix select, reading only its own values
    const kept = a.shape.map((_, k) => k).filter((k) => !all.includes(k));
    for (let o = 0; o < outCount; o++) {
      let rest = o;
      const idx = new Array<number>(kept.length);
      for (let i = kept.length - 1; i >= 0; i--) { idx[i] = rest % a.shape[kept[i]]; rest = Math.floor(rest / a.shape[kept[i]]); }
      const at = a.shape.map((_, k) => { const j = kept.indexOf(k); return j < 0 ? ':' : idx[j]; });
      const av = a.slice(...at), wo = wv.slice(...at);
      const sel = await weightedSelect({ ...src, a: av, operands: [av, wo] }, planReduce([av.layout, wo.layout], null, 8), keyKind(base.dtype), Q.qs, nan, opts);
      if (sel.bad) bad = true;
      for (let qi = 0; qi < nq; qi++) put(result, qi * outCount + o, data, !nan && sel.nNan > 0 ? NaN : sel.values[qi]);
    }
  } else if (nq > 0 && outCount > 0) {
    const job = { kind, nan, method: 'inverted_cdf' as const, qs: Q.qs, data, natural: data, target: data, masked: false };
    await byAxis(job, src, all, (o, s) => {
      for (let qi = 0; qi < nq; qi++) {
        if (s.nValid + s.nNan > 0 && s.hi(qi) === 1) bad = true;
        put(result, qi * outCount + o, data, (!nan && s.nNan > 0) || s.nValid === 0 ? NaN : s.lo(qi));
      }
    }, opts, true);
  }
  if (bad) fail('ERR_INVALID_ARG_VALUE', 'Weights included NaN, inf or were all zero.');
  return finishEmpty(result, data, shape, out);
}

function finishEmpty(data: ReturnType<typeof allocate>, dt: DTypeName, shape: number[], out: MemMap | undefined): Scalar | NDResult | MemMap {
  if (out !== undefined) {
    const o = out.dtype.name;
    const held = allocate(o, data.length);
    for (let i = 0; i < data.length; i++) put(held, i, o, castValue(o, data[i]));
    out.checkWritable();
    writeResult(out, held, o);
    return out;
  }
  if (shape.length === 0) { const v = data[0]; return dt === 'bool' ? v !== 0 : v; }
  return { shape, dtype: dt, data };
}
