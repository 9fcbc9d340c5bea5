/**
 * A row too long to sort in one piece (more than runElements() elements): pass 'runs' sorts slices of
 * it (runs of bounded size, in parallel, each a row of the native row sort, written into the target),
 * pass 'merge' k-way merges the runs into a temporary file (output ranges in parallel: each finds its
 * split points from the keys), which is then copied into the target. Each thread holds one run's keys
 * (RUN_BYTES); the temporary file is unlinked as soon as it is mapped, so it is gone on success,
 * failure, abort or a crash alike.
 */
import { dtype as parseDtype, isSwapped } from '../../dtype.js';
import { type MemMap } from '../../memmap.js';
import * as contract from '../../gen/contract.cjs';
import { copyInto, scratch } from '../convert.js';
import { type RunOptions, newControl, runCall, runInline, runsInline, threadsFor } from '../run.js';
import { type OrderMergeTask, type OrderTask } from '../tasks.cjs';

/** Bytes of keys, raw values and positions one thread may hold for a run (NDMMAP_SORT_RUN_BYTES overrides, for tests). */
export function runBytes(): number {
  const v = Number(process.env.NDMMAP_SORT_RUN_BYTES);
  return Number.isSafeInteger(v) && v >= 64 ? v : 32 * 2 ** 20;
}

/** Elements of one run: keys, scratch keys and raw values (itemsize each) and two int64 positions per element. */
export function runElements(itemsize: number): number {
  return Math.max(2, Math.floor(runBytes() / (3 * itemsize + 16)));
}

/** Progress of one pass, named as the issue asks ('runs', 'merge'). */
type Pass = 'runs' | 'merge';
const named = (opts: RunOptions, pass: Pass): RunOptions => ({
  threads: opts.threads, signal: opts.signal,
  onProgress: opts.onProgress && ((p) => (opts.onProgress as (q: object) => void)({ ...p, pass })),
});

async function run(task: OrderTask | OrderMergeTask, total: number, opts: RunOptions): Promise<void> {
  if (runsInline(total)) runInline(task, total, opts);
  else await runCall(task, total, opts);
}

/** Sort the 1-D `src` into the 1-D `dst` (values or int64 positions) by runs and a merge. */
export async function sortLongRow(src: MemMap, dst: MemMap, mode: 0 | 1, opts: RunOptions): Promise<void> {
  const s = src.layout, d = dst.layout;
  const si = s.dtype.itemsize, di = d.dtype.itemsize;
  const n = s.shape[0], runLen = runElements(si);
  const full = Math.floor(n / runLen), tail = n - full * runLen;
  const rowDesc = (len: number, rows: number): Float64Array => {
    const desc = new Float64Array(contract.ORDER.SIZE + 3);
    const at = contract.packOrder(desc, {
      mode, n: len, nOuter: 1, rowStart: 0, rowCount: 0,
      srcId: src.mapping.id, srcDtype: s.dtype.code, srcSwap: isSwapped(s.dtype) ? 1 : 0, srcPos: s.byteOffset, srcStep: s.strides[0] * si,
      dstId: dst.mapping.id, dstSwap: isSwapped(d.dtype) ? 1 : 0, dstPos: d.byteOffset, dstStep: d.strides[0] * di, indexStep: runLen, nKth: 0,
    });
    desc.set([rows, runLen * s.strides[0] * si, runLen * d.strides[0] * di], at);
    return desc;
  };
  const runs = named(opts, 'runs');
  const blocks = Array.from({ length: full }, (_, r) => ({ rowStart: r, rowCount: 1, bytes: runLen * si }));
  if (tail > 0) blocks.push({ rowStart: full, rowCount: 1, bytes: tail * si });
  // full runs and the tail are rows of two descriptors (the tail's rows count full + 1, so its positions start at full * runLen)
  await run({ kind: 'order', control: newControl(runsInline(n * si)), desc: rowDesc(runLen, full), buffers: [], blocks: blocks.slice(0, full) }, full * runLen * si, runs);
  if (tail > 0) runInline({ kind: 'order', control: newControl(true), desc: rowDesc(tail, full + 1), buffers: [], blocks: blocks.slice(full) }, tail * si, {});
  if (full + (tail > 0 ? 1 : 0) <= 1) return;
  // merge into a temporary file, then copy into dst
  const tmp = scratch(parseDtype(mode === 1 ? 'int64' : s.dtype.name), [n], dst.filename);
  try {
    const desc = new Float64Array(contract.ORDER_MERGE.SIZE);
    contract.packOrderMerge(desc, {
      mode, dtype: s.dtype.code, n, runLen,
      runsId: dst.mapping.id, runsSwap: isSwapped(d.dtype) ? 1 : 0, runsPos: d.byteOffset, runsStep: d.strides[0] * di,
      srcId: src.mapping.id, srcSwap: isSwapped(s.dtype) ? 1 : 0, srcPos: s.byteOffset, srcStep: s.strides[0] * si,
      outId: tmp.mapping.id, outSwap: 0, outPos: tmp.layout.byteOffset, outStep: di, o0: 0, o1: 0,
    });
    const parts = Math.max(1, Math.min(Math.ceil(n / 65536), 4 * threadsFor(opts), Math.ceil((n * di) / (64 * 2 ** 20)) * 2));
    const mblocks: OrderMergeTask['blocks'] = [];
    for (let k = 0; k < parts; k++) {
      const o0 = Math.floor((k * n) / parts), o1 = Math.floor(((k + 1) * n) / parts);
      if (o1 > o0) mblocks.push({ o0, o1, bytes: (o1 - o0) * di });
    }
    await run({ kind: 'orderMerge', control: newControl(runsInline(n * di)), desc, blocks: mblocks }, n * di, named(opts, 'merge'));
    await copyInto(tmp, dst, 'x', { threads: opts.threads });
  } finally {
    tmp.close();
  }
}
