/**
 * var, std, nanvar and nanstd computed the way numpy's `_var`/`nanvar` compute them, in two passes,
 * where the one-pass moments kernel cannot give numpy's answer: an integer or bool `dtype=` (numpy's
 * sums wrap, its mean is truncated, its deviations and squares wrap in the promoted integer type),
 * float16 (rounded after every step), nanvar's deviations in a narrower type than the sum's, and a given
 * `mean=`. Pass 1 sums in P with keepdims and divides by the count (numpy's `true_divide(arrmean, n,
 * casting='unsafe')`); pass 2 sums numpy's squared deviations — an expression of x and that mean, typed
 * operation by operation as numpy types `arr - arrmean` — in P; the division and std's sqrt end it
 * (family-var.ts varValue). Both passes are ordinary fused reductions, so the where masks, expressions,
 * vars, layouts and threads of the call all apply.
 */
import { type DTypeName, dtype as parseDtype } from '../dtype.js';
import { fail } from '../errors.js';
import { type MemMap } from '../memmap.js';
import { type ReduceOptions } from './reduce-options.js';
import { type Prepared, allocate, prepare, resultShape, runPrepared } from './reduce.js';
import { castUnsafe } from './out-cast.js';
import { type VarReduction, checkSqrtInto, devType, divisor, squaresSumType, varAcc, varValue } from './reductions/family-var.js';
import { isFloat, views } from './reductions/common.js';
import { type ResultData } from './reductions/index.js';

/** The options of the call that the passes share (axis, where, expressions, vars, threads, signal). */
function shared(opts: ReduceOptions): ReduceOptions {
  const { axis, where, y, vars, threads, signal, onProgress } = opts;
  return { axis, where, y, vars, threads, signal, onProgress };
}

/** A name for the mean no var of the call already has. */
function meanName(opts: ReduceOptions): string {
  let name = 'ndmmap_mean';
  while (opts.vars !== undefined && name in opts.vars) name = `_${name}`;
  return name;
}

/** Run sum (or nansum) with `o`: numpy's values in the result dtype and, where the state holds it, each output's count. */
async function sums(name: string, a: MemMap, o: ReduceOptions): Promise<{ data: ResultData; dtype: DTypeName; counts?: Float64Array }> {
  const p = prepare(name, a, o);
  const states = await runPrepared(p, o);
  const data = allocate(p.result, p.plan.outCount);
  p.red.finish(states, p.plan.outCount, p.ctx, data);
  const { f } = views(states);
  const k = p.choice.kernel;
  let counts: Float64Array | undefined;
  if (k === 'sum_float' || k === 'nansum') counts = Float64Array.from({ length: p.plan.outCount }, (_, i) => f[i * 3 + 2]);
  else if (k === 'count_nonzero') counts = Float64Array.from({ length: p.plan.outCount }, (_, i) => f[i * 2 + 1]);
  else if (p.maskOperand < 0 && p.checked.mask === null) counts = new Float64Array(p.plan.outCount).fill(p.plan.perOutput);
  return { data, dtype: p.result, counts };
}

/** Elements each output reduces (nan: the non-NaN ones), through the call's mask. */
async function countOf(a: MemMap, opts: ReduceOptions, e: string, nan: boolean): Promise<Float64Array> {
  const r = await sums('sum', a, { ...shared(opts), keepdims: true, expr: nan ? `~isnan(${e})` : `isnan(${e}) | True` });
  return Float64Array.from(r.data as BigInt64Array, Number);
}

/** A typed array of dtype `t` holding `values` (float16 as float32 values, bools as 0/1). */
function typed(t: DTypeName, values: (number | bigint)[]): ResultData {
  const out = allocate(t, values.length);
  values.forEach((v, i) => { (out as unknown as (number | bigint)[])[i] = out instanceof BigInt64Array || out instanceof BigUint64Array ? BigInt(v) : Number(v); });
  return out;
}

/**
 * numpy's var-family result of a prepared call `p` (its options `opts`), in `t`: numpy's P, or the dtype
 * of `out=` (numpy sums into out, divides there, takes std's sqrt there).
 * @throws numpy's errors: std's sqrt cast into an integer array, a boolean subtract, …
 */
export async function varNumpy(p: Prepared, a: MemMap, opts: ReduceOptions, t: DTypeName): Promise<ResultData> {
  const { nan: nanOp, std } = (p.red as VarReduction).varSpec;
  const ctx = p.ctx;
  const nan = nanOp && ctx.dtype.kind === 'f';
  const P = varAcc(ctx);
  const axes = p.checked.axes;
  const scalar = axes === null && !p.checked.keepdims && opts.out === undefined;
  // numpy's sqrt of an integer array (axis given, or keepdims) must cast back into it under same_kind
  if (std && !scalar) checkSqrtInto(t);
  const e = opts.expr === undefined ? 'x' : `(${opts.expr})`;
  const MU = meanName(opts);
  let mean: unknown = opts.mean;
  let counts: Float64Array | undefined;
  if (mean === undefined) {
    const s = await sums(nan ? 'nansum' : 'sum', a, { ...shared(opts), expr: opts.expr, keepdims: true, dtype: P });
    counts = s.counts ?? (await countOf(a, opts, e, false));
    const mu = Array.from(s.data as ArrayLike<number | bigint>, (v, o) => castUnsafe(Number(v) / counts![o], P));
    mean = { data: typed(P, mu), shape: resultShape(p.checked.shape, axes, true), dtype: P };
  } else {
    counts = nan || p.maskOperand >= 0 || p.checked.mask !== null ? await countOf(a, opts, e, nan)
      : new Float64Array(p.plan.outCount).fill(p.plan.perOutput);
  }
  // numpy's squared deviations: arr - arrmean in their promoted type (nanvar: subtracted into the data's
  // own float type, NaN's places zero), squared in that type, summed in P
  const D = ctx.dtype.name;
  const expr = nan ? `where(isnan(${e}), ${D}(0), ${D}(${e} - ${MU}) * ${D}(${e} - ${MU}))` : `(${e} - ${MU}) * (${e} - ${MU})`;
  const M = squaresSumType(ctx, nan, opts.out === undefined ? undefined : t);
  const m2 = await sums('sum', a, { ...shared(opts), keepdims: p.checked.keepdims, dtype: M, expr, vars: { ...opts.vars, [MU]: mean as never } });
  if (m2.data.length !== counts.length) fail('ERR_NDMMAP_SHAPE', `mean has a shape that does not match the result of shape ${JSON.stringify(resultShape(p.checked.shape, axes, true))}`);
  const out = allocate(t, m2.data.length);
  for (let o = 0; o < out.length; o++) {
    const v = varValue(m2.data[o] as number | bigint, divisor(counts[o], ctx.ddof, nan), t, std);
    (out as unknown as (number | bigint)[])[o] = out instanceof BigInt64Array || out instanceof BigUint64Array ? BigInt(v) : Number(v);
  }
  return out;
}

/**
 * Does the one-pass moments kernel see each output as many short runs (a transposed or column-sliced
 * view)? It merges every run with Chan's update, which loses precision over 10^5 runs (1e-12 relative
 * measured) where numpy's sum over the coalesced data does not. The axis-0 loop adds whole rows instead.
 */
function shortRuns(p: Prepared): boolean {
  const b = p.plan.blocks[0];
  if (b === undefined || b.dims.length === b.nOut) return false;
  const inner = b.dims[b.dims.length - 1][0];
  const rowVector = b.nOut === 1 && b.dims.length === 2 && Math.abs(b.dims[0][2]) < Math.abs(b.dims[1][2]);
  return !rowVector && inner < 1024 && p.plan.perOutput > 4 * inner;
}

/** Is `p` a var-family call numpy computes in a way the one-pass kernel cannot follow? */
export function needsNumpyVar(p: Prepared): boolean {
  const red = p.red as Partial<VarReduction>;
  if (red.varSpec === undefined) return false;
  const nan = red.varSpec.nan && p.ctx.dtype.kind === 'f';
  const P = varAcc(p.ctx);
  const D = devType(p.ctx, nan);
  return p.checked.mean !== undefined || !isFloat(P) || P === 'float16' || D === 'float16' || parseDtype(D).itemsize !== parseDtype(P).itemsize ||
    shortRuns(p);
}
