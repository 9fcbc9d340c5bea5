/**
 * numpy-style methods on MemMap (`a.sum()`, `a.nanstd({ ddof: 1 })`, `a.countNonzero()`), one per
 * reduction of the registry, delegating to the engine. Kept apart so memmap.ts stays free of the
 * engine (data flows one way: MemMap → plan → pool).
 */
import { type DTypeName, type Scalar } from './dtype.js';
import { type ScalarOf, type TypedArrays } from './dtype-types.js';
import {
  type DotResult, type MeanOf, type ProgressOption, type Promote, type ResultOf, type ScoreDtype, type ShapedBy, type SumOf,
  type TypedSearchResult, type TypedTopKResult,
} from './api-types.js';
import { type NDResult, type ReduceOptions, reduce } from './engine/reduce.js';
import { REDUCTIONS } from './engine/reductions/index.js';
import { MemMap } from './memmap.js';
import { type ApplyOptions, apply, fill } from './engine/elementwise.js';
import { type RunOptions } from './engine/run.js';
import { type DotOptions, dot } from './engine/embed/dot.js';
import { type TopKOptions, argtopk, topk } from './engine/embed/topk.js';
import { type SearchOptions, search } from './engine/embed/search.js';
import { type VectorLike } from './engine/embed/operands.js';

/** What a reduction method resolves to: a scalar (axis null), an `NDResult`, or the `out` MemMap. */
export type ReduceResult = Scalar | NDResult | MemMap;

/**
 * What a reduction resolves to for options `O` and result dtype `R`: `out` itself, else a scalar `S`
 * (default: `R`'s JS type) or an `NDResult<R>`.
 */
export type ResultFor<O, R extends DTypeName, S = ScalarOf<R>> =
  O extends { out: infer M extends MemMap<any> } ? M
    : 'out' extends keyof O ? MemMap | ShapedBy<O, S, NDResult<R>>
      : ShapedBy<O, S, NDResult<R>>;

type SumResult<D extends DTypeName, O> = ResultFor<O, ResultOf<O, SumOf<D>>>;
type MeanResult<D extends DTypeName, O> = ResultFor<O, ResultOf<O, MeanOf<D>>>;
type SameResult<D extends DTypeName, O> = ResultFor<O, ResultOf<O, D>>;
/** Indices and counts: a JS number for the whole array, int64 along an axis. */
type IndexResult<O> = ResultFor<O, 'int64', number>;
type BoolResult<O> = ResultFor<O, 'bool'>;
/** Queries a search computes in float32 with narrow rows (at most 16 bits, or float32). */
type NarrowQuery = Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | MemMap<'float32' | 'float16' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'bool'>
  | { data: Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array; shape: readonly number[] };
/** Queries that make a search compute in float64. */
type WideQuery = Float64Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | readonly number[] | readonly (readonly number[])[]
  | MemMap<'float64' | 'int32' | 'uint32' | 'int64' | 'uint64'> | { data: Float64Array | Int32Array | Uint32Array | readonly number[]; shape: readonly number[] };
/** A vector or matrix operand of dtype T. */
type VecOf<T extends DTypeName> = TypedArrays[T] | MemMap<T> | { data: TypedArrays[T]; shape: readonly number[] };
/** Options as given: the generic part is inferred, `onProgress` typed by context. */
type Opts<O> = O & ProgressOption;

/** A reduction method's result, by the reduction's result kind, for input dtype D and options O. */
interface ResultsByKind<D extends DTypeName, O> {
  sum: SumResult<D, O>;
  mean: MeanResult<D, O>;
  same: SameResult<D, O>;
  index: IndexResult<O>;
  bool: BoolResult<O>;
}

/**
 * One method per reduction of the registry (`a.sum()`, `a.nanstd({ ddof: 1 })`, `a.countNonzero({ axis: 0 })`),
 * typed from REDUCTIONS: the method name and result kind are literal types there, so a new reduction
 * module gets its method and its type with no line here. Summaries: `ndmmap --help`, docs/api.md.
 */
export type ReductionMethods<D extends DTypeName> = {
  [R in (typeof REDUCTIONS)[number] as R['method']]: <const O extends ReduceOptions = {}>(options?: Opts<O>) => Promise<ResultsByKind<D, O>[R['resultKind']]>;
};

declare module './memmap.js' {
  interface MemMap<D extends DTypeName = DTypeName> extends ReductionMethods<D> {
    /** Set every element (numpy `a.fill(v)`), in parallel; flushed when it resolves. */
    fill(value: Scalar, options?: RunOptions): Promise<this>;
    /** `out[...] = expr(x=this, y)` in parallel (in place without `out`); flushed when it resolves. */
    apply<const O extends ApplyOptions = {}>(expr: string, options?: Opts<O>): Promise<O extends { out: infer M extends MemMap<any> } ? M : this>;
    /** numpy's `a @ v` (see `dot`): numpy's result dtype; a scalar for two vectors, else an NDResult, or `out`. */
    dot<const O extends DotOptions = {}>(v: VecOf<'float32'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'float32'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'float64'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'float64'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'int8'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'int8'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'uint8'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'uint8'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'int16'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'int16'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'uint16'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'uint16'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'int32'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'int32'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'uint32'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'uint32'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'int64'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'int64'>, O>>;
    dot<const O extends DotOptions = {}>(v: VecOf<'uint64'>, options?: Opts<O>): Promise<DotResult<Promote<D, 'uint64'>, O>>;
    /** Plain numbers are int64 when all are integers, else float64 (numpy's default dtypes). */
    dot<const O extends DotOptions = {}>(v: VectorLike, options?: Opts<O>): Promise<DotResult<Promote<D, 'int64' | 'float64'>, O>>;
    /** The k largest/smallest values along an axis and their indices (see `topk`). */
    topk(k: number, options?: TopKOptions): Promise<TypedTopKResult<D>>;
    /** The indices of `topk`. */
    argtopk(k: number, options?: TopKOptions): Promise<NDResult<'int64'>>;
    /** The k nearest rows to each query (see `search`): int64 indices, float32 or float64 scores by dtype. */
    search(queries: NarrowQuery, options?: Opts<SearchOptions>): Promise<TypedSearchResult<ScoreDtype<D, 'float32'>>>;
    /** Queries of more than 16 bits (float64, int32…, plain numbers) score in float64. */
    search(queries: WideQuery, options?: Opts<SearchOptions>): Promise<TypedSearchResult<'float64'>>;
    search(queries: VectorLike, options?: Opts<SearchOptions>): Promise<TypedSearchResult>;
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
