/**
 * min, max, argmin, argmax and ptp of datetime64/timedelta64 arrays, on the int64 counts (a byte
 * view, no copy) with numpy's NaT rule: NaT (the int64 minimum) propagates through min, max and ptp,
 * and argmin/argmax give the first NaT. NaT is the smallest int64, so `min` and `argmin` of the
 * counts already do that; max, argmax and ptp take min's answer where it is NaT.
 *
 * Results carry the unit: a scalar is the int64 count (a bigint, in `a.dtype.unit`); an axis result
 * is an NDResult whose `dtype` is numpy's name (`'datetime64[ns]'`; ptp of datetime64 gives
 * `'timedelta64[ns]'`, as numpy) over a BigInt64Array of counts.
 */
import { fail, show } from '../errors.js';
import { dtype } from '../dtype.js';
import { MemMap } from '../memmap.js';
import { viewLayout } from '../record.js';
import { type NDResult } from './reduce.js';

/** The reductions numpy defines for datetime64/timedelta64 that ndmmap runs (others are refused). */
export const DATETIME_REDUCTIONS: ReadonlySet<string> = new Set(['min', 'max', 'argmin', 'argmax', 'ptp']);
/** numpy's NaT: the smallest int64. */
const NAT = -(2n ** 63n);
/** Options that keep their meaning on the counts. */
const OPTIONS = new Set(['axis', 'keepdims', 'threads', 'signal', 'onProgress']);

type Run = (name: string, a: MemMap, options: object) => Promise<unknown>;

/**
 * Run reduction `name` of a datetime64/timedelta64 array through `run` (the int64 reduction).
 * @throws `ERR_INVALID_ARG_VALUE` for options other than axis/keepdims/threads/signal/onProgress.
 */
export async function datetimeReduce(name: string, a: MemMap, options: Record<string, unknown>, run: Run): Promise<bigint | number | NDResult> {
  for (const k of Object.keys(options ?? {}))
    if (!OPTIONS.has(k)) fail('ERR_INVALID_ARG_VALUE', `${name} of ${String(a.dtype)} takes axis and keepdims; got ${show(k)} (view the counts with a.view('int64') for the others)`);
  const counts = new MemMap(a.mapping, viewLayout(a.layout, dtype(a.dtype.byteorder === '>' ? '>i8' : '<i8')), a.offset);
  const unit = a.dtype.unit!;
  const resultName = name === 'ptp' ? `timedelta64[${unit}]` : a.dtype.kind === 'M' ? `datetime64[${unit}]` : `timedelta64[${unit}]`;
  if (name === 'argmin') return run('argmin', counts, options) as Promise<number | NDResult>;
  const lo = await run('min', counts, options) as bigint | NDResult;
  if (name === 'min') return typeof lo === 'bigint' ? lo : { ...lo, dtype: resultName as never };
  const other = await run(name === 'argmax' ? 'argmax' : 'max', counts, options) as bigint | number | NDResult;
  const nat = name === 'argmax' ? await run('argmin', counts, options) as number | NDResult : undefined;
  const pick = (min: bigint, v: bigint | number, i: number): bigint | number => {
    if (min === NAT) return name === 'argmax' ? (typeof nat === 'number' ? nat : Number((nat as NDResult).data[i])) : NAT;
    return name === 'ptp' ? BigInt.asIntN(64, (v as bigint) - min) : v;
  };
  if (typeof lo === 'bigint') return pick(lo, other as bigint | number, 0);
  const o = other as NDResult;
  const data = (o.data as BigInt64Array).map((v, i) => pick((lo.data as BigInt64Array)[i], v, i) as never);
  return { shape: o.shape, dtype: (name === 'argmax' ? o.dtype : resultName) as never, data };
}
