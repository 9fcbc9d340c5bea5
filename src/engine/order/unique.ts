/**
 * numpy's `unique(ar, return_index, return_inverse, return_counts, axis=None, equal_nan)` over a
 * mapped array of any size and layout. Few distinct values (labels, classes): one parallel hash pass
 * counts them (no sort; memory bounded by the distinct values), a second writes the inverse. Many:
 * keys gathered at their flat index, one stable radix sort with the indices as payload, runs read off.
 * Both give numpy's order: values ascending, NaN last (one NaN under equalNan; datetime64/timedelta64's
 * NaT likewise, values carrying the unit), the first occurrence's
 * index, and of tied -0.0 / +0.0 the first occurrence's value (numpy's, whenever its sort is stable).
 */
import { type DTypeName, dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { threadId } from 'node:worker_threads';
import { checkAxis, isContiguous } from '../../layout.js';
import { MemMap, checkMemMap } from '../../memmap.js';
import { native } from '../../native.js';
import * as contract from '../../gen/contract.cjs';
import { type OutTarget, checkTarget, intoTarget } from '../convert.js';
import { type NDResult, allocate } from '../reduce.js';
import { checkRunOptions } from '../run.js';
import { type KindName, type OrderRunOptions, inlineFor, kindOf, mapOperand, runPass, sharedLike, KIND } from './pass.js';
import { countsOf, isDatetime } from './datetime.js';
import { uniqueAlongAxis } from './unique-axis.js';

/** Options of unique(). */
export interface UniqueOptions extends OrderRunOptions {
  /** Also return the index of each value's first occurrence (flat, C order; int64). */
  returnIndex?: boolean;
  /** Also return, per element, the index of its value in the result (int64, the input's shape). */
  returnInverse?: boolean;
  /** Also return how many times each value occurs (int64). */
  returnCounts?: boolean;
  /**
   * null (default): the flattened array. An integer: the distinct slices along that axis (numpy's rows
   * for axis 0), compared field by field as numpy does (NaN slices all distinct), read into memory; bool,
   * integer and float dtypes. The inverse is then 1-D.
   */
  axis?: number | null;
  /** One NaN for all NaNs (default true, numpy's); false: every NaN is its own value. */
  equalNan?: boolean;
  /** Write the inverse here (an int64 C-contiguous MemMap of the input's shape, or a path for a new .npy). */
  out?: OutTarget;
}

/** unique() with any return flag: numpy's tuple, named as numpy 2's `unique_all` names it. */
export interface UniqueResult {
  values: NDResult;
  indices?: NDResult<'int64'>;
  inverseIndices?: NDResult<'int64'> | MemMap;
  counts?: NDResult<'int64'>;
}

/** Distinct values the hash pass keeps before the sort path takes over (32 bytes each, twice). */
const HASH_BOUND = 1 << 18;
/** The key every NaN gets (native/order/lookup.h kNanKey). */
const NAN_KEY = (1n << 64n) - 1n;
let hashBound = HASH_BOUND;
/** @internal Tests: the distinct values the hash pass keeps before the sort path (0: always sort). */
export function setHashBound(n: number): void { hashBound = n; }
const KNOWN = new Set(['returnIndex', 'returnInverse', 'returnCounts', 'axis', 'equalNan', 'out', 'threads', 'signal', 'onProgress']);
let calls = 0;

function flag(o: UniqueOptions, k: 'returnIndex' | 'returnInverse' | 'returnCounts' | 'equalNan', dflt: boolean): boolean {
  const v = o[k];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `${k} must be a boolean, got ${show(v)}`);
  return v;
}

/** The held dtype of result values (float16 as float32 values, bool as 0/1 bytes, as NDResult holds them). */
function heldCode(dt: DTypeName): number {
  return parseDtype(dt === 'float16' ? 'float32' : dt === 'bool' ? 'uint8' : dt).code;
}

/** The native C-contiguous int64 target of an inverse, as the kernels write it. */
function mappedOut(m: MemMap): Float64Array {
  const l = m.layout;
  if (m.dtype.name !== 'int64' || m.dtype.byteorder === '>' || !isContiguous(l, 'C'))
    fail('ERR_NDMMAP_DTYPE', `out must be a C-contiguous native-endian int64 array, got ${m.dtype.str} ${show(l.strides)}`);
  const d = new Float64Array(contract.ORDER_OUT.SIZE);
  contract.packOrderOut(d, { id: m.mapping.id, position: l.byteOffset });
  return d;
}

interface Found { keys: BigUint64Array; counts: BigInt64Array; first: BigInt64Array; n: number }

/** The hash path: the table's sorted values, or null when there are too many (or NaNs apart). */
async function hashPath(a: MemMap, kind: KindName, id: number, equalNan: boolean, needFirst: boolean, opts: OrderRunOptions): Promise<Found | null> {
  // value counts need no first indices: the dense integer kernels then skip them
  await runPass(mapOperand(a), 'hash', kind, [id, hashBound, needFirst ? 1 : 0], opts, 'count');
  let cap = 1024;
  for (;;) {
    const f = { keys: new BigUint64Array(cap), counts: new BigInt64Array(cap), first: new BigInt64Array(cap) };
    const n = native.lookup.finish(id, f.keys, f.counts, f.first);
    if (n < 0) return null;
    if (n > cap) { cap = n; continue; }
    if (!equalNan && (kind === 'float64' || kind === 'datetime') && n > 0 && f.keys[n - 1] === NAN_KEY && f.counts[n - 1] > 1n) return null;
    return { ...f, n };
  }
}

/**
 * numpy's `unique`: the sorted unique values of `a` (flattened), and with the flags their first
 * indices, the inverse and the counts.
 * @param options returnIndex, returnInverse, returnCounts (default false), equalNan (default true),
 *   axis (null: flattened; an integer: distinct slices along it), out (the inverse's target), threads, signal, onProgress ({ pass, doneBytes, totalBytes })
 * @returns the values (an NDResult in a's dtype, native byte order), or with any flag a UniqueResult
 * @throws `ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE` (unknown option), `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_SHAPE`
 *   (out's shape), `ERR_NDMMAP_DTYPE` (out not C-contiguous int64), `ABORT_ERR`
 * @example const { values, counts } = await unique(labels, { returnCounts: true });
 */
export async function unique(a: MemMap, options: UniqueOptions & ({ returnIndex: true } | { returnInverse: true } | { returnCounts: true })): Promise<UniqueResult>;
export async function unique(a: MemMap, options?: UniqueOptions): Promise<NDResult | UniqueResult>;
export async function unique(a0: MemMap, options: UniqueOptions = {}): Promise<NDResult | UniqueResult> {
  // datetime64/timedelta64: their int64 counts under the 'datetime' key kind (NaT as numpy's NaN)
  const dated = a0 instanceof MemMap && isDatetime(a0.dtype) ? a0.dtype : undefined;
  const a = dated !== undefined ? countsOf(a0) : a0;
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options as never) as UniqueOptions;
  for (const k of Object.keys(opts)) if (!KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `unique() got an unexpected keyword argument '${k}'`);
  const ri = flag(opts, 'returnIndex', false), rv = flag(opts, 'returnInverse', false), rc = flag(opts, 'returnCounts', false);
  const equalNan = flag(opts, 'equalNan', true);
  if (opts.out !== undefined && !rv) fail('ERR_INVALID_ARG_VALUE', 'out is the inverse\'s target: it needs returnInverse: true');
  // numpy: a 1-D array along its axis is the flattened case (NaNs merged under equalNan)
  if (opts.axis !== undefined && opts.axis !== null && a.ndim === 1) checkAxis(opts.axis, 1);
  else if (opts.axis !== undefined && opts.axis !== null) {
    if (opts.out instanceof MemMap) mappedOut(opts.out);
    return uniqueAlongAxis(a0, opts.axis, { ri, rv, rc }, opts.out, opts);
  }
  const target = checkTarget(opts.out, a.shape, 'unique');
  if (target instanceof MemMap) mappedOut(target);
  a.mapping.check();
  const dt = a.dtype.name;
  const n = a.size;
  const kind = dated !== undefined ? 'datetime' : kindOf(a.dtype);
  const pool = !inlineFor(mapOperand(a));
  let found: Found | null = null;
  let invMem: BigInt64Array | undefined;
  let inverse: NDResult<'int64'> | MemMap | undefined;
  const invShape = a.shape.slice();
  // process-wide: the table registry is shared by every JS thread of the process
  const id = threadId * 2 ** 32 + (++calls % 2 ** 32);
  try {
    if (n > 0) found = await hashPath(a, kind, id, equalNan, ri, opts);
    else if (rv && opts.out !== undefined) inverse = await intoTarget(target, parseDtype('int64'), invShape, 'C', async () => {}) as MemMap;
    if (found !== null && rv) {
      const write = async (t: BigInt64Array | Float64Array): Promise<void> => runPass(mapOperand(a), 'inverse', kind, [id, t, n], opts, 'inverse');
      if (opts.out !== undefined) inverse = await intoTarget(target, parseDtype('int64'), invShape, 'C', (m) => write(mappedOut(m))) as MemMap;
      else { invMem = sharedLike(BigInt64Array, n * 8, pool); await write(invMem); }
    }
  } finally {
    native.lookup.drop(id);
  }
  if (n > 0 && found === null) {
    // the sort path: every key at its flat index, sorted with the indices as payload
    const keys = sharedLike(BigUint64Array, n * 8, pool);
    await runPass(mapOperand(a), 'gather', kind, [keys], opts, 'gather');
    const idx = new BigUint64Array(n), tmp = new BigUint64Array(2 * n), counts = new BigInt64Array(n);
    let m = 0;
    const sort = (inv: BigInt64Array | Float64Array | null): void => { m = native.lookup.sort(keys, idx, tmp, counts, inv, equalNan, KIND[kind]); };
    if (rv && opts.out !== undefined) inverse = await intoTarget(target, parseDtype('int64'), invShape, 'C', async (t) => sort(mappedOut(t))) as MemMap;
    else if (rv) { invMem = new BigInt64Array(n); sort(invMem); }
    else sort(null);
    found = { keys, counts, first: new BigInt64Array(idx.buffer, 0, n), n: m };
  }
  const u = found?.n ?? 0;
  const values = allocate(dt, u);
  if (u > 0) native.lookup.values(found!.keys, u, KIND[kind], heldCode(dt), values);
  const vr: NDResult = { shape: [u], dtype: dated?.name ?? dt, data: values } as NDResult;
  if (!ri && !rv && !rc) return vr;
  const i64 = (d: BigInt64Array | undefined): NDResult<'int64'> => ({ shape: [u], dtype: 'int64', data: d === undefined ? new BigInt64Array(0) : d.slice(0, u) });
  const r: UniqueResult = { values: vr };
  if (ri) r.indices = i64(found?.first);
  if (rv) r.inverseIndices = inverse ?? { shape: invShape, dtype: 'int64', data: invMem ?? new BigInt64Array(0) };
  if (rc) r.counts = i64(found?.counts);
  return r;
}
