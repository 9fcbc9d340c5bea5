/**
 * `search(a, queries, { k, metric })`: brute-force nearest neighbours over an (N, D) MemMap in one
 * parallel pass — scores and the k best rows per query fused per row block, no N-sized scores array.
 */
import { dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { compileExpr } from '../../expr/index.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { type NDResult } from '../reduce.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { type ProgramData } from '../tasks.cjs';
import { type VectorLike, computeArray, readOperand, searchFloat } from './operands.js';
import { METRICS, MAX_QUERIES, embedDescriptor, planRows, resultBuffer, runRows, slotWords } from './rows.js';
import { mergeStates, slot, valueOf } from './state.js';

export type Metric = 'dot' | 'cosine' | 'l2';

/** Options of `search`. */
export interface SearchOptions extends RunOptions {
  /** How many rows per query (1 ≤ k ≤ N; default 10, at most N). */
  k?: number;
  /** `'dot'` (default) and `'cosine'` rank largest first, `'l2'` (Euclidean distance) smallest first. */
  metric?: Metric;
  /**
   * Only rows whose entry is true count: a bool MemMap of shape (N,), or a bool expression of the row
   * index `i0` (`'i0 < 500000'`, `'i0 % 2 == 0'`), evaluated per block inside the search pass (no
   * temporary file; tiles with no row kept are not even read).
   */
  filter?: MemMap | string;
  /** Search rows [start, stop) only (indices stay those of the whole array); for shards. */
  rows?: [number, number];
}

/** The k best rows of each query: indices (int64) and scores, shape (k,) for one query, (Q, k) for several. */
export interface SearchResult { indices: NDResult; scores: NDResult }

/** A search, checked and planned: what search() and searchPartial() run. */
export interface PreparedSearch {
  a: MemMap; k: number; metric: Metric; Q: number; single: boolean; scoreType: 'float32' | 'float64';
  queries: Float32Array | Float64Array; filter?: MemMap; filterProgram?: ProgramData; start: number; stop: number;
}

/**
 * A filter expression of the row index (`'i0 < 500000'`, `'i0 % 2 == 0'`; `i` is `i0`) as a VM
 * program, checked to be bool. It runs per tile inside the search pass: no N-byte mask is written.
 * @throws `ERR_NDMMAP_EXPR` (syntax, any other name), `ERR_NDMMAP_DTYPE` (not bool).
 */
function filterProgram(expr: string): ProgramData {
  const p = compileExpr(expr, { vars: {}, ndim: 1 });
  if (p.dtype !== 'bool') fail('ERR_NDMMAP_DTYPE', `a filter expression must be bool, such as 'i0 < 500000', got dtype ${p.dtype}`);
  return { code: p.code, consts: p.consts };
}

/** Validate and convert everything; nothing runs. */
export function prepareSearch(a: MemMap, queries: VectorLike, options: SearchOptions = {}): PreparedSearch {
  checkMemMap(a, 'the array');
  checkRunOptions(options);
  a.mapping.check();
  if (a.ndim !== 2) fail('ERR_NDMMAP_SHAPE', `search needs 2-D data (N, D), got shape ${show(a.shape)}`);
  const known = ['k', 'metric', 'filter', 'rows', 'threads', 'signal', 'onProgress'];
  for (const key of Object.keys(options)) if (!known.includes(key)) fail('ERR_INVALID_ARG_VALUE', `unknown search option ${show(key)} (options: ${known.join(', ')})`);
  const [N, D] = a.shape;
  const metric = options.metric ?? 'dot';
  if (!(metric in METRICS)) fail('ERR_INVALID_ARG_VALUE', `metric must be one of 'dot', 'cosine', 'l2', got ${show(metric)}`);
  const k = options.k ?? Math.min(10, N);
  if (typeof k !== 'number' || !Number.isInteger(k)) fail('ERR_INVALID_ARG_TYPE', `k must be an integer, got ${show(k)}`);
  if (k < 1 || k > N) fail('ERR_OUT_OF_RANGE', `k must be in 1..${N} (the number of rows), got ${k}`);
  const op = readOperand(queries, 'the queries');
  if (op.dtype === 'bool') fail('ERR_NDMMAP_DTYPE', 'the queries must be numbers, got dtype bool');
  if (op.shape.length > 2) fail('ERR_NDMMAP_SHAPE', `the queries must have shape (D,) or (Q, D), got ${show(op.shape)}`);
  const single = op.shape.length === 1;
  const Q = single ? 1 : op.shape[0];
  const qd = op.shape[op.shape.length - 1];
  if (qd !== D)
    fail('ERR_NDMMAP_SHAPE', `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size ${qd} is different from ${D})`);
  if (Q < 1 || Q > MAX_QUERIES) fail('ERR_OUT_OF_RANGE', `search takes 1..${MAX_QUERIES} queries, got ${Q}`);
  // plain numbers are weak (like Python scalars): the data's dtype decides; typed queries take part
  const scoreType = searchFloat(a.dtype.name) === 'float64' || (op.dtype !== null && searchFloat(op.dtype) === 'float64') ? 'float64' : 'float32';
  const q = computeArray(scoreType, op.values, (i) => i, Q * D) as Float32Array | Float64Array;
  const given = options.filter;
  const filterProg = typeof given === 'string' ? filterProgram(given) : undefined;
  const filter = typeof given === 'string' ? undefined : given;
  if (filter !== undefined) {
    checkMemMap(filter, 'filter');
    filter.mapping.check();
    if (filter.dtype.name !== 'bool' || filter.ndim !== 1 || filter.shape[0] !== N)
      fail('ERR_NDMMAP_SHAPE', `filter must be a bool array of shape (${N},), got ${filter.dtype.name} ${show(filter.shape)}`);
  }
  let [start, stop] = [0, N];
  if (options.rows !== undefined) {
    const r = options.rows;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isSafeInteger(x)) || r[0] < 0 || r[1] > N || r[0] > r[1])
      fail('ERR_OUT_OF_RANGE', `rows must be [start, stop] with 0 <= start <= stop <= ${N}, got ${show(r)}`);
    [start, stop] = r;
  }
  return { a, k, metric, Q, single, scoreType, queries: q, filter, filterProgram: filterProg, start, stop };
}

/** Run a prepared search: the merged top-k state per query (slot per query). */
export async function runSearch(p: PreparedSearch, opts: RunOptions): Promise<BigUint64Array> {
  const W = slotWords(p.k);
  const plan = planRows(p.a, p.start, p.stop, p.Q * W * 8);
  const groups = Math.max(1, plan.blocks.length);
  const buf = resultBuffer(groups * p.Q * W * 8, plan.totalBytes);
  const desc = embedDescriptor(p.a, {
    op: 1, mode: parseDtype(p.scoreType).code, metric: METRICS[p.metric], k: p.k, Q: p.Q, outType: 0, storeType: 0, filter: p.filter,
  });
  p.a.checkFile();
  p.filter?.checkFile();
  await runRows({ desc, queries: p.queries, out: buf, outWords: true, blocks: plan.blocks, filter: p.filterProgram }, plan.totalBytes, opts);
  p.a.mapping.check();
  p.filter?.mapping.check();
  return mergeStates(new BigUint64Array(buf, 0, groups * p.Q * W), groups, p.Q, p.k);
}

/** Decode merged states into the result arrays (fewer than k columns when a filter passes fewer rows). */
export function searchResult(states: BigUint64Array, k: number, Q: number, single: boolean, scoreType: 'float32' | 'float64'): SearchResult {
  let m = k;
  for (let j = 0; j < Q; j++) m = Math.min(m, slot(states, k, j).n);
  const indices = new BigInt64Array(Q * m);
  const scores = scoreType === 'float32' ? new Float32Array(Q * m) : new Float64Array(Q * m);
  for (let j = 0; j < Q; j++) {
    const s = slot(states, k, j);
    for (let i = 0; i < m; i++) { indices[j * m + i] = s.idx(i); scores[j * m + i] = valueOf(s.bits(i), scoreType) as number; }
  }
  const shape = single ? [m] : [Q, m];
  return { indices: { shape, dtype: 'int64', data: indices }, scores: { shape: [...shape], dtype: scoreType, data: scores } };
}

/**
 * The k nearest rows of `a` (N, D) to each query, in one pass over the file: `'dot'` and `'cosine'`
 * (dot / (row norm × query norm)) rank largest first, `'l2'` (Euclidean distance) smallest first; ties
 * go to the lower row, NaN scores rank last. Scores are float32 for float16/float32 and ≤16-bit integer
 * data with non-float64 queries, else float64.
 * @param queries one query (D,) or several (Q, D), Q ≤ 64: typed array, `{ data, shape }`, MemMap, numbers
 * @param options k (default 10), metric (default 'dot'), filter (bool MemMap (N,) or an expression of `i0`), rows, threads, signal, onProgress
 * @throws `ERR_NDMMAP_SHAPE` (numpy's matmul message for a D mismatch; data not 2-D), `ERR_OUT_OF_RANGE`
 *   (k ≤ 0 or > N; Q > 64), `ERR_INVALID_ARG_VALUE` (unknown metric or option), `ERR_NDMMAP_DTYPE` — all before any worker runs.
 * @example const { indices, scores } = await search(emb, query, { k: 10, metric: 'cosine' });
 */
export async function search(a: MemMap, queries: VectorLike, options: SearchOptions = {}): Promise<SearchResult> {
  const p = prepareSearch(a, queries, options);
  const states = await runSearch(p, options);
  return searchResult(states, p.k, p.Q, p.single, p.scoreType);
}
