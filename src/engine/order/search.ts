/**
 * numpy's `searchsorted(a, v, side, sorter)` and `isin(element, test_elements, invert)`: binary searches
 * in parallel over the queries, comparing as numpy does in the two sides' common dtype (int64 sorted
 * and float queries compare as float64; NaN sorts last and equals nothing for isin; datetime64/timedelta64
 * compare as counts of one unit, NaT as NaN). The sorted side
 * of searchsorted is read in place, never copied. An unsorted `a` gives numpy's undefined but safe
 * result (some index in [0, len]); a sorter's indices are checked, never read out of bounds.
 */
import { type DType, type DTypeName, dtype as parseDtype, isSwapped } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { promote } from '../../expr/types.js';
import { isContiguous } from '../../layout.js';
import { MemMap, checkMemMap } from '../../memmap.js';
import { native } from '../../native.js';
import * as contract from '../../gen/contract.cjs';
import { type OutTarget, checkTarget, intoTarget } from '../convert.js';
import { type NDResult } from '../reduce.js';
import { checkRunOptions } from '../run.js';
import { KIND, type Operand, type OrderRunOptions, inlineFor, kindOf, runPass, sharedLike } from './pass.js';
import { type ValuesArg, values } from './values.js';
import { checkCounts, countsOf, datetimeValues, isDatetime } from './datetime.js';

/** Options of searchsorted(). */
export interface SearchsortedOptions extends OrderRunOptions {
  /** 'left' (default): the first index where v fits; 'right': the last. */
  side?: 'left' | 'right';
  /** Indices that sort `a` (an argsort result): a BigInt64Array or an int64 MemMap of a's length. */
  sorter?: BigInt64Array | MemMap;
  /** Write the indices here (an int64 C-contiguous MemMap of v's shape, or a path for a new .npy). */
  out?: OutTarget;
}

/** Options of isin(). */
export interface IsinOptions extends OrderRunOptions {
  /** True: whether each element is NOT in test (numpy's invert). */
  invert?: boolean;
}

function sorterArg(s: unknown, n: number): BigInt64Array | Float64Array | null {
  if (s === undefined || s === null) return null;
  if (s instanceof MemMap) {
    s.mapping.check();
    if (s.dtype.kind !== 'i' && s.dtype.kind !== 'u') fail('ERR_INVALID_ARG_TYPE', 'sorter must only contain integers');
    if (s.dtype.name !== 'int64') fail('ERR_NDMMAP_DTYPE', `sorter must be int64 (an argsort result), got ${s.dtype.str}`);
    if (s.ndim !== 1 || s.size !== n) fail('ERR_NDMMAP_SHAPE', 'sorter.size must equal a.size');
    const d = new Float64Array(contract.ORDER_SORTER.SIZE);
    contract.packOrderSorter(d, { id: s.mapping.id, swap: isSwapped(s.dtype) ? 1 : 0, position: s.layout.byteOffset, stride: s.layout.strides[0] * 8 });
    return d;
  }
  let t: BigInt64Array;
  if (s instanceof BigInt64Array) t = s;
  else if (s instanceof Int32Array || s instanceof Uint32Array || s instanceof Int16Array || s instanceof Uint16Array || s instanceof Int8Array || s instanceof Uint8Array)
    t = BigInt64Array.from(s as ArrayLike<number>, (x) => BigInt(x));
  else if (s instanceof Float64Array || s instanceof Float32Array) return fail('ERR_INVALID_ARG_TYPE', 'sorter must only contain integers');
  else return fail('ERR_INVALID_ARG_TYPE', `sorter must be a BigInt64Array or an int64 MemMap, got ${show(s)}`);
  if (t.length !== n) fail('ERR_NDMMAP_SHAPE', 'sorter.size must equal a.size');
  return t;
}

/** The comparison dtype of two sides, and its key kind. */
function common(a: DType, b: DType): { dt: DTypeName; kind: ReturnType<typeof kindOf> } {
  const dt = promote(a.name, b.name);
  return { dt, kind: kindOf(parseDtype(dt)) };
}

function mappedOut(m: MemMap): Float64Array {
  if (m.dtype.name !== 'int64' || m.dtype.byteorder === '>' || !isContiguous(m.layout, 'C'))
    fail('ERR_NDMMAP_DTYPE', `out must be a C-contiguous native-endian int64 array, got ${m.dtype.str}`);
  const d = new Float64Array(contract.ORDER_OUT.SIZE);
  contract.packOrderOut(d, { id: m.mapping.id, position: m.layout.byteOffset });
  return d;
}

const total = (o: Operand): number => o.layout.shape.reduce((t, n) => t * n, 1);
const SEARCH_KNOWN = new Set(['side', 'sorter', 'out', 'threads', 'signal', 'onProgress']);

/**
 * numpy's `searchsorted`: where each value of `v` would be inserted into the sorted 1-D `a` to keep
 * it sorted. An unsorted `a` gives an undefined (numpy's too) but safe result.
 * @param v a MemMap, typed array, (nested) JS array or a scalar (then the result is a bigint)
 * @param options side ('left'), sorter (an argsort result), out, threads, signal, onProgress
 * @returns int64 indices of v's shape (an NDResult, the out MemMap, or a bigint for a scalar v)
 * @throws `ERR_NDMMAP_SHAPE` (a not 1-D: numpy's 'object too deep for desired array'; sorter's size),
 *   `ERR_INVALID_ARG_VALUE` (side), `ERR_INVALID_ARG_TYPE` (sorter not integers), `ERR_OUT_OF_RANGE`
 *   (a sorter index out of range: numpy's 'Sorter index out of range.'), `ABORT_ERR`
 * @example const idx = await searchsorted(sortedTimes, queries, { side: 'right' });
 */
export async function searchsorted(a0: MemMap, v: ValuesArg, options: SearchsortedOptions = {}): Promise<NDResult<'int64'> | MemMap | bigint> {
  // datetime64/timedelta64: both sides as counts of a's unit, under the 'datetime' key kind (NaT last)
  const dated = a0 instanceof MemMap && isDatetime(a0.dtype) ? a0.dtype : undefined;
  const a = dated !== undefined ? countsOf(a0) : a0;
  checkMemMap(a, 'a');
  const opts = checkRunOptions(options as never) as SearchsortedOptions;
  for (const k of Object.keys(opts)) if (!SEARCH_KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `searchsorted() got an unexpected keyword argument '${k}'`);
  const side = opts.side ?? 'left';
  if (side !== 'left' && side !== 'right') fail('ERR_INVALID_ARG_VALUE', `search side must be 'left' or 'right' (got ${show(side)})`);
  a.mapping.check();
  if (a.ndim !== 1) fail('ERR_NDMMAP_SHAPE', 'object too deep for desired array');
  const q = values(dated !== undefined ? datetimeValues(v, dated, 'v') : v, 'v');
  if (dated !== undefined) checkCounts(q.op.dtype, dated, 'v');
  const sorter = sorterArg(opts.sorter, a.size);
  const c = dated !== undefined ? { dt: 'int64', kind: 'datetime' as const } : common(a.dtype, q.op.dtype);
  const shape = [...q.op.layout.shape];
  const target = checkTarget(opts.out, shape, 'searchsorted');
  if (target instanceof MemMap) mappedOut(target);
  const l = a.layout;
  const sorted = new Float64Array(contract.ORDER_SORTED.SIZE);
  contract.packOrderSorted(sorted, { id: a.mapping.id, dtype: a.dtype.code, swap: isSwapped(a.dtype) ? 1 : 0, position: l.byteOffset, n: a.size, stride: (l.strides[0] ?? 0) * a.dtype.itemsize });
  const n = total(q.op);
  const pool = !inlineFor(q.op);
  if (pool && q.op.buffer !== undefined && !(q.op.buffer.buffer instanceof SharedArrayBuffer)) {
    const b = q.op.buffer as unknown as { constructor: new (n: SharedArrayBuffer) => ArrayBufferView & { set(x: unknown): void } };
    const copy = new b.constructor(new SharedArrayBuffer(q.op.buffer.byteLength));
    copy.set(q.op.buffer);
    q.op = { ...q.op, buffer: copy };
  }
  const run = (out: BigInt64Array | Float64Array): Promise<void> =>
    runPass(q.op, 'search', c.kind, [sorted, sorter, side === 'left' ? 0 : 1, out, n], opts, 'search');
  if (target !== undefined) return await intoTarget(target, parseDtype('int64'), shape, 'C', (m) => run(mappedOut(m))) as MemMap;
  const out = sharedLike(BigInt64Array, n * 8, pool);
  if (n > 0) await run(out);
  if (q.scalar) return out[0];
  return { shape, dtype: 'int64', data: pool ? out.slice(0, n) : out.subarray(0, n) };
}

/**
 * numpy's `isin`: whether each element of `element` is in `test` (compared in their common dtype;
 * NaN is in nothing). A bool array of element's shape (a boolean for a 0-d element).
 * @param test a MemMap, typed array, (nested) JS array or a scalar
 * @param options invert, threads, signal, onProgress
 * @example const mask = await isin(ids, [3, 5, 8]);
 */
export async function isin(e0: MemMap, test: ValuesArg, options: IsinOptions = {}): Promise<NDResult<'bool'> | boolean> {
  const dated = e0 instanceof MemMap && isDatetime(e0.dtype) ? e0.dtype : undefined;
  const element = dated !== undefined ? countsOf(e0) : e0;
  checkMemMap(element, 'element');
  const opts = checkRunOptions(options as never) as IsinOptions;
  for (const k of Object.keys(opts)) if (!['invert', 'threads', 'signal', 'onProgress'].includes(k)) fail('ERR_INVALID_ARG_VALUE', `isin() got an unexpected keyword argument '${k}'`);
  if (opts.invert !== undefined && typeof opts.invert !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `invert must be a boolean, got ${show(opts.invert)}`);
  element.mapping.check();
  const t = values(dated !== undefined ? datetimeValues(test, dated, 'test_elements') : test, 'test_elements');
  if (dated !== undefined) checkCounts(t.op.dtype, dated, 'test_elements');
  const c = dated !== undefined ? { dt: 'int64', kind: 'datetime' as const } : common(element.dtype, t.op.dtype);
  // test's keys in the common dtype, sorted and unique (the sort path of unique)
  const m = total(t.op);
  const keys = sharedLike(BigUint64Array, m * 8, !inlineFor(t.op));
  if (m > 0) await runPass(t.op, 'gather', c.kind, [keys], opts, 'test');
  const u = m === 0 ? 0 : native.lookup.sort(keys, new BigUint64Array(m), new BigUint64Array(2 * m), new BigInt64Array(m), null, true, KIND[c.kind]);
  const sortedKeys = new BigUint64Array(keys.buffer, 0, u);
  const n = element.size;
  const pool = !inlineFor({ memmap: element, dtype: element.dtype, layout: element.layout });
  const out = sharedLike(Uint8Array, n, pool);
  if (n > 0) await runPass({ memmap: element, dtype: element.dtype, layout: element.layout }, 'search', c.kind,
    [u === 0 ? new BigUint64Array(0) : sortedKeys, null, opts.invert === true ? 3 : 2, out, n], opts, 'search');
  if (element.ndim === 0) return out[0] !== 0;
  return { shape: element.shape, dtype: 'bool', data: pool ? out.slice(0, n) : out.subarray(0, n) };
}

export { KIND };
