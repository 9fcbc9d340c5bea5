/**
 * `util.inspect(a)` / `console.log(a)` of a MemMap as numpy's repr: the values abridged like numpy
 * (edgeitems 3 past 1000 elements), then dtype, shape, mode and file — never the mapping's internals.
 * Only the elements shown are read. Kept apart (like methods.ts) so memmap.ts stays free of printing.
 */
import { readScalar } from './dtype.js';
import { MemMap } from './memmap.js';
import { arrayRepr, shapeRepr } from './print/repr.js';

/** util.inspect.custom, by its registered name: no node:util import for one symbol. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** numpy's repr of `a`, with ndmmap's fields (`mode`, `file`) after numpy's. */
export function memmapRepr(a: MemMap): string {
  // numpy quotes a dtype that is not a plain name: dtype='>i2'
  const dt = String(a.dtype);
  const fields = `dtype=${dt === a.dtype.name ? dt : `'${dt}'`}, shape=${shapeRepr(a.shape)}, mode='${a.mode}', file='${a.filename}'`;
  if (a.closed) return `memmap(<closed>, ${fields})`;
  const shape = a.shape;
  const at = (flat: number): number | bigint => {
    const index = new Array<number>(shape.length);
    for (let k = shape.length - 1; k >= 0; k--) { index[k] = flat % shape[k]; flat = Math.floor(flat / shape[k]); }
    const pos = a.position(index);
    const [view, base] = a.mapping.dataViewAt(pos);
    const v = readScalar(view, pos - base, a.dtype);
    return typeof v === 'boolean' ? Number(v) : v;
  };
  return arrayRepr(shape, a.dtype.name, at, { prefix: 'memmap(', extras: () => [fields] });
}

Object.defineProperty(MemMap.prototype, INSPECT, {
  value: function (this: MemMap) { return memmapRepr(this); },
  writable: true,
  configurable: true,
});
