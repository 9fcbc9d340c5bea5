/**
 * `saveNpy(path, value)`: numpy's `np.save` for results in memory, typed arrays, scalars and memmap
 * views, byte for byte, written atomically (a temporary file in the same directory, fsynced, then
 * renamed over the target), so a reader never sees a half-written file and a failure leaves none.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type DType, dtype as parseDtype } from './dtype.js';
import { type DTypeSpec } from './dtype-types.js';
import { NdmmapError, fail, show } from './errors.js';
import { statTarget, syncDir } from './file.js';
import { type Order, checkShape, isContiguous, sizeOf } from './layout.js';
import { bytesLayout } from './record.js';
import { MemMap } from './memmap.js';
import { createNpy } from './npy.js';
import { apply } from './engine/elementwise.js';
import { type VarArray } from './engine/operands.js';
import { type RunOptions, checkRunOptions } from './engine/run.js';

/** What `saveNpy` writes: a MemMap view, `{ data, shape, dtype? }` (an `NDResult`), a typed array (1-D), or a 0-d scalar. */
export type SaveValue = MemMap | VarArray | { data: VarArray; shape?: readonly number[] | number; dtype?: DTypeSpec | DType } | number | bigint | boolean;

/** Options of `saveNpy`: the run options of the native copy (threads, signal, onProgress). */
export type SaveOptions = RunOptions;

/** numpy's default dtype of each typed array class (np.asarray of the same values). */
const CLASS_DTYPE = new Map<unknown, string>([
  [Int8Array, 'int8'], [Uint8Array, 'uint8'], [Uint8ClampedArray, 'uint8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'],
  [Int32Array, 'int32'], [Uint32Array, 'uint32'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'],
  [Float32Array, 'float32'], [Float64Array, 'float64'],
]);
/** Which typed array classes may hold each dtype's values (float16 as float32 values, as an NDResult holds them, or as raw bits). */
const HOLDERS: Record<string, readonly string[]> = { bool: ['uint8'], float16: ['float32', 'float64', 'uint16'] };

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** A value checked: the file's dtype, shape and order, and how to fill the new file. */
interface Source { dtype: DType; shape: number[]; order: Order; fill: (out: MemMap, o: RunOptions) => Promise<unknown> }

/** numpy's `np.save` writes F order for an array that is F- but not C-contiguous, else C order. */
function orderOf(m: MemMap): Order {
  return m.ndim > 1 && isContiguous(m.layout, 'F') && !isContiguous(m.layout, 'C') ? 'F' : 'C';
}

/** A 0-d value as numpy's np.asarray makes it: a JS number is a Python float (float64), a bigint a Python int. */
function scalarSource(v: number | bigint | boolean): Source {
  let dt: string;
  let data: VarArray;
  if (typeof v === 'boolean') { dt = 'bool'; data = Uint8Array.of(v ? 1 : 0); }
  else if (typeof v === 'number') { dt = 'float64'; data = Float64Array.of(v); }
  else if (v >= INT64_MIN && v < 2n ** 63n) { dt = 'int64'; data = BigInt64Array.of(v); }
  else if (v > 0n && v <= UINT64_MAX) { dt = 'uint64'; data = BigUint64Array.of(v); }
  else return fail('ERR_OUT_OF_RANGE', `Python int ${v} too large to convert to C long (numpy saves integers as int64, or uint64 up to 2**64-1)`);
  return arraySource({ data, shape: [], dtype: dt });
}

function arraySource(v: { data: unknown; shape?: unknown; dtype?: unknown }): Source {
  const have = ArrayBuffer.isView(v.data) ? CLASS_DTYPE.get(v.data.constructor) : undefined;
  if (have === undefined) fail('ERR_INVALID_ARG_TYPE', `data must be a typed array (Float64Array, Int32Array…), got ${show(v.data)}`);
  const data = v.data as VarArray;
  const shape = v.shape === undefined ? [data.length] : checkShape(v.shape);
  if (sizeOf(shape) !== data.length) fail('ERR_NDMMAP_SHAPE', `cannot reshape array of size ${data.length} into shape ${show(shape)}`);
  const dt = parseDtype((v.dtype ?? have) as DTypeSpec);
  if (dt.name !== have && !(HOLDERS[dt.name] ?? []).includes(have!))
    fail('ERR_NDMMAP_DTYPE', `a ${data.constructor.name} cannot hold dtype ${dt.name} values: give the typed array of that dtype`);
  // float16 bits are copied as they are; float values go through numpy's rounding in the engine
  const held = dt.name === 'float16' && have === 'uint16' ? { data, shape, dtype: 'float16' } : { data, shape };
  return { dtype: dt, shape, order: 'C', fill: (out, o) => apply(out, 'v', { ...o, vars: { v: held } }, 'saveNpy') };
}

/** Check `value` and say how to write it; nothing is touched yet. */
function sourceOf(value: unknown): Source {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return scalarSource(value);
  if (value instanceof MemMap) {
    value.mapping.check();
    if (value.dtype.code < 0) {
      // records, datetimes, complex: no kernel of their own, so their bytes are copied as uint8
      const bytes = (m: MemMap): MemMap => new MemMap(m.mapping, bytesLayout(m.layout, parseDtype('uint8')), m.offset);
      return { dtype: value.dtype, shape: value.shape, order: orderOf(value), fill: (out, o) => apply(bytes(value), 'x', { ...o, out: bytes(out) }, 'saveNpy') };
    }
    return { dtype: value.dtype, shape: value.shape, order: orderOf(value), fill: (out, o) => apply(value, 'x', { ...o, out }, 'saveNpy') };
  }
  if (ArrayBuffer.isView(value)) return arraySource({ data: value, shape: (value as { shape?: unknown }).shape });
  if (value !== null && typeof value === 'object' && 'data' in value) return arraySource(value as { data: unknown });
  return fail('ERR_INVALID_ARG_TYPE', `value must be a MemMap, a typed array, { data, shape, dtype? } (an NDResult), a number, a bigint or a boolean, got ${show(value)}`);
}

/** numpy's np.save appends `.npy` to a file name that does not end with it. */
function targetOf(file: unknown): string {
  if (typeof file !== 'string' || file === '') fail('ERR_INVALID_ARG_TYPE', `file must be a non-empty string, got ${show(file)}`);
  return path.resolve(file.endsWith('.npy') ? file : `${file}.npy`);
}

/**
 * Save `value` as a `.npy` file, byte-identical to numpy's `np.save(path, value)`: the same header
 * (version 1.0 — a header of the dtypes here never needs 2.0 or 3.0), C order, or F order for an
 * F-contiguous memmap view as numpy does. A MemMap view of any layout is copied natively and in
 * parallel. Atomic: the data goes to a temporary file beside the target, is fsynced, then renamed over
 * it; on any failure (an error, `ABORT_ERR`, `ENOSPC`) the temporary file is removed and the target
 * is left as it was.
 * @param file the target path; `.npy` is appended when missing, as np.save does
 * @param value a MemMap (view), an `NDResult` or `{ data, shape, dtype? }` (C order; float16 as float32
 *   values or uint16 bits; bool as 0/1 bytes), a typed array (1-D), a number (0-d float64), a bigint
 *   (0-d int64, or uint64 above 2**63-1) or a boolean (0-d bool)
 * @param options threads, signal, onProgress of the copy
 * @returns the absolute path written
 * @throws `ERR_INVALID_ARG_TYPE`, `ERR_NDMMAP_SHAPE`, `ERR_NDMMAP_DTYPE`, `ERR_OUT_OF_RANGE`,
 *   `ERR_NDMMAP_NOT_FILE`, `ERR_NDMMAP_CLOSED`, `ENOSPC` (statfs) before anything is created; `ABORT_ERR`
 *   and OS errors later, with the temporary file removed.
 * @example await saveNpy('mu.npy', await a.mean({ axis: 0 }));
 */
export async function saveNpy(file: string, value: SaveValue, options: SaveOptions = {}): Promise<string> {
  const target = targetOf(file);
  const opts = checkRunOptions(options);
  const src = sourceOf(value);
  await writeAtomically(target, src, (out) => src.fill(out, opts), opts.signal);
  return target;
}

/**
 * @internal Create the `.npy` `target` (an absolute path) atomically: a temporary file beside it
 * (createNpy), filled by `fill`, closed, given the old file's mode, renamed over it, the directory
 * fsynced. On any failure the temporary file is removed and `target` is left as it was.
 * @throws `ERR_NDMMAP_NOT_FILE` (a directory there), `ENOENT` (no directory), `ABORT_ERR` (already
 *   aborted) before anything is created; then whatever createNpy or `fill` throws.
 */
export async function writeAtomically(target: string, layout: { dtype: DType; shape: number[]; order: Order },
  fill: (out: MemMap) => Promise<unknown>, signal?: AbortSignal): Promise<void> {
  const before = statTarget(target); // a directory or a FIFO there: ERR_NDMMAP_NOT_FILE
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) fail('ENOENT', `ENOENT: no such file or directory, open '${target}'`, { syscall: 'open', path: target });
  if (signal?.aborted) {
    const e = new NdmmapError('ABORT_ERR', 'The operation was aborted', { cause: signal.reason });
    e.name = 'AbortError';
    throw e;
  }
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  let out: MemMap | undefined;
  try {
    out = createNpy(tmp, { dtype: layout.dtype, shape: layout.shape, order: layout.order });
    await fill(out); // flushed (msync) when it resolves
    out.close();
    out = undefined;
    if (before !== undefined) fs.chmodSync(tmp, before.mode & 0o7777); // np.save truncates in place, keeping the mode
    fs.renameSync(tmp, target);
  } catch (err) {
    out?.close();
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    throw retarget(err, tmp, target);
  }
  syncDir(target);
}

/** An error about the temporary file names the target: the temporary name is gone and means nothing to the caller. */
function retarget(err: unknown, tmp: string, target: string): unknown {
  const e = err as NdmmapError;
  if (!(e instanceof NdmmapError) || e.path !== tmp) return err;
  return new NdmmapError(e.code, e.message.replaceAll(tmp, target), { syscall: e.syscall, path: target, cause: err });
}
