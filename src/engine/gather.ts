/**
 * numpy's `take` and `compress` on memmaps (`nonzero`, `flatnonzero`, `argwhere`: nonzero.ts). A take copies
 * whole slabs natively (a row of `e[ids]` is one memcpy; gather-native.ts) from the source's mapping,
 * any layout, straight into `out` (same dtype, either byte order), a new `.npy` or an NDResult's
 * memory; a cast into another dtype goes through a C-order scratch of the result.
 */
import { constants as bufferConstants } from 'node:buffer';
import { type DType, type DTypeName, dtype as parseDtype, isSwapped, typedArrayClass } from '../dtype.js';
import { fail, show } from '../errors.js';
import { checkAxis, isContiguous, makeLayout, sizeOf } from '../layout.js';
import { MemMap, checkMemMap } from '../memmap.js';
import { type OutTarget, checkTarget, copyInto, intoTarget, scratch } from './convert.js';
import { indexOperand, maskOperand, valuesOf } from './gather-indices.js';
import { type Operand1D, gatherTake, maskPositions, overlaps, resultMemory, sharedBytes, takeOnPool } from './gather-native.js';
import { checkAnyMemMap, checkHeld, checkOpaqueCast, isOpaque, reprDtype } from './opaque.js';
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

/** The largest buffer this Node makes (4 GiB on Node 20): an NDResult is one. */
const MAX_BUFFER = bufferConstants.MAX_LENGTH;

/** How a result of `from`'s elements lands in `to` as bytes: as they are, byte-swapped, or not at all (a cast). */
function byteMode(from: DType, to: DType): 0 | 1 | undefined {
  if (reprDtype(from) === reprDtype(to) && from.byteorder === to.byteorder) return 0;
  const numeric = 'biufMm'.includes(from.kind) && from.kind === to.kind && from.name === to.name && from.itemsize === to.itemsize && from.unit === to.unit;
  if (!numeric) return undefined;
  return from.itemsize === 1 || from.byteorder === to.byteorder ? 0 : 1;
}

/**
 * `m` (of the result's shape: the axes before `axis`, the indices' shape, the axes after it) seen as
 * the kernel writes it — the indices' axes as one — or undefined when they do not step as one.
 */
function asGathered(m: MemMap, axis: number, ishape: number[], gshape: number[]): MemMap | undefined {
  const l = m.layout, k = ishape.length;
  if (k === 1) return m;
  let step = 0;
  for (let d = axis; d < axis + k; d++) {
    if (l.shape[d] === 1) continue;
    if (step !== 0 && step !== l.strides[d] * l.shape[d]) return undefined;
    step = l.strides[d];
  }
  const strides = [...l.strides.slice(0, axis), step, ...l.strides.slice(axis + k)];
  return new MemMap(m.mapping, makeLayout(l.dtype, gshape, strides, l.byteOffset), m.offset);
}

/** The values an NDResult holds for `dt` (datetimes as their int64 counts), over `buf`. */
function heldResult(dt: DType, shape: number[], buf: ArrayBuffer | SharedArrayBuffer): NDResult {
  const Ctor = typedArrayClass(dt.kind === 'M' || dt.kind === 'm' ? parseDtype('int64') : parseDtype(dt.name))!;
  return { shape, dtype: dt.name, data: new Ctor(buf as ArrayBuffer) } as NDResult;
}

/** take/compress once the indices are checked: the native gather into `out`, a new `.npy` or memory. */
async function takeChecked(a: MemMap, flatA: boolean, axis: number, idx: Operand1D, ishape: number[], o: TakeOptions): Promise<MemMap | NDResult> {
  const shapeA = flatA ? [a.size] : a.shape;
  const shape = [...shapeA.slice(0, axis), ...ishape, ...shapeA.slice(axis + 1)];
  const gshape = [...shapeA.slice(0, axis), idx.length, ...shapeA.slice(axis + 1)];
  const out = checkTarget(o.out, shape, 'take');
  // records, datetimes, complex: byte copies (or numpy's casts between them), checked before any work
  if (out instanceof MemMap && (isOpaque(a.dtype) || isOpaque(out.dtype))) checkOpaqueCast(a.dtype, out.dtype, 'unsafe');
  checkHeld(a.dtype, out, 'take');
  if (out === undefined && sizeOf(shape) * a.itemsize > MAX_BUFFER)
    fail('ERR_OUT_OF_RANGE', `take: the result is ${sizeOf(shape) * a.itemsize} bytes, more than the largest buffer of Node ${process.versions.node} (${MAX_BUFFER}); give out (a MemMap or a path for a new .npy), or use Node 22`);
  const { threads, signal, onProgress } = o;
  const run = { threads, signal, onProgress };
  // axis None of a view that is not C-contiguous: flattened through a C-order copy first
  let own: MemMap | undefined;
  let src = a;
  if (flatA && !isContiguous(a.layout, 'C')) {
    own = scratch(a.dtype, a.shape);
    await copyInto(a, own, 'x', { threads, signal, flush: false });
    src = own;
  }
  try {
    if (flatA) src = src.reshape(-1);
    // an out sharing bytes with the source or the indices is written from a buffered result, as numpy does
    const apart = out instanceof MemMap && !overlaps(a, out) && (idx.mem === undefined || !overlaps(idx.mem, out));
    const direct = out instanceof MemMap && apart ? byteMode(a.dtype, out.dtype) : undefined;
    const target = out instanceof MemMap && direct !== undefined ? asGathered(out, axis, ishape, gshape) : undefined;
    if (target !== undefined) {
      await gatherTake(src, axis, idx, { mem: target, swap: direct! }, run);
      return out as MemMap;
    }
    if (typeof out === 'string')
      return await intoTarget(out, a.dtype, shape, 'C', (m) => gatherTake(src, axis, idx, { mem: asGathered(m, axis, ishape, gshape)!, swap: 0 }, run));
    if (out === undefined && a.dtype.name !== 'float16') {
      const bytes = sizeOf(gshape) * a.itemsize;
      const { buffer, target } = resultMemory(bytes, takeOnPool(sizeOf(gshape), a.itemsize));
      await gatherTake(src, axis, idx, { ...target, swap: isSwapped(a.dtype) ? 1 : 0 }, run);
      return heldResult(a.dtype, shape, buffer);
    }
    // a cast (another dtype, float16 held as float32) or an out whose index axes do not step as one
    const gathered = scratch(src.dtype, gshape);
    try {
      await gatherTake(src, axis, idx, { mem: gathered, swap: 0 }, { threads, signal });
      const g = gathered.reshape(shape);
      return await intoTarget(out, out instanceof MemMap ? out.dtype : a.dtype, shape, 'C', (m, expr) => copyInto(g, m, expr, run));
    } finally {
      gathered.close();
    }
  } finally {
    own?.close();
  }
}

/**
 * numpy's `np.take(a, indices, axis)`: elements (or slabs along `axis`) at `indices`, any number of
 * them, repeated or not; negative indices count from the end. The result's shape is a's with the axis
 * replaced by the indices' shape (axis null: the indices' shape, over the flattened array). The rows
 * are copied natively, in parallel, from the mapping straight into the result.
 * @throws `ERR_NDMMAP_INDEX` (`index 10 is out of bounds for axis 0 with size 5`), `ERR_NDMMAP_AXIS`,
 *   `ERR_NDMMAP_DTYPE` (float indices), `ERR_NDMMAP_SHAPE` (out) — before anything is created or written.
 * @example const rows = await take(emb, found.indices, { axis: 0 }); // numpy's emb[ids]
 */
export async function take(a: MemMap, indices: IndicesLike, options: TakeOptions = {}): Promise<MemMap | NDResult> {
  checkAnyMemMap(a, 'the array').mapping.check();
  const o = checkRunOptions(options) as TakeOptions;
  const flatA = o.axis === undefined || o.axis === null;
  const axis = flatA ? 0 : checkAxis(o.axis, a.ndim);
  const n = flatA ? a.size : a.shape[axis];
  const { op, shape: ishape } = await indexOperand(indices, n, axis);
  if (n === 0 && op.length > 0) fail('ERR_NDMMAP_INDEX', 'cannot do a non-empty take from an empty axes.');
  return takeChecked(a, flatA, axis, op, ishape, o);
}

/** Positions held in memory up to this many bytes; more go to a scratch file (a mask larger than memory). */
const POSITIONS_IN_MEMORY = 256 * 2 ** 20;

/**
 * numpy's `np.compress(condition, a, axis)`: the slabs along `axis` (flattened when null) where the
 * 1-D condition is true (numpy: take at `nonzero(condition)`, so a true entry past the axis is an
 * IndexError and false ones past it are ignored). The condition's true positions are found natively
 * and in parallel (counts per block, then positions from each block's offset).
 * @param condition a bool (or numeric) MemMap, typed array or JS array of booleans (non-zero is true)
 * @throws `ERR_NDMMAP_INDEX` (a true entry past the axis, numpy's wording), as take.
 * @example const kept = await compress(emb, mask, { axis: 0 });
 */
export async function compress(a: MemMap, condition: MemMap | ArrayLike<unknown>, options: TakeOptions = {}): Promise<MemMap | NDResult> {
  checkAnyMemMap(a, 'the array').mapping.check();
  const o = checkRunOptions(options) as TakeOptions;
  if (!(condition instanceof MemMap) && !ArrayBuffer.isView(condition) && !Array.isArray(condition))
    fail('ERR_INVALID_ARG_TYPE', `condition must be a bool MemMap, a typed array or an array of booleans, got ${show(condition)}`);
  if (condition instanceof MemMap) {
    condition.mapping.check();
    if (condition.ndim !== 1) fail('ERR_NDMMAP_SHAPE', 'condition must be a 1-d array');
  }
  const flatA = o.axis === undefined || o.axis === null;
  const axis = flatA ? 0 : checkAxis(o.axis, a.ndim);
  const n = flatA ? a.size : a.shape[axis];
  const held = condition instanceof MemMap ? [condition] : [];
  const found = await maskPositions(maskOperand(condition), { threads: o.threads, signal: o.signal }, held);
  const K = found.count;
  const file = K * 8 > POSITIONS_IN_MEMORY ? scratch(parseDtype('int64'), [K], a.filename) : undefined;
  try {
    const buf = file === undefined ? new BigInt64Array(sharedBytes(K * 8, found.pool)) : undefined;
    const op: Operand1D = file === undefined
      ? { id: 0, dtype: parseDtype('int64').code, swap: 0, pos: 0, step: 8, length: K, buffer: buf }
      : { id: file.mapping.id, dtype: file.dtype.code, swap: 0, pos: file.layout.byteOffset, step: 8, length: K };
    await found.write(op);
    // ascending positions: only the last can be past the axis; numpy names the first that is
    const at = (k: number): number => Number(buf !== undefined ? buf[k] : file!.get(k));
    if (K > 0 && at(K - 1) >= n) {
      let lo = 0, hi = K - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (at(mid) >= n) hi = mid; else lo = mid + 1; }
      fail('ERR_NDMMAP_INDEX', `index ${at(lo)} is out of bounds for axis ${axis} with size ${n}`);
    }
    return await takeChecked(a, flatA, axis, op, [K], o);
  } finally {
    file?.close();
  }
}
