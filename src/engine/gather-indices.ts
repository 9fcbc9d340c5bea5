/**
 * The indices of `take` and the condition of `compress` as operands of the native gather
 * (gather-native.ts), checked with numpy's errors before anything is written: JS indices are wrapped
 * and checked here; an integer MemMap is read in place by the kernel (any size: never copied into
 * memory) after a native min/max says every index is in bounds.
 */
import { dtype as parseDtype, isSwapped } from '../dtype.js';
import { fail, show } from '../errors.js';
import { isContiguous, sizeOf } from '../layout.js';
import { MemMap } from '../memmap.js';
import { type Operand1D } from './gather-native.js';
import { type NDResult, reduce } from './reduce.js';

const INT_CLASSES = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];
const F64 = parseDtype('float64').code;
/** Index entries read at a time when looking for the first bad one of a MemMap (an error path). */
const SCAN_BLOCK = 2 ** 20;

/** Values of a C-order array in memory: the typed array itself, or a native copy of a MemMap. */
export async function valuesOf(m: MemMap): Promise<ArrayLike<number | bigint>> {
  if (m.size === 0) return [];
  if (m.dtype.byteorder !== '>' && m.dtype.name !== 'float16' && isContiguous(m.layout, 'C')) return m.typedArray() as ArrayLike<number>;
  return (await m.copy() as NDResult).data as ArrayLike<number | bigint>;
}

/** Indices as a flat list of numbers (bigints past 2^53 cannot index anything) and their shape. */
async function indicesOf(ix: unknown): Promise<{ flat: ArrayLike<number | bigint>; shape: number[] }> {
  if (ix instanceof MemMap) return { flat: await valuesOf(ix), shape: ix.shape };
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

const outOfBounds = (v: number | bigint, n: number, axis: number): never =>
  fail('ERR_NDMMAP_INDEX', `index ${v} is out of bounds for axis ${axis} with size ${n}`);

/** Wrap negative indices into float64s the kernel reads; numpy's IndexError for the first bad one. */
function checkIndices(flat: ArrayLike<number | bigint>, n: number, axis: number): Float64Array {
  const out = new Float64Array(flat.length);
  for (let j = 0; j < flat.length; j++) {
    const v = Number(flat[j]);
    if (v >= n || v < -n) outOfBounds(flat[j], n, axis);
    out[j] = v < 0 ? v + n : v;
  }
  return out;
}

/** `m`'s entries in C order as one stride (bytes), or undefined when they need a copy to be. */
function flatStep(m: MemMap): number | undefined {
  if (m.ndim === 0) return 0;
  if (m.ndim === 1) return m.layout.strides[0] * m.itemsize;
  return isContiguous(m.layout, 'C') ? m.itemsize : undefined;
}

/** An index MemMap read in place: min and max natively, then (only if one is out of bounds) the first bad one. */
async function mappedIndices(ix: MemMap, step: number, n: number, axis: number): Promise<Operand1D> {
  const op: Operand1D = { id: ix.mapping.id, dtype: ix.dtype.code, swap: isSwapped(ix.dtype) ? 1 : 0, pos: ix.layout.byteOffset, step, length: ix.size, mem: ix };
  if (ix.size === 0) return op;
  const lo = Number(await reduce('min', ix)), hi = Number(await reduce('max', ix));
  if (lo >= -n && hi < n) return op;
  const flat = ix.ndim === 1 ? ix : ix.reshape(-1);
  for (let j0 = 0; j0 < ix.size; j0 += SCAN_BLOCK) {
    const vals = await valuesOf(flat.slice(`${j0}:${Math.min(ix.size, j0 + SCAN_BLOCK)}`));
    for (let j = 0; j < vals.length; j++) { const v = Number(vals[j]); if (v >= n || v < -n) outOfBounds(vals[j], n, axis); }
  }
  return fail('ERR_NDMMAP_INDEX', `index out of bounds for axis ${axis} with size ${n}`); // the scan finds it
}

/**
 * The checked indices of a take along an axis of length `n`, as a kernel operand, and their shape.
 * @throws `ERR_NDMMAP_INDEX` (numpy's text, the first bad index), `ERR_NDMMAP_DTYPE`, `ERR_INVALID_ARG_TYPE`.
 */
export async function indexOperand(ix: unknown, n: number, axis: number): Promise<{ op: Operand1D; shape: number[] }> {
  if (ix instanceof MemMap) {
    if (ix.dtype.kind !== 'i' && ix.dtype.kind !== 'u') fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${ix.dtype.name}') to dtype('int64') according to the rule 'safe'`);
    const step = flatStep(ix);
    if (step !== undefined) return { op: await mappedIndices(ix, step, n, axis), shape: ix.shape };
  }
  const { flat, shape } = await indicesOf(ix);
  const buffer = checkIndices(flat, n, axis);
  return { op: { id: 0, dtype: F64, swap: 0, pos: 0, step: 8, length: buffer.length, buffer }, shape };
}

/** Typed-array classes a condition may come as, read in place with their dtype. */
const MASK_CLASSES: Array<[new (...a: never[]) => ArrayBufferView, string]> = [
  [Uint8Array, 'uint8'], [Uint8ClampedArray, 'uint8'], [Int8Array, 'int8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'],
  [Int32Array, 'int32'], [Uint32Array, 'uint32'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'],
  [Float32Array, 'float32'], [Float64Array, 'float64'],
];

/**
 * A 1-D condition as a mask operand the kernel reads in place (numpy's bool cast: non-zero is true,
 * NaN too, -0.0 not): a numeric MemMap, a typed array, or a JS array (as 0/1 bytes).
 */
export function maskOperand(c: MemMap | ArrayLike<unknown>): Operand1D {
  if (c instanceof MemMap) {
    if (!'biuf'.includes(c.dtype.kind)) fail('ERR_NDMMAP_DTYPE', `condition must be a bool or numeric array, got ${String(c.dtype)}`);
    return { id: c.mapping.id, dtype: c.dtype.code, swap: isSwapped(c.dtype) ? 1 : 0, pos: c.layout.byteOffset, step: c.layout.strides[0] * c.itemsize, length: c.shape[0] };
  }
  if (ArrayBuffer.isView(c)) {
    const hit = MASK_CLASSES.find(([C]) => c instanceof C);
    if (hit !== undefined) {
      const dt = parseDtype(hit[1]);
      return { id: 0, dtype: dt.code, swap: 0, pos: 0, step: dt.itemsize, length: (c as Uint8Array).length, buffer: c };
    }
  }
  const t = new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) { const x = c[i]; t[i] = x === 0 || x === 0n || x === false ? 0 : 1; }
  return { id: 0, dtype: parseDtype('uint8').code, swap: 0, pos: 0, step: 1, length: t.length, buffer: t };
}
