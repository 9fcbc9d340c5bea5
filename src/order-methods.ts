/**
 * The ordering methods on MemMap (`a.sort()` in place, `a.argsort()`, `a.partition(kth)`,
 * `a.argpartition(kth)`), delegating to src/engine/order/sort.ts. Kept apart, as methods.ts, so
 * memmap.ts stays free of the engine.
 */
import { type DTypeName } from './dtype.js';
import { MemMap } from './memmap.js';
import { type NDResult } from './engine/reduce.js';
import { type SortInPlaceOptions, type SortOptions, argpartition, argsort, partition, sortInPlace } from './engine/order/sort.js';

/** What argsort/partition resolve to: the `out` MemMap, a MemMap of the new file for a path, else an NDResult. */
type OrderResult<O, R extends DTypeName> = O extends { out: MemMap<any> } ? MemMap<R> : O extends { out: string } ? MemMap<R> : NDResult<R>;

declare module './memmap.js' {
  interface MemMap<D extends DTypeName = DTypeName> {
    /** numpy's `a.sort(axis, kind)`: sorts the file in place (stable; NaN last). `ERR_NDMMAP_READONLY` for a read-only map. */
    sort(options?: SortInPlaceOptions): Promise<void>;
    /** numpy's `a.argsort(axis, kind)` (see `argsort`): int64 indices, numpy's stable order. */
    argsort<const O extends SortOptions = {}>(options?: O): Promise<OrderResult<O, 'int64'>>;
    /** numpy's `a.partition(kth)` as a copy (see `partition`; numpy's method is in place: use `sort` for that). */
    partition<const O extends SortOptions = {}>(kth: number | readonly number[], options?: O): Promise<OrderResult<O, D>>;
    /** numpy's `a.argpartition(kth)` (see `argpartition`). */
    argpartition<const O extends SortOptions = {}>(kth: number | readonly number[], options?: O): Promise<OrderResult<O, 'int64'>>;
  }
}

const METHODS: Record<string, (this: MemMap, ...args: never[]) => unknown> = {
  sort(this: MemMap, options?: SortInPlaceOptions) { return sortInPlace(this, options); },
  argsort(this: MemMap, options?: SortOptions) { return argsort(this, options); },
  partition(this: MemMap, kth: number | readonly number[], options?: SortOptions) { return partition(this, kth, options); },
  argpartition(this: MemMap, kth: number | readonly number[], options?: SortOptions) { return argpartition(this, kth, options); },
};
for (const [name, value] of Object.entries(METHODS))
  Object.defineProperty(MemMap.prototype, name, { value, writable: true, configurable: true });
