/**
 * Views by numpy's basic indexing, on layouts only: nothing here copies or touches memory.
 * A flip moves `byteOffset` to the last element and negates the stride.
 */
import { fail, show } from './errors.js';
import { type Layout, type Order, checkAxis, checkNdim, contiguousStrides, isContiguous, makeLayout, sizeOf } from './layout.js';

/** One index per axis: an integer (drops the axis), a slice, `':'`-style text, `null` (whole axis) or `'...'`. */
export type IndexSpec = number | string | null | SliceSpec;
export interface SliceSpec { start?: number | null; stop?: number | null; step?: number | null }

function parseSliceText(text: string): SliceSpec | number | '...' {
  const t = text.trim();
  if (t === '...') return '...';
  const parts = t.split(':');
  if (parts.length === 1) {
    const v = Number(t);
    if (t === '' || !Number.isInteger(v)) fail('ERR_NDMMAP_INDEX', `invalid index ${show(text)}`);
    return v;
  }
  if (parts.length > 3) fail('ERR_NDMMAP_INDEX', `invalid slice ${show(text)}`);
  const num = (s: string | undefined): number | null => {
    if (s === undefined || s.trim() === '') return null;
    const v = Number(s);
    if (!Number.isInteger(v)) fail('ERR_NDMMAP_INDEX', `invalid slice ${show(text)}: slice indices must be integers`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) };
}

/** Python's slice.indices(): clamp start/stop for a step, count the elements. */
function sliceIndices(s: SliceSpec, n: number): { start: number; step: number; count: number } {
  const step = s.step ?? 1;
  if (!Number.isInteger(step)) fail('ERR_NDMMAP_INDEX', `slice step must be an integer, got ${show(step)}`);
  if (step === 0) fail('ERR_NDMMAP_INDEX', 'slice step cannot be zero');
  const clamp = (v: number | null | undefined, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    if (!Number.isInteger(v)) fail('ERR_NDMMAP_INDEX', `slice indices must be integers, got ${show(v)}`);
    if (v < 0) v += n;
    if (step > 0) return Math.min(Math.max(v, 0), n);
    return Math.min(Math.max(v, -1), n - 1);
  };
  const start = clamp(s.start, step > 0 ? 0 : n - 1);
  const stop = clamp(s.stop, step > 0 ? n : -1);
  const count = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  return { start, step, count };
}

/**
 * Apply basic indexing to a layout, numpy style: fewer indices than dims leave the rest whole.
 * @throws `ERR_NDMMAP_INDEX` for an index out of bounds, a zero step or too many indices.
 */
export function indexLayout(l: Layout, specs: readonly IndexSpec[]): Layout {
  const items = specs.map((s) => (typeof s === 'string' ? parseSliceText(s) : s));
  const ellipses = items.filter((s) => s === '...').length;
  if (ellipses > 1) fail('ERR_NDMMAP_INDEX', "an index can only have a single ellipsis ('...')");
  const used = items.length - ellipses;
  if (used > l.shape.length)
    fail('ERR_NDMMAP_INDEX', `too many indices for array: array is ${l.shape.length}-dimensional, but ${used} were indexed`);
  const full: (number | SliceSpec | null)[] = [];
  for (const s of items) {
    if (s === '...') for (let k = 0; k < l.shape.length - used; k++) full.push(null);
    else full.push(s as number | SliceSpec | null);
  }
  while (full.length < l.shape.length) full.push(null);
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = l.byteOffset;
  const item = l.dtype.itemsize;
  full.forEach((s, axis) => {
    const n = l.shape[axis];
    const st = l.strides[axis];
    if (typeof s === 'number') {
      if (!Number.isInteger(s)) fail('ERR_NDMMAP_INDEX', `only integers and slices are valid indices, got ${show(s)}`);
      if (s < -n || s >= n) fail('ERR_NDMMAP_INDEX', `index ${s} is out of bounds for axis ${axis} with size ${n}`);
      offset += (s < 0 ? s + n : s) * st * item;
      return;
    }
    if (s !== null && (typeof s !== 'object' || Array.isArray(s)))
      fail('ERR_NDMMAP_INDEX', `only integers, slices ('1:5:2' or {start, stop, step}), '...' and null are valid indices, got ${show(s)}`);
    const { start, step, count } = sliceIndices(s ?? {}, n);
    if (count > 0) offset += start * st * item;
    shape.push(count);
    strides.push(st * step);
  });
  return makeLayout(l.dtype, shape, strides, offset);
}

/** Permute axes (reverse them when `axes` is omitted), like `ndarray.transpose`. */
export function transposeLayout(l: Layout, axes?: readonly number[]): Layout {
  const n = l.shape.length;
  const perm = axes === undefined ? [...Array(n).keys()].reverse() : axes.map((a) => checkAxis(a, n));
  if (perm.length !== n || new Set(perm).size !== n) fail('ERR_NDMMAP_AXIS', `axes don't match array: ${show([...(axes ?? [])])}`);
  return makeLayout(l.dtype, perm.map((k) => l.shape[k]), perm.map((k) => l.strides[k]), l.byteOffset);
}

/**
 * Give a contiguous view a new shape without copying; one dim may be -1.
 * @throws `ERR_NDMMAP_RESHAPE` when sizes differ or the view is not contiguous in `order`;
 *   `ERR_OUT_OF_RANGE` for more than 64 dims.
 */
export function reshapeLayout(l: Layout, shapeIn: readonly number[], order: Order = 'C'): Layout {
  checkNdim(shapeIn.length);
  const size = sizeOf(l.shape);
  const unknown = shapeIn.filter((d) => d === -1).length;
  if (unknown > 1) fail('ERR_NDMMAP_RESHAPE', 'can only specify one unknown dimension');
  for (const d of shapeIn) {
    if (!Number.isInteger(d) || d < -1) fail('ERR_NDMMAP_RESHAPE', `invalid shape ${show([...shapeIn])}`);
  }
  const known = sizeOf(shapeIn.filter((d) => d !== -1));
  const shape = shapeIn.map((d) => (d === -1 ? (known === 0 ? 0 : size / known) : d));
  if (sizeOf(shape) !== size || shape.some((d) => !Number.isInteger(d)))
    fail('ERR_NDMMAP_RESHAPE', `cannot reshape array of size ${size} into shape ${show([...shapeIn])}`);
  if (!isContiguous(l, order))
    fail('ERR_NDMMAP_RESHAPE', `cannot reshape a view that is not ${order}-contiguous without copying`);
  return makeLayout(l.dtype, shape, contiguousStrides(shape, order), l.byteOffset);
}
