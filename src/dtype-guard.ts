/**
 * Refusals for the dtypes without native kernels (records, datetime64/timedelta64, complex), with
 * numpy's texts where numpy refuses too and the workaround where numpy computes but ndmmap does not.
 */
import { type DType } from './dtype.js';
import { fail } from './errors.js';

/** The ufunc numpy runs for a reduction, as its error names it. */
const UFUNC: Readonly<Record<string, string>> = {
  sum: 'add', mean: 'add', var: 'add', std: 'add', nansum: 'add', nanmean: 'add', nanvar: 'add', nanstd: 'add',
  prod: 'multiply', nanprod: 'multiply', min: 'minimum', nanmin: 'minimum', max: 'maximum', nanmax: 'maximum', ptp: 'maximum',
};

/** numpy's repr of a dtype inside its messages: `dtype('<M8[ns]')`, `dtype([('t', '<f8')])`. */
function reprOf(dt: DType, str: boolean): string {
  return dt.fields !== undefined ? `dtype(${String(dt)})` : `dtype('${str ? dt.str : String(dt)}')`;
}

/** What to do instead, by kind (also named by the copies of src/engine/opaque.ts). */
export function workaround(dt: DType): string {
  if (dt.fields !== undefined) return `take one field with a.field('${dt.names![0] ?? 'name'}') (a strided view every method accepts)`;
  if (dt.kind === 'c') return `view the real and imaginary parts as float${dt.itemsize * 4} pairs with a.view('float${dt.itemsize * 4}') (last axis doubled)`;
  if (dt.kind === 'M' || dt.kind === 'm') return "view the int64 counts with a.view('int64') (min, max, argmin, argmax, ptp, their nan-forms, sort, argsort, unique, searchsorted and timedelta64 sum/mean take datetime64/timedelta64 directly)";
  return "view the bytes with a.view('uint8')";
}

/**
 * Refuse a reduction `name` of an array of dtype `dt` that has no native kernel, with numpy's error
 * where numpy refuses it, else ndmmap's limit and the workaround.
 * @throws `ERR_NDMMAP_DTYPE`.
 */
export function refuseReduction(name: string, dt: DType): void {
  if (dt.code >= 0) return;
  const ufunc = UFUNC[name];
  if (dt.fields !== undefined) {
    if (ufunc !== undefined) fail('ERR_NDMMAP_DTYPE', `ufunc '${ufunc}' did not contain a loop with signature matching types (${reprOf(dt, false)}, ${reprOf(dt, false)}) -> None (${workaround(dt)})`);
    if (/argm/.test(name)) fail('ERR_NDMMAP_DTYPE', `data type not ordered (${workaround(dt)})`);
  }
  if (dt.kind === 'm' && /var|std/.test(name))
    fail('ERR_NDMMAP_DTYPE', "ufunc 'square' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''");
  if ((dt.kind === 'M' && ufunc !== undefined && !/min|max|ptp/.test(name)) || (dt.kind === 'm' && (ufunc === 'multiply')))
    fail('ERR_NDMMAP_DTYPE', `ufunc '${ufunc}' cannot use operands with types ${reprOf(dt, true)} and ${reprOf(dt, true)}`);
  fail('ERR_NDMMAP_DTYPE', `${name} is not supported for dtype ${String(dt)} in ndmmap: ${workaround(dt)}`);
}

/**
 * Refuse an operand of a dtype without native kernels (`what` names it: 'the array', 'out', 'y').
 * @throws `ERR_NDMMAP_DTYPE` naming the workaround.
 */
export function requireNative(dt: DType, what: string): void {
  if (dt.code >= 0) return;
  fail('ERR_NDMMAP_DTYPE', `${what} has dtype ${String(dt)}, which ndmmap maps but does not compute on: ${workaround(dt)}`);
}
