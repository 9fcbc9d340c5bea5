/**
 * Planning elementwise calls: blocks of the shared shape, walked in the target's memory order, each
 * carrying every operand's position and byte strides.
 */
import { isSwapped } from '../dtype.js';
import { type Layout, sizeOf } from '../layout.js';
import { CHUNK_BYTES } from './plan.js';
import { type ApplyBlock, type OperandDesc } from './types.js';

interface Operand { id: number; l: Layout }
interface MDim { n: number; s: number[] } // length, byte stride per operand

/** Order dims by the target's |stride| (outermost first) and merge runs that are contiguous for all operands. */
function canonical(dims: MDim[], target: number): MDim[] {
  const d = dims.filter((x) => x.n !== 1).sort((a, b) => Math.abs(b.s[target]) - Math.abs(a.s[target]));
  const out: MDim[] = [];
  for (const x of d) {
    const last = out[out.length - 1];
    if (last !== undefined && last.s.every((s, i) => s === x.n * x.s[i])) out[out.length - 1] = { n: last.n * x.n, s: x.s };
    else out.push({ n: x.n, s: [...x.s] });
  }
  return out;
}

/**
 * Blocks for `out[...] = f(x, y)`: operands are [x, y?, out] over one shape. Each block's bytes
 * counts what it reads and writes.
 */
export function planApply(ops: (Operand | undefined)[], shape: readonly number[], chunkBytes = CHUNK_BYTES): { blocks: ApplyBlock[]; totalBytes: number } {
  const present = ops.filter((o): o is Operand => o !== undefined);
  const target = present.length - 1;
  const perElem = present.reduce((s, o) => s + o.l.dtype.itemsize, 0);
  const size = sizeOf(shape);
  const blocks: ApplyBlock[] = [];
  if (size === 0) return { blocks, totalBytes: 0 };
  const dims = canonical(shape.map((n, k) => ({ n, s: present.map((o) => o.l.strides[k] * o.l.dtype.itemsize) })), target);
  const target1 = Math.max(1, Math.floor(chunkBytes / perElem));
  const desc = (o: Operand | undefined, pos: number | undefined, ds: MDim[], i: number): OperandDesc =>
    o === undefined ? [-1] : [o.id, o.l.dtype.code, isSwapped(o.l.dtype) ? 1 : 0, pos!, ...ds.map((d) => d.s[i])];
  const emit = (pos: number[], ds: MDim[]): void => {
    let j = 0;
    const [x, y, out] = ops.map((o) => (o === undefined ? undefined : j++));
    const n = sizeOf(ds.map((d) => d.n));
    blocks.push({
      shape: ds.map((d) => d.n),
      x: desc(ops[0], x === undefined ? undefined : pos[x], ds, x ?? 0),
      y: desc(ops[1], y === undefined ? undefined : pos[y], ds, y ?? 0),
      out: desc(ops[2], out === undefined ? undefined : pos[out], ds, out ?? 0),
      bytes: n * perElem,
    });
  };
  const split = (pos: number[], ds: MDim[]): void => {
    if (ds.length === 0) { emit(pos, ds); return; }
    const [d0, ...rest] = ds;
    const inner = sizeOf(rest.map((d) => d.n));
    if (inner >= target1 && rest.length > 0) {
      for (let i = 0; i < d0.n; i++) split(pos.map((p, k) => p + i * d0.s[k]), rest);
      return;
    }
    const g = Math.max(1, Math.floor(target1 / Math.max(inner, 1)));
    for (let i = 0; i < d0.n; i += g) emit(pos.map((p, k) => p + i * d0.s[k]), [{ n: Math.min(g, d0.n - i), s: d0.s }, ...rest]);
  };
  split(present.map((o) => o.l.byteOffset), dims);
  return { blocks, totalBytes: size * perElem };
}
