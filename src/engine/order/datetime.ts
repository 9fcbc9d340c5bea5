/**
 * datetime64/timedelta64 through the ordering calls: they run on the int64 counts (a byte view, no
 * copy) with numpy's NaT rule. NaT is the int64 minimum, yet numpy sorts it last, like NaN: the native
 * order kernels take the counts under ORDER_DATETIME_KEY, whose keys are the int64 keys rotated down by
 * one (NaT's becomes the largest), so the stable radix sort and the long rows' merge need nothing else.
 */
import { type DType, dtype as parseDtype } from '../../dtype.js';
import { MemMap } from '../../memmap.js';
import { viewLayout } from '../../record.js';
import { makeLayout } from '../../layout.js';

/** native/order/order.h kOrderDatetimeKey: not a dtype, the order kernels' code for NaT-last int64 counts. */
export const ORDER_DATETIME_KEY = 100;
/** numpy's NaT: the smallest int64. */
export const NAT = -(2n ** 63n);

/** Is this a datetime64 or timedelta64 dtype? */
export function isDatetime(dt: DType): boolean {
  return dt.kind === 'M' || dt.kind === 'm';
}

/** The int64 counts of a datetime64/timedelta64 MemMap: the same bytes, the same byte order. */
export function countsOf(a: MemMap): MemMap {
  return new MemMap(a.mapping, viewLayout(a.layout, parseDtype(a.dtype.byteorder === '>' ? '>i8' : '<i8')), a.offset);
}

/**
 * An int64 MemMap (counts) as the order kernels must read it: its dtype code swapped for
 * ORDER_DATETIME_KEY (name, size and byte order kept, so scratch copies and merges stay int64).
 */
export function natLastKeys(counts: MemMap): MemMap {
  const l = counts.layout;
  const tagged = Object.freeze(Object.assign(Object.create(Object.getPrototypeOf(l.dtype) as object) as object, l.dtype, { code: ORDER_DATETIME_KEY })) as DType;
  return new MemMap(counts.mapping, makeLayout(tagged, l.shape, l.strides, l.byteOffset), counts.offset);
}
