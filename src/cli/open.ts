/**
 * Opening the FILE argument: a `.npy` carries its own layout; a raw file takes numpy.memmap's
 * dtype (default uint8, as numpy), shape (default 1-D from the file size), offset and order.
 */
import { type DTypeSpec } from '../dtype-types.js';
import { fail } from '../errors.js';
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
  if (/\.npz$/i.test(file)) fail('ERR_NDMMAP_NPY', `${file}: ${NPZ_HINT.replace(/data\.npz/g, file)}`, { path: file });
  if (isNpy(file)) {
    const given = ['dtype', 'shape', 'offset', 'order'].filter((k) => v[k] !== undefined);
    if (given.length) fail(USAGE, `${file}: a .npy file carries its own layout; remove ${given.map((k) => `--${k}`).join(', ')}`);
    return openNpy(file, { mode });
  }
  const shape = shapeOption(v.shape);
  const offset = intOption(v.offset, 'offset', 0);
  const order = orderOption(v.order);
  // memmap() checks the spelling and fails with ERR_NDMMAP_DTYPE
  return memmap(file, { dtype: ((v.dtype as string | undefined) ?? RAW_DEFAULT_DTYPE) as DTypeSpec, shape, offset, order, mode });
}
