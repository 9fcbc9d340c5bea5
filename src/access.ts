/**
 * Element-by-element walks used by the synchronous accessors (toArray, assign). Parallel work goes
 * through the engine instead.
 */
import { fail } from './errors.js';
import { type Layout, sizeOf } from './layout.js';

/** Beyond this many elements a JS array of positions or values is a mistake, not a use case. */
const MAX_ELEMENTS = 2 ** 27;

/** File byte positions of every element of the layout, in C (logical) order. */
export function elementPositions(l: Layout): number[] {
  const n = sizeOf(l.shape);
  if (n > MAX_ELEMENTS) fail('ERR_OUT_OF_RANGE', `${n} elements are too many to copy into JS arrays; use typedArray() or the engine`);
  const out = new Array<number>(n);
  if (n === 0) return out;
  const nd = l.shape.length;
  const step = l.strides.map((s) => s * l.dtype.itemsize);
  const idx = new Array<number>(nd).fill(0);
  let pos = l.byteOffset;
  for (let i = 0; i < n; i++) {
    out[i] = pos;
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < l.shape[k]) { pos += step[k]; break; }
      pos -= step[k] * (l.shape[k] - 1);
      idx[k] = 0;
    }
  }
  return out;
}

/** Fold a flat C-order list into nested arrays of `shape` (a 0-d shape gives the scalar). */
export function toNested<T>(flat: readonly T[], shape: readonly number[]): T | unknown[] {
  if (shape.length === 0) return flat[0];
  const build = (k: number, start: number): unknown[] => {
    const n = shape[k];
    if (k === shape.length - 1) return flat.slice(start, start + n) as unknown[];
    const inner = sizeOf(shape.slice(k + 1));
    return Array.from({ length: n }, (_, i) => build(k + 1, start + i * inner));
  };
  return build(0, 0);
}
