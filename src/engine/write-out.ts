/**
 * Writing a reduction's result array into an `out` MemMap natively (any layout, byte order and
 * size; numpy's casting), then flushing it.
 */
import { type DTypeName, dtype as parseDtype, isSwapped } from '../dtype.js';
import { type MemMap } from '../memmap.js';
import { native } from '../native.js';
import { type ResultData } from './reductions/index.js';

/** The dtype a result array holds its values in (float16 results are float32 values, bools 0/1 bytes). */
function heldAs(r: DTypeName): number {
  return parseDtype(r === 'float16' ? 'float32' : r === 'bool' ? 'uint8' : r).code;
}

export function writeResult(out: MemMap, data: ResultData, r: DTypeName): void {
  const l = out.layout;
  out.checkWritable();
  if (out.size > 0) {
    const desc = Float64Array.from([out.mapping.id, l.dtype.code, isSwapped(l.dtype) ? 1 : 0, l.byteOffset, ...l.strides.map((s) => s * l.dtype.itemsize)]);
    native.put(data, heldAs(r), Float64Array.from(l.shape), desc);
  }
  out.flush();
}
