/**
 * The copy, convert and gather methods on MemMap (`a.astype('float32')`, `a.copy({ order: 'F' })`, `a.take(ids)`) and the
 * native `assign` of an array source, delegating to src/engine/convert.ts. Kept apart, as methods.ts,
 * so memmap.ts stays free of the engine.
 */
import { type DType, type DTypeName } from './dtype.js';
import { type DTypeSpec, type NameOf } from './dtype-types.js';
import { MemMap } from './memmap.js';
import { type AstypeOptions, type CopyOptions, assignNow, astype, copy } from './engine/convert.js';
import { type NDResult } from './engine/reduce.js';
import { type IndicesLike, type TakeOptions, compress, take } from './engine/gather.js';
import { nonzero } from './engine/nonzero.js';
import { type RunOptions } from './engine/run.js';

/** What astype/copy resolve to: the `out` MemMap, a MemMap of the new file for a path, else an NDResult. */
type ConvertResult<O, R extends DTypeName> = O extends { out: MemMap<any> } ? MemMap<R> : O extends { out: string } ? MemMap<R> : NDResult<R>;

declare module './memmap.js' {
  interface MemMap<D extends DTypeName = DTypeName> {
    /** numpy's `a.astype(dtype)` (see `astype`): natively, in parallel, into `out` (a MemMap or a new `.npy` path) or an NDResult. */
    astype<const S extends DTypeSpec, const O extends AstypeOptions = {}>(dtype: S, options?: O): Promise<ConvertResult<O, NameOf<S>>>;
    /** numpy's `a.copy(order)` (see `copy`): C ↔ F conversion into a new `.npy` path or MemMap, or an NDResult. */
    copy<const O extends CopyOptions = {}>(options?: O): Promise<ConvertResult<O, D>>;
    /** numpy's `a.take(indices, axis)` (see `take`): `e[ids]` as `e.take(ids, { axis: 0 })`. */
    take<const O extends TakeOptions = {}>(indices: IndicesLike, options?: O): Promise<ConvertResult<O, D>>;
    /** numpy's `a.compress(condition, axis)` (see `compress`). */
    compress<const O extends TakeOptions = {}>(condition: MemMap | ArrayLike<unknown>, options?: O): Promise<ConvertResult<O, D>>;
    /** numpy's `a.nonzero()`: one int64 index array per axis. */
    nonzero(options?: RunOptions): Promise<NDResult<'int64'>[]>;
  }
}

const jsAssign = MemMap.prototype.assign;

/** Array sources (a MemMap, a typed array, `{ data, shape }`) are copied natively; scalars and nested arrays as before. */
function assign(this: MemMap, value: Parameters<MemMap['assign']>[0]): void {
  if (value instanceof MemMap || (value !== null && typeof value === 'object' && !Array.isArray(value))) {
    this.checkWritable();
    // a flat typed array of the array's size fills it in C order (as before), whatever its shape
    const v = ArrayBuffer.isView(value) && (value as { shape?: unknown }).shape === undefined && (value as Uint8Array).length === this.size && this.ndim !== 1
      ? { data: value, shape: this.shape } : value;
    assignNow(this, v, 'assign');
    return;
  }
  jsAssign.call(this, value);
}

const METHODS: Record<string, (this: MemMap, ...args: never[]) => unknown> = {
  assign,
  astype(this: MemMap, dtype: DTypeSpec | DType, options?: AstypeOptions) { return astype(this, dtype, options); },
  copy(this: MemMap, options?: CopyOptions) { return copy(this, options); },
  take(this: MemMap, indices: IndicesLike, options?: TakeOptions) { return take(this, indices, options); },
  compress(this: MemMap, condition: MemMap | ArrayLike<unknown>, options?: TakeOptions) { return compress(this, condition, options); },
  nonzero(this: MemMap, options?: RunOptions) { return nonzero(this, options); },
};
for (const [name, value] of Object.entries(METHODS))
  Object.defineProperty(MemMap.prototype, name, { value, writable: true, configurable: true });
