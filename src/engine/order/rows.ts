/**
 * Planning and running a row sort (native order(), native/order/): the array's rows along one axis —
 * every other dim, in C order, is a row index — cut into blocks of whole rows, about BLOCK_BYTES each,
 * so many short rows (n × 7) cost one native call per block, not per row, and long rows spread over
 * the pool one per block. Source and target are MemMaps (in place: the same one).
 */
import { isSwapped } from '../../dtype.js';
import { type MemMap } from '../../memmap.js';
import * as contract from '../../gen/contract.cjs';
import { type RunOptions, newControl, runCall, runInline, runsInline } from '../run.js';
import { type OrderTask } from '../tasks.cjs';
import { runElements, sortLongRow } from './long.js';
import { partitionEnabled, sortPartitioned } from './part.js';

/** What a row sort writes: the sorted values (dst of the source's dtype) or int64 positions along the axis. */
export type OrderMode = 'sort' | 'argsort';
const MODES: Record<OrderMode, number> = { sort: 0, argsort: 1 };

/** Rows per block: about this many source bytes (whole rows, at least one). */
export const BLOCK_BYTES = 1 << 20;

/**
 * Sort `src` along `axis` into `dst` (same shape; src's dtype for 'sort', int64 for 'argsort'), on the
 * pool when large. Both are checked by the caller (shape, dtype, writable). With `kth` (ascending
 * positions in the row, partition/argpartition), rows that fit one block are selected there instead
 * (native nth_element on (key, position): the stable sort's element at each kth); longer rows are
 * sorted, which meets the same guarantee.
 */
export async function sortRows(src: MemMap, dst: MemMap, axis: number, mode: OrderMode, opts: RunOptions, kth: readonly number[] = []): Promise<void> {
  const s = src.layout, d = dst.layout;
  const si = s.dtype.itemsize, di = d.dtype.itemsize;
  const n = s.shape[axis];
  const outer = s.shape.map((_, k) => k).filter((k) => k !== axis);
  let rows = 1;
  for (const k of outer) rows *= s.shape[k];
  if (rows === 0 || n === 0) { opts.onProgress?.({ doneBytes: 0, totalBytes: 0 }); return; }
  if (n > runElements(si)) {
    // rows too long for one piece: each by runs and a merge (its 1-D views: the other dims fixed)
    for (let r = 0; r < rows; r++) {
      let rest = r;
      const at: Array<number | string> = s.shape.map(() => ':');
      for (let j = outer.length - 1; j >= 0; j--) { at[outer[j]] = rest % s.shape[outer[j]]; rest = Math.floor(rest / s.shape[outer[j]]); }
      const sv = src.slice(...(at as Array<number | string>)), dv = dst.slice(...(at as Array<number | string>));
      const dirtied = n * (si + (mode === 'argsort' ? 8 : 0));
      if (!(partitionEnabled(dirtied, si) && await sortPartitioned(sv, dv, MODES[mode] as 0 | 1, opts))) await sortLongRow(sv, dv, MODES[mode] as 0 | 1, opts);
    }
    return;
  }
  const desc = new Float64Array(contract.ORDER.SIZE + 3 * outer.length + kth.length);
  let at = contract.packOrder(desc, {
    mode: MODES[mode], n, nOuter: outer.length, rowStart: 0, rowCount: 0,
    srcId: src.mapping.id, srcDtype: s.dtype.code, srcSwap: isSwapped(s.dtype) ? 1 : 0, srcPos: s.byteOffset, srcStep: s.strides[axis] * si,
    dstId: dst.mapping.id, dstSwap: isSwapped(d.dtype) ? 1 : 0, dstPos: d.byteOffset, dstStep: d.strides[axis] * di, indexStep: 0,
    nKth: kth.length,
  });
  for (const k of outer) { desc[at++] = s.shape[k]; desc[at++] = s.strides[k] * si; desc[at++] = d.strides[k] * di; }
  for (const k of kth) desc[at++] = k;
  const rowBytes = n * si;
  const per = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
  const blocks: OrderTask['blocks'] = [];
  for (let r = 0; r < rows; r += per) {
    const c = Math.min(per, rows - r);
    blocks.push({ rowStart: r, rowCount: c, bytes: c * rowBytes });
  }
  const total = rows * rowBytes;
  const inline = runsInline(total);
  const task: OrderTask = { kind: 'order', control: newControl(inline), desc, buffers: [], blocks };
  if (inline) runInline(task, total, opts);
  else await runCall(task, total, opts, s);
}
