/**
 * Row blocks of an embeddings call: a (…, D) array read as rows of D elements (the leading dims in C
 * order), cut into blocks of about CHUNK_BYTES, each run by the native `embed` kernel on the pool (or
 * inline for small calls). Shared by dot() and search().
 */
import { isSwapped } from '../../dtype.js';
import { EMBED, packEmbed } from '../../gen/contract.cjs';
import { sizeOf } from '../../layout.js';
import { releaseTurn } from '../../mapping.js';
import { type MemMap } from '../../memmap.js';
import { native } from '../../native.js';
import { CHUNK_BYTES } from '../plan.js';
import { type RunOptions, newControl, runCall, runInline, runsInline } from '../run.js';
import { type EmbedBlock, type EmbedTask } from '../tasks.cjs';

const E = native.contract.embed;
/** Most query vectors one call takes (the query block stays in cache). */
export const MAX_QUERIES = E.maxQueries;
/** uint64 words per candidate in a top-k state slot (key, index, value bits). */
export const CAND_WORDS = E.candWords;
export const METRICS = E.metrics as Record<'dot' | 'cosine' | 'l2', number>;
/** A top-k slot: a count, then k candidates. */
export const slotWords = (k: number): number => 1 + CAND_WORDS * k;

/** Top-k states of one call stay below this (blocks grow until they do). */
const MAX_STATE_BYTES = 64 * 2 ** 20;

export interface RowPlan { rows: number; blocks: EmbedBlock[]; totalBytes: number }

/** Blocks of rows [start, stop); `slotBytes` per block (top-k states) bounds how many. */
export function planRows(a: MemMap, start: number, stop: number, slotBytes = 0): RowPlan {
  const D = a.shape[a.ndim - 1] ?? 1;
  const rowBytes = Math.max(1, D * a.itemsize);
  const n = stop - start;
  let per = Math.max(1, Math.floor(CHUNK_BYTES / rowBytes));
  while (slotBytes > 0 && Math.ceil(n / per) * slotBytes > MAX_STATE_BYTES && per < n) per *= 2;
  const blocks: EmbedBlock[] = [];
  for (let r = start, s = 0; r < stop; r += per, s++) {
    const c = Math.min(per, stop - r);
    blocks.push({ rowStart: r, rowCount: c, slot: s, bytes: c * rowBytes });
  }
  return { rows: n, blocks, totalBytes: n * rowBytes };
}

/** The descriptor of native/glue/glue_embed.cc, row range and slot left for each block. */
export function embedDescriptor(a: MemMap, f: { op: number; mode: number; metric: number; k: number; Q: number; outType: number; storeType: number; filter?: MemMap }): Float64Array {
  const l = a.layout;
  const item = a.itemsize;
  const nLead = Math.max(0, a.ndim - 1);
  const D = a.ndim === 0 ? 1 : l.shape[a.ndim - 1];
  const colStride = a.ndim === 0 ? item : l.strides[a.ndim - 1] * item;
  const fl = f.filter?.layout;
  const d = new Float64Array(EMBED.SIZE + 2 * nLead);
  const k = packEmbed(d, {
    op: f.op, mode: f.mode, metric: f.metric, k: f.k, Q: f.Q, D, rowStart: 0, rowCount: 0, slot: 0, outType: f.outType,
    storeType: f.storeType, aId: a.mapping.id, aDtype: l.dtype.code, aSwap: isSwapped(l.dtype) ? 1 : 0, aPos: l.byteOffset,
    colStride, nLead, filterId: fl === undefined ? -1 : f.filter!.mapping.id, filterDtype: fl?.dtype.code ?? 0, filterSwap: 0,
    filterPos: fl?.byteOffset ?? 0, filterStride: fl === undefined ? 0 : fl.strides[0] * fl.dtype.itemsize,
  });
  d.set(l.shape.slice(0, nLead), k);
  d.set(l.strides.slice(0, nLead).map((s) => s * item), k + nLead);
  return d;
}

/** Rows of the leading dims (1 for a 1-D array). */
export function rowCount(a: MemMap): number { return sizeOf(a.shape.slice(0, -1)); }

/** Run an embed task's blocks; `out` must be sized by the caller. */
export async function runRows(task: Omit<EmbedTask, 'control' | 'kind'>, totalBytes: number, opts: RunOptions): Promise<void> {
  const inline = runsInline(totalBytes);
  const t: EmbedTask = { kind: 'embed', control: newControl(inline), ...task };
  if (t.blocks.length === 0) return;
  if (inline) {
    runInline(t, totalBytes, opts);
    await releaseTurn(); // a loop of inline calls must reach the event loop now and then (mapping.ts)
  } else await runCall(t, totalBytes, opts);
}

/** A buffer for a call's results: shared for pool calls. */
export function resultBuffer(bytes: number, totalBytes: number): SharedArrayBuffer | ArrayBuffer {
  return runsInline(totalBytes) ? new ArrayBuffer(Math.max(8, bytes)) : new SharedArrayBuffer(Math.max(8, bytes));
}
