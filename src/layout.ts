/**
 * Layouts: where the elements of an n-d array live in a file. A layout is plain frozen data —
 * `{ dtype, shape, strides, byteOffset }` — so it crosses to worker threads as is. Strides count
 * elements, `byteOffset` counts file bytes (the position of element [0, …, 0]); everything else
 * (size, nbytes, contiguity) is derived.
 */
import { type DType } from './dtype.js';
import { fail, show } from './errors.js';
import { LIMITS } from './gen/contract.cjs';

/** Memory order: C (last index fastest) or Fortran (first index fastest). */
export type Order = 'C' | 'F';

export interface Layout {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Element strides, one per dimension; negative for flipped views. */
  readonly strides: readonly number[];
  /** File position of element [0, …, 0], in bytes. */
  readonly byteOffset: number;
}


/** Largest element count we accept: indices and byte positions must stay exact doubles. */
export const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/** Most dimensions of an array: numpy 2.x's NPY_MAXDIMS (native/core/bounds.h kMaxDims; checked at load). */
export const MAX_DIMS = LIMITS.maxDims;

/** Integer typed arrays: numpy takes any integer sequence as a shape (`np.zeros(np.array([3, 4]))`). */
export type IntTypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

/** A shape as users may give it: an integer, an array of integers, or an integer typed array. */
export type ShapeLike = number | bigint | readonly (number | bigint)[] | IntTypedArray;

export function makeLayout(dtype: DType, shape: readonly number[], strides: readonly number[], byteOffset: number): Layout {
  return Object.freeze({ dtype, shape: Object.freeze([...shape]), strides: Object.freeze([...strides]), byteOffset });
}

/** Number of elements of `shape` (1 for a 0-d shape). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Element strides of a contiguous array of `shape` in `order`. */
export function contiguousStrides(shape: readonly number[], order: Order): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  if (order === 'C') {
    for (let k = shape.length - 1; k >= 0; k--) { strides[k] = s; s *= Math.max(shape[k], 1); }
  } else {
    for (let k = 0; k < shape.length; k++) { strides[k] = s; s *= Math.max(shape[k], 1); }
  }
  return strides;
}

/** numpy's contiguity flags: dims of length 1 are ignored, an empty array is contiguous. */
export function isContiguous(l: Layout, order: Order): boolean {
  if (sizeOf(l.shape) === 0) return true;
  let s = 1;
  const n = l.shape.length;
  for (let i = 0; i < n; i++) {
    const k = order === 'C' ? n - 1 - i : i;
    if (l.shape[k] === 1) continue;
    if (l.strides[k] !== s) return false;
    s *= l.shape[k];
  }
  return true;
}

/** Byte range [lo, hi) of the file that the layout touches; [byteOffset, byteOffset) when empty. */
export function byteExtent(l: Layout): [number, number] {
  if (sizeOf(l.shape) === 0) return [l.byteOffset, l.byteOffset];
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < l.shape.length; k++) {
    const span = (l.shape[k] - 1) * l.strides[k] * l.dtype.itemsize;
    if (span < 0) lo += span;
    else hi += span;
  }
  return [l.byteOffset + lo, l.byteOffset + hi + l.dtype.itemsize];
}

/**
 * The entries of a shape argument (an integer, an array, an integer typed array) as an array, not
 * yet checked; undefined for anything else. Float typed arrays are refused, as numpy refuses a float
 * array as a shape even when its values are whole.
 * @throws `ERR_OUT_OF_RANGE` for more than {@link MAX_DIMS} entries (before they are copied).
 */
export function shapeEntries(shape: unknown): unknown[] | undefined {
  if (typeof shape === 'number' || typeof shape === 'bigint') return [shape];
  let entries: ArrayLike<unknown>;
  if (Array.isArray(shape)) entries = shape;
  else if (ArrayBuffer.isView(shape) && !(shape instanceof DataView) && !/^Float/.test((shape as Float64Array)[Symbol.toStringTag])) entries = shape as IntTypedArray;
  else return undefined;
  checkNdim(entries.length);
  return Array.from(entries);
}

/** @throws `ERR_OUT_OF_RANGE` (numpy's ValueError) for more than {@link MAX_DIMS} dimensions. */
export function checkNdim(ndim: number): void {
  if (ndim > MAX_DIMS) fail('ERR_OUT_OF_RANGE', `maximum supported dimension for an ndarray is currently ${MAX_DIMS}, found ${ndim}`);
}

/** Normalise a user shape ({@link ShapeLike}) with numpy's errors. */
export function checkShape(shape: unknown, what = 'shape'): number[] {
  const dims = shapeEntries(shape);
  if (dims === undefined) fail('ERR_INVALID_ARG_TYPE', `${what} must be an integer or a sequence of integers, got ${describeShape(shape)}`);
  const out: number[] = [];
  let size = 1;
  for (const d of dims) {
    const v = typeof d === 'bigint' ? Number(d) : d;
    if (typeof v !== 'number' || !Number.isInteger(v))
      fail('ERR_INVALID_ARG_TYPE', `${what} must hold integers, got ${show(d)}`);
    if (v < 0) fail('ERR_OUT_OF_RANGE', `negative dimensions are not allowed, got ${what} ${show(dims)}`);
    size *= v;
    out.push(v);
  }
  if (size > MAX_SIZE) fail('ERR_OUT_OF_RANGE', `array is too big: ${what} ${show(dims)} has more than 2^53 elements`);
  return out;
}

/** A value that is not a shape, for messages: typed arrays by their class name. */
function describeShape(v: unknown): string {
  return ArrayBuffer.isView(v) ? `a ${(v as { constructor: { name: string } }).constructor.name}` : show(v);
}

/** Normalise an axis argument (negative counts from the end) with numpy's AxisError text. */
export function checkAxis(axis: unknown, ndim: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis))
    fail('ERR_INVALID_ARG_TYPE', `axis must be an integer, got ${show(axis)}`);
  if (axis < -ndim || axis >= ndim)
    fail('ERR_NDMMAP_AXIS', `axis ${axis} is out of bounds for array of dimension ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}
