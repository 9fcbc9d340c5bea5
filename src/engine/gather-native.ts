/**
 * The native gather (native/gather/, contract `gather` descriptor): numpy's `take` as byte copies from
 * the held mapping of the source straight into the result — a MemMap (`out`, a new `.npy`) or JS
 * memory (an NDResult's buffer) — split by output slabs across the pool; and the positions of the
 * non-zero entries of a mask (`compress`), counted per block then written per block at its offset.
 * Callers validate every index before this runs; the kernel checks them again and refuses, never reads
 * past the source.
 */
import { byteExtent } from '../layout.js';
import { type MemMap } from '../memmap.js';
import * as contract from '../gen/contract.cjs';
import { native } from '../native.js';
import { type RunOptions, newControl, runCall, runInline, runsInline, threadsFor } from './run.js';
import { type GatherTask } from './tasks.cjs';

/** Output bytes one take block copies (a few MiB: balanced across threads, cheap to claim). */
const BLOCK_BYTES = 4 * 2 ** 20;
/** Mask entries one count/indices block reads. */
const MASK_BLOCK = 2 ** 22;
const MODE = { take: 0, count: 1, indices: 2 } as const;

/** A 1-D operand of the kernel: a mapping (id ≥ 0) or a JS buffer; positions and steps in bytes. */
export interface Operand1D {
  id: number;
  dtype: number;
  swap: 0 | 1;
  pos: number;
  step: number;
  length: number;
  buffer?: ArrayBufferView;
  /** A result block of the addon (native.resultBuffer's id) as the target of maskPositions' write. */
  arena?: number;
  /** The MemMap a mapped operand reads (to tell whether a target overlaps it). */
  mem?: MemMap;
}

/** Do `x` and `y` share bytes of one file? (Files compared by device and inode, as apply does.) */
export function overlaps(x: MemMap, y: MemMap): boolean {
  if (!x.mapping.sameFile(y.mapping)) return false;
  const [a0, a1] = byteExtent(x.layout);
  const [b0, b1] = byteExtent(y.layout);
  return a0 < b1 && b0 < a1;
}

/**
 * Where a take writes: a MemMap view of shape [outer..., N, inner...], or C-order bytes in memory — a
 * JS buffer, or a result buffer of the addon (`arena`: native.resultBuffer's id) the pool writes into.
 */
export type GatherTarget = { mem: MemMap; swap: 0 | 1 } | { buf: Uint8Array; swap: 0 | 1 } | { arena: number; swap: 0 | 1 };

/**
 * Memory for an in-memory take result of `bytes`: on the pool, a result buffer of the addon (an
 * ArrayBuffer the calling isolate frees as soon as it is dropped, unlike a SharedArrayBuffer, which
 * lives until every isolate it was posted to runs a full collection: a loop of calls then faulted in
 * fresh memory for every result, ~10x the copy) — and the block of a result freed earlier is reused
 * as it is, its pages already faulted in; inline, a plain ArrayBuffer.
 */
export function resultMemory(bytes: number, pool: boolean): { buffer: ArrayBuffer; target: { arena: number } | { buf: Uint8Array } } {
  if (!pool) { const buffer = new ArrayBuffer(bytes); return { buffer, target: { buf: new Uint8Array(buffer) } }; }
  const { id, buffer } = native.resultBuffer(bytes, true); // dirty: a take writes every byte of its result
  return { buffer, target: { arena: id } };
}

/** Bytes of a buffer that workers can share (a SharedArrayBuffer for pool calls). */
export function sharedBytes(bytes: number, pool: boolean): ArrayBuffer | SharedArrayBuffer {
  return pool ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** A copy of `b` over a SharedArrayBuffer when a pool call must read it (as is otherwise). */
export function shareable<T extends ArrayBufferView>(b: T, pool: boolean): T {
  if (!pool || b.buffer instanceof SharedArrayBuffer) return b;
  const s = new SharedArrayBuffer(b.byteLength);
  new Uint8Array(s).set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  return new (b.constructor as new (buf: SharedArrayBuffer) => T)(s);
}

type Dim = [number, number, number];

/**
 * Dims (length, src stride, dst stride) with the length-1 ones dropped and neighbours merged where
 * both arrays step through them as one: a C-contiguous slab becomes one dim, one memcpy in the kernel.
 */
function collapse(dims: Dim[]): Dim[] {
  const out: Dim[] = [];
  for (const d of dims) {
    if (d[0] === 1) continue;
    const p = out[out.length - 1];
    if (p !== undefined && p[1] === d[1] * d[0] && p[2] === d[2] * d[0]) out[out.length - 1] = [p[0] * d[0], d[1], d[2]];
    else out.push([...d]);
  }
  return out;
}

const sizeOfDims = (dims: Dim[]): number => dims.reduce((n, d) => n * d[0], 1);

/** Operands of a call as (id, buffers list): buffers get ids -3 - b. */
function refOf(buffers: ArrayBufferView[], o: { id: number; buffer?: ArrayBufferView }): number {
  if (o.buffer === undefined) return o.id;
  buffers.push(o.buffer);
  return -3 - (buffers.length - 1);
}

async function run(task: GatherTask, bytes: number, pool: boolean, opts: RunOptions, held: MemMap[]): Promise<void> {
  if (!pool) runInline(task, bytes, opts);
  else await runCall(task, bytes, opts);
  for (const m of held) m.mapping.check();
}

/**
 * Will a take of `slabs` output slabs of `slabBytes` each run on the pool? (Its JS buffers — indices,
 * an in-memory result — must then be SharedArrayBuffers.)
 */
export function takeOnPool(slabs: number, slabBytes: number): boolean {
  return !runsInline(slabs * slabBytes);
}

/**
 * dst[o, j, i] = src[o, idx[j], i] for every outer position o (the axes before `axis`), index j and
 * inner position i (the axes after it), as bytes (byte-swapped when `dst.swap`), in parallel blocks of
 * whole output slabs.
 */
export async function gatherTake(src: MemMap, axis: number, idx: Operand1D, dst: GatherTarget, opts: RunOptions): Promise<void> {
  const s = src.layout, item = s.dtype.itemsize, shape = s.shape, N = idx.length;
  const dstStrides = 'mem' in dst ? dst.mem.layout.strides.map((x) => x * item) : cStrides([...shape.slice(0, axis), N, ...shape.slice(axis + 1)], item);
  // the target has the source's dims but the axis (N long): dim d is dim d of both
  const dims = (lo: number, hi: number): Dim[] => shape.slice(lo, hi).map((l, k) => [l, s.strides[lo + k] * item, dstStrides[lo + k]]);
  const outer = collapse(dims(0, axis));
  const inner = collapse(dims(axis + 1, shape.length));
  const slabs = sizeOfDims(outer) * N;
  const slabBytes = sizeOfDims(inner) * item;
  if (slabs === 0 || slabBytes === 0) return;
  const pool = takeOnPool(slabs, slabBytes);
  // workers get a structured clone of each buffer: one they write must be shared, or its bytes are lost
  if (pool && 'buf' in dst && !(dst.buf.buffer instanceof SharedArrayBuffer)) throw new Error('gatherTake: a pool call needs a shared target buffer');
  const buffers: ArrayBufferView[] = [];
  const idxId = refOf(buffers, idx);
  const dstId = 'mem' in dst ? dst.mem.mapping.id : 'buf' in dst ? refOf(buffers, { id: 0, buffer: dst.buf }) : -1;
  const desc = new Float64Array(contract.GATHER.SIZE + 3 * (outer.length + inner.length));
  let k = contract.packGather(desc, {
    mode: MODE.take, p0: 0, p1: 0, o0: 0, n: shape[axis], nIdx: N, nDst: N,
    idxId, idxDtype: idx.dtype, idxSwap: idx.swap, idxPos: idx.pos, idxStep: idx.step,
    srcId: src.mapping.id, srcPos: s.byteOffset, srcStep: s.strides[axis] * item,
    dstId, dstPos: 'mem' in dst ? dst.mem.layout.byteOffset : 0, dstStep: dstStrides[axis],
    item, swap: dst.swap, nOuter: outer.length, nInner: inner.length, dstArena: 'arena' in dst ? dst.arena : 0,
  });
  for (const d of [...outer, ...inner]) { desc[k++] = d[0]; desc[k++] = d[1]; desc[k++] = d[2]; }
  const per = Math.max(1, Math.min(Math.floor(BLOCK_BYTES / slabBytes), Math.ceil(slabs / (4 * threadsFor(opts)))));
  const blocks: GatherTask['blocks'] = [];
  for (let p0 = 0; p0 < slabs; p0 += per) {
    const p1 = Math.min(slabs, p0 + per);
    blocks.push({ p0, p1, o0: 0, bytes: (p1 - p0) * slabBytes });
  }
  const task: GatherTask = { kind: 'gather', control: newControl(!pool), desc, buffers, table: null, blocks };
  await run(task, slabs * slabBytes, pool, opts, 'mem' in dst ? [src, dst.mem] : [src]);
}

/** C-order byte strides of `shape`. */
function cStrides(shape: readonly number[], item: number): number[] {
  const st = new Array<number>(shape.length);
  for (let d = shape.length - 1, acc = item; d >= 0; d--) { st[d] = acc; acc *= Math.max(1, shape[d]); }
  return st;
}

/** The non-zero positions of a mask, counted and written natively: int64, ascending, in `into`. */
export interface MaskPositions {
  /** How many entries of the mask are non-zero. */
  count: number;
  /** The passes run on the pool: a buffer given to `write` must be over a SharedArrayBuffer. */
  pool: boolean;
  /** Write them (int64, native order) into `to` (a mapping or a buffer of `count` slots). */
  write(to: Operand1D): Promise<void>;
}

/**
 * Count the non-zero entries of a 1-D mask operand (numpy's bool cast: NaN is true, -0.0 false) in
 * parallel blocks; `write` then puts their positions where asked, each block from its own offset.
 */
export async function maskPositions(mask: Operand1D, opts: RunOptions, held: MemMap[]): Promise<MaskPositions> {
  const n = mask.length;
  const itemBytes = Math.max(1, Math.abs(mask.step));
  const pool = !runsInline(n * itemBytes);
  const buffers: ArrayBufferView[] = [];
  const maskRef = { ...mask, buffer: mask.buffer === undefined ? undefined : shareable(mask.buffer, pool) };
  const idxId = refOf(buffers, maskRef);
  const per = Math.max(1, Math.min(MASK_BLOCK, Math.ceil(n / (4 * threadsFor(opts)))));
  const blocks: GatherTask['blocks'] = [];
  for (let p0 = 0, b = 0; p0 < n; p0 += per, b++) blocks.push({ p0, p1: Math.min(n, p0 + per), o0: b, bytes: (Math.min(n, p0 + per) - p0) * itemBytes });
  const head = (mode: number, nDst: number, dst: { id: number; pos: number; step: number; arena?: number }): Float64Array => {
    const desc = new Float64Array(contract.GATHER.SIZE);
    contract.packGather(desc, {
      mode, p0: 0, p1: 0, o0: 0, n: 0, nIdx: n, nDst, idxId, idxDtype: mask.dtype, idxSwap: mask.swap, idxPos: mask.pos,
      idxStep: mask.step, srcId: -1, srcPos: 0, srcStep: 0, dstId: dst.id, dstPos: dst.pos, dstStep: dst.step, item: 8, swap: 0,
      nOuter: 0, nInner: 0, dstArena: dst.arena ?? 0,
    });
    return desc;
  };
  const table = new Float64Array(sharedBytes(Math.max(1, blocks.length) * 8, pool));
  const counting: GatherTask = { kind: 'gather', control: newControl(!pool), desc: head(MODE.count, 0, { id: -1, pos: 0, step: 0 }), buffers, table: table.buffer, blocks };
  if (blocks.length > 0) await run(counting, n * itemBytes, pool, opts, held);
  let count = 0;
  const starts = blocks.map((b, i) => { const at = count; count += table[i]; return { ...b, o0: at }; });
  return {
    count,
    pool,
    async write(to: Operand1D): Promise<void> {
      if (count === 0) return;
      const bufs = [...buffers];
      const toRef = { ...to, buffer: to.buffer === undefined ? undefined : shareable(to.buffer, pool) };
      if (toRef.buffer !== to.buffer) throw new Error('maskPositions: the target buffer must be shared for a pool call');
      const dstId = to.arena !== undefined ? -1 : refOf(bufs, toRef);
      const t: GatherTask = { kind: 'gather', control: newControl(!pool), desc: head(MODE.indices, count, { id: dstId, pos: to.pos, step: to.step, arena: to.arena }), buffers: bufs, table: null, blocks: starts };
      await run(t, n * itemBytes, pool, opts, held);
    },
  };
}
