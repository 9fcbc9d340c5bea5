/**
 * `apply --out` naming a file the command already reads — FILE or a `--var` file — under any name: the
 * same path, a symlink, a hard link, a symlinked directory, `/proc/self/…`. Creating the output would
 * truncate that input before it is read, so this is decided by device and inode (the kernel's idea
 * of "the same file") before anything is created or truncated.
 */
import fs from 'node:fs';
import { type DType } from '../dtype.js';
import { fail } from '../errors.js';
import { contiguousStrides } from '../layout.js';
import { type MemMap } from '../memmap.js';
import { formatNpyHeader } from '../npy-header.js';
import { isNpy } from './open.js';

/** The layout `--out` would be created with: dtype, shape, order, and where its data starts. */
export interface OutLayout { dtype: DType; shape: number[]; order: 'C' | 'F' }

/** Does `m` hold exactly the elements `--out` would, at the same bytes? */
function sameLayout(m: MemMap, out: string, want: OutLayout): boolean {
  const offset = isNpy(out) ? formatNpyHeader(want.dtype, want.shape, want.order === 'F').length : 0;
  const l = m.layout;
  return l.dtype.str === want.dtype.str && l.byteOffset === offset && l.shape.join() === want.shape.join() &&
    l.strides.join() === contiguousStrides(want.shape, want.order).join();
}

/**
 * Which of the open `inputs` (`[label, MemMap]`: `FILE`, `--var mu`…) `out` is, if any.
 * @returns that input when its layout is the one `--out` would have (write it in place), undefined
 *   when `out` is none of them (or does not exist yet)
 * @throws `ERR_NDMMAP_OVERLAP` when `out` is one of them in another layout: writing it would destroy
 *   data before it is read.
 */
export function inputAt(out: string, inputs: readonly (readonly [string, MemMap])[], want: OutLayout): MemMap | undefined {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(out, { bigint: true });
  } catch {
    return undefined; // a new file (or one open(2) will report on)
  }
  for (const [label, m] of inputs) {
    const id = m.mapping.identity;
    if (id.dev !== BigInt(st.dev) || id.ino !== BigInt(st.ino)) continue;
    if (sameLayout(m, out, want)) return m;
    fail('ERR_NDMMAP_OVERLAP', `apply: --out '${out}' is ${label} '${m.filename}' (the same file by device and inode) with another ` +
      'layout (dtype, shape, order or data offset): writing it would destroy that input before it is read; ' +
      `give another --out${label === 'FILE' ? ', or leave out --out to write FILE in place' : ''}`, { path: out });
  }
  return undefined;
}
