/**
 * Sharded `dot`: rows [start, stop) of an (N, …, D) array times a vector or matrix give rows
 * [start, stop) of numpy's `a @ v`, so a shard's state is its rows of the result and the merge puts
 * them in row order. (A 1-D array's rows are the contraction itself: it does not shard this way.)
 */
import { type DTypeName, dtype as parseDtype } from '../dtype.js';
import { fail, show } from '../errors.js';
import { sizeOf } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { type NDResult, allocate } from './reduce.js';
import { type DotOptions, dot } from './embed/dot.js';
import { type VectorLike } from './embed/operands.js';

/** Float values JSON cannot hold, as they travel. */
const SPECIAL = ['NaN', 'Infinity', '-Infinity', '-0'];
/** Format tag of a dot partial. */
export const DOT_PARTIAL_FORMAT = 'ndmmap-dot-partial/1';

/** Rows [start, stop) of `a @ v`: the result's dtype and shape for those rows, values in C order (64-bit integers as decimal strings). */
export interface DotPartial {
  format: typeof DOT_PARTIAL_FORMAT;
  arrayShape: number[];
  rows: [number, number];
  dtype: DTypeName;
  /** The whole result's shape (first axis: every row). */
  shape: number[];
  data: Array<number | string>;
}

/**
 * `dot` over rows [start, stop) of `a` (2-D or more) as a mergeable state.
 * @throws `ERR_NDMMAP_INDEX` for a 1-D or 0-d array; dot's errors.
 */
export async function dotPartial(a: MemMap, v: VectorLike, options: DotOptions & { rows?: [number, number] } = {}): Promise<DotPartial> {
  checkMemMap(a, 'the array');
  if (a.ndim < 2) fail('ERR_NDMMAP_INDEX', `a dot of a ${a.ndim}-d array does not shard by rows (its rows are the contraction): run it whole`);
  const { rows, ...rest } = options;
  const n = a.shape[0];
  const [start, stop] = rows ?? [0, n];
  const r = (await dot(a.slice(`${start}:${stop}`), v, rest)) as NDResult;
  // JSON has no NaN, inf or -0: those travel as strings, as 64-bit integers do
  const data = Array.from(r.data as ArrayLike<number | bigint>, (x) => (typeof x === 'bigint' || !Number.isFinite(x) || Object.is(x, -0) ? String(Object.is(x, -0) ? '-0' : x) : x));
  return { format: DOT_PARTIAL_FORMAT, arrayShape: [...a.shape], rows: [start, stop], dtype: r.dtype, shape: [n, ...r.shape.slice(1)], data };
}

export function isDotPartial(p: unknown): boolean {
  return p !== null && typeof p === 'object' && (p as { format?: unknown }).format === DOT_PARTIAL_FORMAT;
}

/**
 * The whole `a @ v` from the states of disjoint row ranges that cover every row.
 * @throws `ERR_NDMMAP_PARTIAL` for states of different calls, overlapping or missing rows, malformed values.
 */
export function mergeDotPartials(list: unknown[]): NDResult {
  const bad = (msg: string): never => fail('ERR_NDMMAP_PARTIAL', msg);
  if (list.length === 0) bad('nothing to merge');
  const ps = list.map((p) => (isDotPartial(p) ? p as DotPartial : bad(`not a ${DOT_PARTIAL_FORMAT} state`)));
  const first = ps[0];
  try { parseDtype(first.dtype); } catch { bad(`a dot partial state has an unknown dtype ${show(first.dtype)}`); }
  const key = (p: DotPartial): string => JSON.stringify([p.arrayShape, p.dtype, p.shape]);
  for (const p of ps) if (key(p) !== key(first)) bad(`partial states of different calls: ${key(p)} and ${key(first)}`);
  const per = sizeOf(first.shape.slice(1));
  const sorted = [...ps].sort((x, y) => x.rows[0] - y.rows[0]);
  let at = 0;
  for (const p of sorted) {
    if (p.rows[0] !== at) bad(p.rows[0] < at ? `rows ${p.rows[0]}:${p.rows[1]} overlap another partial` : `rows ${at}:${p.rows[0]} are missing`);
    if (!Array.isArray(p.data) || p.data.length !== (p.rows[1] - p.rows[0]) * per) bad(`a dot partial state for rows ${p.rows[0]}:${p.rows[1]} has ${Array.isArray(p.data) ? p.data.length : 'no'} values`);
    at = p.rows[1];
  }
  if (at !== first.shape[0]) bad(`rows ${at}:${first.shape[0]} are missing`);
  const data = allocate(first.dtype, sizeOf(first.shape));
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  let k = 0;
  for (const p of sorted) {
    for (const x of p.data) {
      if (big ? typeof x !== 'string' || !/^-?\d+$/.test(x) : typeof x !== 'number' && !SPECIAL.includes(x as string)) bad(`a dot partial state holds a malformed value ${show(x)}`);
      (data as unknown as Array<number | bigint>)[k++] = big ? BigInt(x) : Number(x);
    }
  }
  return { shape: first.shape, dtype: first.dtype, data } as NDResult;
}
