export { memmap, MemMap, type MemmapOptions, type TypedArray, type NestedArray } from './memmap.js';
export { dtype, type DType, type DTypeName, type Scalar } from './dtype.js';
export { NdmmapError } from './errors.js';
export { type Layout, type Order } from './layout.js';
export { type Mode } from './mapping.js';
export { type IndexSpec, type SliceSpec } from './view.js';
