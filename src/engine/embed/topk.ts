/**
 * `topk(a, k, { axis, largest })` / `argtopk`: the k largest (or smallest) values along an axis and
 * their indices, sorted like numpy's stable sort of `-a` (or `a`): NaN last, ties by the lower index.
 * Planned like a reduction over that axis (the reduction plan's blocks), each block keeping the k best
 * per output; partial states merge in any order to the same answer.
 */
import { type DTypeName, isSwapped } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { checkAxis, sizeOf } from '../../layout.js';
import { type MemMap, checkMemMap } from '../../memmap.js';
import { planReduce } from '../plan.js';
import { type NDResult, allocate } from '../reduce.js';
import { type RunOptions, checkRunOptions, newControl, runCall, runInline, runsInline } from '../run.js';
import { type TopKTask } from '../tasks.cjs';
import { resultBuffer, slotWords } from './rows.js';
import { mergeStates, slot, valueOf } from './state.js';

/** Options of `topk` and `argtopk`. */
export interface TopKOptions extends RunOptions {
  /** The axis (default -1, the last); null for the flattened array (flat C-order indices). */
  axis?: number | null;
  /** The k largest (default) or, when false, the k smallest. */
  largest?: boolean;
}

/** Values (the array's dtype) and int64 indices, shape of `a` with the axis replaced by k ((k,) for axis null). */
export interface TopKResult { values: NDResult; indices: NDResult }

/** A top-k call, checked: `shape`/`dtype` are the whole array's (a shard's results use them too). */
export interface PreparedTopK { a: MemMap; shape: number[]; dtype: DTypeName; k: number; axis: number | null; largest: boolean; outShape: number[] }

/** Validate everything; nothing runs. `n` overrides the axis length k is checked against (shards). */
export function prepareTopK(a: MemMap, k: unknown, options: TopKOptions, n?: number): PreparedTopK {
  checkMemMap(a, 'the array');
  checkRunOptions(options);
  a.mapping.check();
  const known = ['axis', 'largest', 'threads', 'signal', 'onProgress'];
  for (const key of Object.keys(options)) if (!known.includes(key)) fail('ERR_INVALID_ARG_VALUE', `unknown topk option ${show(key)} (options: ${known.join(', ')})`);
  if (options.largest !== undefined && typeof options.largest !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `largest must be a boolean, got ${show(options.largest)}`);
  const axis = options.axis === null ? null : a.ndim === 0 ? fail('ERR_NDMMAP_AXIS', 'topk needs an array with at least one dimension (or axis null)') : checkAxis(options.axis ?? -1, a.ndim);
  n ??= axis === null ? a.size : a.shape[axis];
  if (typeof k !== 'number' || !Number.isInteger(k)) fail('ERR_INVALID_ARG_TYPE', `k must be an integer, got ${show(k)}`);
  if (k < 1 || k > n) fail('ERR_OUT_OF_RANGE', `k must be in 1..${n} (the length of the axis), got ${k}`);
  const outShape = axis === null ? [k] : a.shape.map((d, i) => (i === axis ? k : d));
  return { a, shape: a.shape, dtype: a.dtype.name, k, axis, largest: options.largest ?? true, outShape };
}

/** The merged state slot of every output (kept dims in C order). */
export async function runTopK(p: PreparedTopK, opts: RunOptions): Promise<{ states: BigUint64Array; outCount: number }> {
  const { a, k } = p;
  const plan = planReduce([a.layout], p.axis === null ? null : [p.axis], 8);
  const W = slotWords(k);
  const words = plan.groups * plan.outCount * W;
  const buf = resultBuffer(words * 8, plan.totalBytes);
  const inline = runsInline(plan.totalBytes);
  const task: TopKTask = {
    kind: 'topk', control: newControl(inline), operand: [a.mapping.id, a.dtype.code, isSwapped(a.dtype) ? 1 : 0], k, largest: p.largest,
    out: buf, blocks: plan.blocks,
  };
  a.checkFile();
  if (inline) runInline(task, plan.totalBytes, opts);
  else await runCall(task, plan.totalBytes, opts);
  a.mapping.check();
  return { states: mergeStates(new BigUint64Array(buf, 0, words), plan.groups, plan.outCount, k), outCount: plan.outCount };
}

/** Result position of candidate j of output o: k takes the axis's place. */
function placer(p: PreparedTopK): (o: number, j: number) => number {
  if (p.axis === null) return (_o, j) => j;
  const inner = sizeOf(p.shape.slice(p.axis + 1));
  return (o, j) => Math.floor(o / inner) * p.k * inner + j * inner + (o % inner);
}

async function topkImpl(a: MemMap, k: number, options: TopKOptions, values: boolean): Promise<TopKResult> {
  const p = prepareTopK(a, k, options);
  const { states, outCount } = await runTopK(p, options);
  return topkResult(p, states, outCount, values);
}

/** Decode merged states (one slot per output, kept dims in C order) into the result arrays. */
export function topkResult(p: PreparedTopK, states: BigUint64Array, outCount: number, values = true): TopKResult {
  const { k } = p;
  const at = placer(p);
  const n = sizeOf(p.outShape);
  const idx = new BigInt64Array(n);
  const dt = p.dtype;
  const vals = allocate(dt, values ? n : 0) as { [i: number]: number | bigint };
  for (let o = 0; o < outCount; o++) {
    const s = slot(states, k, o);
    for (let j = 0; j < s.n; j++) {
      const pos = at(o, j);
      idx[pos] = s.idx(j);
      if (values) vals[pos] = valueOf(s.bits(j), dt);
    }
  }
  return {
    values: { shape: [...p.outShape], dtype: dt, data: vals as NDResult['data'] },
    indices: { shape: [...p.outShape], dtype: 'int64', data: idx },
  };
}

/**
 * The k largest (or smallest) values along an axis with their indices, sorted best first.
 * Order: numpy's `np.argsort(-a, kind='stable')` for largest (descending, NaN last, ties by lower
 * index), `np.argsort(a, kind='stable')` for smallest; integers compare exactly (no wrap of `-a`).
 * @param k 1 ≤ k ≤ the axis length
 * @param options axis (default -1; null: flattened), largest (default true), threads, signal, onProgress
 * @throws `ERR_OUT_OF_RANGE` (k), `ERR_NDMMAP_AXIS`, `ERR_INVALID_ARG_TYPE`, `ERR_NDMMAP_CLOSED`.
 * @example const { values, indices } = await topk(scores, 5);
 */
export function topk(a: MemMap, k: number, options: TopKOptions = {}): Promise<TopKResult> {
  return topkImpl(a, k, options, true);
}

/** The indices part of `topk` (int64, same shape). @example (await argtopk(a, 3, { axis: null })).data */
export async function argtopk(a: MemMap, k: number, options: TopKOptions = {}): Promise<NDResult> {
  return (await topkImpl(a, k, options, false)).indices;
}
