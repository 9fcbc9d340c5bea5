/**
 * mean and nanmean: numpy sums in the accumulator (float64 for integers and bools, float32 for
 * float16 data in mean, the data's own float type otherwise, or `dtype=`), then divides: the sum cast
 * into the result (or `out=`) array, divided in float64 by the count, cast back (numpy's true_divide
 * with casting='unsafe' — an integer dtype truncates).
 */
import { type DTypeName } from '../../dtype.js';
import { type KernelChoice, kernelType } from '../kernels.js';
import { castUnsafe } from '../out-cast.js';
import { floatValues, isFloat, isInt, put, refuse, roundTo, sumParam, views, wrap } from './common.js';
import { type ReduceContext, type Reduction, type ResultData } from './types.js';

/** The type numpy adds in: `dtype=`, else float64 for integers; mean widens float16 to float32, nanmean does not. */
function sumType(ctx: ReduceContext, nan: boolean): DTypeName {
  if (ctx.acc !== undefined) return ctx.acc;
  const dt = ctx.dtype;
  if (dt.kind !== 'f') return 'float64';
  return dt.name === 'float16' && !nan ? 'float32' : dt.name;
}

function choose(ctx: ReduceContext, nan: boolean): KernelChoice {
  const dt = ctx.dtype;
  const acc = sumType(ctx, nan);
  if (nan && dt.kind === 'f' && (isInt(acc) || acc === 'bool')) refuse('If a is inexact, then dtype must be inexact');
  if (acc === 'bool') return { kernel: 'count_nonzero', valueType: kernelType(dt) };
  if (isInt(acc)) return { kernel: 'sum_int', valueType: dt.kind === 'f' ? acc : kernelType(dt) };
  return { kernel: nan && dt.kind === 'f' ? 'nansum' : 'sum_float', valueType: floatValues(dt, acc, true), param: sumParam(acc, ctx.buffer) };
}

/** Each output's sum, in the accumulator (numpy's umr_sum with dtype=), and how many elements it holds. */
function totals(states: Float64Array, count: number, ctx: ReduceContext, nan: boolean): { total: number | bigint | boolean; n: number }[] {
  const kernel = choose(ctx, nan).kernel;
  const acc = sumType(ctx, nan);
  const { f, u } = views(states);
  const out: { total: number | bigint | boolean; n: number }[] = [];
  for (let o = 0; o < count; o++) {
    if (kernel === 'count_nonzero') out.push({ total: f[o * 2] > 0, n: f[o * 2 + 1] }); // a bool sum is logical or
    else if (kernel === 'sum_int') out.push({ total: wrap(acc, u[o]), n: ctx.counts?.[o] ?? ctx.perOutput! });
    else {
      const s = f[o * 3], c = f[o * 3 + 1];
      out.push({ total: roundTo(acc, 0 + (Number.isFinite(s) && c !== 0 ? s + c : s)), n: f[o * 3 + 2] });
    }
  }
  return out;
}

/** numpy's `true_divide(total, n, out=t-array, casting='unsafe')`: the total cast to t, divided in float64, cast back. */
const divideIn = (total: number | bigint | boolean, n: number, t: DTypeName): number | bigint =>
  castUnsafe(Number(castUnsafe(total, t)) / n, t);

export function meanLike<const N extends string, const M extends string>(spec: { name: N; method: M; summary: string; nan: boolean }): Reduction<N, M, 'mean'> {
  const { nan } = spec;
  const result = (ctx: ReduceContext): DTypeName => ctx.acc ?? (ctx.dtype.kind === 'f' ? ctx.dtype.name : 'float64');
  const fill = (states: Float64Array, count: number, ctx: ReduceContext, t: DTypeName, out: ResultData): void => {
    totals(states, count, ctx, nan).forEach(({ total, n }, o) => put(out, o, divideIn(total, n, t)));
  };
  return {
    name: spec.name,
    method: spec.method,
    resultKind: 'mean',
    summary: spec.summary,
    options: ['dtype', 'where', 'out', 'expr'],
    axisTuple: true,
    kernel: (ctx) => choose(ctx, nan),
    resultDtype: result,
    // an integer sum's state holds no count: with a mask, the engine counts first
    needsCounts: (ctx) => ctx.where && choose(ctx, nan).kernel === 'sum_int',
    finish(states, count, ctx, out) {
      // numpy sums in the accumulator, then divides in the result dtype (float16 means sum in float32)
      const acc = sumType(ctx, nan), r = result(ctx);
      totals(states, count, ctx, nan).forEach(({ total, n }, o) => {
        put(out, o, isFloat(acc) && isFloat(r) ? roundTo(r, roundTo(acc, Number(total) / n)) : divideIn(total, n, r));
      });
    },
    checkOut(ctx, out) {
      if (nan && ctx.dtype.kind === 'f' && !isFloat(out)) refuse('If a is inexact, then out must be inexact');
    },
    finishInto: (states, count, ctx, outDtype, out) => fill(states, count, ctx, outDtype, out),
  };
}
