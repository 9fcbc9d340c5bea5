/**
 * Sharded top-k: `searchPartial`/`topkPartial` run over rows [start, stop) and return JSON-able
 * candidate lists with global row indices; `mergeTopkPartials` merges the shards of a whole array into
 * exactly the result of one run (candidates carry their order keys, so any merge order agrees).
 */
import { createHash } from 'node:crypto';
import { type DTypeName, dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { sizeOf } from '../../layout.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { type VectorLike } from './operands.js';
import { CAND_WORDS, slotWords } from './rows.js';
import { type SearchOptions, type SearchResult, prepareSearch, runSearch, searchResult } from './search.js';
import { mergeStates } from './state.js';
import { type TopKOptions, type TopKResult, prepareTopK, runTopK, topkResult } from './topk.js';

/** Format tag of a top-k partial (search or topk), so a merge can refuse anything else. */
export const TOPK_PARTIAL_FORMAT = 'ndmmap-topk/1';

/** The k best candidates of a row range, per output: each [order key, global index, value bits] as decimal strings. */
export interface TopKPartial {
  format: typeof TOPK_PARTIAL_FORMAT;
  op: 'search' | 'topk';
  /** The array's dtype and shape. */
  dtype: string;
  arrayShape: number[];
  rows: [number, number];
  /** What shapes the result; `queries` is a digest of the query values (search). */
  options: { k: number; metric: string | null; axis: number | null; largest: boolean; Q: number; single: boolean; queries: string | null };
  /** dtype of the values (topk: the array's; search: the scores'). */
  valueDtype: string;
  state: string[][][];
}

function encode(states: BigUint64Array, k: number, outCount: number, shift: bigint): string[][][] {
  const W = slotWords(k);
  const out: string[][][] = [];
  for (let o = 0; o < outCount; o++) {
    const n = Number(states[o * W]);
    const cands: string[][] = [];
    for (let j = 0; j < n; j++) {
      const b = o * W + 1 + CAND_WORDS * j;
      cands.push([states[b].toString(), (BigInt.asIntN(64, states[b + 1]) + shift).toString(), states[b + 2].toString()]);
    }
    out.push(cands);
  }
  return out;
}

function rowRange(rows: unknown, n: number): [number, number] {
  if (rows === undefined) return [0, n];
  if (!Array.isArray(rows) || rows.length !== 2 || !rows.every((r) => Number.isSafeInteger(r)) || rows[0] < 0 || rows[1] > n || rows[0] > rows[1])
    fail('ERR_OUT_OF_RANGE', `rows must be [start, stop] with 0 <= start <= stop <= ${n}, got ${show(rows)}`);
  return rows as [number, number];
}

/**
 * `search` over rows [start, stop) only, as a mergeable state (row indices are the whole array's).
 * @example const part = await searchPartial(a, q, { k: 10, rows: [0, 500000] });
 */
export async function searchPartial(a: MemMap, queries: VectorLike, options: SearchOptions = {}): Promise<TopKPartial> {
  const p = prepareSearch(a, queries, options);
  const states = await runSearch(p, options);
  const digest = createHash('sha256').update(new Uint8Array(p.queries.buffer, p.queries.byteOffset, p.queries.byteLength)).digest('hex').slice(0, 32);
  return {
    format: TOPK_PARTIAL_FORMAT, op: 'search', dtype: a.dtype.name, arrayShape: a.shape, rows: [p.start, p.stop],
    options: { k: p.k, metric: p.metric, axis: null, largest: p.metric !== 'l2', Q: p.Q, single: p.single, queries: digest },
    valueDtype: p.scoreType, state: encode(states, p.k, p.Q, 0n),
  };
}

/**
 * `topk` over rows [start, stop) (first axis) as a mergeable state: indices are the whole array's
 * (flat C-order for axis null, rows for axis 0).
 * @example const part = await topkPartial(a, 5, { axis: null, rows: [0, 1000] });
 */
export async function topkPartial(a: MemMap, k: number, options: TopKOptions & { rows?: [number, number] } = {}): Promise<TopKPartial> {
  checkMemMap(a, 'the array');
  if (a.ndim === 0) fail('ERR_NDMMAP_INDEX', 'a 0-d array has no rows to split');
  const { rows, ...rest } = options;
  const whole = prepareTopK(a, k, rest);
  const [start, stop] = rowRange(rows, a.shape[0]);
  const view = a.slice(`${start}:${stop}`);
  const p = { ...prepareTopK(view, k, rest, whole.axis === null ? a.size : a.shape[whole.axis]), shape: whole.shape };
  const acrossRows = whole.axis === null || whole.axis === 0;
  // a shard with no rows along the reduced axis has nothing to offer (its state is empty)
  const empty = view.size === 0;
  const { states, outCount } = empty ? { states: new BigUint64Array(0), outCount: acrossRows ? sizeOf(whole.outShape) / k : 0 } : await runTopK(p, rest);
  const shift = whole.axis === null ? BigInt(start * sizeOf(a.shape.slice(1))) : whole.axis === 0 ? BigInt(start) : 0n;
  return {
    format: TOPK_PARTIAL_FORMAT, op: 'topk', dtype: a.dtype.name, arrayShape: a.shape, rows: [start, stop],
    options: { k, metric: null, axis: whole.axis, largest: whole.largest, Q: 1, single: true, queries: null },
    valueDtype: a.dtype.name, state: empty ? Array.from({ length: outCount }, () => []) : encode(states, k, outCount, shift),
  };
}

function partialError(msg: string): never { return fail('ERR_NDMMAP_PARTIAL', msg); }

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const U64 = /^\d{1,20}$/;
const I64 = /^-?\d{1,19}$/;

/** Check the list (one op, options, array; row ranges tiling every row); sorted by row. */
function checkList(list: unknown): TopKPartial[] {
  if (!Array.isArray(list) || list.length === 0) partialError('merge needs at least one partial state');
  for (const p of list) {
    if (!isObject(p) || p.format !== TOPK_PARTIAL_FORMAT) partialError(`not an ndmmap top-k partial state (expected format '${TOPK_PARTIAL_FORMAT}')`);
    if (p.op !== 'search' && p.op !== 'topk') partialError(`unknown op ${show(p.op)} in a partial state`);
    if (!Array.isArray(p.arrayShape) || p.arrayShape.length === 0 || !p.arrayShape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0))
      partialError(`a partial state has a bad array shape ${show(p.arrayShape)}`);
    if (!Array.isArray(p.rows) || p.rows.length !== 2 || !p.rows.every((r) => Number.isSafeInteger(r) && (r as number) >= 0) || (p.rows[0] as number) > (p.rows[1] as number))
      partialError(`a partial state has bad rows ${show(p.rows)}`);
    if (!Array.isArray(p.state) || !isObject(p.options)) partialError('a partial state lacks state or options');
    const o = p.options;
    if (!Number.isSafeInteger(o.k) || (o.k as number) < 1 || !Number.isSafeInteger(o.Q) || (o.Q as number) < 1 || (o.Q as number) > 64)
      partialError(`a partial state has bad options ${show(JSON.stringify(o))}`);
    for (const key of ['dtype', 'valueDtype'] as const) {
      try { parseDtype(p[key] as string); } catch { partialError(`a partial state has an unknown ${key} ${show(p[key])}`); }
    }
  }
  const parts = [...(list as TopKPartial[])].sort((x, y) => x.rows[0] - y.rows[0] || x.rows[1] - y.rows[1]);
  const key = (p: TopKPartial): string => JSON.stringify([p.op, p.dtype, p.valueDtype, p.options, p.arrayShape]);
  for (const p of parts) if (key(p) !== key(parts[0])) partialError(`partial states disagree: ${key(p)} and ${key(parts[0])}`);
  let at = 0;
  for (const p of parts) {
    if (p.rows[0] < at) partialError(`row ranges overlap: ${p.rows[0]}:${p.rows[1]} starts before row ${at}`);
    if (p.rows[0] > at) partialError(`rows ${at}:${p.rows[0]} are missing from the partial states`);
    at = p.rows[1];
  }
  if (at !== parts[0].arrayShape[0]) partialError(`rows ${at}:${parts[0].arrayShape[0]} are missing from the partial states`);
  return parts;
}

/** Slots (count + candidates) from a partial's JSON, into `into` at slot `at`. */
function decode(p: TopKPartial, k: number, into: BigUint64Array, at: number): void {
  const W = slotWords(k);
  p.state.forEach((cands, o) => {
    if (!Array.isArray(cands) || cands.length > k) partialError(`a partial state output must hold at most ${k} candidates`);
    const base = (at + o) * W;
    into[base] = BigInt(cands.length);
    cands.forEach((c, j) => {
      if (!Array.isArray(c) || c.length !== 3 || !U64.test(String(c[0])) || !I64.test(String(c[1])) || !U64.test(String(c[2])))
        partialError(`a partial state has a malformed candidate ${show(JSON.stringify(c))}`);
      into[base + 1 + CAND_WORDS * j] = BigInt.asUintN(64, BigInt(c[0]));
      into[base + 2 + CAND_WORDS * j] = BigInt.asUintN(64, BigInt(c[1]));
      into[base + 3 + CAND_WORDS * j] = BigInt.asUintN(64, BigInt(c[2]));
    });
  });
}

/**
 * Merge the partial states of disjoint row ranges covering every row into what one `search` or `topk`
 * run over the whole array returns.
 * @throws `ERR_NDMMAP_PARTIAL` when the states disagree (op, options, queries, array), overlap, leave rows out or are malformed.
 * @example const result = mergeTopkPartials([partA, partB]);
 */
export function mergeTopkPartials(list: unknown[]): SearchResult | TopKResult {
  const parts = checkList(list);
  const first = parts[0];
  const o = first.options;
  const k = o.k;
  const shape = first.arrayShape;
  const W = slotWords(k);
  if (first.op === 'search') {
    if (shape.length !== 2 || k > shape[0] || (o.metric !== 'dot' && o.metric !== 'cosine' && o.metric !== 'l2')) partialError('a search partial state has bad options');
    if (first.valueDtype !== 'float32' && first.valueDtype !== 'float64') partialError('a search partial state has a bad score dtype');
    for (const p of parts) if (p.state.length !== o.Q) partialError(`a search partial state must hold ${o.Q} outputs`);
    const stacked = new BigUint64Array(parts.length * o.Q * W);
    parts.forEach((p, g) => decode(p, k, stacked, g * o.Q));
    return searchResult(mergeStates(stacked, parts.length, o.Q, k), k, o.Q, o.single, first.valueDtype);
  }
  const axis = o.axis;
  if (axis !== null && (!Number.isInteger(axis) || axis < 0 || axis >= shape.length)) partialError(`a partial state has a bad axis ${show(axis)}`);
  if (k > (axis === null ? sizeOf(shape) : shape[axis])) partialError('a topk partial state has k beyond the axis');
  const outShape = axis === null ? [k] : shape.map((d, i) => (i === axis ? k : d));
  const outCount = sizeOf(outShape) / k;
  const p = { a: undefined as unknown as MemMap, shape, dtype: first.dtype as DTypeName, k, axis, largest: o.largest, outShape };
  if (axis === null || axis === 0) {
    for (const q of parts) if (q.state.length !== outCount) partialError(`a topk partial state must hold ${outCount} outputs`);
    const stacked = new BigUint64Array(parts.length * outCount * W);
    parts.forEach((q, g) => decode(q, k, stacked, g * outCount));
    return topkResult(p, mergeStates(stacked, parts.length, outCount, k), outCount);
  }
  const perRow = outCount / Math.max(1, shape[0]);
  const states = new BigUint64Array(outCount * W);
  let at = 0;
  for (const q of parts) {
    if (q.state.length !== (q.rows[1] - q.rows[0]) * perRow) partialError(`a topk partial state for rows ${q.rows[0]}:${q.rows[1]} has ${q.state.length} outputs`);
    decode(q, k, states, at);
    at += q.state.length;
  }
  return topkResult(p, states, outCount);
}
