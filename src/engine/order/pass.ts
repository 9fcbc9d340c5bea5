/**
 * One pass of unique / isin / searchsorted over every element of one operand (a MemMap, or values in
 * JS memory), run block by block by native lookup[op] on the pool or inline, like a reduction pass.
 * Each block's elements carry their flat C-order index, so results land at their place for any layout.
 */
import { type DType, isSwapped } from '../../dtype.js';
import { type Layout, contiguousStrides, makeLayout } from '../../layout.js';
import { type MemMap } from '../../memmap.js';
import { planReduceCached } from '../plan.js';
import { type RunOptions, newControl, runCall, runInline, runsInline } from '../run.js';
import { type LookupTask } from '../tasks.cjs';

/**
 * The key kinds of native/order/lookup.h: what values are fetched as, so keys order them as numpy does
 * ('datetime': int64 counts whose NaT sorts last and equals nothing, as numpy's NaN).
 */
export const KIND = { float64: 0, int64: 1, uint64: 2, datetime: 3 } as const;
export type KindName = keyof typeof KIND;

/** The key kind of a dtype (bool and signed integers as int64, unsigned as uint64, floats as float64, datetime64/timedelta64 as datetime). */
export function kindOf(dt: DType): KindName {
  return dt.kind === 'f' ? 'float64' : dt.kind === 'u' ? 'uint64' : dt.kind === 'M' || dt.kind === 'm' ? 'datetime' : 'int64';
}

/** What a pass reads: a MemMap, or a typed array of `dtype` (1-D, native byte order). */
export interface Operand { memmap?: MemMap; buffer?: ArrayBufferView; dtype: DType; layout: Layout }

export function mapOperand(m: MemMap): Operand { return { memmap: m, dtype: m.dtype, layout: m.layout }; }

export function bufferOperand(buffer: ArrayBufferView, dt: DType, shape: readonly number[]): Operand {
  // native reads a buffer operand from its typed array's first byte: positions count from there
  return { buffer, dtype: dt, layout: makeLayout(dt, shape, contiguousStrides(shape, 'C'), 0) };
}

/** A progress report of a named pass (unique: 'count', 'inverse', 'gather'; searchsorted/isin: 'search'). */
export interface PassProgress { pass: string; doneBytes: number; totalBytes: number }
/** RunOptions whose onProgress also gets the pass name. */
export interface OrderRunOptions extends Omit<RunOptions, 'onProgress'> { onProgress?: (p: PassProgress) => void }

/** A typed array over shared memory when the call runs on the pool (workers write into it). */
export function sharedLike<T extends ArrayBufferView>(Ctor: new (b: ArrayBuffer | SharedArrayBuffer) => T, bytes: number, pool: boolean): T {
  return new Ctor(pool ? new SharedArrayBuffer(Math.max(8, bytes)) : new ArrayBuffer(Math.max(8, bytes)));
}

/** Will a pass over this operand run on the calling thread? */
export function inlineFor(o: Operand): boolean {
  return runsInline(o.layout.shape.reduce((t, n) => t * n, 1) * o.dtype.itemsize);
}

/**
 * Run `op` over every block of `o` with `args`; settles once no worker touches the data any more.
 * The buffer operand must be over a SharedArrayBuffer when the pass runs on the pool.
 */
export async function runPass(o: Operand, op: LookupTask['op'], kind: KindName, args: unknown[], opts: OrderRunOptions, pass: string): Promise<void> {
  o.memmap?.checkFile();
  const plan = planReduceCached(o.layout, null, 8);
  const bytes = plan.blocks.reduce((t, b) => t + b.bytes, 0);
  const inline = runsInline(bytes);
  const task: LookupTask = {
    kind: 'lookup', control: newControl(inline), op, keyKind: KIND[kind],
    operand: [o.memmap !== undefined ? o.memmap.mapping.id : -3, o.dtype.code, isSwapped(o.dtype) ? 1 : 0],
    blocks: plan.blocks, args,
  };
  if (o.buffer !== undefined) task.buffers = [o.buffer];
  const onProgress = opts.onProgress;
  const ro: RunOptions = { threads: opts.threads, signal: opts.signal, onProgress: onProgress && ((p) => onProgress({ pass, ...p })) };
  if (inline) runInline(task, bytes, ro);
  else await runCall(task, bytes, ro, o.memmap?.layout);
  o.memmap?.mapping.check();
}
