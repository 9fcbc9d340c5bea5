// planReduce: chunk counts, every element in exactly one block with its logical index, flips read
// forward, axis plans split along kept axes or along the reduced axes, tuples of axes, operands.
import { describe, expect, it } from 'vitest';
import { dtype } from '../../dist/src/dtype.js';
import { contiguousStrides, makeLayout, sizeOf } from '../../dist/src/layout.js';
import { indexLayout, transposeLayout } from '../../dist/src/view.js';
import { elementPositions } from '../../dist/src/access.js';
import { CHUNK_BYTES, planReduce } from '../../dist/src/engine/plan.js';

type Layout = ReturnType<typeof makeLayout>;
type Plan = ReturnType<typeof planReduce>;
/** One operand, state size 3 (24 bytes per output). */
const plan1 = (l: Layout, axes: number | number[] | null, chunk?: number): Plan =>
  planReduce([l], axes === null ? null : typeof axes === 'number' ? [axes] : axes, 24, chunk);
const outShapeOf = (b: Plan['blocks'][number]) => b.dims.slice(0, b.nOut).map((d) => d[0]);
const redShapeOf = (b: Plan['blocks'][number]) => b.dims.slice(b.nOut).map((d) => d[0]);
const f8 = dtype('float64');
const layout = (shape: number[], order: 'C' | 'F' = 'C', dt = f8, offset = 0): Layout => makeLayout(dt, shape, contiguousStrides(shape, order), offset);

/** Visit every element of every block: (file byte position, flat index or output slot, block). */
function visit(plan: Plan, fn: (pos: number, index: number, out: number, b: Plan['blocks'][number]) => void): void {
  for (const b of plan.blocks) {
    const dims = b.dims.map((d, k) => ({ n: d[0], m: d[1], s: d[2], out: k < b.nOut }));
    const idx = new Array(dims.length).fill(0);
    const total = sizeOf(dims.map((d) => d.n));
    for (let e = 0; e < total; e++) {
      let pos = b.pos[0], index = b.indexBase, out = b.outBase;
      dims.forEach((d, k) => { pos += idx[k] * d.s; if (d.out) out += idx[k] * d.m; else index += idx[k] * d.m; });
      fn(pos, index, out, b);
      for (let k = dims.length - 1; k >= 0; k--) { if (++idx[k] < dims[k].n) break; idx[k] = 0; }
    }
  }
}

/** Full reductions: each element once, with its C-order logical index. */
function checkAll(l: Layout, chunk: number): Plan {
  const plan = plan1(l, null, chunk);
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
  for (const b of plan.blocks) expect(b.dims.slice(b.nOut).every((d) => d[2] > 0)).toBe(true);
  return plan;
}

/** Axis reductions: each (output, reduced index) pair once, in the right output slot. */
function checkAxis(l: Layout, axis: number, chunk: number): Plan {
  const plan = plan1(l, axis, chunk);
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
    const plan = plan1(layout([10 * 2 ** 17]), null);
    expect(CHUNK_BYTES).toBe(4 * 2 ** 20);
    expect(plan.blocks.map((b) => b.bytes)).toEqual([4 * 2 ** 20, 4 * 2 ** 20, 2 * 2 ** 20]);
    expect(plan.groups).toBe(3);
    expect(plan.blocks.map((b) => b.pos[0])).toEqual([0, 4 * 2 ** 20, 8 * 2 ** 20]);
  });

  it('chunk boundaries depend on the layout only (one block for small arrays; an empty array: one block of no elements)', () => {
    expect(plan1(layout([1000]), null).blocks).toHaveLength(1);
    const empty = plan1(layout([0, 3]), null);
    expect(empty.blocks).toHaveLength(1);
    expect(redShapeOf(empty.blocks[0])).toEqual([0]);
    expect(empty.totalBytes).toBe(0);
    expect(plan1(layout([7, 9], 'F'), null, 64).blocks).toEqual(plan1(layout([7, 9], 'F'), null, 64).blocks);
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
    const p = plan1(l, null, 16);
    if (sizeOf(l.shape) > 2) expect(p.blocks.length).toBeGreaterThan(1);
    expect(p.groups).toBe(p.blocks.length);
  });
});

describe('planReduce(layout, axis)', () => {
  it('C (1000, 1000) axis 0: the reduced axis is outermost, so it is split into groups of rows', () => {
    const plan = checkAxis(layout([1000, 1000]), 0, CHUNK_BYTES);
    expect(plan.groups).toBe(2); // 8 MB / 4 MiB: 524 rows of 8000 bytes, then the rest
    expect(plan.blocks).toHaveLength(2);
    expect(plan.blocks.map(redShapeOf)).toEqual([[524], [476]]);
    expect(plan.blocks.map((b) => b.outBase)).toEqual([0, 1000]);
  });

  it('C (1000, 1000) axis 1: split along the kept axis, one group', () => {
    const plan = checkAxis(layout([1000, 1000]), 1, CHUNK_BYTES);
    expect(plan.groups).toBe(1);
    expect(plan.blocks.length).toBe(2);
    expect(plan.blocks.every((b) => redShapeOf(b).join() === '1000')).toBe(true);
    expect(plan.blocks.map(outShapeOf)).toEqual([[524], [476]]);
  });

  it('F (1000, 1000) axis 1 is outermost in memory: split along it', () => {
    const plan = checkAxis(layout([1000, 1000], 'F'), 1, CHUNK_BYTES);
    expect(plan.groups).toBe(2);
  });

  it('partial states stay under 16 MiB: larger blocks rather than more groups', () => {
    const plan = plan1(layout([4096, 2 ** 16]), 0);
    expect(plan.groups * plan.outCount * 24).toBeLessThanOrEqual(16 * 2 ** 20);
    expect(plan.groups).toBeGreaterThanOrEqual(8);
    const square = plan1(layout([16384, 16384]), 0);
    expect(square.groups * square.outCount * 24).toBeLessThanOrEqual(16 * 2 ** 20);
    expect(square.blocks.length).toBeGreaterThanOrEqual(16);
    checkAxis(layout([40, 2 ** 12]), 0, 64);
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
    expect(plan1(layout([0, 3]), 1).blocks).toHaveLength(0);
    const p = plan1(layout([0, 3]), 0);
    expect(p.outShape).toEqual([3]);
    expect(p.perOutput).toBe(0);
    expect(p.blocks.every((b) => redShapeOf(b).includes(0))).toBe(true);
  });
});

describe('planReduce(layouts, axes)', () => {
  /** Tuple axes: every element once, in the output of its kept indices. */
  function checkAxes(l: Layout, axes: number[], chunk: number): void {
    const plan = plan1(l, axes, chunk);
    const kept = l.shape.map((_, k) => k).filter((k) => !axes.includes(k));
    expect(plan.outShape).toEqual(kept.map((k) => l.shape[k]));
    const positions = elementPositions(l);
    const want = new Map<number, number>();
    positions.forEach((p, i) => {
      let rem = i, o = 0, mul = 1;
      const idx = l.shape.map(() => 0);
      for (let k = l.shape.length - 1; k >= 0; k--) { idx[k] = rem % l.shape[k]; rem = Math.floor(rem / l.shape[k]); }
      for (let j = kept.length - 1; j >= 0; j--) { o += idx[kept[j]] * mul; mul *= l.shape[kept[j]]; }
      want.set(p, o);
    });
    const seen = new Set<number>();
    visit(plan, (pos, _index, out) => {
      expect(seen.has(pos)).toBe(false);
      seen.add(pos);
      expect(out % plan.outCount).toBe(want.get(pos));
    });
    expect(seen.size).toBe(positions.length);
  }

  it.each([
    ['C 3-D', layout([4, 5, 6])],
    ['F 3-D', layout([4, 5, 6], 'F')],
    ['transposed, flipped', indexLayout(transposeLayout(layout([4, 5, 6])), ['::-1'])],
  ])('%s: every tuple of axes, any chunk size', (_, l) => {
    for (const axes of [[0, 1], [0, 2], [1, 2], [0, 1, 2], []]) for (const chunk of [8, 40, 400, CHUNK_BYTES]) checkAxes(l, axes, chunk);
  });

  it('walks every operand with its own strides', () => {
    const a = layout([6, 4]);
    const b = transposeLayout(layout([4, 6], 'C', dtype('int16'), 16));
    const plan = planReduce([a, b], [1], 24, 16);
    const pa = elementPositions(a), pb = elementPositions(b);
    const pairs = new Map(pa.map((p, i) => [p, pb[i]]));
    for (const blk of plan.blocks) {
      const dims = blk.dims.map((d) => ({ n: d[0], sa: d[2], sb: d[3] }));
      const idx = dims.map(() => 0);
      const total = sizeOf(dims.map((d) => d.n));
      for (let e = 0; e < total; e++) {
        let x = blk.pos[0], y = blk.pos[1];
        dims.forEach((d, k) => { x += idx[k] * d.sa; y += idx[k] * d.sb; });
        expect(pairs.get(x)).toBe(y);
        for (let k = dims.length - 1; k >= 0; k--) { if (++idx[k] < dims[k].n) break; idx[k] = 0; }
      }
    }
  });
});
