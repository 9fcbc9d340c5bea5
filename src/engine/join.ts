/**
 * numpy's `concatenate` and `stack` of memmaps: every input copied natively (any layout, numpy's
 * casts) into its slab of the result — a MemMap `out`, a new `.npy` at a path, or an `NDResult`.
 */
import { type DType, dtype as parseDtype } from '../dtype.js';
import { type DTypeSpec } from '../dtype-types.js';
import { fail, show } from '../errors.js';
import { MemMap } from '../memmap.js';
import { type IndexSpec } from '../view.js';
import { type Casting, type OutTarget, checkCast, checkCasting, checkTarget, copyInto, intoTarget, resolveOrder } from './convert.js';
import { promote as promoteName } from './embed/operands.js';
import { canonical, checkAnyMemMap, checkHeld, checkOpaqueCast, isOpaque, reprDtype, sameType } from './opaque.js';
import { type NDResult } from './reduce.js';
import { type RunOptions, checkRunOptions } from './run.js';

/** Options of `concatenate` and `stack`. */
export interface JoinOptions extends RunOptions {
  /** The axis to join along (default 0); `null` (concatenate only) flattens every input first. */
  axis?: number | null;
  /** A MemMap of the result's shape, or a path for a new `.npy`; default: an `NDResult`. */
  out?: OutTarget;
  /** The result's dtype (default: numpy's promotion of the inputs', or out's). */
  dtype?: DTypeSpec | DType;
  /** numpy's casting rule from each input to the result (default `'same_kind'`). */
  casting?: Casting;
  /** Memory order of a new file (default `'C'`). */
  order?: 'C' | 'F';
}

const KNOWN = new Set(['axis', 'out', 'dtype', 'casting', 'order', 'threads', 'signal', 'onProgress']);

function checkArrays(arrays: unknown, what: string): MemMap[] {
  if (!Array.isArray(arrays)) fail('ERR_INVALID_ARG_TYPE', `${what}: arrays must be an array of MemMaps, got ${show(arrays)}`);
  if (arrays.length === 0) fail('ERR_INVALID_ARG_VALUE', what === 'stack' ? 'need at least one array to stack' : 'need at least one array to concatenate');
  return arrays.map((a, i) => { checkAnyMemMap(a, `arrays[${i}]`).mapping.check(); return a as MemMap; });
}

function normAxis(axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) fail('ERR_INVALID_ARG_TYPE', `axis must be an integer, got ${show(axis)}`);
  if (axis < -ndim || axis >= ndim) fail('ERR_NDMMAP_AXIS', `axis ${axis} is out of bounds for array of dimension ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

function resultDtype(arrays: readonly MemMap[], o: JoinOptions): DType {
  if (o.dtype !== undefined) {
    if (o.out !== undefined && typeof o.out !== 'string') fail('ERR_INVALID_ARG_VALUE', 'concatenate() only takes `out` or `dtype` as an argument, but both were provided.');
    return parseDtype(o.dtype as DTypeSpec);
  }
  if (o.out instanceof MemMap) return o.out.dtype;
  if (arrays.some((a) => isOpaque(a.dtype))) {
    // records, datetimes, complex: numpy's promotion when every input has one canonical form (records
    // packed or aligned again, native byte order); numpy's field-by-field promotion of others: give dtype
    const first = canonical(arrays[0].dtype);
    const other = arrays.find((a) => !sameType(canonical(a.dtype), first));
    if (other !== undefined)
      fail('ERR_NDMMAP_DTYPE', `ndmmap joins arrays of ${reprDtype(arrays[0].dtype)} and ${reprDtype(other.dtype)} only with dtype (or out) given: the inputs are cast to it`);
    return first;
  }
  let name = arrays[0].dtype.name;
  for (const a of arrays) name = promoteName(name, a.dtype.name);
  return parseDtype(name);
}

/** Write input i into its slab (`slab(m, i)` of the result `m`). */
async function join(arrays: MemMap[], shape: number[], o: JoinOptions, what: string, slab: (m: MemMap, i: number) => MemMap): Promise<MemMap | NDResult> {
  const dt = resultDtype(arrays, o);
  const casting = checkCasting(o.casting, 'same_kind');
  for (const a of arrays) {
    if (isOpaque(a.dtype) || isOpaque(dt)) checkOpaqueCast(a.dtype, dt, casting);
    else checkCast(a.dtype, dt, casting);
  }
  const out = checkTarget(o.out, shape, what);
  checkHeld(dt, out, what);
  const order = resolveOrder(o.order, undefined, 'C');
  const { threads, signal, onProgress } = o;
  return intoTarget(out, dt, shape, order, async (m, expr) => {
    for (let i = 0; i < arrays.length; i++) await copyInto(arrays[i], slab(m, i), expr, { threads, signal, onProgress, flush: false });
    m.flush();
  });
}

function checkOptions(options: JoinOptions | undefined, what: string): JoinOptions {
  const o = checkRunOptions(options) as JoinOptions;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `unknown option '${k}' for ${what}() (options: ${[...KNOWN].join(', ')})`);
  return o;
}

/**
 * numpy's `np.concatenate(arrays, axis)`: the inputs joined along an existing axis (`axis: null`:
 * flattened, C order), in numpy's promoted dtype (or `dtype`), with numpy's shape and casting errors
 * checked before anything is created or written.
 * @throws `ERR_INVALID_ARG_VALUE`, `ERR_NDMMAP_SHAPE` (numpy's "all the input array dimensions except
 *   for the concatenation axis must match exactly…"), `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_DTYPE` (casting).
 * @example const both = await concatenate([a, b], { axis: 0, out: 'ab.npy' });
 */
export async function concatenate(arrays: readonly MemMap[], options: JoinOptions = {}): Promise<MemMap | NDResult> {
  const o = checkOptions(options, 'concatenate');
  let as = checkArrays(arrays, 'concatenate');
  if (o.axis === null) as = as.map((a) => a.reshape(-1, 'C'));
  const nd = as[0].ndim;
  if (nd === 0) fail('ERR_INVALID_ARG_VALUE', 'zero-dimensional arrays cannot be concatenated');
  const axis = normAxis(o.axis ?? 0, nd);
  as.forEach((a, i) => {
    if (a.ndim !== nd)
      fail('ERR_NDMMAP_SHAPE', `all the input arrays must have same number of dimensions, but the array at index 0 has ${nd} dimension(s) and the array at index ${i} has ${a.ndim} dimension(s)`);
    for (let d = 0; d < nd; d++) if (d !== axis && a.shape[d] !== as[0].shape[d])
      fail('ERR_NDMMAP_SHAPE', `all the input array dimensions except for the concatenation axis must match exactly, but along dimension ${d}, the array at index 0 has size ${as[0].shape[d]} and the array at index ${i} has size ${a.shape[d]}`);
  });
  const starts = [0];
  for (const a of as) starts.push(starts[starts.length - 1] + a.shape[axis]);
  const shape = as[0].shape.map((n, d) => (d === axis ? starts[as.length] : n));
  const spec = (i: number): IndexSpec[] => shape.map((_, d) => (d === axis ? { start: starts[i], stop: starts[i + 1] } : ':'));
  return join(as, shape, o, 'concatenate', (m, i) => m.slice(...spec(i)));
}

/**
 * numpy's `np.stack(arrays, axis)`: inputs of one shape joined along a new axis.
 * @throws `ERR_NDMMAP_SHAPE` (`all input arrays must have the same shape`), `ERR_NDMMAP_AXIS`, as concatenate.
 * @example const pair = await stack([a, b], { axis: -1 });
 */
export async function stack(arrays: readonly MemMap[], options: JoinOptions = {}): Promise<MemMap | NDResult> {
  const o = checkOptions(options, 'stack');
  const as = checkArrays(arrays, 'stack');
  if (as.some((a) => a.shape.join() !== as[0].shape.join())) fail('ERR_NDMMAP_SHAPE', 'all input arrays must have the same shape');
  if (o.axis === null) fail('ERR_INVALID_ARG_TYPE', 'axis must be an integer, got null');
  const axis = normAxis(o.axis ?? 0, as[0].ndim + 1);
  const shape = [...as[0].shape];
  shape.splice(axis, 0, as.length);
  return join(as, shape, o, 'stack', (m, i) => m.slice(...shape.map((_, d): IndexSpec => (d === axis ? i : ':'))));
}
