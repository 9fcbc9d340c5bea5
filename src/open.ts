/**
 * Opening a file the way numpy.memmap.__new__ does: validate everything first, then open, size and
 * map. Nothing is created, truncated or extended before every argument has been checked.
 */
import fs, { type BigIntStats } from 'node:fs';
import path from 'node:path';
import { type DType, dtype as parseDtype } from './dtype.js';
import { type DTypeSpec, type ExtDTypeSpec } from './dtype-types.js';
import { fail, osError, show } from './errors.js';
import { MAX_SIZE, type Order, type ShapeLike, checkShape, sizeOf } from './layout.js';
import { checkNotMapped, checkSpace, growFile, openTarget, reserveHoles, statTarget } from './file.js';
import { type Mode, type ModeName, Mapping } from './mapping.js';
import { MAP_COPY, MAP_READ, MAP_SHARED, native } from './native.js';

/** mmap offsets must be multiples of the page size; numpy maps from the page below `offset`. */
export const PAGE = 4096;

/** numpy's mode names and their long aliases. */
const MODES: Record<string, Mode> = { r: 'r', 'r+': 'r+', 'w+': 'w+', c: 'c', readonly: 'r', readwrite: 'r+', write: 'w+', copyonwrite: 'c' };
const MODE_LIST = "'r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', 'write'";

export interface OpenOptions {
  dtype?: DTypeSpec | ExtDTypeSpec;
  mode?: ModeName;
  offset?: number;
  shape?: ShapeLike;
  order?: Order;
}

export interface Checked {
  filename: string;
  dtype: DType;
  mode: Mode;
  offset: number;
  shape: number[] | undefined;
  order: Order;
}

/** Validate memmap()'s arguments without touching the file system. */
export function checkOpenOptions(filename: unknown, opts: OpenOptions): Checked {
  if (typeof filename !== 'string' || filename === '') fail('ERR_INVALID_ARG_TYPE', `filename must be a non-empty string, got ${show(filename)}`);
  if (opts === null || typeof opts !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object, got ${show(opts)}`);
  const m = opts.mode ?? 'r+';
  const mode = typeof m === 'string' && Object.hasOwn(MODES, m) ? MODES[m] : undefined;
  if (mode === undefined)
    fail('ERR_NDMMAP_MODE', `mode must be one of ${MODE_LIST} (got ${show(opts.mode)})`);
  const dt = parseDtype(opts.dtype ?? 'uint8');
  const offset = opts.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset))
    fail('ERR_INVALID_ARG_TYPE', `offset must be an integer number of bytes, got ${show(offset)}`);
  if (offset < 0) fail('ERR_OUT_OF_RANGE', `offset must be non-negative, got ${offset}`);
  if (offset > MAX_SIZE) fail('ERR_OUT_OF_RANGE', `offset is too large: ${offset}`);
  const order = opts.order ?? 'C';
  if (order !== 'C' && order !== 'F') fail('ERR_NDMMAP_ORDER', `order must be one of 'C', 'F', got ${show(order)}`);
  const shape = opts.shape === undefined || opts.shape === null ? undefined : checkShape(opts.shape);
  if (mode === 'w+' && shape === undefined) fail('ERR_NDMMAP_SHAPE', "shape must be given if mode == 'w+'");
  if (shape !== undefined && offset + sizeOf(shape) * dt.itemsize > MAX_SIZE)
    fail('ERR_OUT_OF_RANGE', `array of shape ${show(shape)} and dtype ${dt.name} at offset ${offset} is too large`);
  return { filename: path.resolve(filename), dtype: dt, mode, offset, shape, order };
}

/**
 * Open and map per numpy's rules; returns the mapping and the final shape.
 * @throws OS errors, `ERR_NDMMAP_NOT_FILE` (a FIFO, directory or device: refused before open(2),
 *   which would block on a FIFO), `ERR_NDMMAP_OVERLAP` (w+ of a file an open memmap maps), `ENOSPC`
 *   (w+ larger than the free space: before the file is truncated), `ERR_NDMMAP_SIZE`.
 */
export function openChecked(c: Checked): { mapping: Mapping; shape: number[] } {
  const before = statTarget(c.filename);
  if (c.mode === 'w+') {
    checkNotMapped(c.filename, "mode 'w+'");
    // w+ truncates at open(2): the space check must come first, counting the blocks it gives back.
    checkSpace(c.filename, Math.max(c.offset + sizeOf(c.shape!) * c.dtype.itemsize, 1), before === undefined ? 0 : before.blocks * 512);
  }
  const { fd, st } = openTarget(c.filename, c.mode === 'c' ? 'r' : c.mode);
  return mapOpened(c, fd, st);
}

/**
 * Size (modes r+/w+: extend to the shape, blocks reserved) and map a file opened by
 * {@link openTarget}. Takes the descriptor: the mapping owns it, or it is closed on failure.
 */
export function mapOpened(c: Checked, fd: number, st: BigIntStats): { mapping: Mapping; shape: number[] } {
  try {
    const flen = Number(st.size);
    let shape = c.shape;
    if (shape === undefined) {
      const avail = flen - c.offset;
      if (avail < 0) fail('ERR_NDMMAP_SIZE', `offset ${c.offset} is past the end of the file (${flen} bytes)`, { path: c.filename });
      if (avail % c.dtype.itemsize) fail('ERR_NDMMAP_SIZE', 'Size of available data is not a multiple of the data-type size.', { path: c.filename });
      shape = [avail / c.dtype.itemsize];
    }
    let bytes = c.offset + sizeOf(shape) * c.dtype.itemsize;
    const start = c.offset - (c.offset % PAGE);
    if (c.mode === 'r+' || c.mode === 'w+') {
      bytes = Math.max(bytes, 1); // numpy never maps an empty file for writing: it writes one byte
      growFile(fd, c.filename, flen, bytes);
      // what growFile added is reserved; the file's own holes (a sparse file) must be too
      if (c.mode === 'r+') reserveHoles(fd, c.filename, start, Math.min(flen, bytes) - start);
    } else if (bytes > flen) {
      fail('ERR_NDMMAP_SIZE', `mmap length is greater than file size (${bytes} > ${flen} bytes)`, { path: c.filename });
    } else if (flen === 0) {
      fail('ERR_NDMMAP_SIZE', 'cannot mmap an empty file', { path: c.filename });
    }
    const mode = c.mode === 'r' ? MAP_READ : c.mode === 'c' ? MAP_COPY : MAP_SHARED;
    let id: number;
    try {
      id = native.map(fd, mode, start, bytes - start, c.filename);
    } catch (err) {
      throw osError(err, c.filename);
    }
    return { mapping: new Mapping(id, c.mode, c.filename, start, bytes - start, { dev: st.dev, ino: st.ino }), shape };
  } finally {
    // The mapping does not need it: the addon keeps one shared descriptor per file (native/core/files.h),
    // so memmaps left to the GC cannot run the process out of descriptors.
    fs.closeSync(fd);
  }
}
