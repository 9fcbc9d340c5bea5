import './methods.js';
import './inspect.js';

export { memmap, MemMap, type MemmapOptions, type TypedArray, type NestedArray } from './memmap.js';
export { dtype, type DType, type DTypeName, type Scalar } from './dtype.js';
export { type DTypeSpec, type DTypeCode, type NameOf, type ScalarOf, type TypedArrays, type ResultArrayOf } from './dtype-types.js';
export { NdmmapError } from './errors.js';
export { MAX_DIMS, type Layout, type Order, type ShapeLike } from './layout.js';
export { type Mode, type ModeName } from './mapping.js';
export { type IndexSpec, type SliceSpec } from './view.js';
export { reduce, type ReduceOptions, type NDResult } from './engine/reduce.js';
export { REDUCE_NAMES, type ReduceName } from './engine/reductions/index.js';
export { type ReduceResult, type ResultFor } from './methods.js';
export { type RunOptions } from './engine/run.js';
export { setThreads, poolThreads, shutdown } from './engine/pool.js';
export { openNpy, createNpy, type CreateNpyOptions } from './npy.js';
export { apply, fill, type ApplyOptions } from './engine/elementwise.js';
export { reducePartial, mergePartials, PARTIAL_FORMAT, type PartialState, type PartialOptions } from './engine/partial.js';
