/**
 * Planning elementwise calls: blocks of the shared shape, walked in the target's memory order, each
 * carrying every operand's position and byte strides.
 */
import { isSwapped } from '../dtype.js';
import { type Layout, sizeOf } from '../layout.js';
import { type NDim, coalesce, splitDims } from './dims.js';
import { CHUNK_BYTES } from './plan.js';
import { type ApplyBlock, type OperandDesc } from './tasks.cjs';

interface Operand { id: number; l: Layout }

/**
 * Blocks for `out[...] = f(x, y)`: operands are [x, y?, out] over one shape. Each block's bytes
 * counts what it reads and writes.
 */
export function planApply(ops: (Operand | undefined)[], shape: readonly number[], chunkBytes = CHUNK_BYTES): { blocks: ApplyBlock[]; totalBytes: number } {
  const present = ops.filter((o): o is Operand => o !== undefined);
  const lead = present.length - 1; // the output: blocks walk its memory order
  const perElem = present.reduce((s, o) => s + o.l.dtype.itemsize, 0);
  const size = sizeOf(shape);
  const blocks: ApplyBlock[] = [];
  if (size === 0) return { blocks, totalBytes: 0 };
  const dims = coalesce(shape.map((n, k) => ({ n, s: present.map((o) => o.l.strides[k] * o.l.dtype.itemsize) })), lead);
  const target = Math.max(1, Math.floor(chunkBytes / perElem));
  const desc = (o: Operand | undefined, pos: number | undefined, ds: NDim[], i: number): OperandDesc =>
    o === undefined ? [-1] : [o.id, o.l.dtype.code, isSwapped(o.l.dtype) ? 1 : 0, pos!, ...ds.map((d) => d.s[i])];
  const emit = (pos: number[], ds: NDim[]): void => {
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
  splitDims(present.map((o) => o.l.byteOffset), dims, target, emit);
  return { blocks, totalBytes: size * perElem };
}
