/**
 * The public free functions with their result types: the engine's functions themselves, typed by
 * dtype, operation name and options (api-types.ts), so a strict app needs no casts. Nothing here
 * runs code of its own.
 */
import { type DTypeName } from './dtype.js';
import { type MemMap } from './memmap.js';
import { type NDResult, type ReduceOptions, reduce as reduceImpl } from './engine/reduce.js';
import { type PartialOptions, mergePartials as mergeImpl, reducePartial as reducePartialImpl } from './engine/partial.js';
import { type DotOptions, dot as dotImpl } from './engine/embed/dot.js';
import { type TopKOptions, argtopk as argtopkImpl, topk as topkImpl } from './engine/embed/topk.js';
import { type SearchOptions, search as searchImpl } from './engine/embed/search.js';
import { type VectorLike } from './engine/embed/operands.js';
import * as q from './engine/stats/quantile.js';
import { type BincountOptions, type HistogramOptions, bincount as bincountImpl, histogram as histogramImpl } from './engine/stats/histogram.js';
import {
  type BincountResult, type DotResult, type HistogramCounts, type MergedValue, type OperandDtype, type ProgressOption, type Promote,
  type QuantileResult, type ReductionValue, type ScoreDtype, type TypedHistogram, type TypedPartial, type TypedSearchResult, type TypedTopKResult,
} from './api-types.js';

type Opts<O> = O & ProgressOption;
type Q = number | ArrayLike<number>;

/** A reduction by numpy's name: the value `a.<method>(options)` gives (or `out`). */
export const reduce = reduceImpl as unknown as <const Op extends string, D extends DTypeName, const O extends ReduceOptions = {}>(name: Op, a: MemMap<D>, options?: Opts<O>) =>
  Promise<O extends { out: infer M extends MemMap<any> } ? M : ReductionValue<Op, D, O>>;

/** `reducePartial` (see engine/partial.ts), typed so `mergePartials` of its states gives the reduction's value type. */
export const reducePartial = reducePartialImpl as unknown as <const Op extends string, D extends DTypeName, const O extends PartialOptions = {}>(name: Op, a: MemMap<D>, options?: Opts<O>) =>
  Promise<import('./engine/partial.js').PartialState & TypedPartial<Op, D, Omit<O, 'rows'>>>;

/** `mergePartials`: the value of the reduction the states were made with (by operation name and dtype); states read from JSON give the union. */
export const mergePartials = mergeImpl as unknown as <P>(list: readonly P[]) => MergedValue<P>;

/** numpy's `a @ v` (see engine/embed/dot.ts): numpy's result dtype; a scalar for two vectors, else an NDResult, or `out`. */
export const dot = dotImpl as unknown as <D extends DTypeName, const V extends VectorLike, const O extends DotOptions = {}>(a: MemMap<D>, v: V, options?: Opts<O>) =>
  Promise<DotResult<Promote<D, OperandDtype<V>>, O>>;

/** The k largest (or smallest) values along an axis and their int64 indices (see engine/embed/topk.ts). */
export const topk = topkImpl as unknown as <D extends DTypeName>(a: MemMap<D>, k: number, options?: Opts<TopKOptions>) => Promise<TypedTopKResult<D>>;
/** The int64 indices of `topk`. */
export const argtopk = argtopkImpl as unknown as <D extends DTypeName>(a: MemMap<D>, k: number, options?: Opts<TopKOptions>) => Promise<NDResult<'int64'>>;

/** The k nearest rows to each query (see engine/embed/search.ts): int64 indices, scores float32 or float64 by the dtypes. */
export const search = searchImpl as unknown as <D extends DTypeName, const V extends VectorLike>(a: MemMap<D>, queries: V, options?: Opts<SearchOptions>) =>
  Promise<TypedSearchResult<ScoreDtype<D, OperandDtype<V>>>>;

type QuantileFn = <D extends DTypeName, const QQ extends Q, const O extends q.QuantileOptions = {}>(a: MemMap<D>, q: QQ, options?: Opts<O>) => Promise<QuantileResult<D, QQ, O>>;
type MedianFn = <D extends DTypeName, const O extends q.QuantileOptions = {}>(a: MemMap<D>, options?: Opts<O>) => Promise<QuantileResult<D, number, O>>;
/** numpy's `quantile` (see engine/stats/quantile.ts): a scalar for a number q without axis, else an NDResult; numpy's dtype. */
export const quantile = q.quantile as unknown as QuantileFn;
/** numpy's `percentile` (q in [0, 100]). */
export const percentile = q.percentile as unknown as QuantileFn;
/** numpy's `median`. */
export const median = q.median as unknown as MedianFn;
/** numpy's `nanquantile`. */
export const nanquantile = q.nanquantile as unknown as QuantileFn;
/** numpy's `nanpercentile`. */
export const nanpercentile = q.nanpercentile as unknown as QuantileFn;
/** numpy's `nanmedian`. */
export const nanmedian = q.nanmedian as unknown as MedianFn;

/** numpy's `histogram` (see engine/stats/histogram.ts): int64 counts; float64 with `density`; the weights' dtype with `weights`. */
export const histogram = histogramImpl as unknown as <const O extends HistogramOptions = {}>(a: MemMap, options?: Opts<O>) => Promise<TypedHistogram<HistogramCounts<O>>>;
/** numpy's `bincount`: int64 counts, float64 with weights. */
export const bincount = bincountImpl as unknown as <const O extends BincountOptions = {}>(a: MemMap, options?: Opts<O>) => Promise<BincountResult<O>>;
