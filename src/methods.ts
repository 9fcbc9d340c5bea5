/**
 * numpy-style methods on MemMap (`a.sum()`, `a.nanstd({ ddof: 1 })`, `a.countNonzero()`), one per
 * reduction of the registry, delegating to the engine. Kept apart so memmap.ts stays free of the
 * engine (data flows one way: MemMap → plan → pool).
 */
import { type Scalar } from './dtype.js';
import { type NDResult, type ReduceOptions, reduce } from './engine/reduce.js';
import { REDUCTIONS } from './engine/reductions/index.js';
import { MemMap } from './memmap.js';
import { type ApplyOptions, apply, fill } from './engine/elementwise.js';
import { type RunOptions } from './engine/run.js';
import { type DotOptions, dot } from './engine/embed/dot.js';
import { type TopKOptions, type TopKResult, argtopk, topk } from './engine/embed/topk.js';
import { type SearchOptions, type SearchResult, search } from './engine/embed/search.js';
import { type VectorLike } from './engine/embed/operands.js';

/** What a reduction method resolves to: a scalar (axis null), an `NDResult`, or the `out` MemMap. */
export type ReduceResult = Scalar | NDResult | MemMap;
type Reducer = (options?: ReduceOptions) => Promise<ReduceResult>;

declare module './memmap.js' {
  interface MemMap {
    /** numpy's `sum`: int/bool sums are int64/uint64 `bigint`s with wraparound. */
    sum: Reducer;
    /** numpy's `prod`: int/bool products are int64/uint64 `bigint`s with wraparound. */
    prod: Reducer;
    /** numpy's `mean`: float64 for integers, the input's type for floats. */
    mean: Reducer;
    /** numpy's `min`: NaN propagates. */
    min: Reducer;
    /** numpy's `max`: NaN propagates. */
    max: Reducer;
    /** numpy's `var` with `ddof` (default 0). */
    var: Reducer;
    /** numpy's `std` with `ddof` (default 0). */
    std: Reducer;
    /** numpy's `argmin`: index of the first minimum (or first NaN). */
    argmin: Reducer;
    /** numpy's `argmax`: index of the first maximum (or first NaN). */
    argmax: Reducer;
    /** numpy's `nansum`: NaN counts as zero. */
    nansum: Reducer;
    /** numpy's `nanprod`: NaN counts as one. */
    nanprod: Reducer;
    /** numpy's `nanmean`: mean of the non-NaN elements. */
    nanmean: Reducer;
    /** numpy's `nanmin`: NaN skipped (an all-NaN slice gives NaN). */
    nanmin: Reducer;
    /** numpy's `nanmax`: NaN skipped (an all-NaN slice gives NaN). */
    nanmax: Reducer;
    /** numpy's `nanvar`. */
    nanvar: Reducer;
    /** numpy's `nanstd`. */
    nanstd: Reducer;
    /** numpy's `nanargmin` (an all-NaN slice is `ERR_NDMMAP_NAN`). */
    nanargmin: Reducer;
    /** numpy's `nanargmax` (an all-NaN slice is `ERR_NDMMAP_NAN`). */
    nanargmax: Reducer;
    /** numpy's `any`. */
    any: Reducer;
    /** numpy's `all`. */
    all: Reducer;
    /** numpy's `count_nonzero`. */
    countNonzero: Reducer;
    /** numpy's `ptp` (max - min in the input dtype). */
    ptp: Reducer;
    /** Set every element (numpy `a.fill(v)`), in parallel; flushed when it resolves. */
    fill(value: Scalar, options?: RunOptions): Promise<MemMap>;
    /** `out[...] = expr(x=this, y)` in parallel (in place without `out`); flushed when it resolves. */
    apply(expr: string, options?: ApplyOptions): Promise<MemMap>;
    /** numpy's `a @ v` (see `dot`). */
    dot(v: VectorLike, options?: DotOptions): Promise<Scalar | NDResult | MemMap>;
    /** The k largest/smallest values along an axis and their indices (see `topk`). */
    topk(k: number, options?: TopKOptions): Promise<TopKResult>;
    /** The indices of `topk`. */
    argtopk(k: number, options?: TopKOptions): Promise<NDResult>;
    /** The k nearest rows to each query (see `search`). */
    search(queries: VectorLike, options?: SearchOptions): Promise<SearchResult>;
  }
}

for (const r of REDUCTIONS) {
  Object.defineProperty(MemMap.prototype, r.method, {
    value: function (this: MemMap, options?: ReduceOptions) { return reduce(r.name, this, options); },
    writable: true,
    configurable: true,
  });
}

Object.defineProperty(MemMap.prototype, 'fill', {
  value: function (this: MemMap, value: Scalar, options?: RunOptions) { return fill(this, value, options); },
  writable: true,
  configurable: true,
});
Object.defineProperty(MemMap.prototype, 'apply', {
  value: function (this: MemMap, expr: string, options?: ApplyOptions) { return apply(this, expr, options); },
  writable: true,
  configurable: true,
});

const EMBED_METHODS: Record<string, (this: MemMap, ...args: never[]) => unknown> = {
  dot(this: MemMap, v: VectorLike, options?: DotOptions) { return dot(this, v, options); },
  topk(this: MemMap, k: number, options?: TopKOptions) { return topk(this, k, options); },
  argtopk(this: MemMap, k: number, options?: TopKOptions) { return argtopk(this, k, options); },
  search(this: MemMap, q: VectorLike, options?: SearchOptions) { return search(this, q, options); },
};
for (const [name, value] of Object.entries(EMBED_METHODS))
  Object.defineProperty(MemMap.prototype, name, { value, writable: true, configurable: true });
