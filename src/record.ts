/**
 * Records and byte views on layouts: numpy's `a['t']` (a field as a strided view) and
 * `a.view(dtype)` (the same bytes as another dtype). Nothing here copies or touches memory.
 *
 * A field's stride is the record's itemsize, which need not be a multiple of the field's (a
 * `[('t', '<f8'), ('v', '<i2')]` record is 10 bytes): the layout keeps element strides, so a field
 * view's are fractional (1.25 float64 elements = 10 bytes). Every consumer turns them into byte
 * steps by multiplying with the itemsize, exact in doubles since itemsizes are powers of two; the
 * native kernels read with memcpy, so the unaligned starts are safe.
 */
import { type DType } from './dtype.js';
import { fail, show } from './errors.js';
import { type Layout, contiguousStrides, makeLayout } from './layout.js';

/**
 * numpy's `a[name]`: the layout of one field of a record layout; a sub-array field adds its shape
 * as trailing (C-contiguous) axes.
 * @throws `ERR_NDMMAP_INDEX` (`no field of name x`), `ERR_NDMMAP_DTYPE` when the array is not a record.
 */
export function fieldLayout(l: Layout, name: string): Layout {
  const dt = l.dtype;
  if (typeof name !== 'string') fail('ERR_INVALID_ARG_TYPE', `a field name must be a string, got ${show(name)}`);
  if (dt.fields === undefined) fail('ERR_NDMMAP_INDEX', `no field of name ${name} (dtype ${String(dt)} has no fields; records only)`);
  const f = dt.fields[name];
  if (f === undefined || !Object.hasOwn(dt.fields, name)) fail('ERR_NDMMAP_INDEX', `no field of name ${name}`);
  const [ft, offset] = f;
  const base = ft.subdtype?.[0] ?? ft;
  const ratio = dt.itemsize / base.itemsize;
  const sub = ft.subdtype?.[1] ?? [];
  const strides = [...l.strides.map((s) => s * ratio), ...contiguousStrides(sub, 'C')];
  return makeLayout(base, [...l.shape, ...sub], strides, l.byteOffset + offset);
}

/**
 * numpy's `ndarray.view(dtype)`: the same bytes as `dt`. Equal itemsizes keep the shape and strides;
 * otherwise the last axis must be contiguous and is rescaled (numpy's rules and messages).
 * @throws `ERR_NDMMAP_LAYOUT` with numpy's texts when the bytes do not divide or the last axis is strided.
 */
export function viewLayout(l: Layout, dt: DType): Layout {
  const from = l.dtype.itemsize;
  const to = dt.itemsize;
  const byteStrides = l.strides.map((s) => s * from);
  const rescale = (bs: number[]): number[] => bs.map((s) => s / to);
  if (from === to) return makeLayout(dt, l.shape, rescale(byteStrides), l.byteOffset);
  const nd = l.shape.length;
  if (nd === 0) fail('ERR_NDMMAP_LAYOUT', 'Changing the dtype of a 0d array is only supported if the itemsize is unchanged');
  const last = l.shape[nd - 1];
  // numpy: a last axis of length 1 counts as contiguous whatever its stride.
  if (last !== 1 && byteStrides[nd - 1] !== from)
    fail('ERR_NDMMAP_LAYOUT', 'To change to a dtype of a different size, the last axis must be contiguous');
  let n: number;
  if (to < from) {
    if (from % to !== 0) fail('ERR_NDMMAP_LAYOUT', 'When changing to a smaller dtype, its size must be a divisor of the size of original dtype');
    n = last * (from / to);
  } else {
    if ((last * from) % to !== 0)
      fail('ERR_NDMMAP_LAYOUT', 'When changing to a larger dtype, its size must be a divisor of the total size in bytes of the last axis of the array.');
    n = (last * from) / to;
  }
  const shape = [...l.shape.slice(0, -1), n];
  const strides = [...rescale(byteStrides.slice(0, -1)), 1];
  return makeLayout(dt, shape, strides, l.byteOffset);
}


/**
 * The bytes of every element as a uint8 layout with one more axis (the itemsize): what copies a
 * record, datetime or complex array with the native uint8 kernels (saveNpy of any layout).
 */
export function bytesLayout(l: Layout, u1: DType): Layout {
  const item = l.dtype.itemsize;
  return makeLayout(u1, [...l.shape, item], [...l.strides.map((s) => s * item), 1], l.byteOffset);
}
