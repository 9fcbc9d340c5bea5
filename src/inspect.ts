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
  const plain = a.dtype.fields !== undefined || (dt === a.dtype.name && a.dtype.unit === undefined);
  const fields = `dtype=${plain ? dt : `'${dt}'`}, shape=${shapeRepr(a.shape)}, mode='${a.mode}', file='${a.filename}'`;
  if (a.closed) return `memmap(<closed>, ${fields})`;
  const shape = a.shape;
  if (a.dtype.code < 0) return extRepr(a, fields);
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

/** Elements shown of an array of records, datetimes or complex values (the first ones, C order). */
const EXT_SHOWN = 6;

/**
 * Records as numpy's tuples `(1.5, 3)`, datetimes as their int64 counts, complex as `(re+imj)`, flat:
 * a short preview, not numpy's full repr.
 */
function extRepr(a: MemMap, fields: string): string {
  const show = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
    if (v instanceof Uint8Array) return `b'${[...v].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;
    if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (a.dtype.kind === 'c' && 're' in o) return `(${String(o.re)}${Number(o.im) < 0 || Object.is(o.im, -0) ? '' : '+'}${String(o.im)}j)`;
      const xs = Object.values(o).map(show);
      return `(${xs.join(', ')}${xs.length === 1 ? ',' : ''})`;
    }
    return typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);
  };
  const n = a.size;
  const items: string[] = [];
  for (let i = 0; i < Math.min(n, EXT_SHOWN); i++) {
    const index = new Array<number>(a.ndim);
    let flat = i;
    for (let k = a.ndim - 1; k >= 0; k--) { index[k] = flat % a.shape[k]; flat = Math.floor(flat / a.shape[k]); }
    items.push(show(a.get(...index)));
  }
  if (n > EXT_SHOWN) items.push('...');
  return `memmap([${items.join(', ')}], ${fields})`;
}

Object.defineProperty(MemMap.prototype, INSPECT, {
  value: function (this: MemMap) { return memmapRepr(this); },
  writable: true,
  configurable: true,
});
