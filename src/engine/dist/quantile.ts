/**
 * numpy's quantile, percentile, median and their nan* variants, exact (bit-identical to numpy) over
 * files of any size: order statistics come from a radix select (select.ts) in bounded memory, never
 * a copy or a sort of the whole data; numpy's method formulas (methods.ts) finish the job.
 */
import { type DTypeName, type Scalar } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { type ReducePlan, planReduceCached } from '../plan.js';
import { type NDResult, allocate, resultShape } from '../reduce.js';
import { checkAxes } from '../reduce-options.js';
import { type Reduction, type ResultData } from '../reductions/index.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { keyKind, keyValue } from './keys.js';
import { type Method, checkMethod, isDiscrete, lerp, medianOf, planQ, quantileDtype } from './methods.js';
import { type Source, runPass, shared, source } from './pass.js';
import { selectRanks } from './select.js';
import { DIST_MODES, DIST_SPEC_HEAD, DIST_WINDOW_WORDS, native } from '../../native.js';

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
}

/** Keys of one collecting pass over axis outputs: at most 64 MiB. */
const AXIS_KEYS = 2 ** 23;
/** numpy's nanmedian uses numpy.ma's median along axes shorter than this. */
const NANMEDIAN_SMALL = 600;

type Kind = 'quantile' | 'percentile' | 'median';
const AXIS_RED = { name: 'quantile', axisTuple: true } as unknown as Reduction;
const KNOWN = new Set(['axis', 'method', 'keepdims', 'expr', 'threads', 'signal', 'onProgress']);

function checkQ(q: unknown, kind: Kind): { qs: number[]; weak: boolean } {
  const scalar = typeof q === 'number';
  const list = scalar ? [q] : Array.isArray(q) || (ArrayBuffer.isView(q) && !(q instanceof DataView)) ? Array.from(q as ArrayLike<unknown>) : null;
  if (list === null || list.some((v) => typeof v !== 'number'))
    fail('ERR_INVALID_ARG_TYPE', `q must be a number or an array of numbers, got ${show(q)}`);
  const qs = (list as number[]).map((v) => (kind === 'percentile' ? v / 100 : v));
  if (!qs.every((v) => v >= 0 && v <= 1))
    fail('ERR_OUT_OF_RANGE', kind === 'percentile' ? 'Percentiles must be in the range [0, 100]' : 'Quantiles must be in the range [0, 1]');
  return { qs, weak: scalar };
}

interface Job {
  kind: Kind; nan: boolean; method: Method; qs: number[]; weak: boolean; scalarQ: boolean;
  data: DTypeName; result: DTypeName; masked: boolean; axes: number[] | null;
}

/** The results of one output from its order statistics, into out[qi * stride + o]. */
function finishOne(job: Job, nValid: number, nNan: number, at: (r: number) => number | bigint, out: ResultData, o: number, stride: number): void {
  const put = (qi: number, v: number | bigint | boolean): void => {
    const i = qi * stride + o;
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) (out as BigInt64Array)[i] = BigInt(v as bigint);
    else (out as Float64Array)[i] = typeof v === 'boolean' ? +v : Number(v);
  };
  const count = job.kind === 'median' ? 1 : job.qs.length;
  if ((!job.nan && nNan > 0) || nValid === 0) {
    for (let qi = 0; qi < count; qi++) put(qi, NaN);
    return;
  }
  if (job.kind === 'median') {
    const two = nValid % 2 === 0;
    const h = Math.floor(nValid / 2);
    put(0, medianOf(job.data, at(two ? h - 1 : h), at(h), two, job.masked));
    return;
  }
  job.qs.forEach((q, qi) => {
    const p = planQ(job.method, nValid, q);
    if (p.discrete) put(qi, at(p.lo));
    else put(qi, lerp(job.data, job.result, at(p.lo), at(p.hi), p.gamma));
  });
}

/** The ranks one output needs. */
function ranksOf(job: Job, nValid: number, nNan: number): number[] {
  if ((!job.nan && nNan > 0) || nValid === 0) return [];
  const r = new Set<number>();
  if (job.kind === 'median') { r.add(Math.floor((nValid - 1) / 2)); r.add(Math.floor(nValid / 2)); }
  else for (const q of job.qs) { const p = planQ(job.method, nValid, q); r.add(p.lo); r.add(p.hi); }
  return [...r].sort((x, y) => x - y);
}

async function run(kind: Kind, nan: boolean, a: MemMap, q: unknown, options: QuantileOptions = {}): Promise<Scalar | NDResult> {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as QuantileOptions;
  for (const k of Object.keys(opts)) {
    if (!KNOWN.has(k) || (kind === 'median' && k === 'method'))
      fail('ERR_INVALID_ARG_VALUE', `${nan ? 'nan' : ''}${kind}() got an unexpected keyword argument '${k}'`);
  }
  const { qs, weak } = kind === 'median' ? { qs: [0.5], weak: true } : checkQ(q, kind);
  const method = checkMethod(opts.method ?? 'linear');
  if (opts.keepdims !== undefined && typeof opts.keepdims !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `keepdims must be a boolean, got ${show(opts.keepdims)}`);
  const axes = checkAxes(opts.axis, a.ndim, AXIS_RED);
  a.mapping.check();
  const src = source(a, opts.expr);
  const data = src.dtype.name;
  const plan = planReduceCached(a.layout, axes, 8);
  // numpy's nanquantile of an empty array is nanmean's answer: a float64 NaN whatever q
  if (nan && kind !== 'median' && plan.perOutput * plan.outCount === 0 && axes === null) return NaN;
  if (!nan && kind !== 'median' && plan.perOutput === 0 && plan.outCount > 0)
    fail('ERR_NDMMAP_EMPTY', 'index -1 is out of bounds for axis 0 with size 0');
  let result = kind === 'median' ? (data.startsWith('float') ? data : 'float64') : quantileDtype(data, method, weak);
  const job: Job = {
    kind, nan, method, qs, weak, scalarQ: kind === 'median' || typeof q === 'number', data,
    result, axes,
    masked: kind === 'median' && nan && axes !== null && plan.perOutput < NANMEDIAN_SMALL && plan.perOutput > 0,
  };
  const nq = kind === 'median' ? 1 : qs.length;
  let out = allocate(result, nq * plan.outCount);
  if (axes === null || plan.outCount <= 1) {
    const allNan = await oneOutput(job, src, plan, out, opts);
    // numpy's nanquantile of an all-NaN array: NaN in the data's own float type
    if (allNan && nan && kind !== 'median' && axes === null) {
      result = data;
      out = allocate(result, nq);
      out.fill(NaN as never);
    }
  } else await byAxis(job, src, plan, out, opts);
  const shape = resultShape(a.shape, axes, opts.keepdims ?? false);
  if (job.scalarQ && axes === null && !(opts.keepdims ?? false)) return scalar(out, result);
  return { shape: job.scalarQ ? shape : [nq, ...shape], dtype: result, data: out };
}

function scalar(out: ResultData, r: DTypeName): Scalar {
  const v = out[0];
  return r === 'bool' ? v !== 0 : v;
}

/** Selects and finishes the one output; true when it held only NaN. */
async function oneOutput(job: Job, src: Source, plan: ReducePlan, out: ResultData, opts: RunOptions): Promise<boolean> {
  if (plan.outCount === 0) return false;
  const kind = keyKind(src.dtype);
  const sel = await selectRanks(src, plan, kind, (nv, nn) => ranksOf(job, nv, nn), opts);
  finishOne(job, sel.nValid, sel.nNan, (r) => keyValue(kind, sel.keyAt(r)), out, 0, 1);
  return sel.nValid === 0 && sel.nNan > 0;
}

/** Output positions [lo, hi] a block writes. */
function outRange(plan: ReducePlan, b: ReducePlan['blocks'][number]): [number, number] {
  const lo = b.outBase % plan.outCount;
  let hi = lo;
  for (let i = 0; i < b.nOut; i++) hi += (b.dims[i][0] - 1) * b.dims[i][1];
  return [lo, hi];
}

/**
 * Quantiles along axes: outputs in batches whose keys fit AXIS_KEYS, each batch's keys collected in
 * one pass over the blocks that hold them, sorted per output. Outputs longer than a batch are
 * selected one at a time, as views, by the radix select.
 */
async function byAxis(job: Job, src: Source, plan: ReducePlan, out: ResultData, opts: RunOptions): Promise<void> {
  const O = plan.outCount, n = plan.perOutput;
  const kind = keyKind(src.dtype);
  if (n > AXIS_KEYS) {
    const a = src.a;
    const kept = a.shape.map((_, k) => k).filter((k) => job.axes !== null && !job.axes.includes(k));
    for (let o = 0; o < O; o++) {
      let rest = o;
      const idx = new Array<number>(kept.length);
      for (let i = kept.length - 1; i >= 0; i--) { idx[i] = rest % a.shape[kept[i]]; rest = Math.floor(rest / a.shape[kept[i]]); }
      const v = a.slice(...a.shape.map((_, k) => { const j = kept.indexOf(k); return j < 0 ? ':' : idx[j]; }));
      const vs: Source = { ...src, a: v, operands: [v] };
      const vp = planReduceCached(v.layout, null, 8);
      const sel = await selectRanks(vs, vp, kind, (nv, nn) => ranksOf(job, nv, nn), opts);
      finishOne(job, sel.nValid, sel.nNan, (r) => keyValue(kind, sel.keyAt(r)), out, o, O);
    }
    return;
  }
  const batch = Math.max(1, Math.floor(AXIS_KEYS / Math.max(n, 1)));
  for (let b0 = 0; b0 < O; b0 += batch) {
    const b1 = Math.min(O, b0 + batch);
    const spec = shared.u64(DIST_SPEC_HEAD + O + 1 + (b1 - b0) * DIST_WINDOW_WORDS);
    spec[0] = BigInt(DIST_MODES.collect); spec[1] = BigInt(O); spec[2] = 0n; spec[3] = BigInt(b1 - b0);
    for (let o = 0; o <= O; o++) spec[DIST_SPEC_HEAD + o] = BigInt(Math.min(Math.max(o - b0, 0), b1 - b0));
    const win = DIST_SPEC_HEAD + O + 1;
    for (let i = 0; i < b1 - b0; i++) {
      const at = win + i * DIST_WINDOW_WORDS;
      spec[at] = 0n; spec[at + 1] = (1n << 64n) - 1n; spec[at + 2] = 0n; spec[at + 3] = BigInt(i * n); spec[at + 4] = BigInt(n);
    }
    const keys = shared.u64((b1 - b0) * n);
    const blocks = plan.blocks.filter((bk) => { const [lo, hi] = outRange(plan, bk); return hi >= b0 && lo < b1; });
    await runPass(src, plan, kind, spec, keys, null, opts, blocks);
    const ranges: number[] = [];
    const valid: number[] = [];
    for (let i = 0; i < b1 - b0; i++) {
      const nv = Number(spec[win + i * DIST_WINDOW_WORDS + 5]);
      valid.push(nv);
      ranges.push(i * n, nv);
    }
    native.sortKeys(keys, Float64Array.from(ranges));
    for (let i = 0; i < b1 - b0; i++) {
      finishOne(job, valid[i], n - valid[i], (r) => keyValue(kind, keys[i * n + r]), out, b0 + i, O);
    }
  }
}

/**
 * numpy's `quantile(a, q, axis, method, keepdims)`: exact, in bounded memory.
 * @param q a number in [0, 1] (a scalar result) or an array of them (results stacked first)
 * @param options axis, method (numpy's 13, default 'linear'), keepdims, expr, threads, signal, onProgress
 * @example await quantile(a, [0.5, 0.99], { method: 'median_unbiased' })
 * @throws `ERR_OUT_OF_RANGE` (q outside [0, 1]), `ERR_INVALID_ARG_VALUE` (unknown method or option),
 *   `ERR_NDMMAP_DTYPE` (bool data with an interpolating method), `ERR_NDMMAP_EMPTY`, `ERR_NDMMAP_AXIS`.
 */
export const quantile = (a: MemMap, q: number | ArrayLike<number>, options?: QuantileOptions): Promise<Scalar | NDResult> => run('quantile', false, a, q, options);
/** numpy's `percentile`: quantile of q / 100 (q in [0, 100]). */
export const percentile = (a: MemMap, q: number | ArrayLike<number>, options?: QuantileOptions): Promise<Scalar | NDResult> => run('percentile', false, a, q, options);
/** numpy's `median`: NaN when a slice holds NaN; float64 for integers. */
export const median = (a: MemMap, options?: QuantileOptions): Promise<Scalar | NDResult> => run('median', false, a, undefined, options);
/** numpy's `nanquantile`: NaN skipped; an all-NaN slice gives NaN. */
export const nanquantile = (a: MemMap, q: number | ArrayLike<number>, options?: QuantileOptions): Promise<Scalar | NDResult> => run('quantile', true, a, q, options);
/** numpy's `nanpercentile`. */
export const nanpercentile = (a: MemMap, q: number | ArrayLike<number>, options?: QuantileOptions): Promise<Scalar | NDResult> => run('percentile', true, a, q, options);
/** numpy's `nanmedian`. */
export const nanmedian = (a: MemMap, options?: QuantileOptions): Promise<Scalar | NDResult> => run('median', true, a, undefined, options);
