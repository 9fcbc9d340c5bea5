/**
 * Reductions of datetime64/timedelta64 arrays, on the int64 counts (a byte view, no copy) with numpy's
 * NaT rules:
 * - min, max, ptp: NaT (the int64 minimum) propagates; argmin/argmax (and nanargmin/nanargmax, which numpy
 *   runs as argmin/argmax for these types) give the first NaT. NaT is the smallest int64, so `min` and
 *   `argmin` of the counts already do that; max, argmax and ptp take min's answer where it is NaT.
 * - nanmin, nanmax: NaT skipped (an all-NaT slice gives NaT). max of the counts already skips it;
 *   nanmin is min(x - 1) + 1 (wrapping), where NaT's x - 1 is the largest int64.
 * - sum, mean (timedelta64 only; nansum/nanmean are the same, numpy's nan-functions keep NaT): the
 *   wrapping int64 sum, NaT where a NaT is summed; mean the sum divided by the count, truncated toward
 *   zero as numpy's timedelta division; an empty mean is NaT. datetime64 sums are refused (numpy's text).
 *
 * Results carry the unit: a scalar is the int64 count (a bigint, in `a.dtype.unit`); an axis result
 * is an NDResult whose `dtype` is numpy's name (`'datetime64[ns]'`; ptp of datetime64 gives
 * `'timedelta64[ns]'`, as numpy) over a BigInt64Array of counts.
 */
import { refuseReduction } from '../dtype-guard.js';
import { fail, show } from '../errors.js';
import { dtype } from '../dtype.js';
import { MemMap } from '../memmap.js';
import { viewLayout } from '../record.js';
import { type NDResult } from './reduce.js';

/** The reductions numpy defines for datetime64/timedelta64 that ndmmap runs (others are refused). */
export const DATETIME_REDUCTIONS: ReadonlySet<string> = new Set(['min', 'max', 'argmin', 'argmax', 'ptp', 'nanmin', 'nanmax',
  'nanargmin', 'nanargmax', 'sum', 'mean', 'nansum', 'nanmean']);
/** numpy's nan-functions that are their plain twin for these types (no NaN to skip: NaT stays). */
const TWIN: Readonly<Record<string, string>> = { nanargmin: 'argmin', nanargmax: 'argmax', nansum: 'sum', nanmean: 'mean' };
/** numpy's NaT: the smallest int64. */
const NAT = -(2n ** 63n);
/** Options that keep their meaning on the counts. */
const OPTIONS = new Set(['axis', 'keepdims', 'threads', 'signal', 'onProgress']);

type Run = (name: string, a: MemMap, options: object) => Promise<unknown>;
type Value = bigint | number | NDResult;

/** `f` applied to a scalar result or to each element of an axis result (same shape), as int64 counts. */
function each(r: Value, f: (v: bigint, i: number) => bigint): bigint | NDResult {
  if (typeof r === 'bigint') return f(r, 0);
  const o = r as NDResult;
  return { ...o, data: (o.data as BigInt64Array).map((v, i) => f(v, i)) };
}
const at = (r: Value, i: number): bigint => (typeof r === 'bigint' ? r : (r as NDResult).data[i] as bigint);

/** sum or mean of timedelta64 counts (numpy's wrapping add, NaT propagating, mean truncated). */
async function sumMean(name: string, counts: MemMap, options: object, run: Run): Promise<bigint | NDResult> {
  const s = await run('sum', counts, options) as bigint | NDResult;
  if (counts.size === 0) return name === 'sum' ? s : each(s, () => NAT);
  const lo = await run('min', counts, options) as bigint | NDResult;
  const results = typeof s === 'bigint' ? 1 : s.data.length;
  const n = BigInt(results === 0 ? 1 : counts.size / results);
  return each(s, (v, i) => {
    if (at(lo, i) === NAT || v === NAT) return NAT;
    return name === 'sum' ? v : v / n;  // bigint division truncates toward zero, as numpy's m8 / int
  });
}

/**
 * Run reduction `name` of a datetime64/timedelta64 array through `run` (the int64 reduction).
 * @throws `ERR_INVALID_ARG_VALUE` for options other than axis/keepdims/threads/signal/onProgress.
 */
export async function datetimeReduce(name: string, a: MemMap, options: Record<string, unknown>, run: Run): Promise<bigint | number | NDResult> {
  for (const k of Object.keys(options ?? {}))
    if (!OPTIONS.has(k)) fail('ERR_INVALID_ARG_VALUE', `${name} of ${String(a.dtype)} takes axis and keepdims; got ${show(k)} (view the counts with a.view('int64') for the others)`);
  if (a.dtype.kind === 'M' && /sum|mean/.test(name)) refuseReduction(name, a.dtype);
  name = TWIN[name] ?? name;
  const counts = new MemMap(a.mapping, viewLayout(a.layout, dtype(a.dtype.byteorder === '>' ? '>i8' : '<i8')), a.offset);
  const unit = a.dtype.unit!;
  const resultName = name === 'ptp' ? `timedelta64[${unit}]` : a.dtype.kind === 'M' ? `datetime64[${unit}]` : `timedelta64[${unit}]`;
  const named = (r: bigint | NDResult): bigint | NDResult => (typeof r === 'bigint' ? r : { ...r, dtype: resultName as never });
  if (name === 'sum' || name === 'mean') return named(await sumMean(name, counts, options, run));
  if (name === 'nanmax') return named(await run('max', counts, options) as bigint | NDResult);
  if (name === 'nanmin') return named(each(await run('min', counts, { ...options, expr: 'x - 1' }) as Value, (v) => BigInt.asIntN(64, v + 1n)));
  if (name === 'argmin') return run('argmin', counts, options) as Promise<number | NDResult>;
  const lo = await run('min', counts, options) as bigint | NDResult;
  if (name === 'min') return named(lo);
  const other = await run(name === 'argmax' ? 'argmax' : 'max', counts, options) as bigint | number | NDResult;
  const nat = name === 'argmax' ? await run('argmin', counts, options) as number | NDResult : undefined;
  const pick = (min: bigint, v: bigint | number, i: number): bigint | number => {
    // an axis argmax holds int64 indices (bigints): the first NaT's index goes in as one
    if (min === NAT) return name === 'argmax' ? (typeof nat === 'number' ? nat : (nat as NDResult).data[i] as bigint) : NAT;
    return name === 'ptp' ? BigInt.asIntN(64, (v as bigint) - min) : v;
  };
  if (typeof lo === 'bigint') return pick(lo, other as bigint | number, 0);
  const o = other as NDResult;
  const data = (o.data as BigInt64Array).map((v, i) => pick((lo.data as BigInt64Array)[i], v, i) as never);
  return { shape: o.shape, dtype: (name === 'argmax' ? o.dtype : resultName) as never, data };
}
