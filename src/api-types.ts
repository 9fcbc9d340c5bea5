/**
 * Types only (and the list of error codes): what each call resolves to for a given dtype and options,
 * so a strict TypeScript app needs no casts — search and top-k results, dot, the quantile family,
 * histograms with and without weights, partial states merged by operation name, distributed submits —
 * and the codes an `NdmmapError` can carry. test/types/ checks them against what the calls return.
 */
import { type DTypeName, type Scalar } from './dtype.js';
import { type FloatName, type NameOf, type ResultArrayOf, type ScalarOf, type SignedName, type UnsignedName } from './dtype-types.js';
import { type MemMap } from './memmap.js';
import { type NDResult } from './engine/reduce.js';
import { type RunOptions } from './engine/run.js';

/**
 * The `onProgress` option, named apart so a callback passed inline gets its parameter's type from it
 * (a generic options parameter alone gives the callback's parameter no context: implicitly `any`).
 */
export type ProgressOption = Pick<RunOptions, 'onProgress'>;

/** numpy's result_type of two dtypes (`np.promote_types`), as `a @ v` computes. */
export interface PromoteTable {
  bool: { bool: 'bool'; int8: 'int8'; uint8: 'uint8'; int16: 'int16'; uint16: 'uint16'; int32: 'int32'; uint32: 'uint32'; int64: 'int64'; uint64: 'uint64'; float16: 'float16'; float32: 'float32'; float64: 'float64'; };
  int8: { bool: 'int8'; int8: 'int8'; uint8: 'int16'; int16: 'int16'; uint16: 'int32'; int32: 'int32'; uint32: 'int64'; int64: 'int64'; uint64: 'float64'; float16: 'float16'; float32: 'float32'; float64: 'float64'; };
  uint8: { bool: 'uint8'; int8: 'int16'; uint8: 'uint8'; int16: 'int16'; uint16: 'uint16'; int32: 'int32'; uint32: 'uint32'; int64: 'int64'; uint64: 'uint64'; float16: 'float16'; float32: 'float32'; float64: 'float64'; };
  int16: { bool: 'int16'; int8: 'int16'; uint8: 'int16'; int16: 'int16'; uint16: 'int32'; int32: 'int32'; uint32: 'int64'; int64: 'int64'; uint64: 'float64'; float16: 'float32'; float32: 'float32'; float64: 'float64'; };
  uint16: { bool: 'uint16'; int8: 'int32'; uint8: 'uint16'; int16: 'int32'; uint16: 'uint16'; int32: 'int32'; uint32: 'uint32'; int64: 'int64'; uint64: 'uint64'; float16: 'float32'; float32: 'float32'; float64: 'float64'; };
  int32: { bool: 'int32'; int8: 'int32'; uint8: 'int32'; int16: 'int32'; uint16: 'int32'; int32: 'int32'; uint32: 'int64'; int64: 'int64'; uint64: 'float64'; float16: 'float64'; float32: 'float64'; float64: 'float64'; };
  uint32: { bool: 'uint32'; int8: 'int64'; uint8: 'uint32'; int16: 'int64'; uint16: 'uint32'; int32: 'int64'; uint32: 'uint32'; int64: 'int64'; uint64: 'uint64'; float16: 'float64'; float32: 'float64'; float64: 'float64'; };
  int64: { bool: 'int64'; int8: 'int64'; uint8: 'int64'; int16: 'int64'; uint16: 'int64'; int32: 'int64'; uint32: 'int64'; int64: 'int64'; uint64: 'float64'; float16: 'float64'; float32: 'float64'; float64: 'float64'; };
  uint64: { bool: 'uint64'; int8: 'float64'; uint8: 'uint64'; int16: 'float64'; uint16: 'uint64'; int32: 'float64'; uint32: 'uint64'; int64: 'float64'; uint64: 'uint64'; float16: 'float64'; float32: 'float64'; float64: 'float64'; };
  float16: { bool: 'float16'; int8: 'float16'; uint8: 'float16'; int16: 'float32'; uint16: 'float32'; int32: 'float64'; uint32: 'float64'; int64: 'float64'; uint64: 'float64'; float16: 'float16'; float32: 'float32'; float64: 'float64'; };
  float32: { bool: 'float32'; int8: 'float32'; uint8: 'float32'; int16: 'float32'; uint16: 'float32'; int32: 'float64'; uint32: 'float64'; int64: 'float64'; uint64: 'float64'; float16: 'float32'; float32: 'float32'; float64: 'float64'; };
  float64: { bool: 'float64'; int8: 'float64'; uint8: 'float64'; int16: 'float64'; uint16: 'float64'; int32: 'float64'; uint32: 'float64'; int64: 'float64'; uint64: 'float64'; float16: 'float64'; float32: 'float64'; float64: 'float64'; };
}
/** numpy's promotion of two dtype names. */
export type Promote<A extends DTypeName, B extends DTypeName> = A extends DTypeName ? (B extends DTypeName ? PromoteTable[A][B] : never) : never;

/** The dtype of a query or vector operand: a typed array's, a MemMap's, plain numbers' (int64 or float64). */
export type OperandDtype<V> =
  V extends { readonly dtype: { readonly name: infer D extends DTypeName } } ? D
    : V extends { data: infer T } ? OperandDtype<T>
      : V extends Float64Array ? 'float64' : V extends Float32Array ? 'float32'
        : V extends BigInt64Array ? 'int64' : V extends BigUint64Array ? 'uint64'
          : V extends Int32Array ? 'int32' : V extends Uint32Array ? 'uint32'
            : V extends Int16Array ? 'int16' : V extends Uint16Array ? 'uint16'
              : V extends Int8Array ? 'int8' : V extends Uint8Array ? 'uint8'
                : V extends readonly unknown[] ? 'float64' : DTypeName;

/** Dtypes a search computes in float32 (at most 16 bits, or float32 itself); the rest compute in float64. */
type Narrow = 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'float16' | 'float32';
/** numpy-consistent score dtype of a search: float32 when rows and queries are both narrow, else float64. */
export type ScoreDtype<D extends DTypeName, Q extends DTypeName> = D extends Narrow ? (Q extends Narrow ? 'float32' : 'float64') : 'float64';

/** What `search` resolves to: int64 row indices and scores, best first. */
export interface TypedSearchResult<S extends DTypeName = 'float32' | 'float64'> { indices: NDResult<'int64'>; scores: NDResult<S> }
/** What `topk` resolves to: values of the array's dtype and int64 indices. */
export interface TypedTopKResult<D extends DTypeName = DTypeName> { values: NDResult<D>; indices: NDResult<'int64'> }

/** What `dot` resolves to: `out` itself, else numpy's `a @ v` — a scalar for two vectors, else an NDResult. */
export type DotResult<R extends DTypeName, O> = O extends { out: infer M extends MemMap<any> } ? M : NDResult<R> | ScalarOf<R>;

/** numpy's quantile methods that pick an element (the input's dtype is kept for integers). */
export type DiscreteMethod = 'inverted_cdf' | 'closest_observation' | 'lower' | 'higher' | 'nearest';
/** numpy's dtype of a quantile: floats keep theirs; integers give float64, or themselves for a discrete method. */
export type QuantileDtype<D extends DTypeName, O> =
  O extends { expr: string } ? DTypeName : D extends FloatName ? D : O extends { method: DiscreteMethod } ? D : 'float64';
/** A scalar for a number q without axis and keepdims; an NDResult along axes or for an array of q. */
export type QuantileResult<D extends DTypeName, Q, O> =
  Q extends number ? ShapedBy<O, ScalarOf<QuantileDtype<D, O>>, NDResult<QuantileDtype<D, O>>> : NDResult<QuantileDtype<D, O>>;

/** numpy's `hist`: int64 counts; float64 with `density`; the weights' dtype with `weights` (numpy's `ntype`). */
export type HistogramCounts<O> =
  O extends { density: true } ? Float64Array
    : O extends { weights: { readonly dtype: { readonly name: infer W extends DTypeName } } } ? ResultArrayOf<W>
      : 'density' extends keyof O ? BigInt64Array | Float64Array : BigInt64Array;
/** What `histogram` resolves to. */
export interface TypedHistogram<C = BigInt64Array | Float64Array> { counts: C; edges: Float64Array; edgesDtype: DTypeName }
/** numpy's `bincount`: int64 counts, float64 with weights. */
export type BincountResult<O> = O extends { weights: MemMap<any> } ? Float64Array : 'weights' extends keyof O ? BigInt64Array | Float64Array : BigInt64Array;

/** A scalar without axis and keepdims, an NDResult with either; both when not known statically. */
export type ShapedBy<O, S, N> =
  O extends { keepdims: true } ? N
    : 'keepdims' extends keyof O ? (O extends { keepdims: false } ? AxisShaped<O, S, N> : S | N)
      : AxisShaped<O, S, N>;
type AxisShaped<O, S, N> =
  O extends { axis: number | readonly number[] } ? N
    : 'axis' extends keyof O ? (O extends { axis: null | undefined } ? S : S | N)
      : S;

/** numpy's sum/prod dtype: bool and signed integers accumulate in int64, unsigned in uint64. */
export type SumOf<D extends DTypeName> = D extends SignedName | 'bool' ? 'int64' : D extends UnsignedName ? 'uint64' : D;
/** numpy's mean/var/std dtype: float64 for bool and integers, the float type itself otherwise. */
export type MeanOf<D extends DTypeName> = D extends FloatName ? D : 'float64';
/** The result dtype once options are seen: `dtype=` decides; an `expr` makes it known only at run time. */
export type ResultOf<O, R extends DTypeName> = O extends { dtype: infer S } ? NameOf<S> : O extends { expr: string } ? DTypeName : R;
/** A reduction's value without `out`: a scalar `S` (default: R's JS type) or an `NDResult<R>`. */
export type ValueFor<O, R extends DTypeName, S = ScalarOf<R>> = ShapedBy<O, S, NDResult<R>>;

/** Each reduction's kind of result (numpy's names, as `reduce()`, the CLI and partial states spell them). */
export interface ReductionKinds {
  sum: 'sum'; prod: 'sum'; nansum: 'sum'; nanprod: 'sum';
  mean: 'mean'; var: 'mean'; std: 'mean'; nanmean: 'mean'; nanvar: 'mean'; nanstd: 'mean';
  min: 'same'; max: 'same'; ptp: 'same'; nanmin: 'same'; nanmax: 'same';
  argmin: 'index'; argmax: 'index'; nanargmin: 'index'; nanargmax: 'index'; count_nonzero: 'index';
  any: 'bool'; all: 'bool';
}
/** The value reduction `Op` gives for dtype `D` and options `O` (no `out`). */
export type ReductionValue<Op, D extends DTypeName, O> =
  Op extends keyof ReductionKinds
    ? ReductionKinds[Op] extends 'sum' ? ValueFor<O, ResultOf<O, SumOf<D>>>
      : ReductionKinds[Op] extends 'mean' ? ValueFor<O, ResultOf<O, MeanOf<D>>>
        : ReductionKinds[Op] extends 'same' ? ValueFor<O, ResultOf<O, D>>
          : ReductionKinds[Op] extends 'index' ? ValueFor<O, 'int64', number>
            : ValueFor<O, 'bool'>
    : Scalar | NDResult;

/** A partial state that remembers, in its type only, the reduction, dtype and options it was made with. */
export interface TypedPartial<Op extends string = string, D extends DTypeName = DTypeName, O = unknown> {
  /** Phantom: never present at run time. */
  readonly __typed?: { op: Op; dtype: D; options: O };
}
/** What merging states of one call gives: the reduction's value, by operation name; unknown states give the union. */
export type MergedValue<P> = P extends TypedPartial<infer Op, infer D, infer O> ? (string extends Op ? Scalar | NDResult : ReductionValue<Op, D, O>) : Scalar | NDResult;

/** The codes of the ndmmap errors the library and CLI throw (README: Errors). */
export const ERROR_CODES = [
  'ERR_NDMMAP_MODE', 'ERR_NDMMAP_DTYPE', 'ERR_NDMMAP_ORDER', 'ERR_NDMMAP_SHAPE', 'ERR_NDMMAP_SIZE', 'ERR_NDMMAP_NOT_FILE',
  'ERR_NDMMAP_NPY', 'ERR_NDMMAP_NPY_SHORT', 'ERR_NDMMAP_TRUNCATED', 'ERR_NDMMAP_PARTIAL', 'ERR_NDMMAP_REDIS', 'ERR_NDMMAP_DEPENDENCY',
  'ERR_NDMMAP_INDEX', 'ERR_NDMMAP_AXIS', 'ERR_NDMMAP_RESHAPE', 'ERR_NDMMAP_READONLY', 'ERR_NDMMAP_CLOSED', 'ERR_NDMMAP_EMPTY',
  'ERR_NDMMAP_NAN', 'ERR_NDMMAP_EXPR', 'ERR_NDMMAP_VALUE', 'ERR_NDMMAP_OVERLAP', 'ERR_NDMMAP_LAYOUT', 'ERR_NDMMAP_WORKER',
  'ERR_NDMMAP_ADDON', 'ERR_NDMMAP_USAGE', 'ERR_NDMMAP_INTERNAL', 'ERR_OUT_OF_RANGE', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ABORT_ERR',
] as const;
/** The OS's errno names (Linux): an OS failure keeps its name as the code, as Node's `fs` errors do. */
export type OsErrorCode = 'E2BIG' | 'EACCES' | 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'EADV' | 'EAFNOSUPPORT' | 'EAGAIN' | 'EALREADY' | 'EBADE' | 'EBADF' | 'EBADFD' | 'EBADMSG' | 'EBADR' | 'EBADRQC' | 'EBADSLT' | 'EBFONT' | 'EBUSY' | 'ECANCELED' | 'ECHILD' | 'ECHRNG' | 'ECOMM' | 'ECONNABORTED' | 'ECONNREFUSED' | 'ECONNRESET' | 'EDEADLOCK' | 'EDESTADDRREQ' | 'EDOM' | 'EDOTDOT' | 'EDQUOT' | 'EEXIST' | 'EFAULT' | 'EFBIG' | 'EHOSTDOWN' | 'EHOSTUNREACH' | 'EIDRM' | 'EILSEQ' | 'EINPROGRESS' | 'EINTR' | 'EINVAL' | 'EIO' | 'EISCONN' | 'EISDIR' | 'EISNAM' | 'EKEYEXPIRED' | 'EKEYREJECTED' | 'EKEYREVOKED' | 'EL2HLT' | 'EL2NSYNC' | 'EL3HLT' | 'EL3RST' | 'ELIBACC' | 'ELIBBAD' | 'ELIBEXEC' | 'ELIBMAX' | 'ELIBSCN' | 'ELNRNG' | 'ELOOP' | 'EMEDIUMTYPE' | 'EMFILE' | 'EMLINK' | 'EMSGSIZE' | 'EMULTIHOP' | 'ENAMETOOLONG' | 'ENAVAIL' | 'ENETDOWN' | 'ENETRESET' | 'ENETUNREACH' | 'ENFILE' | 'ENOANO' | 'ENOBUFS' | 'ENOCSI' | 'ENODATA' | 'ENODEV' | 'ENOENT' | 'ENOEXEC' | 'ENOKEY' | 'ENOLCK' | 'ENOLINK' | 'ENOMEDIUM' | 'ENOMEM' | 'ENOMSG' | 'ENONET' | 'ENOPKG' | 'ENOPROTOOPT' | 'ENOSPC' | 'ENOSR' | 'ENOSTR' | 'ENOSYS' | 'ENOTBLK' | 'ENOTCONN' | 'ENOTDIR' | 'ENOTEMPTY' | 'ENOTNAM' | 'ENOTRECOVERABLE' | 'ENOTSOCK' | 'ENOTSUP' | 'ENOTTY' | 'ENOTUNIQ' | 'ENXIO' | 'EOVERFLOW' | 'EOWNERDEAD' | 'EPERM' | 'EPFNOSUPPORT' | 'EPIPE' | 'EPROTO' | 'EPROTONOSUPPORT' | 'EPROTOTYPE' | 'ERANGE' | 'EREMCHG' | 'EREMOTE' | 'EREMOTEIO' | 'ERESTART' | 'ERFKILL' | 'EROFS' | 'ESHUTDOWN' | 'ESOCKTNOSUPPORT' | 'ESPIPE' | 'ESRCH' | 'ESRMNT' | 'ESTALE' | 'ESTRPIPE' | 'ETIME' | 'ETIMEDOUT' | 'ETOOMANYREFS' | 'ETXTBSY' | 'EUCLEAN' | 'EUNATCH' | 'EUSERS' | 'EXDEV' | 'EXFULL';
/** Every `code` an `NdmmapError` can have. */
export type NdmmapErrorCode = (typeof ERROR_CODES)[number] | OsErrorCode;
