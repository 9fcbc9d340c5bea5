/**
 * The engine's elementwise API (`apply`, `fill` from src/engine/elementwise.ts), loaded on demand so
 * the CLI builds and runs before that module lands; commands check for it before touching any file.
 */
import { fail } from '../errors.js';
import { type MemMap } from '../memmap.js';
import { type RunOptions } from '../engine/run.js';

/** The contract of src/engine/elementwise.ts. */
export interface Elementwise {
  apply(a: MemMap, expr: string, opts?: { y?: MemMap; out?: MemMap } & RunOptions): Promise<MemMap>;
  fill(a: MemMap, value: number | bigint | boolean, opts?: RunOptions): Promise<MemMap>;
}

/**
 * The library's `apply` and `fill`.
 * @throws `ERR_NDMMAP_UNAVAILABLE` (exit 1) when this build has no elementwise engine.
 */
export async function elementwise(what: 'apply' | 'fill'): Promise<Elementwise> {
  const lib = (await import('../index.js')) as unknown as Partial<Elementwise>;
  if (typeof lib.apply !== 'function' || typeof lib.fill !== 'function')
    fail('ERR_NDMMAP_UNAVAILABLE', `${what} needs the elementwise engine (src/engine/elementwise.ts), which this build of ndmmap does not include`);
  return lib as Elementwise;
}
