/**
 * Planning elementwise calls: blocks of the output's shape, walked in the output's memory order,
 * each carrying every operand's start and steps. An operand's steps are byte strides (0 along the
 * dims it is broadcast over), or, for an index variable, how much the index moves per dim — so
 * merging and splitting dims treats both alike, and an index stays exact in every block.
 */
import { sizeOf } from '../layout.js';
import { type NDim, coalesce, splitDims } from './dims.js';
import { CHUNK_BYTES } from './plan.js';
import { type ApplyBlock } from './tasks.cjs';

/** One operand of a call, aligned to the output's dims. */
export interface PlanOperand {
  /** Byte position of element [0, …, 0] (an index variable: its value there). */
  pos: number;
  /** Per output dim: byte stride, 0 along broadcast dims (an index variable: its step). */
  steps: readonly number[];
  /** Bytes it reads or writes per output element (0 for index variables and small broadcast operands). */
  bytes: number;
}

/**
 * Blocks of about `chunkBytes` for `out[...] = f(operands)` over `shape`; `ops` ends with the output,
 * whose memory order the blocks follow. Each block's `bytes` counts what it reads and writes.
 */
export function planApply(ops: readonly PlanOperand[], shape: readonly number[], chunkBytes = CHUNK_BYTES): { blocks: ApplyBlock[]; totalBytes: number } {
  const lead = ops.length - 1;
  const perElem = Math.max(1, ops.reduce((s, o) => s + o.bytes, 0));
  const size = sizeOf(shape);
  const blocks: ApplyBlock[] = [];
  if (size === 0) return { blocks, totalBytes: 0 };
  const dims = coalesce(shape.map((n, k) => ({ n, s: ops.map((o) => o.steps[k]) })), lead);
  const target = Math.max(1, Math.floor(chunkBytes / perElem));
  splitDims(ops.map((o) => o.pos), dims, target, (pos: number[], ds: NDim[]) => {
    blocks.push({
      shape: ds.map((d) => d.n),
      pos,
      steps: ds.flatMap((d) => d.s),
      bytes: sizeOf(ds.map((d) => d.n)) * perElem,
    });
  });
  return { blocks, totalBytes: size * perElem };
}
