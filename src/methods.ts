/**
 * numpy-style methods on MemMap (`a.sum()`, `a.nanstd({ ddof: 1 })`, `a.countNonzero()`), one per
 * reduction of the registry, delegating to the engine. Kept apart so memmap.ts stays free of the
 * engine (data flows one way: MemMap → plan → pool).
 */
import { type DTypeName, type Scalar } from './dtype.js';
import { type FloatName, type NameOf, type ScalarOf, type SignedName, type UnsignedName } from './dtype-types.js';
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

/** numpy's sum/prod dtype: bool and signed integers accumulate in int64, unsigned in uint64. */
type SumOf<D extends DTypeName> = D extends SignedName | 'bool' ? 'int64' : D extends UnsignedName ? 'uint64' : D;
/** numpy's mean/var/std dtype: float64 for bool and integers, the float type itself otherwise. */
type MeanOf<D extends DTypeName> = D extends FloatName ? D : 'float64';
/** The result dtype once options are seen: `dtype=` decides; an `expr` makes it known only at run time. */
type ResultOf<O, R extends DTypeName> =
  O extends { dtype: infer S } ? NameOf<S> : O extends { expr: string } ? DTypeName : R;
/**
 * A scalar without axis and keepdims, an NDResult with either; both when not known statically.
 * (Keys are tested with `keyof`: `O extends { k?: T }` is false for any O without `k`, a weak type.)
 */
type Shaped<O, S, N> =
  O extends { keepdims: true } ? N
    : 'keepdims' extends keyof O ? (O extends { keepdims: false } ? ByAxis<O, S, N> : S | N)
      : ByAxis<O, S, N>;
type ByAxis<O, S, N> =
  O extends { axis: number | readonly number[] } ? N
    : 'axis' extends keyof O ? (O extends { axis: null | undefined } ? S : S | N)
      : S;
/**
 * What a reduction resolves to for options `O` and result dtype `R`: `out` itself, else a scalar `S`
 * (default: `R`'s JS type) or an `NDResult<R>`.
 */
export type ResultFor<O, R extends DTypeName, S = ScalarOf<R>> =
  O extends { out: infer M extends MemMap<any> } ? M
    : 'out' extends keyof O ? MemMap | Shaped<O, S, NDResult<R>>
      : Shaped<O, S, NDResult<R>>;

type SumResult<D extends DTypeName, O> = ResultFor<O, ResultOf<O, SumOf<D>>>;
type MeanResult<D extends DTypeName, O> = ResultFor<O, ResultOf<O, MeanOf<D>>>;
type SameResult<D extends DTypeName, O> = ResultFor<O, ResultOf<O, D>>;
/** Indices and counts: a JS number for the whole array, int64 along an axis. */
type IndexResult<O> = ResultFor<O, 'int64', number>;
type BoolResult<O> = ResultFor<O, 'bool'>;

declare module './memmap.js' {
  interface MemMap<D extends DTypeName = DTypeName> {
    /** numpy's `sum`: int/bool sums are int64/uint64 `bigint`s with wraparound. */
    sum<const O extends ReduceOptions = {}>(options?: O): Promise<SumResult<D, O>>;
    /** numpy's `prod`: int/bool products are int64/uint64 `bigint`s with wraparound. */
    prod<const O extends ReduceOptions = {}>(options?: O): Promise<SumResult<D, O>>;
    /** numpy's `mean`: float64 for integers, the input's type for floats. */
    mean<const O extends ReduceOptions = {}>(options?: O): Promise<MeanResult<D, O>>;
    /** numpy's `min`: NaN propagates. */
    min<const O extends ReduceOptions = {}>(options?: O): Promise<SameResult<D, O>>;
    /** numpy's `max`: NaN propagates. */
    max<const O extends ReduceOptions = {}>(options?: O): Promise<SameResult<D, O>>;
    /** numpy's `var` with `ddof` (default 0). */
    var<const O extends ReduceOptions = {}>(options?: O): Promise<MeanResult<D, O>>;
    /** numpy's `std` with `ddof` (default 0). */
    std<const O extends ReduceOptions = {}>(options?: O): Promise<MeanResult<D, O>>;
    /** numpy's `argmin`: index of the first minimum (or first NaN). */
    argmin<const O extends ReduceOptions = {}>(options?: O): Promise<IndexResult<O>>;
    /** numpy's `argmax`: index of the first maximum (or first NaN). */
    argmax<const O extends ReduceOptions = {}>(options?: O): Promise<IndexResult<O>>;
    /** numpy's `nansum`: NaN counts as zero. */
    nansum<const O extends ReduceOptions = {}>(options?: O): Promise<SumResult<D, O>>;
    /** numpy's `nanprod`: NaN counts as one. */
    nanprod<const O extends ReduceOptions = {}>(options?: O): Promise<SumResult<D, O>>;
    /** numpy's `nanmean`: mean of the non-NaN elements. */
    nanmean<const O extends ReduceOptions = {}>(options?: O): Promise<MeanResult<D, O>>;
    /** numpy's `nanmin`: NaN skipped (an all-NaN slice gives NaN). */
    nanmin<const O extends ReduceOptions = {}>(options?: O): Promise<SameResult<D, O>>;
    /** numpy's `nanmax`: NaN skipped (an all-NaN slice gives NaN). */
    nanmax<const O extends ReduceOptions = {}>(options?: O): Promise<SameResult<D, O>>;
    /** numpy's `nanvar`. */
    nanvar<const O extends ReduceOptions = {}>(options?: O): Promise<MeanResult<D, O>>;
    /** numpy's `nanstd`. */
    nanstd<const O extends ReduceOptions = {}>(options?: O): Promise<MeanResult<D, O>>;
    /** numpy's `nanargmin` (an all-NaN slice is `ERR_NDMMAP_NAN`). */
    nanargmin<const O extends ReduceOptions = {}>(options?: O): Promise<IndexResult<O>>;
    /** numpy's `nanargmax` (an all-NaN slice is `ERR_NDMMAP_NAN`). */
    nanargmax<const O extends ReduceOptions = {}>(options?: O): Promise<IndexResult<O>>;
    /** numpy's `any`. */
    any<const O extends ReduceOptions = {}>(options?: O): Promise<BoolResult<O>>;
    /** numpy's `all`. */
    all<const O extends ReduceOptions = {}>(options?: O): Promise<BoolResult<O>>;
    /** numpy's `count_nonzero`. */
    countNonzero<const O extends ReduceOptions = {}>(options?: O): Promise<IndexResult<O>>;
    /** numpy's `ptp` (max - min in the input dtype). */
    ptp<const O extends ReduceOptions = {}>(options?: O): Promise<SameResult<D, O>>;
    /** Set every element (numpy `a.fill(v)`), in parallel; flushed when it resolves. */
    fill(value: Scalar, options?: RunOptions): Promise<this>;
    /** `out[...] = expr(x=this, y)` in parallel (in place without `out`); flushed when it resolves. */
    apply<const O extends ApplyOptions = {}>(expr: string, options?: O): Promise<O extends { out: infer M extends MemMap<any> } ? M : this>;
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
