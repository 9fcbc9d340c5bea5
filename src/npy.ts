/**
 * `.npy` files as memmaps: numpy's `np.load(path, mmap_mode=…)` and `np.lib.format.open_memmap`.
 * The header format is in npy-header.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DType, type DTypeName, dtype as parseDtype } from './dtype.js';
import { type DTypeSpec, type ExtDTypeSpec, type NameOf } from './dtype-types.js';
import { type ModeName } from './mapping.js';
import { fail, osError, show } from './errors.js';
import { checkNotMapped, checkSpace, growFile, openTarget, statTarget, syncDir } from './file.js';
import { type ShapeLike, checkShape, sizeOf } from './layout.js';
import { MemMap, memmap, wrapMapping } from './memmap.js';
import { checkOpenOptions, mapOpened } from './open.js';
import { NpyShortError, formatNpyHeader, parseNpyHeader } from './npy-header.js';

/** First read of a header: numpy's headers are under 10000 bytes, so one read nearly always does. */
const FIRST_READ = 16 * 1024;

function readHead(file: string, len: number): { bytes: Uint8Array; size: number } {
  statTarget(file);
  const { fd, st } = openTarget(file, 'r');
  try {
    const size = Number(st.size);
    const bytes = new Uint8Array(Math.min(len, size));
    fs.readSync(fd, bytes, 0, bytes.length, 0);
    return { bytes, size };
  } catch (err) {
    throw osError(err, file); // EISDIR, EIO: keep the OS code, add the path
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Map a `.npy` file, like `np.load(filename, mmap_mode=mode)`: dtype, shape and order come from its header.
 * @param filename path of an existing `.npy` file
 * @param options mode `'r'`, `'r+'` (default, numpy's open_memmap default) or `'c'`; `dtype`: the dtype
 *   the file must hold (checked against its header; the result is typed by it)
 * @throws `ENOENT`…, `ERR_NDMMAP_NPY` for a bad header, `ERR_NDMMAP_MODE`, `ERR_NDMMAP_DTYPE` for a file of another dtype.
 * @example const a = openNpy('embeddings.npy', { mode: 'r' }); await a.mean({ axis: 0 });
 */
export function openNpy<const S extends DTypeSpec>(filename: string, options: { mode?: Exclude<ModeName, 'w+' | 'write'>; dtype: S }): MemMap<NameOf<S>>;
export function openNpy<D extends DTypeName = DTypeName>(filename: string, options?: { mode?: Exclude<ModeName, 'w+' | 'write'>; dtype?: DTypeSpec }): MemMap<D>;
export function openNpy(filename: string, options: { mode?: Exclude<ModeName, 'w+' | 'write'>; dtype?: DTypeSpec } = {}): MemMap {
  if (typeof filename !== 'string' || filename === '') fail('ERR_INVALID_ARG_TYPE', `filename must be a non-empty string, got ${show(filename)}`);
  if (options === null || typeof options !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object, got ${show(options)}`);
  const mode: string = options.mode ?? 'r+'; // a plain string: JS callers pass anything
  if (mode === 'w+' || mode === 'write') fail('ERR_NDMMAP_MODE', "openNpy opens existing files: use createNpy() for mode 'w+'");
  if (!['r', 'r+', 'c', 'readonly', 'readwrite', 'copyonwrite'].includes(mode))
    fail('ERR_NDMMAP_MODE', `mode must be one of 'r', 'r+', 'c' (got ${show(mode)})`);
  // the dtype the caller expects (and the type it gets): checked against the header before mapping
  const want = options.dtype === undefined ? undefined : parseDtype(options.dtype);
  let head = readHead(filename, FIRST_READ);
  let h;
  try {
    h = parseNpyHeader(head.bytes, head.size);
  } catch (err) {
    if (!(err instanceof NpyShortError)) throw err;
    head = readHead(filename, err.needed);
    h = parseNpyHeader(head.bytes, head.size);
  }
  if (want !== undefined) checkExpected(filename, parseDtype(h.dtype), want, options.dtype!);
  return memmap(filename, { dtype: h.dtype, shape: h.shape, order: h.fortranOrder ? 'F' : 'C', offset: h.dataOffset, mode: mode as ModeName });
}

/**
 * The file's dtype must be the one asked for: the same type, and the same byte order when the
 * spelling names one (`'>i2'`; a plain name such as `'int16'` takes either).
 * @throws `ERR_NDMMAP_DTYPE`
 */
function checkExpected(filename: string, got: DType, want: DType, spec: DTypeSpec): void {
  const ordered = typeof spec === 'string' ? /^[<>]/.test(spec) : false;
  if (got.name !== want.name || (ordered && got.byteorder !== want.byteorder))
    fail('ERR_NDMMAP_DTYPE', `${filename} holds ${got.byteorder === '>' ? got.str : got.name} data, not ${ordered ? want.str : want.name} (the dtype option)`, { path: filename });
}

/** Options of `createNpy`. */
export interface CreateNpyOptions {
  /** Element type (numpy name or code); default `'float64'` like numpy's open_memmap; a record, datetime or complex dtype (`ExtDTypeSpec`). */
  dtype?: DTypeSpec | ExtDTypeSpec;
  /** Array shape (required): an integer, an array or an integer typed array; at most 64 dims. */
  shape: ShapeLike;
  /** `'C'` (default) or `'F'`. */
  order?: 'C' | 'F';
}

/**
 * Create (or overwrite) a `.npy` file and map it read-write, like `open_memmap(path, mode='w+')`.
 * The header is byte-identical to numpy's; the data starts zero-filled on a 64-byte boundary. When
 * it returns, header, size and directory entry have been fsynced (numpy leaves them to the OS).
 * @throws `ERR_NDMMAP_DTYPE`, `ERR_NDMMAP_SHAPE`, `ERR_OUT_OF_RANGE`, `ERR_NDMMAP_NOT_FILE`,
 *   `ERR_NDMMAP_OVERLAP` (a file an open memmap maps), `ENOSPC` (statfs) before anything is written; OS errors (`EFBIG`…) after the header is written.
 * @example const a = createNpy('out.npy', { dtype: 'float32', shape: [1000, 128] });
 */
export function createNpy<D extends DTypeName = never, const S extends DTypeSpec | ExtDTypeSpec = [D] extends [never] ? 'float64' : DTypeSpec>(
  filename: string, options: CreateNpyOptions & { dtype?: S }): MemMap<[D] extends [never] ? NameOf<S> : D>;
export function createNpy(filename: string, options: CreateNpyOptions): MemMap {
  if (typeof filename !== 'string' || filename === '') fail('ERR_INVALID_ARG_TYPE', `filename must be a non-empty string, got ${show(filename)}`);
  if (options === null || typeof options !== 'object') fail('ERR_INVALID_ARG_TYPE', 'options must be an object with a shape');
  if (options.shape === undefined) fail('ERR_NDMMAP_SHAPE', 'shape must be given to create a .npy file');
  const dt = parseDtype(options.dtype ?? 'float64');
  const shape = checkShape(options.shape);
  const order = options.order ?? 'C';
  if (order !== 'C' && order !== 'F') fail('ERR_NDMMAP_ORDER', `order must be one of 'C', 'F', got ${show(order)}`);
  const header = formatNpyHeader(dt, shape, order === 'F');
  const file = path.resolve(filename);
  // Every check memmap() will make, before the file is overwritten (e.g. header + data past 2^53 bytes).
  const c = checkOpenOptions(file, { dtype: dt, shape, order, offset: header.length, mode: 'r+' });
  const bytes = header.length + sizeOf(shape) * dt.itemsize;
  const before = statTarget(file);
  checkNotMapped(file, 'createNpy()');
  checkSpace(file, bytes, before === undefined ? 0 : before.blocks * 512);
  const { fd } = openTarget(file, 'w+');
  try {
    writeDurably(fd, file, header, bytes, before === undefined);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return wrapMapping(c, mapOpened(c, fd, fs.fstatSync(fd, { bigint: true })));
}

/**
 * Header, size and blocks on disk before createNpy returns: a power cut after it must not leave a
 * file that starts with zeros (the header pages would otherwise sit dirty in the page cache for up
 * to 30 s, and the mapping's later msyncs cover only the data). The directory entry too, when the
 * file is new.
 */
function writeDurably(fd: number, file: string, header: Uint8Array, bytes: number, created: boolean): void {
  try {
    for (let done = 0; done < header.length;) done += fs.writeSync(fd, header, done, header.length - done, done);
  } catch (err) {
    throw osError(err, file);
  }
  growFile(fd, file, header.length, bytes);
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    throw osError(err, file);
  }
  if (created) syncDir(file);
}
