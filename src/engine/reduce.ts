/**
 * Parallel reductions over a MemMap or view with numpy's results: plan → tasks → merge.
 */
import os from 'node:os';
import { type DType, type DTypeName, type Scalar, isSwapped } from '../dtype.js';
import { fail, show } from '../errors.js';
import { checkAxis } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { SLOTS, mergeInto, mergeOne } from './merge.js';
import { type ReduceName, REDUCE_NAMES, nativeOp, resultDtype } from './ops.js';
import { type ReducePlan, planReduce } from './plan.js';
import { type RunOptions, callBuffer, checkRunOptions, newControl, runCall, runInline, runsInline } from './run.js';
import { type ReduceTask } from './types.js';

/** Options of every reduction. */
export interface ReduceOptions extends RunOptions {
  /** Axis to reduce (negative counts from the end); default: every element. */
  axis?: number | null;
  /** var/std: delta degrees of freedom (divisor n - ddof); default 0. */
  ddof?: number;
  /** Axis reductions: write the result into this MemMap (shape and dtype must match) instead. */
  out?: MemMap;
}

/** An axis reduction's result: numpy's shape and dtype, with the values in a typed array (C order). */
export interface NDResult {
  shape: number[];
  dtype: DTypeName;
  data: Float64Array | Float32Array | BigInt64Array | BigUint64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
}

const NO_IDENTITY = new Set<ReduceName>(['min', 'max', 'argmin', 'argmax']);
const NP_NAME: Record<string, string> = { min: 'minimum', max: 'maximum', argmin: 'argmin', argmax: 'argmax' };

/**
 * Reduce `a` with numpy's semantics. Scalar for `axis` null: a bigint for int64/uint64 sums, products
 * and min/max, a boolean for bool min/max, a number otherwise — argmin/argmax give the flat index as a
 * number (always below 2^53); an `NDResult` for an axis (int64 indices in a BigInt64Array), or `out`.
 * @param name `'sum' | 'prod' | 'mean' | 'min' | 'max' | 'var' | 'std' | 'argmin' | 'argmax'`
 * @param a the memmap or view
 * @param options axis (default: all), ddof (var/std, default 0), out, threads, signal, onProgress
 * @example await reduce('std', a, { axis: 0, ddof: 1 })
 * @throws `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_EMPTY` (min/max/arg* of an empty array), `ERR_NDMMAP_CLOSED`
 *   (also when closed during the call), `ERR_NDMMAP_TRUNCATED` (file shrunk under the mapping), `ABORT_ERR`.
 */
export async function reduce(name: ReduceName, a: MemMap, options: ReduceOptions = {}): Promise<Scalar | NDResult | MemMap> {
  if (!REDUCE_NAMES.includes(name)) fail('ERR_INVALID_ARG_VALUE', `unknown reduction ${show(name)}`);
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as ReduceOptions;
  if (opts.out !== undefined) checkMemMap(opts.out, 'out');
  const l = a.layout;
  const axis = opts.axis === undefined || opts.axis === null ? null : checkAxis(opts.axis, l.shape.length);
  const ddof = opts.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) fail('ERR_INVALID_ARG_TYPE', `ddof must be a number, got ${show(ddof)}`);
  a.mapping.check();
  const plan = planReduce(l, axis);
  if (NO_IDENTITY.has(name) && plan.perOutput === 0 && plan.outCount > 0) {
    if (name.startsWith('arg')) fail('ERR_NDMMAP_EMPTY', `attempt to get ${name} of an empty sequence`);
    fail('ERR_NDMMAP_EMPTY', `zero-size array to reduction operation ${NP_NAME[name]} which has no identity`);
  }
  const rname = resultDtype(name, l.dtype);
  if (opts.out !== undefined) checkOut(opts.out, plan.outShape, rname, axis);
  a.checkFile();
  opts.out?.checkFile();
  const { task, inline, partials } = prepare(name, a, plan);
  // Inline: run and merge with no await in between (the buffers are reused by the next inline call).
  if (inline) runInline(task, plan.totalBytes, opts);
  else await runCall(task, plan.totalBytes, opts, a.layout);
  // close() during the call: blocks that had started finished, the rest were skipped — never merge those.
  a.mapping.check();
  const merged = (o: number): Scalar => mergeOne(name, l.dtype, partials, plan.groups, plan.outCount, o, plan.perOutput, ddof);
  if (axis === null) return plan.outCount === 1 && plan.blocks.length === 0 ? emptyScalar(name, l.dtype) : merged(0);
  const data = allocate(rname, plan.outCount);
  mergeInto(name, l.dtype, partials, plan.groups, plan.outCount, plan.perOutput, ddof, data, (v) => toStored(v, rname));
  if (opts.out !== undefined) {
    opts.out.assign(data);
    opts.out.flush();
    return opts.out;
  }
  return { shape: plan.outShape, dtype: rname, data };
}

/**
 * Drop pages behind the reader only when the data could not stay cached anyway (over half of RAM),
 * and never for copy-on-write mappings, whose private pages MADV_DONTNEED would discard.
 */
function releaseBehind(a: MemMap, bytes: number): boolean {
  return a.mode !== 'c' && bytes > TOTAL_MEMORY / 2;
}

/** Read once: os.totalmem() is a system call, too slow for every small reduction. */
const TOTAL_MEMORY = os.totalmem();

/** The task for a planned reduction and the slot-major partials (SLOTS × groups × outCount) it fills. */
function prepare(name: ReduceName, a: MemMap, plan: ReducePlan): { task: ReduceTask; inline: boolean; partials: Float64Array } {
  const l = a.layout;
  const length = Math.max(1, SLOTS * plan.groups * plan.outCount);
  const inline = runsInline(plan.totalBytes);
  const out = callBuffer(length * 8, inline);
  const task: ReduceTask = {
    kind: 'reduce', control: newControl(inline), mappingId: a.mapping.id, op: nativeOp(name), dtype: l.dtype.code,
    swap: isSwapped(l.dtype), out, outLength: length, blocks: plan.blocks, release: releaseBehind(a, plan.totalBytes),
  };
  return { task, inline, partials: new Float64Array(out, 0, length) };
}

/**
 * @internal Run a planned reduction's native kernels; returns the slot-major partials
 * (SLOTS × groups × outCount) that `mergeOne` (or `reducePartial`) merges. Always a buffer of its own.
 */
export async function runPlan(name: ReduceName, a: MemMap, plan: ReducePlan, opts: RunOptions): Promise<Float64Array> {
  a.checkFile();
  const { task, inline, partials } = prepare(name, a, plan);
  if (!inline) {
    await runCall(task, plan.totalBytes, opts, a.layout);
    a.mapping.check(); // closed during the call: some blocks were skipped
    return partials;
  }
  runInline(task, plan.totalBytes, opts);
  a.mapping.check();
  return partials.slice(); // the inline buffer is reused by the next call
}

/** numpy's value for a reduction over zero elements with an identity. */
function emptyScalar(name: ReduceName, dt: DType): Scalar {
  const r = resultDtype(name, dt);
  if (name === 'sum') return r === 'int64' || r === 'uint64' ? 0n : 0;
  if (name === 'prod') return r === 'int64' || r === 'uint64' ? 1n : 1;
  return NaN; // mean, var, std of nothing
}

/** @internal A typed array for `n` values of result dtype `r`. */
export function allocate(r: DTypeName, n: number): NDResult['data'] {
  switch (r) {
    case 'float64': return new Float64Array(n);
    case 'float32': case 'float16': return new Float32Array(n); // float16 values, rounded, held as float32
    case 'int64': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': case 'bool': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
  }
}

/** @internal A merged value as `allocate`'s array stores it. */
export function toStored(v: Scalar, r: DTypeName): number | bigint {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (r === 'int64' || r === 'uint64') return typeof v === 'bigint' ? v : BigInt(v);
  return typeof v === 'bigint' ? Number(v) : v;
}

function checkOut(out: MemMap, shape: number[], r: DTypeName, axis: number | null): void {
  if (axis === null) fail('ERR_INVALID_ARG_VALUE', 'out is for axis reductions; a full reduction returns a scalar');
  if (out.shape.join() !== shape.join())
    fail('ERR_NDMMAP_SHAPE', `output parameter has the wrong shape: expected ${show(shape)}, got ${show(out.shape)}`);
  if (out.dtype.name !== r) fail('ERR_NDMMAP_DTYPE', `output parameter must have dtype ${r}, got ${out.dtype.name}`);
  out.checkWritable();
}
