import './methods.js';
import './inspect.js';
import './convert-methods.js';
import './scan-methods.js';
import './order-methods.js';
import './record-methods.js';

export { memmap, MemMap, type MemmapOptions, type TypedArray, type NestedArray } from './memmap.js';
export { dtype, type DType, type DTypeName, type Scalar } from './dtype.js';
export { type ExtDTypeSpec, type FieldSpec, type RecordDictSpec } from './dtype-types.js';
export { type DTypeSpec, type DTypeCode, type NameOf, type ScalarOf, type TypedArrays, type ResultArrayOf } from './dtype-types.js';
export { NdmmapError } from './errors.js';
export { MAX_DIMS, type Layout, type Order, type ShapeLike } from './layout.js';
export { type Mode, type ModeName } from './mapping.js';
export { type IndexSpec, type SliceSpec } from './view.js';
export { type ReduceOptions, type NDResult } from './engine/reduce.js';
export { average, type AverageOptions } from './engine/average.js';
export { REDUCE_NAMES, type ReduceName } from './engine/reductions/index.js';
export { type ReduceResult, type ResultFor } from './methods.js';
export { type RunOptions } from './engine/run.js';
export { setThreads, poolThreads, shutdown, warmup } from './engine/pool.js';
export { openNpy, createNpy, type CreateNpyOptions } from './npy.js';
export { apply, fill, type ApplyOptions, type PyFloat, type VarValue } from './engine/elementwise.js';
export { combinePartials, PARTIAL_FORMAT, type PartialState, type PartialOptions } from './engine/partial.js';
export { type DotOptions } from './engine/embed/dot.js';
export { type TopKOptions, type TopKResult } from './engine/embed/topk.js';
export { type SearchOptions, type SearchResult, type Metric } from './engine/embed/search.js';
export { type VectorLike } from './engine/embed/operands.js';
export { searchPartial, topkPartial, mergeTopkPartials, TOPK_PARTIAL_FORMAT, type TopKPartial } from './engine/embed/partial.js';
export { type QuantileOptions } from './engine/stats/quantile.js';
export { type Histogram, type HistogramOptions, type BincountOptions } from './engine/stats/histogram.js';
export {
  reduce, reducePartial, mergePartials, dot, topk, argtopk, search, quantile, percentile, median, nanquantile, nanpercentile, nanmedian, histogram, bincount,
} from './typed.js';
export {
  ERROR_CODES, type NdmmapErrorCode, type OsErrorCode, type TypedSearchResult, type TypedTopKResult, type TypedHistogram, type TypedPartial,
  type DotResult, type QuantileResult, type QuantileDtype, type HistogramCounts, type BincountResult, type ReductionValue, type MergedValue,
  type Promote, type ScoreDtype, type ProgressOption,
} from './api-types.js';
export { histogramBinEdges } from './engine/stats/histogram.js';
export { saveNpy, type SaveValue, type SaveOptions } from './save.js';
export { astype, copy, canCast, type AstypeOptions, type CopyOptions, type Casting, type OutTarget } from './engine/convert.js';
export { concatenate, stack, type JoinOptions } from './engine/join.js';
export { sort, argsort, partition, argpartition, type SortOptions, type SortInPlaceOptions } from './engine/order/sort.js';
export { unique, type UniqueOptions, type UniqueResult } from './engine/order/unique.js';
export { searchsorted, isin, type SearchsortedOptions, type IsinOptions } from './engine/order/search.js';
export { take, compress, type TakeOptions, type IndicesLike } from './engine/gather.js';
export { nonzero, flatnonzero, argwhere } from './engine/nonzero.js';
export { cumsum, cumprod, nancumsum, nancumprod, type CumulativeOptions } from './engine/scan/cumulative.js';
export { diff, type DiffOptions, type DiffEdge } from './engine/scan/diff.js';
