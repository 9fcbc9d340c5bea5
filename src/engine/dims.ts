/**
 * The dimension algebra shared by the reduce and apply planners. A dim is a length plus one stride
 * per tracked quantity (each operand's byte stride, an index multiplier), so one routine can order,
 * merge and split them for every operand at once.
 */
import { sizeOf } from '../layout.js';

export interface NDim { n: number; s: number[] }

/**
 * Drop unit dims, order them outermost first by |s[key]| (memory order of the operand that leads),
 * and merge neighbours that form one run for every stride.
 */
export function coalesce(dims: NDim[], key: number): NDim[] {
  const d = dims.filter((x) => x.n !== 1).sort((a, b) => Math.abs(b.s[key]) - Math.abs(a.s[key]));
  const out: NDim[] = [];
  for (const x of d) {
    const last = out[out.length - 1];
    if (last !== undefined && last.s.every((s, i) => s === x.n * x.s[i])) out[out.length - 1] = { n: last.n * x.n, s: x.s };
    else out.push({ n: x.n, s: [...x.s] });
  }
  return out;
}

/**
 * Split `dims` (outermost first) into pieces of about `target` elements. `pos` holds the start for
 * each stride; `emit` gets each piece's starts and dims (its outer dim shortened to the piece).
 */
export function splitDims(pos: number[], dims: NDim[], target: number, emit: (pos: number[], dims: NDim[]) => void): void {
  if (dims.length === 0) { emit(pos, dims); return; }
  const [d0, ...rest] = dims;
  const inner = sizeOf(rest.map((d) => d.n));
  const at = (i: number): number[] => pos.map((p, k) => p + i * d0.s[k]);
  if (inner >= target && rest.length > 0) {
    for (let i = 0; i < d0.n; i++) splitDims(at(i), rest, target, emit);
    return;
  }
  const g = Math.max(1, Math.floor(target / Math.max(inner, 1)));
  for (let i = 0; i < d0.n; i += g) emit(at(i), [{ n: Math.min(g, d0.n - i), s: d0.s }, ...rest]);
}
