/**
 * Mergeable states of histogram and bincount for sharded runs: each shard counts its rows, and the
 * merge adds the counts. The bins must agree (same edges; bincount states are padded to the longest),
 * else `ERR_NDMMAP_PARTIAL`. Exact quantiles do not shard this way (a rank is a property of the whole),
 * see the README: a histogram over shards brackets them, the exact value needs the file on one machine.
 */
import { fail, show } from '../../errors.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { type BincountOptions, type HistogramOptions, bincount, histogram } from './histogram.js';

/** Format tag of a distribution partial. */
export const DIST_PARTIAL_FORMAT = 'ndmmap-dist-partial/1';

/** Counts of rows [start, stop) of an array: int64 counts as decimal strings, weight sums as numbers. */
export interface DistPartial {
  format: typeof DIST_PARTIAL_FORMAT;
  op: 'histogram' | 'bincount';
  arrayShape: number[];
  rows: [number, number];
  /** histogram: the edges (numbers; 'nan'/'inf' never occur in edges). */
  edges: number[] | null;
  edgesDtype: string | null;
  weighted: boolean;
  counts: (string | number)[];
}

function rowsOf(a: MemMap, rows: [number, number] | undefined): [number, number] {
  if (a.ndim === 0) fail('ERR_NDMMAP_INDEX', 'a partial needs an array with at least one dimension (rows)');
  const n = a.shape[0];
  const [lo, hi] = rows ?? [0, n];
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > n || lo > hi)
    fail('ERR_NDMMAP_INDEX', `rows must be [start, stop] with 0 <= start <= stop <= ${n}, got ${show(rows)}`);
  return [lo, hi];
}

/**
 * The histogram of rows [start, stop) as a mergeable state. With shards, give `bins` as a number with
 * `range`, or as edges: a range found per shard would differ between shards.
 * @throws `ERR_INVALID_ARG_VALUE` without a range or edges; histogram's errors.
 */
export async function histogramPartial(a: MemMap, options: HistogramOptions & { rows?: [number, number] } = {}): Promise<DistPartial> {
  checkMemMap(a, 'the array');
  const { rows, ...rest } = options;
  if (typeof (rest.bins ?? 10) === 'number' && rest.range === undefined)
    fail('ERR_INVALID_ARG_VALUE', 'a histogram partial needs range (or bin edges): each shard would find its own; get it first from min and max partials');
  if (rest.density) fail('ERR_INVALID_ARG_VALUE', 'density is not mergeable: merge the counts, then divide');
  const r = rowsOf(a, rows);
  const h = await histogram(a.slice(`${r[0]}:${r[1]}`), rest);
  return {
    format: DIST_PARTIAL_FORMAT, op: 'histogram', arrayShape: [...a.shape], rows: r, edges: Array.from(h.edges), edgesDtype: h.edgesDtype,
    weighted: rest.weights !== undefined && rest.weights !== null, counts: Array.from(h.counts as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v)),
  };
}

/** bincount of rows [start, stop) as a mergeable state. */
export async function bincountPartial(a: MemMap, options: BincountOptions & { rows?: [number, number] } = {}): Promise<DistPartial> {
  checkMemMap(a, 'the array');
  const { rows, ...rest } = options;
  const r = rowsOf(a, rows);
  const c = await bincount(a.slice(`${r[0]}:${r[1]}`), rest);
  return {
    format: DIST_PARTIAL_FORMAT, op: 'bincount', arrayShape: [...a.shape], rows: r, edges: null, edgesDtype: null,
    weighted: c instanceof Float64Array, counts: Array.from(c as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v)),
  };
}

export function isDistPartial(p: unknown): boolean {
  return p !== null && typeof p === 'object' && (p as { format?: unknown }).format === DIST_PARTIAL_FORMAT;
}

function bad(msg: string): never {
  return fail('ERR_NDMMAP_PARTIAL', msg);
}

/**
 * Add the counts of partial states that cover every row of one array exactly once.
 * @throws `ERR_NDMMAP_PARTIAL` for different ops, shapes, edges or weighting, overlapping or missing rows.
 */
export function mergeDistPartials(list: unknown[]): { counts: BigInt64Array | Float64Array; edges: Float64Array | null; edgesDtype: string | null; op: string } {
  if (list.length === 0) bad('nothing to merge');
  const ps = list.map((p) => { if (!isDistPartial(p)) bad(`not a ${DIST_PARTIAL_FORMAT} state`); return p as DistPartial; });
  const first = ps[0];
  for (const p of ps) {
    if (p.op !== first.op || p.weighted !== first.weighted || p.arrayShape.join() !== first.arrayShape.join())
      bad(`partial states of different calls: ${p.op}${p.weighted ? ' (weighted)' : ''} of shape ${show(p.arrayShape)} vs ${first.op}${first.weighted ? ' (weighted)' : ''} of shape ${show(first.arrayShape)}`);
    if (first.op === 'histogram' && (p.edges?.join() !== first.edges?.join() || p.edgesDtype !== first.edgesDtype))
      bad('the bins of the partial histograms differ: give every shard the same bins and range');
    if (!Array.isArray(p.counts) || !Array.isArray(p.rows)) bad('a partial state lacks counts or rows');
  }
  const sorted = [...ps].sort((x, y) => x.rows[0] - y.rows[0]);
  let at = 0;
  for (const p of sorted) {
    if (p.rows[0] !== at) bad(p.rows[0] < at ? `rows ${p.rows[0]}:${p.rows[1]} overlap another partial` : `rows ${at}:${p.rows[0]} are missing`);
    at = p.rows[1];
  }
  if (at !== first.arrayShape[0]) bad(`rows ${at}:${first.arrayShape[0]} are missing`);
  const len = Math.max(...ps.map((p) => p.counts.length));
  if (first.weighted) {
    const out = new Float64Array(len);
    for (const p of sorted) p.counts.forEach((v, i) => { out[i] += Number(v); });
    return { counts: out, edges: first.edges && Float64Array.from(first.edges), edgesDtype: first.edgesDtype, op: first.op };
  }
  const out = new BigInt64Array(len);
  for (const p of sorted) p.counts.forEach((v, i) => { out[i] += BigInt(v); });
  return { counts: out, edges: first.edges && Float64Array.from(first.edges), edgesDtype: first.edgesDtype, op: first.op };
}
