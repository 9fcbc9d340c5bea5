/**
 * Parallel reductions over a MemMap or view with numpy's results: options → plan → native blocks on the
 * pool (or inline) → partial states combined in group order → the reduction module's finish.
 */
import os from 'node:os';
import { type DTypeName, type Scalar, dtype as parseDtype, isSwapped } from '../dtype.js';
import { type ResultArrayOf } from '../dtype-types.js';
import { fail } from '../errors.js';
import { refuseReduction } from '../dtype-guard.js';
import { DATETIME_REDUCTIONS, datetimeReduce } from './datetime-reduce.js';
import { settleSoon } from '../mapping.js';
import { MemMap, checkMemMap } from '../memmap.js';
import { KERNEL_IDS, native } from '../native.js';
import { type KernelChoice, stateSize } from './kernels.js';
import { type ReducePlan, planReduce, planReduceCached } from './plan.js';
import { type Checked, type ReduceOptions, castInitial, checkReduceOptions } from './reduce-options.js';
import { NUMPY_BUFFER } from './reductions/common.js';
import { type ReduceContext, type Reduction, type ResultData, reduction } from './reductions/index.js';
import { type RunOptions, callBuffer, newControl, releaseCallBuffer, runCall, runInline, runsInline } from './run.js';
import { reduceDescriptor } from './execute.cjs';
import { type ReduceOperand, operandRefs } from './reduce-operands.js';
import { CONTROL_BYTES, type ReduceTask } from './tasks.cjs';
import { reduceAsync } from './reduce-call.js';

export { type ReduceOptions } from './reduce-options.js';

/** A reduction's array result: numpy's shape and dtype, the values in a typed array (C order). */
export interface NDResult<R extends DTypeName = DTypeName> {
  shape: number[];
  dtype: R;
  /** float16 results are held as float32 (already rounded), bool as 0/1 bytes. */
  data: ResultArrayOf<R>;
}

/** A call, prepared: what reduce() and reducePartial() both run. */
export interface Prepared {
  red: Reduction;
  ctx: ReduceContext;
  choice: KernelChoice;
  plan: ReducePlan;
  checked: Checked;
  /** x, y and the vars read, the where mask: each laid out over the shape reduced. */
  operands: ReduceOperand[];
  maskOperand: number;
  result: DTypeName;
}

/** numpy's error for a reduction without an identity (min/max, or numpy's `initial=None`), if any. */
function emptyError(red: Reduction, initialNone: boolean): string | undefined {
  if (red.emptyError !== undefined || !initialNone) return red.emptyError;
  return `zero-size array to reduction operation ${/prod/.test(red.name) ? 'multiply' : 'add'} which has no identity`;
}

/**
 * numpy's buffer for this reduction, in elements, or 0 when its loop reads the values in place: numpy
 * buffers when it casts or byte-swaps them, and when the reduced dims of one output do not coalesce
 * into one run (a[::2] of a 2-D array; a.T does coalesce). A buffer holds whole innermost runs (8190 for
 * runs of 3); each is added to the output in the output's precision. nansum and nanmean sum a
 * contiguous copy (NaN replaced), so only a cast or a byte swap buffers them. Expressions and masks: 0
 * (numpy computes a contiguous temporary first).
 */
function numpyBuffer(c: Checked, valueType: DTypeName, nan: boolean): number {
  if (c.value !== null || c.mask !== null || c.maskOperand >= 0) return 0;
  const x = c.operands[0];
  const recast = isSwapped(x.dtype) || valueType !== x.dtype.name;
  const { shape, strides } = x.layout;
  const dims = shape.map((n, k) => ({ n, s: strides[k] })).filter((d, k) => d.n > 1 && (c.axes === null || c.axes.includes(k)))
    .sort((a, b) => Math.abs(b.s) - Math.abs(a.s));
  const runs: { n: number; s: number }[] = [];
  for (const d of dims) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.s === d.n * d.s) runs[runs.length - 1] = { n: last.n * d.n, s: d.s };
    else runs.push({ ...d });
  }
  if (!recast && (nan || runs.length <= 1)) return 0;
  const inner = nan ? Infinity : runs[runs.length - 1]?.n ?? 1;
  return inner >= NUMPY_BUFFER ? NUMPY_BUFFER : inner * Math.floor(NUMPY_BUFFER / inner);
}

/** Validate everything and plan; nothing has run yet. `allowEmpty`: a shard may reduce no elements. */
export function prepare(name: string, a: MemMap, options: unknown, allowEmpty = false): Prepared {
  const red = reduction(name);
  if (a instanceof MemMap) refuseReduction(red.name, a.dtype);
  checkMemMap(a, 'the array');
  const checked = checkReduceOptions(red, a, options);
  a.mapping.check();
  const { operands, maskOperand } = checked;
  const where = maskOperand >= 0 || checked.mask !== null;
  const base: ReduceContext = { dtype: checked.valueDtype, acc: checked.acc?.name, ddof: checked.ddof, where, noIdentity: checked.initialNone };
  const result = red.resultDtype(base);
  let initial: number | bigint | undefined;
  if (checked.initialRaw !== undefined) initial = castInitial(checked.initialRaw, parseDtype(result));
  const noIdentity = emptyError(red, checked.initialNone);
  if (where && noIdentity !== undefined && initial === undefined && red.options.includes('initial')) {
    const ufunc = /operation (\w+)/.exec(noIdentity)![1];
    fail('ERR_INVALID_ARG_VALUE', `reduction operation '${ufunc}' does not have an identity, so to use a where mask one has to specify 'initial'`);
  }
  const choice0 = red.kernel(base);
  const S = stateSize(choice0.kernel);
  const layouts = operands.map((m) => m.layout);
  const plan = layouts.length === 1 && operands[0].layout === a.layout ? planReduceCached(layouts[0], checked.axes, S * 8) : planReduce(layouts, checked.axes, S * 8);
  const nanKernel = choice0.kernel === 'nansum';
  const ctx: ReduceContext = { ...base, initial, perOutput: plan.perOutput, buffer: numpyBuffer(checked, choice0.valueType, nanKernel) };
  const choice = red.kernel(ctx);
  if (noIdentity !== undefined && plan.perOutput === 0 && !allowEmpty && initial === undefined)
    fail('ERR_NDMMAP_EMPTY', noIdentity);
  return { red, ctx, choice, plan, checked, operands, maskOperand, result };
}

/** Drop pages behind the reader only for data larger than half of RAM, never in copy-on-write mode. */
function releaseBehind(a: MemMap, bytes: number): boolean {
  return a.mode !== 'c' && bytes > TOTAL_MEMORY / 2;
}
/** Read once: os.totalmem() is a system call, too slow for every small reduction. */
const TOTAL_MEMORY = os.totalmem();

/**
 * Run a prepared call's blocks and combine the groups: the combined states, S doubles per output (a
 * buffer of its own, valid after later calls too).
 */
export async function runPrepared(p: Prepared, opts: RunOptions): Promise<Float64Array> {
  const { plan, choice } = p;
  const maps = p.operands.map((o) => o.memmap).filter((m): m is MemMap => m !== undefined);
  for (const m of maps) m.checkFile();
  const S = stateSize(choice.kernel);
  const length = Math.max(1, S * plan.groups * plan.outCount);
  const inline = runsInline(plan.totalBytes);
  const buf = callBuffer(length * 8, inline);
  const { refs, buffers } = operandRefs(p.operands, !inline);
  const x = p.operands[0].memmap!;
  const task: ReduceTask = {
    kind: 'reduce', control: newControl(inline), kernel: KERNEL_IDS[choice.kernel], valueType: parseDtype(choice.valueType).code,
    operands: refs, buffers,
    maskOperand: p.maskOperand, param: choice.param ?? [0, 0], value: p.checked.value, mask: p.checked.mask,
    valueRound: p.checked.value === null ? -1 : p.checked.valueDtype.code,
    release: releaseBehind(x, plan.totalBytes), out: buf, outLength: length, blocks: plan.blocks,
  };
  try {
    try {
      if (inline) runInline(task, plan.totalBytes, opts);
      else await runCall(task, plan.totalBytes, opts, p.operands[0].layout);
    } catch (err) {
      // a worker found the mapping gone: close() during the call, say so (the missing await)
      if ((err as { code?: unknown })?.code === 'ERR_NDMMAP_CLOSED') for (const m of maps) m.mapping.checkAfterCall(p.red.method);
      throw err;
    }
    // close() during the call: blocks that had started finished, the rest were skipped — never merge those.
    for (const m of maps) m.mapping.checkAfterCall(p.red.method);
    const states = new Float64Array(buf, 0, length);
    const combined = new Float64Array(S * plan.outCount);
    if (plan.groups > 1) native.combine(KERNEL_IDS[choice.kernel], task.valueType, Float64Array.from(task.param), states, plan.groups, combined);
    else combined.set(states.subarray(0, combined.length));
    return combined;
  } finally {
    releaseCallBuffer(buf);
  }
}

/** A result array for `n` values of dtype `r`. */
export function allocate(r: DTypeName, n: number): ResultData {
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

/** numpy's result shape: the kept dims, or every dim with the reduced ones as 1 (keepdims). */
export function resultShape(shape: readonly number[], axes: readonly number[] | null, keepdims: boolean): number[] {
  if (!keepdims) return shape.filter((_, k) => axes !== null && !axes.includes(k));
  return shape.map((n, k) => (axes === null || axes.includes(k) ? 1 : n));
}

/** One value of a result array as the scalar ndmmap returns. */
export function scalarOf(data: ResultData, r: DTypeName, red: Reduction): Scalar {
  const v = data[0];
  if (r === 'bool') return v !== 0;
  if (typeof v === 'bigint') return red.indexResult ? Number(v) : v;
  return v;
}

/**
 * The lean path of a small call with no options but `axis`: everything about it but the numbers is
 * cached per layout (plan, kernel, the one packed descriptor), so a 1,000-element sum costs about one
 * native call. Falls back (undefined) for anything else.
 */
interface Quick { desc: Float64Array; out: Float64Array; red: Reduction; ctx: ReduceContext; result: DTypeName; data: ResultData; scalar: boolean; shape: number[] }
const quick = new WeakMap<object, Map<string, Quick | null>>();

function quickEntry(name: string, a: MemMap, axis: unknown): Quick | null {
  let byLayout = quick.get(a.layout);
  if (byLayout === undefined) { byLayout = new Map(); quick.set(a.layout, byLayout); }
  const key = `${name}|${Array.isArray(axis) ? axis.join(',') : String(axis)}`;
  let q = byLayout.get(key);
  if (q !== undefined) return q;
  q = null;
  const p = prepare(name, a, axis === undefined ? {} : { axis });
  if (runsInline(p.plan.totalBytes) && p.plan.blocks.length === 1 && p.plan.groups === 1 && p.checked.value === null) {
    const S = stateSize(p.choice.kernel);
    const task: ReduceTask = {
      kind: 'reduce', control: new ArrayBuffer(CONTROL_BYTES), kernel: KERNEL_IDS[p.choice.kernel], valueType: parseDtype(p.choice.valueType).code,
      operands: [[a.mapping.id, a.dtype.code, isSwapped(a.dtype) ? 1 : 0]], maskOperand: -1, param: p.choice.param ?? [0, 0], value: null, valueRound: -1,
      mask: null, release: false, out: new ArrayBuffer(8), outLength: 0, blocks: p.plan.blocks,
    };
    q = {
      desc: reduceDescriptor(task, p.plan.blocks[0]).slice(), out: new Float64Array(S * p.plan.outCount), red: p.red, ctx: p.ctx,
      result: p.result, data: allocate(p.result, p.plan.outCount), scalar: p.checked.axes === null, shape: resultShape(a.shape, p.checked.axes, false),
    };
  }
  byLayout.set(key, q);
  return q;
}

/**
 * Reduce `a` with numpy's semantics: any of `sum prod mean min max var std argmin argmax nansum nanprod
 * nanmean nanmin nanmax nanvar nanstd nanargmin nanargmax any all count_nonzero ptp` (numpy's names, or
 * the MemMap method names such as `countNonzero`). A scalar for axis null without keepdims (a bigint
 * for 64-bit integer results, a number for indices and counts, a boolean for bool), else an
 * `NDResult`, or `out`.
 * @param options axis (int, array of ints, null), keepdims, ddof, dtype, where, initial, out, expr, y,
 *   threads, signal, onProgress — each where numpy's function takes it
 * @example await reduce('std', a, { axis: [0, 1], ddof: 1, keepdims: true })
 * @throws `ERR_INVALID_ARG_VALUE` (unknown option or reduction), `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_EMPTY`,
 *   `ERR_NDMMAP_NAN` (nanargmin of an all-NaN slice), `ERR_NDMMAP_CLOSED`, `ERR_NDMMAP_TRUNCATED`, `ABORT_ERR`.
 */
export function reduce(name: string, a: MemMap, options: ReduceOptions = {}): Promise<Scalar | NDResult | MemMap> {
  if (a instanceof MemMap && (a.dtype.kind === 'M' || a.dtype.kind === 'm') && DATETIME_REDUCTIONS.has(name))
    return Promise.resolve().then(() => datetimeReduce(name, a, options as Record<string, unknown>, reduce as never));
  // the lean path: no options but axis, a small array, one block
  if (a instanceof MemMap && !a.mapping.closed && options !== null && typeof options === 'object') {
    const keys = Object.keys(options);
    if (keys.length === 0 || (keys.length === 1 && keys[0] === 'axis')) {
      let q: Quick | null;
      try { q = quickEntry(name, a, options.axis); } catch (e) { return Promise.reject(e); }
      if (q !== null) {
        try {
          native.reduce(q.desc, q.out);
          q.red.finish(q.out, q.data.length, q.ctx, q.data);
          // settleSoon: a loop of these never leaves the microtask queue; now and then it must (mapping.ts)
          if (q.scalar) return settleSoon(scalarOf(q.data, q.result, q.red));
          return settleSoon({ shape: [...q.shape], dtype: q.result, data: q.data.slice() as ResultData });
        } catch (e) {
          return Promise.reject(e);
        }
      }
    }
  }
  return reduceAsync(name, a, options);
}

