/**
 * Planning and running a scan (a cumulative sum or product along one axis) on the pool. Two shapes of
 * parallelism: many independent lines are split across threads (each line keeps numpy's sequential
 * order exactly, bit for bit), and a few long lines run as a two-pass scan — block totals first, then
 * every block again from the running value of the blocks before it (native scanCarries). The plan
 * depends on the shapes and dtypes only, never on the thread count, so 1 and N threads agree exactly.
 */
import { type Layout } from '../../layout.js';
import { type MemMap } from '../../memmap.js';
import { isSwapped } from '../../dtype.js';
import { native } from '../../native.js';
import * as contract from '../../gen/contract.cjs';
import { type RunOptions, callBuffer, newControl, releaseCallBuffer, runCall, runInline, runsInline } from '../run.js';
import { type ScanTask } from '../tasks.cjs';

/** Native op codes (native/scan/scan.h ScanOp). */
export const SCAN_OPS = { cumsum: 0, cumprod: 1, nancumsum: 2, nancumprod: 3 } as const;
export type ScanName = keyof typeof SCAN_OPS;

/**
 * Tuning, fixed per process so results never depend on the thread count. `twoPassBytes`: a line
 * at least this long (input bytes) is split into segments of `segmentBytes` when there are at most
 * `fewLines` lines (fewer lines than that cannot keep the threads busy). `blockBytes`: the input a
 * block of whole lines reads. Tests lower them to reach the two-pass path with small arrays.
 */
export const SCAN_TUNING = { twoPassBytes: 8 * 2 ** 20, segmentBytes: 2 * 2 ** 20, fewLines: 8, blockBytes: 2 ** 20 };

/** Lines one native step combines side by side (kChunk of native/scan/scan_isa.cc). */
const LANES = 256;

interface Dim { len: number; inStride: number; outStride: number }
type Block = ScanTask['blocks'][number];

/** A scan of `src` along `axis` into `dst` (same shape), the accumulator `acc` (a dtype code). */
export interface ScanJob { op: number; acc: number; src: MemMap; dst: MemMap; axis: number }

function descriptor(j: ScanJob, n: number, inPos: number, outPos: number, dims: Dim[], carrySlot: number, totalSlot: number, totals: boolean): Float64Array {
  const s = j.src.layout, o = j.dst.layout;
  const d = new Float64Array(contract.SCAN.SIZE + 3 * dims.length);
  let k = contract.packScan(d, {
    op: j.op, acc: j.acc, n, nLines: dims.length, inId: j.src.mapping.id, inDtype: s.dtype.code, inSwap: isSwapped(s.dtype) ? 1 : 0,
    inPos, inStep: s.strides[j.axis] * s.dtype.itemsize, outId: totals ? -1 : j.dst.mapping.id, outDtype: o.dtype.code,
    outSwap: isSwapped(o.dtype) ? 1 : 0, outPos, outStep: o.strides[j.axis] * o.dtype.itemsize, carrySlot, totalSlot,
  });
  for (const dim of dims) { d[k++] = dim.len; d[k++] = dim.inStride; d[k++] = dim.outStride; }
  return d;
}

/** The line dims (all but the axis, length-1 dims dropped), the one nearest in memory last. */
function lineDims(s: Layout, o: Layout, axis: number): Dim[] {
  const dims: Dim[] = [];
  s.shape.forEach((len, d) => {
    if (d !== axis && len !== 1) dims.push({ len, inStride: s.strides[d] * s.dtype.itemsize, outStride: o.strides[d] * o.dtype.itemsize });
  });
  return dims.sort((a, b) => Math.abs(b.inStride) - Math.abs(a.inStride));
}

/** Every line's start (input and output byte positions) when lines are walked one by one. */
function lineStarts(dims: Dim[], s: Layout, o: Layout): [number, number][] {
  let starts: [number, number][] = [[s.byteOffset, o.byteOffset]];
  for (const dim of dims) {
    const next: [number, number][] = [];
    for (const [i, p] of starts) for (let k = 0; k < dim.len; k++) next.push([i + k * dim.inStride, p + k * dim.outStride]);
    starts = next;
  }
  return starts;
}

async function run(task: ScanTask, bytes: number, opts: RunOptions): Promise<void> {
  if (runsInline(bytes)) runInline(task, bytes, opts);
  else await runCall(task, bytes, opts);
}

/** Run a scan job: `dst` gets the cumulative values of `src` along `axis`. */
export async function runScan(j: ScanJob, opts: RunOptions): Promise<void> {
  const s = j.src.layout, o = j.dst.layout;
  const n = s.shape[j.axis];
  const size = s.shape.reduce((p, q) => p * q, 1);
  if (size === 0) return;
  const dims = lineDims(s, o, j.axis);
  const lines = size / n;
  const item = s.dtype.itemsize;
  const bytes = size * (item + o.dtype.itemsize);
  const inline = runsInline(bytes);
  const T = SCAN_TUNING;
  if (lines <= T.fewLines && n * item >= T.twoPassBytes) return twoPass(j, n, dims, opts);
  // whole lines: split the longest line dim into pieces of about blockBytes of input
  const blocks: Block[] = [];
  const at = dims.reduce((b, d, i) => (d.len > dims[b].len ? i : b), 0);
  // the innermost line dim is walked LANES at a time (native/scan/scan_isa.cc kChunk): pieces keep that width
  const most = at === dims.length - 1 && dims.length > 0 && Math.abs(s.strides[j.axis]) * item > Math.abs(dims[at].inStride)
    ? Math.ceil(dims[at].len / LANES) : Infinity;
  const pieces = dims.length === 0 ? 1 : Math.min(dims[at].len, most, Math.max(1, Math.round(size * item / T.blockBytes)));
  for (let p = 0; p < pieces; p++) {
    if (dims.length === 0) { blocks.push({ desc: descriptor(j, n, s.byteOffset, o.byteOffset, [], -1, -1, false), bytes }); break; }
    const lo = Math.floor(p * dims[at].len / pieces), hi = Math.floor((p + 1) * dims[at].len / pieces);
    const part = dims.map((d, i) => (i === at ? { ...d, len: hi - lo } : d));
    const desc = descriptor(j, n, s.byteOffset + lo * dims[at].inStride, o.byteOffset + lo * dims[at].outStride, part, -1, -1, false);
    blocks.push({ desc, bytes: bytes * (hi - lo) / dims[at].len });
  }
  await run({ kind: 'scan', control: newControl(inline), slots: null, blocks }, bytes, opts);
}

/** Few long lines: totals of every segment but each line's last, their running values, then every segment. */
async function twoPass(j: ScanJob, n: number, dims: Dim[], opts: RunOptions): Promise<void> {
  const s = j.src.layout, o = j.dst.layout;
  const seg = Math.max(1, Math.floor(SCAN_TUNING.segmentBytes / s.dtype.itemsize));
  const k = Math.ceil(n / seg);
  const starts = lineStarts(dims, s, o);
  const inStep = s.strides[j.axis] * s.dtype.itemsize, outStep = o.strides[j.axis] * o.dtype.itemsize;
  const slotBytes = 8 * starts.length * k;
  const readBytes = starts.length * n * s.dtype.itemsize;
  const inline = runsInline(readBytes);
  const slots = callBuffer(slotBytes, false) as SharedArrayBuffer;
  try {
    const totals: Block[] = [], writes: Block[] = [];
    starts.forEach(([ip, op], line) => {
      for (let b = 0; b < k; b++) {
        const len = Math.min(seg, n - b * seg);
        const inPos = ip + b * seg * inStep, outPos = op + b * seg * outStep;
        const slot = line * k + b;
        if (b < k - 1) totals.push({ desc: descriptor(j, len, inPos, outPos, [], -1, slot, true), bytes: len * s.dtype.itemsize });
        writes.push({ desc: descriptor(j, len, inPos, outPos, [], b === 0 ? -1 : slot - 1, -1, false), bytes: len * (s.dtype.itemsize + o.dtype.itemsize) });
      }
    });
    await run({ kind: 'scan', control: newControl(inline), slots, blocks: totals }, readBytes, opts);
    const words = new BigUint64Array(slots, 0, starts.length * k);
    for (let line = 0; line < starts.length; line++) native.scanCarries(j.op, j.acc, words.subarray(line * k), k - 1);
    await run({ kind: 'scan', control: newControl(runsInline(2 * readBytes)), slots, blocks: writes }, readBytes * 2, opts);
  } finally {
    releaseCallBuffer(slots);
  }
}
