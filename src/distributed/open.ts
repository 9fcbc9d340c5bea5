/**
 * Opening a job's file on a worker (read-only, by path, with `--path-map` applied) and describing an
 * opened file as a wire layout for the jobs.
 */
import { type DTypeSpec } from '../dtype-types.js';
import { fail, show } from '../errors.js';
import { type MemMap, memmap } from '../memmap.js';
import { openNpy } from '../npy.js';
import { type WireLayout } from './wire.js';

/** Is this a `.npy` path (by name, as numpy's np.load and the CLI decide)? */
export const isNpyPath = (file: string): boolean => /\.npy$/i.test(file);

/** Open a job's file read-only with its layout. */
export function openShardFile(file: string, layout: WireLayout): MemMap {
  if (layout.kind === 'npy') return openNpy(file, { mode: 'r' });
  return memmap(file, { dtype: layout.dtype as DTypeSpec, shape: layout.shape, offset: layout.offset, order: layout.order, mode: 'r' });
}

/** The layout of a file opened whole by `memmap`/`openNpy`, for the workers to open it the same way. */
export function wireLayout(a: MemMap, npy: boolean): WireLayout {
  if (npy) return { kind: 'npy' };
  return { kind: 'raw', dtype: a.dtype.str, shape: a.shape, offset: a.offset, order: a.order === 'F' ? 'F' : 'C' };
}

/** A path mapping `FROM=TO`: paths under FROM (a whole component prefix) are read under TO. */
export type PathMap = Array<[string, string]>;

/**
 * Parse `FROM=TO` mappings.
 * @throws `ERR_INVALID_ARG_VALUE` for an entry without `=` or with an empty side.
 */
export function parsePathMap(entries: readonly string[]): PathMap {
  return entries.map((e) => {
    const i = e.indexOf('=');
    if (i <= 0 || i === e.length - 1) fail('ERR_INVALID_ARG_VALUE', `path map must be FROM=TO such as /mnt/data=/data, got ${show(e)}`);
    return [e.slice(0, i).replace(/\/+$/, '') || '/', e.slice(i + 1)];
  });
}

/** `file` under this worker's mounts: the longest FROM that is a whole-component prefix wins. */
export function mapPath(file: string, map: PathMap): string {
  let best: [string, string] | undefined;
  for (const m of map) {
    const [from] = m;
    const under = file === from || file.startsWith(from === '/' ? '/' : `${from}/`);
    if (under && (best === undefined || from.length > best[0].length)) best = m;
  }
  if (best === undefined) return file;
  const rest = file.slice(best[0] === '/' ? 1 : best[0].length).replace(/^\//, '');
  return rest === '' ? best[1] : `${best[1].replace(/\/+$/, '')}/${rest}`;
}
