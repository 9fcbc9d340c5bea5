/**
 * mean and nanmean: numpy sums in the accumulator (float64 for integers and bools, float32 for
 * float16 data in mean, the data's own float type otherwise, or `dtype=`), then divides in it.
 */
import { type DTypeName } from '../../dtype.js';
import { type KernelChoice, kernelType } from '../kernels.js';
import { floatValues, isInt, put, refuse, roundTo, sumParam, views, wrap } from './common.js';
import { type ReduceContext, type Reduction } from './types.js';

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
  if (isInt(acc)) {
    if (ctx.where) refuse(`${nan ? 'nanmean' : 'mean'} with an integer dtype and a where mask is not supported`);
    return { kernel: 'sum_int', valueType: dt.kind === 'f' ? acc : kernelType(dt) };
  }
  return { kernel: nan && dt.kind === 'f' ? 'nansum' : 'sum_float', valueType: floatValues(dt, acc, true), param: sumParam(acc) };
}

export function meanLike(spec: { name: string; method: string; summary: string; nan: boolean }): Reduction {
  const { nan } = spec;
  const result = (ctx: ReduceContext): DTypeName => ctx.acc ?? (ctx.dtype.kind === 'f' ? ctx.dtype.name : 'float64');
  return {
    name: spec.name,
    method: spec.method,
    summary: spec.summary,
    options: ['dtype', 'where', 'out', 'expr'],
    axisTuple: true,
    kernel: (ctx) => choose(ctx, nan),
    resultDtype: result,
    finish(states, count, ctx, out) {
      const choice = choose(ctx, nan);
      const acc = sumType(ctx, nan);
      const rname = result(ctx);
      const { f, u } = views(states);
      for (let o = 0; o < count; o++) {
        if (choice.kernel === 'count_nonzero') {
          // numpy: (logical or of the values) / n, cast to bool: true unless nothing is true and n > 0
          const nz = f[o * 2], n = f[o * 2 + 1];
          put(out, o, nz > 0 || n === 0);
        } else if (choice.kernel === 'sum_int') {
          // numpy divides the wrapped integer sum and truncates the quotient into the integer dtype
          const n = ctx.perOutput!;
          const q = Number(wrap(acc, u[o])) / n;
          put(out, o, Number.isFinite(q) ? wrap(acc, BigInt(Math.trunc(q))) : 0n);
        } else {
          const s = f[o * 3], c = f[o * 3 + 1], n = f[o * 3 + 2];
          const total = roundTo(acc, 0 + (Number.isFinite(s) && c !== 0 ? s + c : s));
          put(out, o, roundTo(rname, roundTo(acc, total / n)));
        }
      }
    },
  };
}
