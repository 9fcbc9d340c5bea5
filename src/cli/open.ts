/**
 * Opening the FILE argument: a `.npy` carries its own layout; a raw file takes numpy.memmap's
 * dtype (default uint8, as numpy), shape (default 1-D from the file size), offset and order.
 */
import fs from 'node:fs';
import { dtype as parseDtype } from '../dtype.js';
import { type DTypeSpec } from '../dtype-types.js';
import { fail, osError } from '../errors.js';
import { type MemMap, memmap } from '../memmap.js';
import { openNpy } from '../npy.js';
import { NPZ_HINT } from '../npy-header.js';
import { USAGE, type Values, intOption, orderOption, shapeOption } from './args.js';

/** numpy.memmap's default dtype, used for raw files without --dtype. */
export const RAW_DEFAULT_DTYPE = 'uint8';

/** Is this path a `.npy` file (by name, as numpy's np.load decides)? */
export function isNpy(file: string): boolean {
  return /\.npy$/i.test(file);
}

/**
 * Open FILE for a command in `mode` ('r' for reading, 'r+' to write in place). Layout flags are
 * checked before the file is touched; giving them with a `.npy` is a usage error.
 * @throws `ERR_NDMMAP_USAGE`, `ERR_NDMMAP_DTYPE`/`SHAPE`/`ORDER`, `ERR_OUT_OF_RANGE`; then OS errors, `ERR_NDMMAP_SIZE`, `ERR_NDMMAP_NPY`.
 */
export function openFile(file: string, v: Values, mode: 'r' | 'r+'): MemMap {
  // a missing .npz is ENOENT like any missing file (from the open below), not advice about zip archives
  if (/\.npz$/i.test(file) && fs.existsSync(file)) fail('ERR_NDMMAP_NPY', `${file}: ${NPZ_HINT.replace(/data\.npz/g, file)}`, { path: file });
  if (isNpy(file)) {
    const given = ['dtype', 'shape', 'offset', 'order'].filter((k) => v[k] !== undefined);
    if (given.length) fail(USAGE, `${file}: a .npy file carries its own layout; remove ${given.map((k) => `--${k}`).join(', ')}`);
    return openNpy(file, { mode });
  }
  const dt = (v.dtype as string | undefined) ?? RAW_DEFAULT_DTYPE;
  const offset = intOption(v.offset, 'offset', 0);
  const order = orderOption(v.order);
  let shape = shapeOption(v.shape, true);
  if (shape?.includes(-1)) shape = inferDim(file, shape, parseDtype(dt).itemsize, offset ?? 0);
  return memmap(file, { dtype: dt as DTypeSpec, shape, offset, order, mode });
}

/**
 * numpy's reshape rule for one -1 dim: the file's elements after `offset` divided by the other dims.
 * @throws `ERR_NDMMAP_SIZE` when the file is not whole elements, `ERR_NDMMAP_SHAPE` when they do not divide.
 */
export function inferDim(file: string, shape: number[], itemsize: number, offset: number): number[] {
  let size: number;
  try { size = fs.statSync(file).size; } catch (err) { throw osError(err, file); }
  const bytes = size - offset;
  if (bytes < 0 || bytes % itemsize !== 0)
    fail('ERR_NDMMAP_SIZE', `${file}: ${Math.max(bytes, 0)} bytes after offset ${offset} are not a whole number of ${itemsize}-byte elements`);
  const n = bytes / itemsize;
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const shown = `(${shape.join(',')})`;
  if (known === 0 || n % known !== 0) fail('ERR_NDMMAP_SHAPE', `cannot reshape array of size ${n} into shape ${shown}`);
  return shape.map((d) => (d === -1 ? n / known : d));
}
