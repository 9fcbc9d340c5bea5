/**
 * One reduction call from start to result: the prepared call, the passes numpy's answer needs (a count
 * of the masked elements for an integer mean, numpy's own two passes for some variances), the kernels,
 * the finish, and `out=` — which takes any dtype, as numpy's does: the result cast unsafely, except
 * where numpy computes in the out array itself (mean and var divide there, std's sqrt and ptp's subtract
 * cast back under same_kind, arg* need an intp-safe type, nan* of floats an inexact one).
 */
import { type DTypeName, type Scalar } from '../dtype.js';
import { fail, show } from '../errors.js';
import { promote } from '../expr/types.js';
import { SLOT } from '../gen/contract.cjs';
import { releaseTurn } from '../mapping.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { stateSize } from './kernels.js';
import { type NDResult, type Prepared, allocate, prepare, resultShape, runPrepared, scalarOf } from './reduce.js';
import { type ReduceOptions } from './reduce-options.js';
import { type ResultData } from './reductions/index.js';
import { needsNumpyVar, varNumpy } from './var-numpy.js';
import { writeResult } from './write-out.js';

/** Every output's element count through the call's mask (a bool sum of True over the same operands). */
async function maskedCounts(p: Prepared, a: MemMap): Promise<Float64Array> {
  const o = p.checked.opts;
  const c = prepare('sum', a, { axis: o.axis, where: o.where, y: o.y, vars: o.vars, expr: 'isnan(x) | True', threads: o.threads, signal: o.signal });
  const states = await runPrepared(c, o);
  // a bool sum runs count_nonzero: its n slot counts the selected elements
  const S = stateSize('count_nonzero');
  return Float64Array.from({ length: c.plan.outCount }, (_, i) => states[i * S + SLOT.count_nonzero.n]);
}

/**
 * The values of the call and the dtype they are in: `into` (out's dtype) where numpy computes in the out
 * array, else the result dtype (writeResult then casts it, as numpy's unsafe cast).
 */
async function values(p: Prepared, a: MemMap, into: DTypeName): Promise<{ data: ResultData; dtype: DTypeName }> {
  const { red, plan, checked } = p;
  if (needsNumpyVar(p)) return { data: await varNumpy(p, a, checked.opts, into), dtype: into };
  const ctx = red.needsCounts?.(p.ctx) === true ? { ...p.ctx, counts: await maskedCounts(p, a) } : p.ctx;
  const states = await runPrepared(p, checked.opts);
  await releaseTurn(); // mapping.ts: a loop of calls must leave the microtask queue now and then
  if (into !== p.result && red.finishInto !== undefined) {
    const data = allocate(into, plan.outCount);
    red.finishInto(states, plan.outCount, ctx, into, data);
    return { data, dtype: into };
  }
  const data = allocate(p.result, plan.outCount);
  red.finish(states, plan.outCount, ctx, data);
  return { data, dtype: p.result };
}

const SUMS = new Set(['sum', 'prod', 'nansum', 'nanprod']);
const EXTREMES = new Set(['min', 'max', 'nanmin', 'nanmax']);

/**
 * numpy's reductions take part of their type from `out=`: with no `dtype=`, a ufunc's reduce loop is
 * numpy's promotion of out's dtype and the values' (a uint8 sum into uint16 adds in uint16, a float32
 * sum into float64 adds in float64), and mean and nanmean of floats sum that way. The options that ask
 * the kernels for that loop, or undefined when it is the usual one.
 */
function outLoop(p: Prepared, out: DTypeName, options: ReduceOptions): ReduceOptions | undefined {
  if (p.checked.acc !== undefined) return undefined;
  const v = p.ctx.dtype.name;
  const T = promote(out, v);
  const name = p.red.name;
  if (SUMS.has(name) || (name === 'nanmean' && p.ctx.dtype.kind === 'f') || (name === 'mean' && (v === 'float32' || v === 'float64')))
    return T === p.result ? undefined : { ...options, dtype: T };
  if (EXTREMES.has(name)) return T === v ? undefined : { ...options, expr: `${T}(${options.expr ?? 'x'})` };
  return undefined;
}

/** Reduce (see reduce.ts `reduce`): everything but the lean path of small calls. */
export async function reduceAsync(name: string, a: MemMap, options: ReduceOptions): Promise<Scalar | NDResult | MemMap> {
  let p = prepare(name, a, options);
  const loop = options.out !== undefined ? outLoop(p, checkMemMap(options.out, 'out').dtype.name, options) : undefined;
  if (loop !== undefined) p = prepare(name, a, loop);
  const { red, checked } = p;
  const outShape = resultShape(checked.shape, checked.axes, checked.keepdims);
  const out = checked.opts.out;
  if (out !== undefined) {
    checkOut(out, outShape, red.name);
    red.checkOut?.(p.ctx, out.dtype.name, out.ndim);
  }
  const { data, dtype } = await values(p, a, out !== undefined ? out.dtype.name : p.result);
  if (out !== undefined) {
    writeResult(out, data, dtype);
    return out;
  }
  if (checked.axes === null && !checked.keepdims) return scalarOf(data, p.result, red);
  return { shape: outShape, dtype: p.result, data };
}

function checkOut(out: MemMap, shape: number[], name: string): void {
  out.mapping.check();
  if (out.ndim !== shape.length)
    fail('ERR_NDMMAP_SHAPE', `output parameter for reduction operation ${name} has the wrong number of dimensions: Found ${out.ndim} but expected ${shape.length}`);
  if (out.shape.join() !== shape.join())
    fail('ERR_NDMMAP_SHAPE', `output parameter has the wrong shape: expected ${show(shape)}, got ${show(out.shape)}`);
  out.checkWritable();
  out.checkFile();
}
