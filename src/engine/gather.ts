/**
 * numpy's `take`, `compress`, `nonzero`, `flatnonzero` and `argwhere` on memmaps. A gather copies
 * whole slabs (a row of `e[ids]` is one memcpy, TypedArray.set over the mapping) from a C-contiguous
 * source — any other layout is first copied to C order natively — into a C-order scratch of the
 * result, then into `out` (any layout and dtype, numpy's cast) or memory.
 */
import { constants as bufferConstants } from 'node:buffer';
import { type DTypeName } from '../dtype.js';
import { fail, show } from '../errors.js';
import { checkAxis, isContiguous, sizeOf } from '../layout.js';
import { MemMap, checkMemMap } from '../memmap.js';
import { ADVICE, native } from '../native.js';
import { type OutTarget, checkTarget, copyInto, intoTarget, scratch } from './convert.js';
import { checkAnyMemMap, checkHeld, checkOpaqueCast, isOpaque } from './opaque.js';
import { type NDResult } from './reduce.js';
import { type RunOptions, checkRunOptions } from './run.js';

/** Integer indices: a JS array, an integer typed array, an integer `NDResult`/`{ data, shape }`, or an integer MemMap. */
export type IndicesLike = readonly (number | bigint)[] | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | { data: ArrayLike<number | bigint>; shape?: readonly number[]; dtype?: string } | MemMap;

/** Options of `take` and `compress`. */
export interface TakeOptions extends RunOptions {
  /** The axis to select along; default: the flattened array (numpy's axis=None). */
  axis?: number | null;
  /** A MemMap of the result's shape (any dtype: numpy's unsafe cast), or a path for a new `.npy`; default: an `NDResult`. */
  out?: OutTarget;
}

const INT_CLASSES = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

/** Values of a C-order array in memory: the typed array itself, or a native copy of a MemMap. */
async function valuesOf(m: MemMap): Promise<ArrayLike<number | bigint>> {
  if (m.size === 0) return [];
  if (m.dtype.byteorder !== '>' && m.dtype.name !== 'float16' && isContiguous(m.layout, 'C')) return m.typedArray() as ArrayLike<number>;
  return (await m.copy() as NDResult).data as ArrayLike<number | bigint>;
}

/** Indices as a flat list of numbers (bigints past 2^53 cannot index anything) and their shape. */
async function indicesOf(ix: unknown): Promise<{ flat: ArrayLike<number | bigint>; shape: number[] }> {
  if (ix instanceof MemMap) {
    if (ix.dtype.kind !== 'i' && ix.dtype.kind !== 'u') fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${ix.dtype.name}') to dtype('int64') according to the rule 'safe'`);
    return { flat: await valuesOf(ix), shape: ix.shape };
  }
  if (Array.isArray(ix)) {
    for (const v of ix) if (!(typeof v === 'bigint' || Number.isInteger(v))) fail('ERR_INVALID_ARG_TYPE', `indices must be integers, got ${show(v)}`);
    return { flat: ix, shape: [ix.length] };
  }
  if (ArrayBuffer.isView(ix)) {
    if (!INT_CLASSES.some((c) => ix instanceof c)) fail('ERR_NDMMAP_DTYPE', `indices must be an integer typed array, got a ${ix.constructor.name}`);
    return { flat: ix as unknown as ArrayLike<number>, shape: [(ix as Int32Array).length] };
  }
  if (ix !== null && typeof ix === 'object' && 'data' in ix) {
    const { data, shape, dtype } = ix as { data: unknown; shape?: number[]; dtype?: string };
    if (dtype !== undefined && !/^u?int/.test(dtype)) fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${dtype}') to dtype('int64') according to the rule 'safe'`);
    const r = await indicesOf(data);
    const s = shape === undefined ? r.shape : [...shape];
    if (sizeOf(s) !== r.flat.length) fail('ERR_NDMMAP_SHAPE', `indices: ${r.flat.length} values do not fill shape ${show(s)}`);
    return { flat: r.flat, shape: s };
  }
  return fail('ERR_INVALID_ARG_TYPE', `indices must be an array of integers, an integer typed array, { data, shape } or an integer MemMap, got ${show(ix)}`);
}

/** Wrap negative indices; numpy's IndexError for the rest, before anything is written. */
function checkIndices(flat: ArrayLike<number | bigint>, n: number, axis: number): Float64Array {
  const out = new Float64Array(flat.length);
  for (let j = 0; j < flat.length; j++) {
    const v = Number(flat[j]);
    if (v >= n || v < -n) fail('ERR_NDMMAP_INDEX', `index ${flat[j]} is out of bounds for axis ${axis} with size ${n}`);
    out[j] = v < 0 ? v + n : v;
  }
  return out;
}

/** The largest buffer this Node makes (4 GiB on Node 20): a larger window is never asked for. */
const MAX_WINDOW = bufferConstants.MAX_LENGTH;

/** Bytes [pos, pos + len) of `m`'s data as one window when the whole array fits in one, else a window of just them. */
function bytesOf(m: MemMap, whole: Uint8Array | undefined, pos: number, len: number): Uint8Array {
  if (whole !== undefined) return whole.subarray(pos, pos + len);
  return new Uint8Array(m.mapping.window(m.layout.byteOffset + pos, len));
}

/**
 * Copy slabs `src[o, idx[j], :]` to `dst[o, j, :]` (o over the axes before `axis`), byte for byte:
 * both C-contiguous and of one dtype, so each slab is one TypedArray.set (a memcpy). Arrays past the
 * largest buffer (4 GiB on Node 20) are read and written through a window per slab.
 */
function gatherBytes(src: MemMap, dst: MemMap, axis: number, idx: Float64Array): void {
  const shape = src.shape;
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1)) * src.itemsize;
  if (dst.size === 0 || inner === 0) return;
  const n = shape[axis];
  // the fresh target's pages made writable in one call, not a fault per page (native/core/registry.h)
  try { native.advise(dst.mapping.id, dst.layout.byteOffset, dst.nbytes, ADVICE.populateWrite); } catch { /* a hint */ }
  const s = src.nbytes <= MAX_WINDOW ? new Uint8Array(src.mapping.window(src.layout.byteOffset, src.nbytes)) : undefined;
  const d = dst.nbytes <= MAX_WINDOW ? new Uint8Array(dst.mapping.window(dst.layout.byteOffset, dst.nbytes)) : undefined;
  for (let o = 0, w = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < idx.length; j++, w += inner)
      bytesOf(dst, d, w, inner).set(bytesOf(src, s, base + idx[j] * inner, inner));
  }
}

/**
 * numpy's `np.take(a, indices, axis)`: elements (or slabs along `axis`) at `indices`, any number of
 * them, repeated or not; negative indices count from the end. The result's shape is a's with the axis
 * replaced by the indices' shape (axis null: the indices' shape, over the flattened array).
 * @throws `ERR_NDMMAP_INDEX` (`index 10 is out of bounds for axis 0 with size 5`), `ERR_NDMMAP_AXIS`,
 *   `ERR_NDMMAP_DTYPE` (float indices), `ERR_NDMMAP_SHAPE` (out) — before anything is created or written.
 * @example const rows = await take(emb, found.indices, { axis: 0 }); // numpy's emb[ids]
 */
export async function take(a: MemMap, indices: IndicesLike, options: TakeOptions = {}): Promise<MemMap | NDResult> {
  checkAnyMemMap(a, 'the array').mapping.check();
  const o = checkRunOptions(options) as TakeOptions;
  const flatA = o.axis === undefined || o.axis === null;
  const axis = flatA ? 0 : checkAxis(o.axis, a.ndim);
  const { flat, shape: ishape } = await indicesOf(indices);
  const shapeA = flatA ? [a.size] : a.shape;
  const idx = checkIndices(flat, shapeA[axis], axis);
  if (shapeA[axis] === 0 && idx.length > 0) fail('ERR_NDMMAP_INDEX', 'cannot do a non-empty take from an empty axes.');
  const shape = [...shapeA.slice(0, axis), ...ishape, ...shapeA.slice(axis + 1)];
  const slab = sizeOf(shapeA.slice(axis + 1)) * a.itemsize;
  if (slab > MAX_WINDOW) fail('ERR_OUT_OF_RANGE', `take: one slab along axis ${axis} is ${slab} bytes, more than the largest buffer of Node ${process.versions.node} (${MAX_WINDOW}); take along a later axis, or use Node 22`);
  const out = checkTarget(o.out, shape, 'take');
  // records, datetimes, complex: byte copies (or numpy's casts between them), checked before any work
  if (out instanceof MemMap && (isOpaque(a.dtype) || isOpaque(out.dtype))) checkOpaqueCast(a.dtype, out.dtype, 'unsafe');
  checkHeld(a.dtype, out, 'take');
  const { threads, signal, onProgress } = o;
  // a C-contiguous source in its own bytes: views of other layouts are copied to C order first
  let src = a;
  let own: MemMap | undefined;
  if (!isContiguous(a.layout, 'C')) {
    own = scratch(a.dtype, a.shape);
    await copyInto(a, own, 'x', { threads, signal, flush: false });
    src = own;
  }
  try {
    if (flatA) src = src.reshape(-1);
    const gathered = scratch(src.dtype, [...shapeA.slice(0, axis), idx.length, ...shapeA.slice(axis + 1)]);
    try {
      gatherBytes(src, gathered, axis, idx);
      const g = gathered.reshape(shape);
      return await intoTarget(out, out instanceof MemMap ? out.dtype : a.dtype, shape, 'C', (m, expr) => copyInto(g, m, expr, { threads, signal, onProgress }));
    } finally {
      gathered.close();
    }
  } finally {
    own?.close();
  }
}

/** True where the C-order values are non-zero (NaN counts, -0.0 does not, as numpy's bool cast). */
async function truthy(m: MemMap | ArrayLike<unknown>): Promise<Uint8Array> {
  const v = m instanceof MemMap ? await valuesOf(m) : m;
  const t = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) { const x = v[i]; t[i] = x === 0 || x === 0n || x === false ? 0 : 1; }
  return t;
}

/**
 * numpy's `np.compress(condition, a, axis)`: the slabs along `axis` (flattened when null) where the
 * 1-D condition is true; a condition shorter than the axis selects from its first entries only.
 * @param condition a bool MemMap, typed array or JS array of booleans (non-zero is true)
 * @throws `ERR_NDMMAP_INDEX` (a condition longer than the axis, numpy's wording), as take.
 * @example const kept = await compress(emb, mask, { axis: 0 });
 */
export async function compress(a: MemMap, condition: MemMap | ArrayLike<unknown>, options: TakeOptions = {}): Promise<MemMap | NDResult> {
  checkAnyMemMap(a, 'the array').mapping.check();
  if (!(condition instanceof MemMap) && !ArrayBuffer.isView(condition) && !Array.isArray(condition))
    fail('ERR_INVALID_ARG_TYPE', `condition must be a bool MemMap, a typed array or an array of booleans, got ${show(condition)}`);
  if (condition instanceof MemMap && condition.ndim !== 1) fail('ERR_NDMMAP_SHAPE', 'condition must be a 1-d array');
  const flatA = options.axis === undefined || options.axis === null;
  const axis = flatA ? 0 : checkAxis(options.axis, a.ndim);
  const n = flatA ? a.size : a.shape[axis];
  const t = await truthy(condition);
  if (t.length > n) fail('ERR_NDMMAP_INDEX', `index ${n} is out of bounds for axis ${axis} with size ${n}`);
  const ids: number[] = [];
  for (let i = 0; i < t.length; i++) if (t[i]) ids.push(i);
  return take(a, ids, options);
}

/** Flat C-order indices of the non-zero elements, as int64. */
async function flatIds(a: MemMap): Promise<BigInt64Array> {
  checkMemMap(a, 'the array').mapping.check();
  const t = await truthy(a);
  let k = 0;
  for (let i = 0; i < t.length; i++) k += t[i];
  const ids = new BigInt64Array(k);
  for (let i = 0, j = 0; i < t.length; i++) if (t[i]) ids[j++] = BigInt(i);
  return ids;
}

const int64 = (data: BigInt64Array, shape: number[]): NDResult<'int64'> => ({ shape, dtype: 'int64' as DTypeName as 'int64', data });

/** numpy's `np.flatnonzero(a)`: int64 indices of the non-zero elements of the flattened array (C order). @example await flatnonzero(mask) */
export async function flatnonzero(a: MemMap): Promise<NDResult<'int64'>> {
  const ids = await flatIds(a);
  return int64(ids, [ids.length]);
}

/** numpy's `np.argwhere(a)`: an (N, ndim) int64 array of the indices of the non-zero elements. @example await argwhere(a) */
export async function argwhere(a: MemMap): Promise<NDResult<'int64'>> {
  const ids = await flatIds(a);
  const nd = a.ndim, shape = a.shape;
  const out = new BigInt64Array(ids.length * nd);
  for (let j = 0; j < ids.length; j++) {
    let r = Number(ids[j]);
    for (let d = nd - 1; d >= 0; d--) { out[j * nd + d] = BigInt(r % shape[d]); r = Math.floor(r / shape[d]); }
  }
  return int64(out, [ids.length, nd]);
}

/**
 * numpy's `a.nonzero()`: one int64 array per axis of the indices of the non-zero elements, C order
 * (a 0-d array raises numpy's ValueError, as numpy 2 does).
 * @example const [rows, cols] = await a.nonzero();
 */
export async function nonzero(a: MemMap): Promise<NDResult<'int64'>[]> {
  if (a.ndim === 0) fail('ERR_INVALID_ARG_VALUE', 'Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead. If the context of this error is of the form `arr[nonzero(cond)]`, just use `arr[cond]`.');
  const w = await argwhere(a);
  const n = w.shape[0], nd = a.ndim;
  return Array.from({ length: nd }, (_, d) => int64(BigInt64Array.from({ length: n }, (_, j) => w.data[j * nd + d]), [n]));
}
