/**
 * The partition sort of a long row (native/order/part.inc), numpy's `np.sort` of a row too long to
 * sort in one piece: splitter keys from a sample of the row ('sample', on a worker), then
 * per block of the input the count of each bucket ('count') and the scatter of its elements into their
 * buckets' slots of the target ('partition'), blocks in input order so equal keys keep their input
 * order, then each bucket sorted in place on the pool ('buckets'). Nothing is merged and no temporary
 * file is needed: the target holds the buckets. Keys of 1 or 2 bytes are their own buckets (a counting
 * sort: no splitters and no bucket pass). A bucket too long for one piece (a skewed sample) is sorted
 * by runs and a merge (long.ts). The scatter writes each bucket a whole page at a time (part.inc
 * PageStage), so each page of the target is written about once, whatever the row's size. Extra
 * memory: the bucket table (blocks × buckets doubles, ≤ 32 MiB) and per thread the page stages
 * (STAGE_BYTES) or one bucket's scratch.
 * argsort: the scatter writes the positions into the int64 target and the values beside them into a
 * scratch file (unlinked: gone on success, failure, abort or crash); each bucket's keys are sorted
 * carrying its positions. A bucket too long for one piece sends the whole row to runs and a merge.
 */
import os from 'node:os';
import { dtype as parseDtype, isSwapped } from '../../dtype.js';
import { byteExtent } from '../../layout.js';
import { type MemMap } from '../../memmap.js';
import { ADVICE, native } from '../../native.js';
import * as contract from '../../gen/contract.cjs';
import { scratch } from '../convert.js';
import { type RunOptions, newControl, runCall, runInline, runsInline, threadsFor } from '../run.js';
import { type OrderPartTask } from '../tasks.cjs';
import { ORDER_DATETIME_KEY, natLastKeys } from './datetime.js';
import { runElements, sortLongRow } from './long.js';

/** Elements a bucket aims at (a few MiB of keys: sorted in cache); NDMMAP_SORT_BUCKET overrides, for tests. */
export function bucketTarget(): number {
  const v = Number(process.env.NDMMAP_SORT_BUCKET);
  return Number.isSafeInteger(v) && v >= 2 ? v : 2 ** 17;
}

/**
 * Whether a long row of `itemsize`-byte elements whose scatter dirties `bytes` of file pages takes the
 * partition sort (NDMMAP_SORT_PARTITION=0 keeps runs and merge, for tests; a row dirtying more than
 * NDMMAP_SORT_PARTITION_MAX bytes, if set, takes them too). Keys of 4 and 8 bytes are scattered a
 * whole page at a time (part.inc PageStage), so each page of the target is written about once whatever
 * the row's size. 2-byte keys are their own 65536 buckets, scattered element by element: once the dirty
 * pages pass the kernel's writeback thresholds (10-20% of memory) half-filled pages would be written
 * back and dirtied again (a 6 GiB sort by short runs wrote 3.4 TB in 10 minutes without finishing), so
 * above 1/16 of the machine's memory they take runs and a merge, which write each page once, in order.
 */
export function partitionEnabled(bytes = 0, itemsize = 8): boolean {
  if (process.env.NDMMAP_SORT_PARTITION === '0') return false;
  const v = Number(process.env.NDMMAP_SORT_PARTITION_MAX);
  if (Number.isFinite(v) && v > 0) return bytes <= v;
  return itemsize !== 2 || bytes <= os.totalmem() / 16;
}

/** Input bytes of one count/scatter block, forced (NDMMAP_SORT_BLOCK_BYTES, for tests: many blocks on a small row); 0 when unset. */
function forcedBlockBytes(): number {
  const v = Number(process.env.NDMMAP_SORT_BLOCK_BYTES);
  return Number.isSafeInteger(v) && v >= 1 ? v : 0;
}

const PHASE = { sample: 0, count: 1, scatter: 2, buckets: 3 } as const;
/** Table bytes all the count blocks may hold together. */
const TABLE_BYTES = 32 * 2 ** 20;
/** Input bytes of one count/scatter block (fewer when the table would outgrow TABLE_BYTES). */
const BLOCK_BYTES = 8 * 2 ** 20;
/** Bytes of the per-bucket page stages one scatter thread holds (one 4 KiB page a bucket and target). */
const STAGE_BYTES = 16 * 2 ** 20;
/** Bytes of one page of a target: a scatter block sends each bucket about this many pages or more. */
const PAGE = 4096;
const BLOCK_PAGES = 4;
/** Bytes of buckets one bucket-pass block sorts. */
const BUCKET_BLOCK_BYTES = 4 * 2 ** 20;

function shared(bytes: number, pool: boolean): SharedArrayBuffer | ArrayBuffer {
  return pool ? new SharedArrayBuffer(Math.max(8, bytes)) : new ArrayBuffer(Math.max(8, bytes));
}

/**
 * Sort the 1-D `src` into the 1-D `dst` by partition: its values (mode 0: same dtype, may be the same
 * memory) or int64 positions (mode 1). False when an argsort bucket came out too long for one piece
 * (nothing written to dst yet): the caller then sorts by runs and a merge.
 */
export async function sortPartitioned(src: MemMap, dst: MemMap, mode: 0 | 1, opts: RunOptions): Promise<boolean> {
  const vals = mode === 1 ? scratch(parseDtype(src.dtype.name), [src.shape[0]], dst.filename) : dst;
  try {
    return await partitioned(src, vals, mode === 1 ? dst : null, opts);
  } finally {
    if (vals !== dst) vals.close();
  }
}

async function partitioned(src: MemMap, dst: MemMap, aux: MemMap | null, opts: RunOptions): Promise<boolean> {
  const s = src.layout, d = dst.layout;
  const si = s.dtype.itemsize;
  const n = s.shape[0];
  const direct = si <= 2;
  let B = 0;
  if (!direct) {
    // 2B buckets, each with a page of stage per target (values; argsort also positions) per thread
    const maxB = STAGE_BYTES / (2 * PAGE * (aux === null ? 1 : 2));
    B = 2;
    while (B < maxB && B * bucketTarget() < n) B *= 2;
  }
  const nb = direct ? 2 ** (8 * si) : 2 * B;
  const pool = !runsInline(n * si);
  const desc = new Float64Array(contract.ORDER_PART.SIZE);
  contract.packOrderPart(desc, {
    phase: 0, dtype: s.dtype.code, n, buckets: B, tableLen: nb, i0: 0, i1: 0, maxLen: runElements(si),
    srcId: src.mapping.id, srcSwap: isSwapped(s.dtype) ? 1 : 0, srcPos: s.byteOffset, srcStep: s.strides[0] * si,
    dstId: dst.mapping.id, dstSwap: isSwapped(d.dtype) ? 1 : 0, dstPos: d.byteOffset, dstStep: d.strides[0] * si,
    mode: aux === null ? 0 : 1, auxId: aux?.mapping.id ?? 0, auxSwap: aux !== null && isSwapped(aux.dtype) ? 1 : 0,
    auxPos: aux?.layout.byteOffset ?? 0, auxStep: (aux?.layout.strides[0] ?? 0) * 8,
  });
  const splitters = shared(Math.max(1, B - 1) * 8, pool);
  const task = (phase: number, table: SharedArrayBuffer | ArrayBuffer, blocks: OrderPartTask['blocks']): OrderPartTask => {
    const t = desc.slice();
    t[contract.ORDER_PART.phase] = phase;
    return { kind: 'orderPart', control: newControl(!pool), desc: t, splitters, table, blocks };
  };
  const pass = async (t: OrderPartTask, bytes: number, name: string): Promise<void> => {
    const ro: RunOptions = { threads: opts.threads, signal: opts.signal, onProgress: opts.onProgress && ((p) => (opts.onProgress as (q: object) => void)({ ...p, pass: name })) };
    if (!pool) runInline(t, bytes, ro);
    else await runCall(t, bytes, ro);
    src.mapping.check();
    dst.mapping.check();
    aux?.mapping.check();
  };
  if (!direct) {
    // up to 64 × B random reads of the row and a sort: on a worker when the call runs on the pool, so
    // the event loop is not held (its progress is not reported: the sample has no bytes to count)
    const sample = task(PHASE.sample, shared(8, pool), [{ i0: 0, i1: 0, at: 0, len: 0, bytes: 0 }]);
    if (!pool) runInline(sample, 0, { signal: opts.signal });
    else await runCall(sample, 0, { threads: 1, signal: opts.signal });
    src.mapping.check();
  }
  // count and scatter blocks: whole elements, fewer than 2^32 each, the table within TABLE_BYTES
  // A block's share of each bucket is a range of slots written page by page; where two blocks' ranges
  // meet a page is written twice, so a long row takes blocks that give each bucket BLOCK_PAGES pages
  // (an aborted call still stops within one block: ≤ 64 MiB of float64 at 4096 buckets).
  const pageElems = PAGE / (aux === null ? si : 8);
  const wide = direct ? 0 : Math.min(Math.ceil(n / (4 * threadsFor(opts))), nb * BLOCK_PAGES * pageElems);
  const least = Math.ceil(n / Math.max(1, Math.floor(TABLE_BYTES / (nb * 8))));
  const forced = forcedBlockBytes();
  const per = forced > 0 ? Math.max(least, Math.ceil(forced / si)) : Math.max(least, Math.ceil(BLOCK_BYTES / si), Math.ceil(n / (64 * threadsFor(opts))), wide);
  const blockLen = Math.min(per, 2 ** 31);
  const blocks: OrderPartTask['blocks'] = [];
  for (let i0 = 0, k = 0; i0 < n; i0 += blockLen, k++) {
    const i1 = Math.min(n, i0 + blockLen);
    blocks.push({ i0, i1, at: k * nb, len: nb, bytes: (i1 - i0) * si });
  }
  const tableBuf = shared(blocks.length * nb * 8, pool);
  // The count pass prefaults the targets and the scatter writes them a page at a time, all over them.
  // A fault that reads ahead allocates large folios (Linux 6.x), and a page written into a clean large
  // folio dirties, and writes back, the whole folio: once the dirty pages pass the kernel's background
  // writeback threshold (10% of memory by default) folios are cleaned between the scatter's writes (a
  // 6 GiB sort dirtied 88 GB in 4 minutes). Such rows advise the targets random before the count, so
  // faults make single pages; smaller rows keep large folios (a 512 MiB sort took twice as long with
  // single pages: a write fault per page) and advise random only for the scatter, whose faults must
  // not read ahead around them. The buckets pass reads and writes in order again.
  const dirtied = n * si + (aux === null ? 0 : n * 8);
  const early = dirtied > os.totalmem() / 10;
  const advise = (m: MemMap | null, advice: number): void => {
    if (m === null || m.mapping === src.mapping) return;
    const [lo, hi] = byteExtent(m.layout);
    try { native.advise(m.mapping.id, lo, hi - lo, advice); } catch { /* a hint */ }
  };
  const boundsBuf = shared((nb + 1) * 8, pool);
  const bounds = new Float64Array(boundsBuf);
  const maxLen = runElements(si);
  if (early) { advise(dst, ADVICE.random); advise(aux, ADVICE.random); }
  try {
    await pass(task(PHASE.count, tableBuf, blocks), n * si, 'count');
    // counts -> each block's first slot per bucket (blocks in input order: stable), and the buckets' bounds
    const table = new Float64Array(tableBuf);
    let run = 0;
    for (let b = 0; b < nb; b++) {
      bounds[b] = run;
      for (let k = 0, at = b; k < blocks.length; k++, at += nb) { const c = table[at]; table[at] = run; run += c; }
    }
    bounds[nb] = run;
    if (run !== n) throw new Error(`sort: bucket counts add up to ${run}, not ${n}`);
    if (aux !== null && !direct) for (let b = 0; b < nb; b += 2) if (bounds[b + 1] - bounds[b] > maxLen) return false;
    if (!early) { advise(dst, ADVICE.random); advise(aux, ADVICE.random); }
    await pass(task(PHASE.scatter, tableBuf, blocks), n * si, 'partition');
  } finally {
    advise(dst, ADVICE.normal); advise(aux, ADVICE.normal);
  }
  if (direct) return true;
  // sort the splitter buckets (even ones): blocks of whole buckets, the long ones by runs and a merge
  const groups: OrderPartTask['blocks'] = [];
  const long: Array<[number, number]> = [];
  for (let b0 = 0; b0 < nb;) {
    let b1 = b0, bytes = 0;
    while (b1 < nb && (b1 === b0 || bytes < BUCKET_BLOCK_BYTES)) {
      const len = bounds[b1 + 1] - bounds[b1];
      if (b1 % 2 === 0 && len > 1) {
        if (len > maxLen) long.push([bounds[b1], bounds[b1 + 1]]); else bytes += len * si;
      }
      b1++;
    }
    if (bytes > 0) groups.push({ i0: b0, i1: b1, at: 0, len: nb + 1, bytes });
    b0 = b1;
  }
  await pass(task(PHASE.buckets, boundsBuf, groups), groups.reduce((t, g) => t + g.bytes, 0), 'buckets');
  for (const [lo, hi] of long) {
    // the bucket read keyed as the source is (datetime counts carry the NaT-last key code, not int64's)
    const v = dst.slice(`${lo}:${hi}`);
    await sortLongRow(s.dtype.code === ORDER_DATETIME_KEY ? natLastKeys(v) : v, v, 0, opts);
  }
  return true;
}
