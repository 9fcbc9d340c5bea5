/**
 * var, std and their nan* versions. numpy computes them in the accumulator type P (float64 for integers
 * and bools, the float type itself — float16 too —, or `dtype=`): the mean from a sum in P, squared
 * deviations in P, their sum in P. The kernel works in float64; numpy's overflows in P are replayed
 * from the state (n, mean, M2, min, max): a sum, a squared deviation or M2 that P cannot hold is inf.
 */
import { type DTypeName } from '../../dtype.js';
import { type KernelChoice } from '../kernels.js';
import { floatValues, isInt, put, refuse, roundTo, views } from './common.js';
import { type ReduceContext, type Reduction } from './types.js';

const BOOL_SUBTRACT = 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.';

function accOf(ctx: ReduceContext): DTypeName {
  return ctx.acc ?? (ctx.dtype.kind === 'f' ? ctx.dtype.name : 'float64');
}

function choose(ctx: ReduceContext, nan: boolean): KernelChoice {
  const dt = ctx.dtype;
  const acc = accOf(ctx);
  if (acc === 'bool') refuse(BOOL_SUBTRACT);
  if (nan && dt.kind === 'f' && isInt(acc)) refuse('If a is inexact, then dtype must be inexact');
  const values = isInt(acc) ? 'float64' : floatValues(dt, acc, false);
  return { kernel: nan && dt.kind === 'f' ? 'nanmoments' : 'moments', valueType: values };
}

/** The variance numpy computes in P from a moments state (n, mean, M2, lo, hi at f[b..]). */
export function variance(f: Float64Array, b: number, P: DTypeName, ddof: number, nan: boolean): number {
  const n = f[b], mean = f[b + 1], m2 = f[b + 2], lo = f[b + 3], hi = f[b + 4];
  if (Number.isNaN(m2) || Number.isNaN(mean)) return NaN;
  const dof = nan ? n - ddof : Math.max(n - ddof, 0);
  if (nan && dof <= 0) return NaN;
  const p = isInt(P) ? 'float64' : P;
  if (n > 0) {
    if (!Number.isFinite(roundTo(p, mean * n))) return Infinity; // numpy's mean overflowed: deviations are inf
    const dev = roundTo(p, Math.max(hi - mean, mean - lo));
    if (!Number.isFinite(roundTo(p, dev * dev))) return Infinity;
    if (!Number.isFinite(roundTo(p, m2))) return Infinity;
  }
  return roundTo(p, roundTo(p, m2) / dof);
}

export function varLike(spec: { name: string; method: string; summary: string; nan: boolean; std: boolean }): Reduction {
  const { nan, std } = spec;
  return {
    name: spec.name,
    method: spec.method,
    summary: spec.summary,
    options: ['dtype', 'where', 'ddof', 'out', 'expr'],
    axisTuple: true,
    kernel: (ctx) => choose(ctx, nan),
    resultDtype: accOf,
    finish(states, count, ctx, out) {
      const acc = accOf(ctx);
      const p = isInt(acc) ? 'float64' : acc;
      const { f } = views(states);
      for (let o = 0; o < count; o++) {
        const v = variance(f, o * 5, acc, ctx.ddof, nan);
        const r = std ? roundTo(p, Math.sqrt(v)) : v;
        put(out, o, isInt(acc) ? (Number.isFinite(r) ? BigInt(Math.trunc(r)) : 0n) : roundTo(acc, r));
      }
    },
  };
}
