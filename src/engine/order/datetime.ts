/**
 * datetime64/timedelta64 through the ordering calls: they run on the int64 counts (a byte view, no
 * copy) with numpy's NaT rule. NaT is the int64 minimum, yet numpy sorts it last, like NaN: the native
 * order kernels take the counts under ORDER_DATETIME_KEY, whose keys are the int64 keys rotated down by
 * one (NaT's becomes the largest), so the stable radix sort and the long rows' merge need nothing else.
 */
import { type DType, dtype as parseDtype } from '../../dtype.js';
import { fail } from '../../errors.js';
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

/**
 * The value side (searchsorted's `v`, isin's `test`) against a datetime64/timedelta64 array of dtype
 * `dt`, as counts in dt's unit: a MemMap of the same kind and unit (its counts), else the JS values
 * as given — `checkCounts` then requires them to be int64 (bigints, a BigInt64Array, integral numbers).
 * @throws `ERR_NDMMAP_DTYPE`: numpy's cast error for the other kind; another unit (ndmmap does not convert units).
 */
export function datetimeValues(v: unknown, dt: DType, what: string): unknown {
  if (!(v instanceof MemMap)) return v;
  const vd = v.dtype;
  if (!isDatetime(vd) || vd.kind !== dt.kind)
    fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${vd.fields !== undefined ? String(vd) : vd.str}') to dtype('${dt.str}') according to the rule 'safe'`);
  if (vd.unit !== dt.unit)
    fail('ERR_NDMMAP_DTYPE', `${what} has dtype ${String(vd)} and the array ${String(dt)}: ndmmap compares the counts of one unit only (convert ${what} to [${dt.unit!}] first)`);
  return countsOf(v);
}

/** JS values against a datetime array must be its int64 counts. @throws `ERR_NDMMAP_DTYPE` */
export function checkCounts(got: DType, dt: DType, what: string): void {
  if (got.name !== 'int64')
    fail('ERR_NDMMAP_DTYPE', `${what} must hold ${dt.name} counts (a ${String(dt)} MemMap, bigints, integers or a BigInt64Array) against a ${dt.name} array, got ${got.name}`);
}
