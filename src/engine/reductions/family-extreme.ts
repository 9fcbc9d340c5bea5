/**
 * min, max, nanmin, nanmax, ptp: values of the input's dtype (native byte order); NaN propagates in
 * min/max/ptp and is skipped by nanmin/nanmax (an all-NaN slice gives NaN); `initial` joins like one
 * more element and is needed with `where` (numpy has no identity for them).
 */
import { type DTypeName } from '../../dtype.js';
import { promote } from '../../expr/types.js';
import { SLOT } from '../../gen/contract.cjs';
import { kernelType, stateSize } from '../kernels.js';
import { canCastSameKind, castUnsafe } from '../out-cast.js';
import { isFloat, isUnsigned, put, refuse, roundTo, views, wrap } from './common.js';
import { type ReduceContext, type Reduction, type ResultData } from './types.js';

/** Slot k of output o (state size S) as a number, or a bigint for 64-bit integer values. */
export function valueReader(states: Float64Array, vt: DTypeName): (o: number, k: number, S: number) => number | bigint {
  const { f, i, u } = views(states);
  if (isFloat(vt)) return (o, k, S) => f[o * S + k];
  const wide = vt === 'int64' || vt === 'uint64';
  const bits = isUnsigned(vt) ? u : i;
  return wide ? (o, k, S) => bits[o * S + k] : (o, k, S) => Number(bits[o * S + k]);
}

const nanOf = (v: number | bigint): boolean => typeof v === 'number' && Number.isNaN(v);

/** numpy's maximum/minimum (NaN wins), or fmax/fmin (NaN loses). */
function pick(max: boolean, skipNan: boolean, a: number | bigint, b: number | bigint): number | bigint {
  if (nanOf(a) || nanOf(b)) return skipNan ? (nanOf(a) ? b : a) : NaN;
  return (max ? a < b : b < a) ? b : a;
}

function store(out: ResultData, o: number, v: number | bigint, rname: DTypeName): void {
  put(out, o, rname === 'bool' ? v !== 0 && v !== 0n : v);
}

export function extremeLike<const N extends string, const M extends string>(spec: { name: N; method: M; summary: string; max: boolean; nan: boolean }): Reduction<N, M, 'same'> {
  const { max, nan } = spec;
  const ufunc = nan ? (max ? 'fmax' : 'fmin') : max ? 'maximum' : 'minimum';
  return {
    name: spec.name,
    method: spec.method,
    resultKind: 'same',
    summary: spec.summary,
    options: ['where', 'initial', 'out', 'expr'],
    axisTuple: true,
    emptyError: `zero-size array to reduction operation ${ufunc} which has no identity`,
    kernel: (ctx) => ({ kernel: nan && ctx.dtype.kind === 'f' ? (max ? 'nanmax' : 'nanmin') : max ? 'max' : 'min', valueType: kernelType(ctx.dtype) }),
    resultDtype: (ctx) => ctx.dtype.name,
    finish(states, count, ctx, out) {
      const vt = kernelType(ctx.dtype);
      const read = valueReader(states, vt);
      const skip = nan && ctx.dtype.kind === 'f';
      const S = stateSize('min'); // min, max, nanmin, nanmax: one layout
      for (let o = 0; o < count; o++) {
        const n = states[o * S + SLOT.min.n];
        let v: number | bigint = n === 0 ? NaN : read(o, SLOT.min.value, S);
        if (ctx.initial !== undefined) v = n === 0 ? ctx.initial : pick(max, skip, ctx.initial, v);
        store(out, o, v, ctx.dtype.name);
      }
    },
  };
}

export const ptp: Reduction<'ptp', 'ptp', 'same'> = {
  name: 'ptp',
  method: 'ptp',
  resultKind: 'same',
  summary: 'range of values, max - min, in the input dtype (integers wrap)',
  options: ['out', 'expr'],
  axisTuple: true,
  emptyError: 'zero-size array to reduction operation maximum which has no identity',
  kernel(ctx: ReduceContext) {
    if (ctx.dtype.kind === 'b')
      refuse('numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
    return { kernel: 'minmax', valueType: kernelType(ctx.dtype) };
  },
  resultDtype: (ctx) => ctx.dtype.name,
  finish(states, count, ctx, out) {
    const name = ctx.dtype.name;
    const read = valueReader(states, kernelType(ctx.dtype));
    const S = stateSize('minmax');
    for (let o = 0; o < count; o++) put(out, o, subtractIn(name, read(o, SLOT.minmax.max, S), read(o, SLOT.minmax.min, S)));
  },
  // numpy's ptp is subtract(maximum(a, out=out), minimum(a), out=out): the max cast into out, then the
  // subtraction in the loop of (out's dtype, a's dtype), cast back under same_kind
  checkOut(ctx, out) {
    const loop = promote(out, ctx.dtype.name);
    if (!canCastSameKind(loop, out))
      refuse(`Cannot cast ufunc 'subtract' output from dtype('${loop}') to dtype('${out}') with casting rule 'same_kind'`);
  },
  finishInto(states, count, ctx, outDtype, out) {
    const read = valueReader(states, kernelType(ctx.dtype));
    const loop = promote(outDtype, ctx.dtype.name);
    for (let o = 0; o < count; o++) put(out, o, castUnsafe(subtractIn(loop, castUnsafe(read(o, 1, 3), outDtype), read(o, 0, 3)), outDtype));
  },
};

/** a - b in numpy's loop for dtype t (integers wrap). */
function subtractIn(t: DTypeName, a: number | bigint, b: number | bigint): number | bigint {
  return isFloat(t) ? roundTo(t, Number(a) - Number(b)) : wrap(t, BigInt(a) - BigInt(b));
}
