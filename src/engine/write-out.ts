/**
 * Writing a reduction's result array into an `out` MemMap: a zero-copy window when `out` is
 * contiguous in native order, else element by element with numpy's casting; then flushed.
 */
import { type DTypeName } from '../dtype.js';
import { type MemMap } from '../memmap.js';
import { type ResultData } from './reductions/index.js';

export function writeResult(out: MemMap, data: ResultData, _r: DTypeName): void {
  let done = false;
  if (out.size > 0 && out.dtype.byteorder !== '>' && out.dtype.name !== 'float16' && out.dtype.name !== 'bool' && (out.order === 'C' || out.ndim <= 1)) {
    try {
      const t = out.typedArray();
      (t as unknown as { set(a: ArrayLike<number | bigint>): void }).set(data as unknown as ArrayLike<number | bigint>);
      done = true;
    } catch { /* not contiguous after all: element by element */ }
  }
  if (!done && out.size > 0) out.assign(out.dtype.name === 'bool' ? Uint8Array.from(data as Uint8Array, (v) => (v ? 1 : 0)) : (data as never));
  out.flush();
}
