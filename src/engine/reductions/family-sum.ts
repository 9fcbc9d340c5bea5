/**
 * sum, prod and their nan* versions: numpy's accumulators (int64/uint64 wrapping for integers, the
 * float type itself for floats, or `dtype=`), `dtype=bool` as logical or/and, `initial`.
 */
import { type DTypeName } from '../../dtype.js';
import { type KernelChoice, accumulatorRange, kernelType } from '../kernels.js';
import { floatValues, isFloat, isInt, put, roundTo, sumDtype, sumParam, views, wrap } from './common.js';
import { type ReduceContext, type Reduction, type ResultData } from './types.js';

/** kProdFloat's flag bits (native/reduce/reduce.h ProdFlag). */
const NAN = 1, ZERO = 2, INF = 4, FIRST_ZERO = 8, FIRST_INF = 16, NEG = 32;

/** log2|x| as the kernel measures it: exponent plus (mantissa - 1), exact at powers of two. */
function log2approx(x: number): number {
  let e = Math.floor(Math.log2(x));
  if (2 ** e > x) e--;
  else if (2 ** (e + 1) <= x) e++;
  return e + (x / 2 ** e - 1);
}

/** x * 2^e without an intermediate overflow or underflow. */
function scale(x: number, e: number): number {
  const h = Math.trunc(e / 2);
  return x * 2 ** h * 2 ** (e - h);
}

/**
 * A kProdFloat state (m, e, A, B, lo, hi, flags at f[b..b+6]) as the sequential product numpy gives,
 * starting from `start` (1, or `initial`), for an accumulator overflowing at 2^hi / flushing below 2^lo.
 */
export function evalProduct(f: Float64Array, b: number, start: number): number {
  const m = f[b], e = f[b + 1], A = f[b + 2], B = f[b + 3], flags = f[b + 6];
  if (flags & NAN || Number.isNaN(start)) return NaN;
  const neg = ((flags & NEG) !== 0) !== (start < 0 || Object.is(start, -0));
  const signed = (v: number): number => (neg ? -v : v);
  if (start === 0) return flags & INF ? NaN : signed(0);
  if (!Number.isFinite(start)) return flags & ZERO ? NaN : signed(Infinity);
  const E = log2approx(Math.abs(start));
  if (E >= A) return flags & ZERO ? NaN : signed(Infinity);
  if (E < B) return flags & INF ? NaN : signed(0);
  if (flags & FIRST_ZERO) return flags & INF ? NaN : signed(0);
  if (flags & FIRST_INF) return flags & ZERO ? NaN : signed(Infinity);
  return signed(scale(Math.abs(start) * m, e));
}

function accOf(ctx: ReduceContext): DTypeName {
  return ctx.acc ?? sumDtype(ctx.dtype);
}

function choose(ctx: ReduceContext, product: boolean, nan: boolean): KernelChoice {
  const dt = ctx.dtype;
  const acc = accOf(ctx);
  // Logical or/and, and the sums and products of bools: counting is exact and fast.
  if (acc === 'bool' || (dt.name === 'bool' && !isFloat(acc))) return { kernel: 'count_nonzero', valueType: kernelType(dt) };
  if (isInt(acc)) return { kernel: product ? 'prod_int' : 'sum_int', valueType: dt.kind === 'f' ? acc : kernelType(dt) };
  const kernel = nan && dt.kind === 'f' ? (product ? 'nanprod' : 'nansum') : product ? 'prod_float' : 'sum_float';
  return { kernel, valueType: floatValues(dt, acc, !product), param: product ? accumulatorRange(acc) : sumParam(acc, ctx.buffer) };
}

function finish(product: boolean, states: Float64Array, count: number, ctx: ReduceContext, out: ResultData, choice: KernelChoice): void {
  const acc = accOf(ctx);
  const { f, u } = views(states);
  const init = ctx.initial;
  if (choice.kernel === 'count_nonzero') {
    for (let o = 0; o < count; o++) {
      const nz = f[o * 2], n = f[o * 2 + 1];
      const hit = product ? nz === n : nz > 0;
      if (acc === 'bool') { put(out, o, init === undefined ? hit : product ? hit && init !== 0 && init !== 0n : hit || (init !== 0 && init !== 0n)); continue; }
      const v = product ? BigInt(hit ? 1 : 0) : BigInt(nz);
      const i = init === undefined ? undefined : BigInt(init);
      put(out, o, wrap(acc, i === undefined ? v : product ? v * i : v + i));
    }
    return;
  }
  if (choice.kernel === 'sum_int' || choice.kernel === 'prod_int') {
    const i = init === undefined ? undefined : BigInt(init);
    for (let o = 0; o < count; o++) {
      const v = u[o];
      put(out, o, wrap(acc, i === undefined ? v : product ? v * i : v + i));
    }
    return;
  }
  if (product) {
    const S = 7;
    const start = init === undefined ? 1 : Number(init);
    for (let o = 0; o < count; o++) put(out, o, roundTo(acc, evalProduct(f, o * S, start)));
    return;
  }
  // numpy starts a sum at +0.0 (or `initial`); the kernel's -0.0 start keeps a sum of -0.0s signed until here.
  // With initial=None it starts from the first element: -0.0, the identity that keeps every sign — but
  // nansum adds the zeros it put where NaN was.
  const start = init !== undefined ? Number(init) : ctx.noIdentity ? -0 : 0;
  for (let o = 0; o < count; o++) {
    const s = f[o * 3], c = f[o * 3 + 1], n = f[o * 3 + 2];
    const s0 = ctx.noIdentity && init === undefined && choice.kernel === 'nansum' && n < ctx.perOutput! ? 0 : start;
    put(out, o, roundTo(acc, s0 + (Number.isFinite(s) && c !== 0 ? s + c : s)));
  }
}

/** A sum-like reduction module. */
export function sumLike<const N extends string, const M extends string>(spec: { name: N; method: M; summary: string; product: boolean; nan: boolean }): Reduction<N, M, 'sum'> {
  const { product, nan } = spec;
  return {
    name: spec.name,
    method: spec.method,
    resultKind: 'sum',
    summary: spec.summary,
    options: ['dtype', 'where', 'initial', 'out', 'expr'],
    axisTuple: true,
    kernel: (ctx) => choose(ctx, product, nan),
    resultDtype: (ctx) => accOf(ctx),
    finish: (states, count, ctx, out) => finish(product, states, count, ctx, out, choose(ctx, product, nan)),
  };
}
