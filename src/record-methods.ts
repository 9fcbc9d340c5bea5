/**
 * `a.field(name)` and `a.view(dtype)` on MemMap: numpy's `a['t']` and `ndarray.view(dtype)`, as views
 * sharing the mapping (src/record.ts has the layout rules).
 */
import { type DTypeName, dtype as parseDtype } from './dtype.js';
import { type DTypeSpec, type ExtDTypeSpec, type NameOf } from './dtype-types.js';
import { MemMap } from './memmap.js';
import { fieldLayout, viewLayout } from './record.js';

declare module './memmap.js' {
  interface MemMap<D extends DTypeName = DTypeName> {
    /**
     * numpy's `a['t']`: one field of a record array as a strided view (writes go to the records);
     * a sub-array field adds its shape as trailing axes; chain calls for nested records.
     * @throws `ERR_NDMMAP_INDEX` (`no field of name x`).
     * @example const t = a.field('t'); await t.mean()
     */
    field(name: string): MemMap;
    /**
     * numpy's `ndarray.view(dtype)`: the same bytes as another dtype (a record dtype too); the last
     * axis is rescaled when the itemsizes differ, as numpy does.
     * @throws `ERR_NDMMAP_LAYOUT` with numpy's texts (last axis not contiguous, sizes that do not divide, 0-d).
     * @example c.view('float64') // complex128 (n,) → float64 (2n,): re, im interleaved
     */
    view<const S extends DTypeSpec>(dtype: S): MemMap<NameOf<S>>;
    view(dtype: ExtDTypeSpec): MemMap;
  }
}

const METHODS: Record<string, (this: MemMap, ...args: never[]) => unknown> = {
  field(this: MemMap, name: string) {
    this.mapping.check();
    return new MemMap(this.mapping, fieldLayout(this.layout, name), this.offset);
  },
  view(this: MemMap, spec: DTypeSpec | ExtDTypeSpec) {
    this.mapping.check();
    return new MemMap(this.mapping, viewLayout(this.layout, parseDtype(spec)), this.offset);
  },
};
for (const [name, value] of Object.entries(METHODS))
  Object.defineProperty(MemMap.prototype, name, { value, writable: true, configurable: true });
