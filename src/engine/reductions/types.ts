/**
 * What a reduction module declares (one file per reduction in this folder, listed once in index.ts):
 * numpy's options and result dtype, the kernel it runs, its empty-array rule and how a combined state
 * becomes numpy's value. The MemMap method, `reduce()`, the CLI command, its help line and the partial
 * format are all derived from these declarations.
 */
import { type DType, type DTypeName } from '../../dtype.js';
import { type KernelChoice } from '../kernels.js';

/** Options a reduction may accept beyond the common ones (axis, keepdims, threads, signal, onProgress). */
export type OptionName = 'dtype' | 'where' | 'initial' | 'ddof' | 'out' | 'expr';

/** What the reduction is asked to do, after validation. */
export interface ReduceContext {
  /** dtype of the values reduced: the array's, or the expression's. */
  readonly dtype: DType;
  /** numpy's `dtype=`: accumulator and result type, when given. */
  readonly acc?: DTypeName;
  readonly ddof: number;
  /** numpy's `initial=`, already checked against the result dtype. */
  readonly initial?: number | bigint;
  /** A `where` mask is in use. */
  readonly where: boolean;
  /** Elements reduced into each output (without a mask). */
  readonly perOutput?: number;
  /** numpy's `initial=None`: a sum starts from its first element (a sum of -0.0s stays -0.0). */
  readonly noIdentity?: boolean;
  /** numpy's buffer in elements when its loop is buffered, else 0 (see reduce.ts numpyBuffer). */
  readonly buffer?: number;
  /** Elements reduced into each output, from a counting pass (see Reduction.needsCounts). */
  readonly counts?: Float64Array;
}

/** Typed arrays results are written into (float16 values are held as float32, already rounded). */
export type ResultData =
  | Float64Array | Float32Array | BigInt64Array | BigUint64Array | Int8Array | Uint8Array | Int16Array
  | Uint16Array | Int32Array | Uint32Array;

/**
 * How the result dtype follows the input's, for the MemMap method types (src/methods.ts maps each
 * kind to a result type): `sum` numpy's sum dtype (ints widen to int64/uint64), `mean` float64 for
 * integers, `same` the input's dtype, `index` int64 indices or counts, `bool` a bool.
 */
export type ResultKind = 'sum' | 'mean' | 'same' | 'index' | 'bool';

/** A reduction; its name, method and result kind are literal types in REDUCTIONS (see index.ts). */
export interface Reduction<N extends string = string, M extends string = string, K extends ResultKind = ResultKind> {
  /** numpy's name, also the CLI command and the partial state's `op` (`'count_nonzero'`). */
  readonly name: N;
  /** The MemMap method (numpy's name in camelCase: `'countNonzero'`). */
  readonly method: M;
  /** How the result dtype follows the input's (the method's TypeScript result type). */
  readonly resultKind: K;
  /** One line for `--help` and the docs. */
  readonly summary: string;
  /** numpy's keyword arguments this function takes, beyond axis and keepdims. */
  readonly options: readonly OptionName[];
  /** Takes a tuple of axes (numpy's arg* take an int or None only). */
  readonly axisTuple: boolean;
  /** numpy's axis=None result is an index or a count: a JS number, not a bigint. */
  readonly indexResult?: boolean;
  /**
   * numpy's error for a reduced length of 0, when the reduction has no identity (`initial` with a
   * `where` mask gives it one for min/max).
   */
  readonly emptyError?: string;
  /** The kernel and the values it reads; throws numpy's error for a dtype it refuses. */
  kernel(ctx: ReduceContext): KernelChoice;
  /** numpy's result dtype. */
  resultDtype(ctx: ReduceContext): DTypeName;
  /**
   * The results of `count` outputs from their combined states (state size S: output o's state at
   * states[o * S ...]) into `out`; throws numpy's error for a result numpy refuses (All-NaN slice).
   */
  finish(states: Float64Array, count: number, ctx: ReduceContext, out: ResultData): void;
  /** The kernel's states do not count the elements of each output and a mask drops some: count them first. */
  needsCounts?(ctx: ReduceContext): boolean;
  /** numpy's refusal of an `out=` of dtype `out` and rank `ndim` (before anything runs); absent: numpy takes any dtype. */
  checkOut?(ctx: ReduceContext, out: DTypeName, ndim: number): void;
  /**
   * The values numpy leaves in an `out=` of dtype `outDtype` (not the result dtype) where they are not
   * the result cast: mean and var divide in the out array, std takes its sqrt there, ptp subtracts there.
   * Absent: the result is cast (numpy's casting='unsafe').
   */
  finishInto?(states: Float64Array, count: number, ctx: ReduceContext, outDtype: DTypeName, out: ResultData): void;
}
