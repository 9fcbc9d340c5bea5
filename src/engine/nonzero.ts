/**
 * numpy's `nonzero`, `flatnonzero` and `argwhere` on memmaps: the non-zero elements (numpy's bool
 * cast: NaN is true, -0.0 false) are counted and their flat C-order positions written natively on
 * the pool (the mask passes of gather-native.ts), straight from the mapping when the array's C order
 * is one stride through it (any contiguous array, a strided 1-d view), else from a native C-order
 * copy. Coordinates are unravelled into int64 arrays through their 32-bit halves: no BigInt per value.
 */
import { dtype as parseDtype, isSwapped } from '../dtype.js';
import { fail } from '../errors.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { maskOperand } from './gather-indices.js';
import { type Operand1D, maskPositions } from './gather-native.js';
import { native } from '../native.js';
import { type NDResult } from './reduce.js';
import { type RunOptions, checkRunOptions } from './run.js';

const int64 = (data: BigInt64Array, shape: number[]): NDResult<'int64'> => ({ shape, dtype: 'int64', data });

/** Zeroed int64 memory for a result: from 2 MiB on, a block of the addon (huge-page advised), else V8's. */
const zeros64 = (n: number): BigInt64Array => (n * 8 >= 2 ** 21 ? new BigInt64Array(native.resultBuffer(n * 8, false).buffer) : new BigInt64Array(n));

/** The byte step of `a`'s elements in C order when it is one stride through the mapping (length-1 dims aside), else undefined. */
function flatStep(a: MemMap): number | undefined {
  let step: number | undefined;
  let next = 0;  // the stride (elements) the dim before the last one taken must have
  for (let d = a.ndim - 1; d >= 0; d--) {
    if (a.shape[d] === 1) continue;
    const s = a.layout.strides[d];
    if (step !== undefined && s !== next) return undefined;
    if (step === undefined) step = s;
    next = s * a.shape[d];
  }
  return (step ?? 1) * a.itemsize;
}

/** The array as a 1-d mask operand of its C order: the mapping itself, or a native C-order copy. */
async function flatOperand(a: MemMap, o: RunOptions): Promise<Operand1D> {
  const step = flatStep(a);
  if (step !== undefined) return { id: a.mapping.id, dtype: a.dtype.code, swap: isSwapped(a.dtype) ? 1 : 0, pos: a.layout.byteOffset, step, length: a.size };
  // float16 copies come back as float32 values, byte-swapped ones in native order: the bool cast is the same
  const c = (await a.copy({ threads: o.threads, signal: o.signal })) as NDResult;
  return maskOperand(c.data as unknown as ArrayLike<unknown>);
}

/** Flat C-order positions of the non-zero elements (int64, over a plain ArrayBuffer). */
async function flatIds(a: MemMap, options: RunOptions): Promise<BigInt64Array> {
  checkMemMap(a, 'the array').mapping.check();
  const o = checkRunOptions(options);
  if (a.size === 0) return new BigInt64Array(0);
  const found = await maskPositions(await flatOperand(a, o), { threads: o.threads, signal: o.signal }, [a]);
  const K = found.count;
  if (K === 0) return new BigInt64Array(0);
  // the pool writes straight into a zeroed result block of the addon (a plain ArrayBuffer, huge-page
  // advised: fresh memory faulted 4 KiB at a time cost most of the call in a virtual machine, and a
  // SharedArrayBuffer had to be copied out); inline, into JS memory
  if (!found.pool) {
    const ids = new BigInt64Array(K);
    await found.write({ id: 0, dtype: parseDtype('int64').code, swap: 0, pos: 0, step: 8, length: K, buffer: ids });
    return ids;
  }
  const { id, buffer } = native.resultBuffer(K * 8, false);
  await found.write({ id: -1, arena: id, dtype: parseDtype('int64').code, swap: 0, pos: 0, step: 8, length: K });
  return new BigInt64Array(buffer);
}

/**
 * Coordinates of the positions along each axis of `shape`, written as int64 into `out` at
 * `out[j * stride + d]` (an argwhere row, or one nonzero array per axis with stride 1). Exported for tests.
 */
export function unravel(ids: BigInt64Array, shape: readonly number[], outs: BigInt64Array[], stride: number): void {
  const nd = shape.length;
  const K = ids.length;
  // positions and coordinates are below 2^53: each int64 is its two 32-bit halves, low first (the host
  // is little-endian, as dtype.ts assumes throughout; the high half stays zero below 2^31, where int32
  // division does)
  const src = new Int32Array(ids.buffer, ids.byteOffset, 2 * K);
  const dst = outs.map((b) => new Int32Array(b.buffer, b.byteOffset, 2 * b.length));
  const small = shape.reduce((p, n) => p * n, 1) <= 2 ** 31;
  for (let d = nd - 1, div = 1; d >= 0; div *= shape[d], d--) {
    const t = stride === 1 ? dst[d] : dst[0];
    const n = shape[d];
    const at0 = stride === 1 ? 0 : d, step = stride === 1 ? 2 : 2 * nd;
    if (small) {
      for (let j = 0, at = 2 * at0; j < K; j++, at += step) {
        const r = (src[2 * j] / div) | 0;
        t[at] = r - ((r / n) | 0) * n;
      }
    } else {
      for (let j = 0, at = 2 * at0; j < K; j++, at += step) {
        const r = Math.floor((src[2 * j + 1] * 4294967296 + (src[2 * j] >>> 0)) / div);
        const c = r - Math.floor(r / n) * n;
        t[at] = c | 0;  // ToInt32 keeps the low 32 bits of c < 2^53
        t[at + 1] = Math.floor(c / 4294967296);
      }
    }
  }
}

/** numpy's `np.flatnonzero(a)`: int64 indices of the non-zero elements of the flattened array (C order). @example await flatnonzero(mask) */
export async function flatnonzero(a: MemMap, options: RunOptions = {}): Promise<NDResult<'int64'>> {
  const ids = await flatIds(a, options);
  return int64(ids, [ids.length]);
}

/** numpy's `np.argwhere(a)`: an (N, ndim) int64 array of the indices of the non-zero elements. @example await argwhere(a) */
export async function argwhere(a: MemMap, options: RunOptions = {}): Promise<NDResult<'int64'>> {
  const ids = await flatIds(a, options);
  if (a.ndim === 1) return int64(ids, [ids.length, 1]);
  const out = zeros64(ids.length * a.ndim);
  unravel(ids, a.shape, [out], a.ndim);
  return int64(out, [ids.length, a.ndim]);
}

/**
 * numpy's `a.nonzero()`: one int64 array per axis of the indices of the non-zero elements, C order
 * (a 0-d array raises numpy's ValueError, as numpy 2 does).
 * @example const [rows, cols] = await a.nonzero();
 */
export async function nonzero(a: MemMap, options: RunOptions = {}): Promise<NDResult<'int64'>[]> {
  if (a.ndim === 0) fail('ERR_INVALID_ARG_VALUE', 'Calling nonzero on 0d arrays is not allowed. Use np.atleast_1d(scalar).nonzero() instead. If the context of this error is of the form `arr[nonzero(cond)]`, just use `arr[cond]`.');
  const ids = await flatIds(a, options);
  if (a.ndim === 1) return [int64(ids, [ids.length])];
  const outs = a.shape.map(() => zeros64(ids.length));
  unravel(ids, a.shape, outs, 1);
  return outs.map((d) => int64(d, [ids.length]));
}
