/**
 * var, std and their nan* versions. numpy computes them in the accumulator type P (float64 for integers
 * and bools, the float type itself — float16 too —, or `dtype=`): the mean from a sum in P, squared
 * deviations in P, their sum in P. The kernel works in float64; numpy's overflows in P are replayed
 * from the state (n, mean, M2, min, max): a sum, a squared deviation or M2 that P cannot hold is inf.
 * Where that is not numpy's answer — an integer or bool P, float16 rounding, nanvar's deviations in a
 * narrower type than P, a given `mean=` — the engine runs numpy's two passes instead (../var-numpy.ts);
 * both end in {@link varValue}.
 */
import { type DTypeName, dtype as parseDtype } from '../../dtype.js';
import { fail } from '../../errors.js';
import { promote } from '../../expr/types.js';
import { type KernelChoice } from '../kernels.js';
import { canCastSameKind, castUnsafe, sqrtIn, sqrtLoop } from '../out-cast.js';
import { floatValues, isFloat, isInt, put, refuse, roundTo, views } from './common.js';
import { type ReduceContext, type Reduction } from './types.js';

const BOOL_SUBTRACT = 'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.';

/** A var-family reduction, with what the engine's two-pass path needs to know. */
export interface VarReduction<N extends string = string, M extends string = string> extends Reduction<N, M, 'mean'> {
  readonly varSpec: { readonly nan: boolean; readonly std: boolean };
}

export const isVarReduction = (r: Reduction): r is VarReduction => 'varSpec' in r;

/** numpy's P: `dtype=`, else the data's float type, else float64. */
export function varAcc(ctx: ReduceContext): DTypeName {
  return ctx.acc ?? (ctx.dtype.kind === 'f' ? ctx.dtype.name : 'float64');
}

/** The dtype numpy's deviations are squared in: nanvar's the data's own float type, var's P with the data promoted. */
export function devType(ctx: ReduceContext, nan: boolean): DTypeName {
  const P = varAcc(ctx);
  if (nan && ctx.dtype.kind === 'f') return ctx.dtype.name;
  return isFloat(P) && ctx.dtype.kind === 'f' && ctx.dtype.itemsize > parseDtype(P).itemsize ? ctx.dtype.name : P;
}

/**
 * Does numpy's answer need its own two passes (the mean first)? An integer or bool P, float16 anywhere
 * (rounding after every step is most of the answer), or deviations narrower than P.
 */
export function varNeedsTwoPass(ctx: ReduceContext, nan: boolean): boolean {
  const P = varAcc(ctx), D = devType(ctx, nan);
  return !isFloat(P) || P === 'float16' || D === 'float16' || D !== P;
}

function choose(ctx: ReduceContext, nan: boolean): KernelChoice {
  const dt = ctx.dtype;
  const acc = varAcc(ctx);
  if (acc === 'bool' && dt.kind === 'b') refuse(BOOL_SUBTRACT);
  if (nan && dt.kind === 'f' && (isInt(acc) || acc === 'bool')) refuse('If a is inexact, then dtype must be inexact');
  // integer and bool P run numpy's two passes (the engine), never this kernel: any valid choice will do
  if (!isFloat(acc)) return { kernel: 'moments', valueType: 'float64', param: [0, 0] };
  const nanRule = nan && dt.kind === 'f';
  // nanvar subtracts and squares in the data's own float type, even with a wider dtype=
  const dev = nanRule && dt.itemsize < parseDtype(acc).itemsize ? dt.itemsize * 8 : 0;
  // the extremes are only needed where a squared deviation can overflow the type first (float16/32)
  const narrow = acc !== 'float64' || (nanRule && dt.name !== 'float64');
  return { kernel: nanRule ? 'nanmoments' : 'moments', valueType: floatValues(dt, acc, false), param: [dev, narrow ? 1 : 0] };
}

/**
 * numpy's sum of squared deviations in P from a moments state (n, mean, M2, lo, hi at f[b..]), deviations
 * squared in D: inf where numpy's sum, a squared deviation or M2 overflows P or D.
 */
export function sumSquares(f: Float64Array, b: number, P: DTypeName, D: DTypeName, M: DTypeName = P): { m2: number; n: number } {
  const n = f[b], mean = f[b + 1], m2 = f[b + 2], lo = f[b + 3], hi = f[b + 4];
  if (Number.isNaN(m2) || Number.isNaN(mean)) return { m2: NaN, n };
  if (n > 0) {
    if (!Number.isFinite(roundTo(P, mean * n))) return { m2: Infinity, n }; // numpy's mean overflowed: deviations are inf
    const dev = roundTo(D, Math.max(hi - mean, mean - lo));
    if (!Number.isFinite(roundTo(D, dev * dev))) return { m2: Infinity, n };
  }
  return { m2: roundTo(M, m2), n };
}

/**
 * The dtype numpy sums the squared deviations in: P, but with `out=` and no `dtype=` (floats: numpy
 * passes no dtype) the sum's loop is out's dtype promoted with the deviations' (numpy's reduce takes its
 * type from out).
 */
export function squaresSumType(ctx: ReduceContext, nan: boolean, out?: DTypeName): DTypeName {
  const P = varAcc(ctx);
  if (out === undefined || ctx.acc !== undefined || ctx.dtype.kind !== 'f') return P;
  return promote(out, devType(ctx, nan));
}

/** The divisor numpy uses: var's max(n - ddof, 0); nanvar's n - ddof, with NaN where it is not positive. */
export const divisor = (n: number, ddof: number, nan: boolean): number => (nan ? (n - ddof > 0 ? n - ddof : NaN) : Math.max(n - ddof, 0));

/**
 * numpy's var or std in `t` (P, or an `out=` dtype) from the sum of squares `m2` (in P) and the
 * divisor: m2 cast to t, divided in float64 and cast back (true_divide with casting='unsafe'); std's
 * sqrt in numpy's loop for t, cast back. `scalar`: numpy's result is a scalar (axis None, no keepdims,
 * no out), which `t(np.sqrt(v))` converts where an array would refuse the cast.
 */
export function varValue(m2: number | bigint, dof: number, t: DTypeName, std: boolean): number | bigint {
  const v = castUnsafe(Number.isNaN(dof) ? NaN : Number(castUnsafe(m2, t)) / dof, t);
  return std ? castUnsafe(sqrtIn(sqrtLoop(t), Number(v)), t) : v;
}

/** numpy's refusal of std's sqrt into a dtype it cannot hold (same_kind), before anything runs. */
export function checkSqrtInto(t: DTypeName): void {
  if (!canCastSameKind(sqrtLoop(t), t))
    fail('ERR_NDMMAP_DTYPE', `Cannot cast ufunc 'sqrt' output from dtype('${sqrtLoop(t)}') to dtype('${t}') with casting rule 'same_kind'`);
}

export function varLike<const N extends string, const M extends string>(spec: { name: N; method: M; summary: string; nan: boolean; std: boolean }): VarReduction<N, M> {
  const { nan, std } = spec;
  const nanRule = (ctx: ReduceContext): boolean => nan && ctx.dtype.kind === 'f';
  return {
    name: spec.name,
    method: spec.method,
    resultKind: 'mean',
    summary: spec.summary,
    options: ['dtype', 'where', 'ddof', 'out', 'expr'],
    axisTuple: true,
    varSpec: { nan, std },
    kernel: (ctx) => choose(ctx, nan),
    resultDtype: varAcc,
    finish(states, count, ctx, out) {
      const P = varAcc(ctx), D = devType(ctx, nanRule(ctx));
      const { f } = views(states);
      for (let o = 0; o < count; o++) {
        const { m2, n } = sumSquares(f, o * 5, P, D);
        put(out, o, varValue(m2, divisor(n, ctx.ddof, nanRule(ctx)), P, std));
      }
    },
    checkOut(ctx, out) {
      // nanvar, nanstd of floats: numpy's "If a is inexact, then out must be inexact"
      if (nanRule(ctx) && !isFloat(out)) refuse('If a is inexact, then out must be inexact');
      if (std) checkSqrtInto(out);
    },
    finishInto(states, count, ctx, outDtype, out) {
      const P = varAcc(ctx), D = devType(ctx, nanRule(ctx)), M = squaresSumType(ctx, nanRule(ctx), outDtype);
      const { f } = views(states);
      for (let o = 0; o < count; o++) {
        const { m2, n } = sumSquares(f, o * 5, P, D, M);
        put(out, o, varValue(m2, divisor(n, ctx.ddof, nanRule(ctx)), outDtype, std));
      }
    },
  };
}
