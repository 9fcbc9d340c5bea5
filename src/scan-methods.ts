/**
 * The cumulative methods on MemMap (`a.cumsum({ axis: 0 })`, `a.diff()`), delegating to
 * src/engine/scan/. Kept apart, as methods.ts, so memmap.ts stays free of the engine.
 */
import { MemMap } from './memmap.js';
import { type NDResult } from './engine/reduce.js';
import { type CumulativeOptions, cumprod, cumsum, nancumprod, nancumsum } from './engine/scan/cumulative.js';
import { type DiffOptions, diff } from './engine/scan/diff.js';

declare module './memmap.js' {
  interface MemMap {
    /** numpy's `a.cumsum(axis, dtype, out)` (see `cumsum`). */
    cumsum(options?: CumulativeOptions): Promise<MemMap | NDResult>;
    /** numpy's `a.cumprod(axis, dtype, out)` (see `cumprod`). */
    cumprod(options?: CumulativeOptions): Promise<MemMap | NDResult>;
    /** numpy's `np.nancumsum(a, axis, dtype, out)` (see `nancumsum`). */
    nancumsum(options?: CumulativeOptions): Promise<MemMap | NDResult>;
    /** numpy's `np.nancumprod(a, axis, dtype, out)` (see `nancumprod`). */
    nancumprod(options?: CumulativeOptions): Promise<MemMap | NDResult>;
    /** numpy's `np.diff(a, n, axis, prepend, append)` (see `diff`). */
    diff(options?: DiffOptions): Promise<MemMap | NDResult>;
  }
}

const METHODS: Record<string, (this: MemMap, ...args: never[]) => unknown> = {
  cumsum(this: MemMap, o?: CumulativeOptions) { return cumsum(this, o); },
  cumprod(this: MemMap, o?: CumulativeOptions) { return cumprod(this, o); },
  nancumsum(this: MemMap, o?: CumulativeOptions) { return nancumsum(this, o); },
  nancumprod(this: MemMap, o?: CumulativeOptions) { return nancumprod(this, o); },
  diff(this: MemMap, o?: DiffOptions) { return diff(this, o); },
};
for (const [name, value] of Object.entries(METHODS))
  Object.defineProperty(MemMap.prototype, name, { value, writable: true, configurable: true });
