// planReduce: chunk counts, every element in exactly one block with its logical index, flips read
// forward, axis plans split along kept axes or along the reduced axis.
import { describe, expect, it } from 'vitest';
import { dtype } from '../../dist/src/dtype.js';
import { contiguousStrides, makeLayout, sizeOf } from '../../dist/src/layout.js';
import { indexLayout, transposeLayout } from '../../dist/src/view.js';
import { elementPositions } from '../../dist/src/access.js';
import { CHUNK_BYTES, planReduce } from '../../dist/src/engine/plan.js';

type Layout = ReturnType<typeof makeLayout>;
type Plan = ReturnType<typeof planReduce>;
const f8 = dtype('float64');
const layout = (shape: number[], order: 'C' | 'F' = 'C', dt = f8, offset = 0): Layout => makeLayout(dt, shape, contiguousStrides(shape, order), offset);

/** Visit every element of every block: (file byte position, flat index or output slot, block). */
function visit(plan: Plan, fn: (pos: number, index: number, out: number, b: Plan['blocks'][number]) => void): void {
  for (const b of plan.blocks) {
    const dims = [...b.outShape.map((n, k) => ({ n, s: b.outStrides[k], m: b.outIndexMul[k], out: true })),
      ...b.redShape.map((n, k) => ({ n, s: b.redStrides[k], m: b.redIndexMul[k], out: false }))];
    const idx = new Array(dims.length).fill(0);
    const total = sizeOf(dims.map((d) => d.n));
    for (let e = 0; e < total; e++) {
      let pos = b.pos, index = b.indexBase, out = b.outBase;
      dims.forEach((d, k) => { pos += idx[k] * d.s; if (d.out) out += idx[k] * d.m; else index += idx[k] * d.m; });
      fn(pos, index, out, b);
      for (let k = dims.length - 1; k >= 0; k--) { if (++idx[k] < dims[k].n) break; idx[k] = 0; }
    }
  }
}

/** Full reductions: each element once, with its C-order logical index. */
function checkAll(l: Layout, chunk: number): Plan {
  const plan = planReduce(l, null, chunk);
  const positions = elementPositions(l); // C (logical) order
  const byPos = new Map(positions.map((p, i) => [p, i]));
  const seen = new Set<number>();
  const errors: string[] = [];
  visit(plan, (pos, index) => {
    if (seen.has(pos)) errors.push(`byte ${pos} twice`);
    seen.add(pos);
    if (index !== byPos.get(pos)) errors.push(`byte ${pos}: index ${index}, want ${byPos.get(pos)}`);
  });
  expect(errors.slice(0, 5)).toEqual([]);
  expect(seen.size).toBe(positions.length);
  expect(plan.blocks.reduce((s, b) => s + b.bytes, 0)).toBe(plan.totalBytes);
  expect(plan.totalBytes).toBe(positions.length * l.dtype.itemsize);
  expect(plan.perOutput).toBe(positions.length);
  expect(plan.outShape).toEqual([]);
  // forward reads only: every stride the kernel walks is positive
  for (const b of plan.blocks) expect(b.redStrides.every((s) => s > 0)).toBe(true);
  return plan;
}

/** Axis reductions: each (output, reduced index) pair once, in the right output slot. */
function checkAxis(l: Layout, axis: number, chunk: number): Plan {
  const plan = planReduce(l, axis, chunk);
  const outShape = l.shape.filter((_, k) => k !== axis);
  expect(plan.outShape).toEqual(outShape);
  expect(plan.outCount).toBe(sizeOf(outShape));
  expect(plan.perOutput).toBe(l.shape[axis]);
  const positions = elementPositions(l);
  const n = l.shape[axis];
  const inner = sizeOf(l.shape.slice(axis + 1));
  // expected output index and reduced index of each byte position
  const want = new Map<number, [number, number]>();
  positions.forEach((p, i) => {
    const outer = Math.floor(i / (n * inner)), r = Math.floor(i / inner) % n, j = i % inner;
    want.set(p, [outer * inner + j, r]);
  });
  const seen = new Set<number>();
  const errors: string[] = [];
  visit(plan, (pos, index, out) => {
    if (seen.has(pos)) errors.push(`byte ${pos} twice`);
    seen.add(pos);
    const [o, r] = want.get(pos)!;
    // slots: group g holds outputs at g * outCount + o
    if (out % plan.outCount !== o) errors.push(`byte ${pos}: output ${out % plan.outCount}, want ${o}`);
    if (Math.floor(out / plan.outCount) >= plan.groups) errors.push(`byte ${pos}: group out of range`);
    if (index !== r) errors.push(`byte ${pos}: reduced index ${index}, want ${r}`);
  });
  expect(errors.slice(0, 5)).toEqual([]);
  expect(seen.size).toBe(positions.length);
  expect(plan.blocks.reduce((s, b) => s + b.bytes, 0)).toBe(plan.totalBytes);
  return plan;
}

describe('planReduce(layout, null)', () => {
  it('splits a contiguous 10 MiB float64 array into 4 MiB chunks', () => {
    const plan = planReduce(layout([10 * 2 ** 17]), null);
    expect(CHUNK_BYTES).toBe(4 * 2 ** 20);
    expect(plan.blocks.map((b) => b.bytes)).toEqual([4 * 2 ** 20, 4 * 2 ** 20, 2 * 2 ** 20]);
    expect(plan.groups).toBe(3);
    expect(plan.blocks.map((b) => b.pos)).toEqual([0, 4 * 2 ** 20, 8 * 2 ** 20]);
  });

  it('chunk boundaries depend on the layout only (one block for small arrays, an empty plan for empty ones)', () => {
    expect(planReduce(layout([1000]), null).blocks).toHaveLength(1);
    const empty = planReduce(layout([0, 3]), null);
    expect(empty.blocks).toHaveLength(0);
    expect(empty.totalBytes).toBe(0);
    expect(planReduce(layout([7, 9], 'F'), null, 64).blocks).toEqual(planReduce(layout([7, 9], 'F'), null, 64).blocks);
  });

  it.each([
    ['C 3-D', layout([4, 5, 6])],
    ['F 3-D', layout([4, 5, 6], 'F')],
    ['offset', layout([3, 7], 'C', dtype('int16'), 5)],
    ['flipped rows', indexLayout(layout([6, 5]), ['::-1'])],
    ['flipped both, stepped', indexLayout(layout([7, 8]), ['::-2', '6:0:-3'])],
    ['transposed', transposeLayout(layout([4, 5, 6]))],
    ['transposed and flipped', indexLayout(transposeLayout(layout([5, 6], 'F')), ['::-1', '1::2'])],
    ['0-d', indexLayout(layout([3, 4]), [1, 2])],
    ['unit dims', layout([1, 9, 1, 4])],
  ])('%s: every element exactly once with its C-order index, any chunk size', (_, l) => {
    for (const chunk of [8, 24, 40, 1000, CHUNK_BYTES]) checkAll(l, chunk);
    // tiny chunks give several blocks, each its own group
    const p = planReduce(l, null, 16);
    if (sizeOf(l.shape) > 2) expect(p.blocks.length).toBeGreaterThan(1);
    expect(p.groups).toBe(p.blocks.length);
  });
});

describe('planReduce(layout, axis)', () => {
  it('C (1000, 1000) axis 0: the reduced axis is outermost, so it is split into groups of rows', () => {
    const plan = checkAxis(layout([1000, 1000]), 0, CHUNK_BYTES);
    expect(plan.groups).toBe(2); // 8 MB / 4 MiB
    expect(plan.blocks).toHaveLength(2);
    expect(plan.blocks.map((b) => b.redShape)).toEqual([[500], [500]]);
    expect(plan.blocks.map((b) => b.outBase)).toEqual([0, 1000]);
  });

  it('C (1000, 1000) axis 1: split along the kept axis, one group', () => {
    const plan = checkAxis(layout([1000, 1000]), 1, CHUNK_BYTES);
    expect(plan.groups).toBe(1);
    expect(plan.blocks.length).toBe(2);
    expect(plan.blocks.every((b) => b.redShape.join() === '1000')).toBe(true);
    expect(plan.blocks.map((b) => b.outShape)).toEqual([[524], [476]]);
  });

  it('F (1000, 1000) axis 1 is outermost in memory: split along it', () => {
    const plan = checkAxis(layout([1000, 1000], 'F'), 1, CHUNK_BYTES);
    expect(plan.groups).toBe(2);
  });

  it('never more than 16 partial groups', () => {
    const plan = planReduce(layout([4096, 8]), 0, 64);
    expect(plan.groups).toBe(16);
  });

  it.each([
    ['C 3-D', layout([4, 5, 6])],
    ['F 3-D', layout([4, 5, 6], 'F')],
    ['flipped', indexLayout(layout([6, 5]), ['::-1', '::-2'])],
    ['transposed', transposeLayout(layout([3, 4, 5]))],
    ['strided', indexLayout(layout([9, 8, 3]), ['1::2', '::-3'])],
  ])('%s: every element once, in the right output, for each axis and chunk size', (_, l) => {
    for (let axis = 0; axis < l.shape.length; axis++) for (const chunk of [8, 40, 200, CHUNK_BYTES]) checkAxis(l, axis, chunk);
  });

  it('empty reductions: no blocks for no outputs, and zero-length reduced dims otherwise', () => {
    expect(planReduce(layout([0, 3]), 1).blocks).toHaveLength(0);
    const p = planReduce(layout([0, 3]), 0);
    expect(p.outShape).toEqual([3]);
    expect(p.perOutput).toBe(0);
    expect(p.blocks.every((b) => b.redShape.includes(0))).toBe(true);
  });
});
