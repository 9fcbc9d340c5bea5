/**
 * numpy-style methods on MemMap (`a.sum()`, `a.std({ ddof: 1 })`), delegating to the engine. Kept
 * apart so memmap.ts stays free of the engine (data flows one way: MemMap → plan → pool).
 */
import { type Scalar } from './dtype.js';
import { type NDResult, type ReduceOptions, reduce } from './engine/reduce.js';
import { MemMap } from './memmap.js';
import { type ReduceName } from './engine/ops.js';
import { type ApplyOptions, apply, fill } from './engine/elementwise.js';
import { type RunOptions } from './engine/run.js';

declare module './memmap.js' {
  interface MemMap {
    /** Sum (numpy `a.sum(axis)`); int/bool sums are int64/uint64 `bigint`s with wraparound. */
    sum(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Product (numpy `a.prod(axis)`); int/bool products are int64/uint64 `bigint`s with wraparound. */
    prod(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Arithmetic mean; float64 for integer input, the input's type for floats. */
    mean(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Minimum; NaN propagates. */
    min(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Maximum; NaN propagates. */
    max(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Variance with `ddof` (default 0). */
    var(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Standard deviation with `ddof` (default 0). */
    std(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Flat C-order index of the first minimum (or first NaN). */
    argmin(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Flat C-order index of the first maximum (or first NaN). */
    argmax(options?: ReduceOptions): Promise<Scalar | NDResult | MemMap>;
    /** Set every element (numpy `a.fill(v)`), in parallel; flushed when it resolves. */
    fill(value: Scalar, options?: RunOptions): Promise<MemMap>;
    /** `out[...] = expr(x=this, y)` in parallel (in place without `out`); flushed when it resolves. */
    apply(expr: string, options?: ApplyOptions): Promise<MemMap>;
  }
}

for (const name of ['sum', 'prod', 'mean', 'min', 'max', 'var', 'std', 'argmin', 'argmax'] as ReduceName[]) {
  Object.defineProperty(MemMap.prototype, name, {
    value: function (this: MemMap, options?: ReduceOptions) { return reduce(name, this, options); },
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
