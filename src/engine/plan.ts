/**
 * Planning: turn a layout and an axis into native blocks of a few MiB each. Chunk boundaries depend
 * only on the layout (never on the thread count), so merged results are the same for any pool size.
 */
import { type Layout, sizeOf } from '../layout.js';
import { SLOTS } from './merge.js';
import { type NDim, coalesce, splitDims } from './dims.js';
import { type Block } from './types.js';

/**
 * Target bytes per block. Large enough that a native call (a few µs) is noise next to reading it
 * (~0.3 ms at 11 GB/s), small enough for hundreds of blocks on a 2 GiB file, so two threads stay
 * balanced and progress is smooth.
 */
export const CHUNK_BYTES = 4 * 2 ** 20;
/** At most this many partial sets when an axis reduction is split along the reduced axis. */
const MAX_RED_GROUPS = 16;
/** ...and only while those partials stay this small (else split along the kept axes). */
const MAX_PARTIAL_BYTES = 64 * 2 ** 20;

export interface ReducePlan {
  /** numpy's result shape. */
  outShape: number[];
  /** Outputs per group (product of outShape). */
  outCount: number;
  /** Partial sets per output, merged in order. */
  groups: number;
  /** Elements reduced into each output. */
  perOutput: number;
  blocks: Block[];
  totalBytes: number;
}

/** A dim's strides here: [byte stride, index multiplier]. */
const BYTES = 0;
const INDEX = 1;

function block(pos: number, out: NDim[], red: NDim[], indexBase: number, outBase: number, item: number): Block {
  return {
    pos, indexBase, outBase,
    outShape: out.map((d) => d.n), outStrides: out.map((d) => d.s[BYTES]), outIndexMul: out.map((d) => d.s[INDEX]),
    redShape: red.map((d) => d.n), redStrides: red.map((d) => d.s[BYTES]), redIndexMul: red.map((d) => d.s[INDEX]),
    bytes: sizeOf(out.map((d) => d.n)) * sizeOf(red.map((d) => d.n)) * item,
  };
}

/** Plan a reduction of every element (axis None). Each block is its own group. */
function planAll(l: Layout, chunkBytes: number): ReducePlan {
  const item = l.dtype.itemsize;
  const size = sizeOf(l.shape);
  let pos = l.byteOffset;
  let base = 0;
  const dims: NDim[] = [];
  let mul = 1;
  for (let k = l.shape.length - 1; k >= 0; k--) {
    const n = l.shape[k];
    let s = l.strides[k] * item;
    let m = mul;
    if (s < 0 && n > 1) { pos += (n - 1) * s; base += (n - 1) * m; s = -s; m = -m; } // read flips forward
    dims.unshift({ n, s: [s, m] });
    mul *= n;
  }
  const blocks: Block[] = [];
  if (size > 0) {
    const target = Math.max(1, Math.floor(chunkBytes / item));
    splitDims([pos, base], coalesce(dims, BYTES), target, ([p, b], red) => blocks.push(block(p, [], red, b, blocks.length, item)));
  }
  return { outShape: [], outCount: 1, groups: Math.max(blocks.length, 1), perOutput: size, blocks, totalBytes: size * item };
}

/** Plan a reduction along one axis: split along kept axes when possible, else along the reduced one. */
function planAxis(l: Layout, axis: number, chunkBytes: number): ReducePlan {
  const item = l.dtype.itemsize;
  const outShape = l.shape.filter((_, k) => k !== axis);
  const outCount = sizeOf(outShape);
  const n = l.shape[axis];
  const red: NDim = { n, s: [l.strides[axis] * item, 1] };
  const outDims: NDim[] = [];
  let mul = 1;
  for (let k = l.shape.length - 1; k >= 0; k--) {
    if (k === axis) continue;
    outDims.unshift({ n: l.shape[k], s: [l.strides[k] * item, mul] });
    mul *= l.shape[k];
  }
  const out = coalesce(outDims, BYTES);
  const totalBytes = outCount * n * item;
  const plan: ReducePlan = { outShape, outCount, groups: 1, perOutput: n, blocks: [], totalBytes };
  if (outCount === 0) return plan;
  const outerIsRed = n > 1 && (out.length === 0 || Math.abs(red.s[BYTES]) > Math.abs(out[0].s[BYTES]));
  const groups = Math.min(MAX_RED_GROUPS, Math.ceil(totalBytes / chunkBytes), n);
  if (outerIsRed && groups > 1 && groups * outCount * SLOTS * 8 <= MAX_PARTIAL_BYTES) {
    const rows = Math.ceil(n / groups);
    plan.groups = Math.ceil(n / rows);
    for (let g = 0; g < plan.groups; g++) {
      const r0 = g * rows;
      plan.blocks.push(block(l.byteOffset + r0 * red.s[BYTES], out, [{ ...red, n: Math.min(rows, n - r0) }], r0, g * outCount, item));
    }
    return plan;
  }
  const target = Math.max(1, Math.floor(chunkBytes / (item * Math.max(n, 1))));
  splitDims([l.byteOffset, 0], out, target, ([p, b], o) => plan.blocks.push(block(p, o, n > 0 ? [red] : [{ ...red, n: 0 }], 0, b, item)));
  return plan;
}

/** Plans are pure functions of a (frozen, shared) layout, so repeated calls on one view reuse them. */
const cache = new WeakMap<Layout, Map<string, ReducePlan>>();

/** Plan a reduction of `l` over `axis` (null: every element). Plans are shared: do not mutate. */
export function planReduce(l: Layout, axis: number | null, chunkBytes = CHUNK_BYTES): ReducePlan {
  let byKey = cache.get(l);
  if (byKey === undefined) { byKey = new Map(); cache.set(l, byKey); }
  const key = `${axis}/${chunkBytes}`;
  let plan = byKey.get(key);
  if (plan === undefined) {
    plan = axis === null ? planAll(l, chunkBytes) : planAxis(l, axis, chunkBytes);
    byKey.set(key, plan);
  }
  return plan;
}
