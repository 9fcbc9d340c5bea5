/**
 * var, std and their nan* versions. numpy computes them in the accumulator type P (float64 for integers
 * and bools, the float type itself — float16 too —, or `dtype=`): the mean from a sum in P, squared
 * deviations in P, their sum in P. The kernel works in float64; numpy's overflows in P are replayed
 * from the state (n, mean, M2, min, max): a sum, a squared deviation or M2 that P cannot hold is inf.
 */
import { type DTypeName, dtype as parseDtype } from '../../dtype.js';
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
  if (acc === 'bool' && dt.kind === 'b') refuse(BOOL_SUBTRACT);
  if (nan && dt.kind === 'f' && (isInt(acc) || acc === 'bool')) refuse('If a is inexact, then dtype must be inexact');
  // numpy then computes mean, deviations and squares in that integer type, wrapping at each step
  if (isInt(acc) || acc === 'bool') refuse(`var and std with an integer or bool dtype (${acc}) are not supported; give a float dtype`);
  const nanRule = nan && dt.kind === 'f';
  // nanvar subtracts and squares in the data's own float type, even with a wider dtype=
  const dev = nanRule && dt.itemsize < parseDtype(acc).itemsize ? dt.itemsize * 8 : 0;
  // the extremes are only needed where a squared deviation can overflow the type first (float16/32)
  const narrow = acc !== 'float64' || (nanRule && dt.name !== 'float64');
  return { kernel: nanRule ? 'nanmoments' : 'moments', valueType: floatValues(dt, acc, false), param: [dev, narrow ? 1 : 0] };
}

/**
 * The variance numpy computes from a moments state (n, mean, M2, lo, hi at f[b..]): sums in P, squared
 * deviations in D (P for var; the data's own float type for nanvar, which subtracts in place).
 */
export function variance(f: Float64Array, b: number, P: DTypeName, D: DTypeName, ddof: number, nan: boolean): number {
  const n = f[b], mean = f[b + 1], m2 = f[b + 2], lo = f[b + 3], hi = f[b + 4];
  if (Number.isNaN(m2) || Number.isNaN(mean)) return NaN;
  const dof = nan ? n - ddof : Math.max(n - ddof, 0);
  if (nan && dof <= 0) return NaN;
  if (n > 0) {
    if (!Number.isFinite(roundTo(P, mean * n))) return Infinity; // numpy's mean overflowed: deviations are inf
    const dev = roundTo(D, Math.max(hi - mean, mean - lo));
    if (!Number.isFinite(roundTo(D, dev * dev))) return Infinity;
    if (!Number.isFinite(roundTo(P, m2))) return Infinity;
  }
  return roundTo(P, roundTo(P, m2) / dof);
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
      // nan* on integers are the plain functions
      const nanRule = nan && ctx.dtype.kind === 'f';
      const dev = nanRule ? ctx.dtype.name : acc;
      const { f } = views(states);
      for (let o = 0; o < count; o++) {
        const v = variance(f, o * 5, acc, dev, ctx.ddof, nanRule);
        put(out, o, roundTo(acc, std ? Math.sqrt(v) : v));
      }
    },
  };
}
