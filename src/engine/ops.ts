/**
 * Reduction operations: native op codes and numpy's result-dtype rules.
 */
import { type DType, type DTypeName } from '../dtype.js';

/** Same order as `enum ReduceOp` in native/reduce.h. */
export const REDUCE_OPS = { sum: 0, sumFloat: 1, prod: 2, min: 3, max: 4, argmin: 5, argmax: 6, moments: 7 } as const;

/** The reductions users call. */
export type ReduceName = 'sum' | 'prod' | 'mean' | 'min' | 'max' | 'var' | 'std' | 'argmin' | 'argmax';
export const REDUCE_NAMES: readonly ReduceName[] = ['sum', 'prod', 'mean', 'min', 'max', 'var', 'std', 'argmin', 'argmax'];

/** Native op that computes the partials for a user reduction. */
export function nativeOp(name: ReduceName): number {
  switch (name) {
    case 'sum': return REDUCE_OPS.sum;
    case 'prod': return REDUCE_OPS.prod;
    case 'mean': return REDUCE_OPS.sumFloat;
    case 'min': return REDUCE_OPS.min;
    case 'max': return REDUCE_OPS.max;
    case 'argmin': return REDUCE_OPS.argmin;
    case 'argmax': return REDUCE_OPS.argmax;
    case 'var': case 'std': return REDUCE_OPS.moments;
  }
}

/**
 * numpy's result dtype: int/bool sum and prod accumulate in int64 (uint64 for unsigned); mean/var/std
 * of integers are float64; floats keep their type; min/max keep the input type; arg* give int64.
 */
export function resultDtype(name: ReduceName, dt: DType): DTypeName {
  switch (name) {
    case 'sum': case 'prod':
      if (dt.kind === 'f') return dt.name;
      return dt.kind === 'u' ? 'uint64' : 'int64';
    case 'mean': case 'var': case 'std':
      return dt.kind === 'f' ? dt.name : 'float64';
    case 'min': case 'max':
      return dt.name;
    case 'argmin': case 'argmax':
      return 'int64';
  }
}
