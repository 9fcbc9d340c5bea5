/**
 * numpy's `cumsum`, `cumprod`, `nancumsum` and `nancumprod` on memmaps: numpy's accumulator dtype
 * (bool and signed ints in int64, unsigned in uint64, floats in their own type — float16 rounded at
 * every step as numpy's half loop), any axis or the flattened array, into `out` (a MemMap of any
 * dtype: numpy's unsafe cast of each running value; a path for a new `.npy`) or an `NDResult`.
 */
import { type DType, type DTypeName, dtype as parseDtype } from '../../dtype.js';
import { type DTypeSpec } from '../../dtype-types.js';
import { requireNative } from '../../dtype-guard.js';
import { fail, show } from '../../errors.js';
import { byteExtent, checkAxis, isContiguous } from '../../layout.js';
import { MemMap, checkMemMap } from '../../memmap.js';
import { type OutTarget, copyInto, intoTarget, scratch } from '../convert.js';
import { type NDResult } from '../reduce.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { SCAN_OPS, type ScanName, runScan } from './plan.js';

/** Options of `cumsum`, `cumprod`, `nancumsum`, `nancumprod`. */
export interface CumulativeOptions extends RunOptions {
  /** The axis to accumulate along (negative counts from the end); `null` or absent: the flattened array, C order. */
  axis?: number | null;
  /** The accumulator's and result's dtype (default: int64 for bool and signed ints, uint64 for unsigned, else the array's). */
  dtype?: DTypeSpec | DType;
  /** A MemMap of the result's shape (any dtype: numpy's unsafe cast), or a path for a new `.npy`; default: an `NDResult`. */
  out?: OutTarget;
}

const KNOWN = new Set(['axis', 'dtype', 'out', 'threads', 'signal', 'onProgress']);

/** numpy's accumulator of add/multiply.accumulate without a dtype: small integers widen to 64 bits. */
export function accumulatorOf(name: DTypeName, dtype?: DTypeSpec | DType): DType {
  if (dtype !== undefined && dtype !== null) {
    const dt = parseDtype(dtype as DTypeSpec);
    requireNative(dt, 'the accumulator (dtype=)');  // complex and datetime accumulators: no kernels (numpy computes them)
    return parseDtype(dt.name);
  }
  if (name === 'bool' || name === 'int8' || name === 'int16' || name === 'int32') return parseDtype('int64');
  if (name === 'uint8' || name === 'uint16' || name === 'uint32') return parseDtype('uint64');
  return parseDtype(name);
}

/** The array as a C-order line of its elements (numpy's ravel): a view when it is C-contiguous, else a scratch copy. */
async function flat(a: MemMap, opts: RunOptions, held: MemMap[]): Promise<MemMap> {
  if (a.ndim === 1) return a;
  if (isContiguous(a.layout, 'C')) return a.reshape([a.size]);
  const tmp = scratch(parseDtype(a.dtype.name), a.shape);
  held.push(tmp);
  await copyInto(a, tmp, 'x', { threads: opts.threads, signal: opts.signal });
  return tmp.reshape([a.size]);
}

/** Does writing `dst` while reading `src` need a buffered copy of `src` (numpy buffers overlapping operands)? */
function needsBuffer(src: MemMap, dst: MemMap): boolean {
  if (!src.mapping.sameFile(dst.mapping)) return false;
  const [a0, a1] = byteExtent(src.layout), [b0, b1] = byteExtent(dst.layout);
  if (a1 <= a0 || b1 <= b0 || a1 <= b0 || b1 <= a0) return false;
  // in place: every element is read just before the same bytes are written
  const same = src.layout.byteOffset === dst.layout.byteOffset && src.dtype.str === dst.dtype.str &&
    src.layout.strides.every((s, d) => s === dst.layout.strides[d] || src.shape[d] === 1);
  return !same;
}

/**
 * One cumulative operation: checked in full before anything is created, then run natively.
 * @internal
 */
export async function cumulative(name: ScanName, a: MemMap, options: CumulativeOptions = {}): Promise<MemMap | NDResult> {
  checkMemMap(a, 'the array').mapping.check();
  const opts = checkRunOptions(options) as CumulativeOptions;
  for (const k of Object.keys(opts)) if (!KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `${name}: unknown option '${k}'`);
  const axis = opts.axis === undefined || opts.axis === null ? null : checkAxis(opts.axis, a.ndim);
  const acc = accumulatorOf(a.dtype.name, opts.dtype);
  const shape = axis === null ? [a.size] : a.shape;
  const out = opts.out;
  if (out !== undefined && typeof out !== 'string') {
    const m = checkMemMap(out, 'out');
    m.mapping.check();
    m.checkWritable();
    if (m.shape.join() !== shape.join()) fail('ERR_NDMMAP_SHAPE', `provided out is the wrong size for the accumulation. (out has shape ${show(m.shape)}, the result ${show(shape)})`);
  } else if (out !== undefined && out === '') {
    fail('ERR_INVALID_ARG_TYPE', 'out must be a MemMap or a non-empty path');
  } else if (out !== undefined && typeof out !== 'string') {
    fail('ERR_INVALID_ARG_TYPE', `out must be a MemMap or a path, got ${show(out)}`);
  }
  const run: RunOptions = { threads: opts.threads, signal: opts.signal, onProgress: opts.onProgress };
  const held: MemMap[] = [];
  try {
    return await intoTarget(out, acc, shape, 'C', async (m) => {
      let src = axis === null ? await flat(a, run, held) : a;
      if (needsBuffer(src, m)) {
        const tmp = scratch(parseDtype(src.dtype.name), src.shape);
        held.push(tmp);
        await copyInto(src, tmp, 'x', { threads: run.threads, signal: run.signal });
        src = tmp;
      }
      await runScan({ op: SCAN_OPS[name], acc: acc.code, src, dst: m, axis: axis ?? 0 }, run);
      if (m === out) m.flush();
    });
  } finally {
    for (const t of held) t.close();
  }
}

/**
 * numpy's `np.cumsum(a, axis, dtype, out)`: running sums along `axis` (or of the flattened array),
 * natively and in parallel. Integers are exact (wrapping as numpy's); floats: see README "Cumulative
 * sums" for how a long line's two-pass scan compares with numpy's sequential sum.
 * @throws `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_SHAPE` (`provided out is the wrong size for the accumulation.`),
 *   `ERR_NDMMAP_DTYPE`, `ERR_NDMMAP_READONLY`, `ABORT_ERR` — all but the last before anything is written.
 * @example const running = await cumsum(a, { axis: 0, out: 'running.npy' })
 */
export function cumsum(a: MemMap, options?: CumulativeOptions): Promise<MemMap | NDResult> { return cumulative('cumsum', a, options); }
/** numpy's `np.cumprod` (see `cumsum`). @example await cumprod(a, { dtype: 'float64' }) */
export function cumprod(a: MemMap, options?: CumulativeOptions): Promise<MemMap | NDResult> { return cumulative('cumprod', a, options); }
/** numpy's `np.nancumsum`: NaN counts as 0 (see `cumsum`). @example await nancumsum(a, { axis: -1 }) */
export function nancumsum(a: MemMap, options?: CumulativeOptions): Promise<MemMap | NDResult> { return cumulative('nancumsum', a, options); }
/** numpy's `np.nancumprod`: NaN counts as 1 (see `cumsum`). @example await nancumprod(a) */
export function nancumprod(a: MemMap, options?: CumulativeOptions): Promise<MemMap | NDResult> { return cumulative('nancumprod', a, options); }
