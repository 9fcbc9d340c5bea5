// combinePartials: the state of a contiguous run of row ranges (a node of a fan-in tree), checked as
// mergePartials checks; mergePartials of tree nodes equals the whole-array result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NdmmapError, combinePartials, memmap, mergePartials, reducePartial, shutdown, type MemMap, type PartialState } from '../../dist/src/index.js';
import { fanInTree, foldTree, shardRanges } from '../../dist/src/engine/shards.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-combine-');
let f8: MemMap, i4: MemMap;

beforeAll(() => {
  f8 = memmap(tmp.file('a.f8'), { dtype: 'float64', mode: 'w+', shape: [97, 6] });
  i4 = memmap(tmp.file('a.i4'), { dtype: 'int32', mode: 'w+', shape: [97, 6] });
  const t = f8.typedArray() as Float64Array, u = i4.typedArray() as Int32Array;
  for (let i = 0; i < t.length; i++) { t[i] = Math.sin(i * 0.37) * 10 ** (i % 5); u[i] = ((i * 7919) % 2001) - 1000; }
});
afterAll(async () => {
  f8.close(); i4.close();
  await shutdown();
  tmp.remove();
});

const parts = (op: string, a: MemMap, n: number, opts: object = {}): Promise<PartialState[]> =>
  Promise.all(shardRanges(a.shape[0], { shards: n }).map((rows) => reducePartial(op, a, { ...opts, rows })));

function code(fn: () => unknown): string {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(NdmmapError); return (e as NdmmapError).code + ': ' + (e as Error).message; }
  throw new Error('expected a throw');
}

describe('combinePartials', () => {
  it('gives the state of the union of its rows: integers exactly as a single shard over them', async () => {
    const p = await parts('sum', i4, 4);
    const c = combinePartials([p[2], p[1]]);
    const direct = await reducePartial('sum', i4, { rows: [p[1].rows[0], p[2].rows[1]] });
    expect(c.rows).toEqual(direct.rows);
    expect(c).toEqual(direct);
    expect(mergePartials([p[0], c, p[3]])).toBe(await i4.sum());
  });

  it('concatenates the outputs of axes without 0, and keeps arg* indices global', async () => {
    const p = await parts('argmax', f8, 3, { axis: 1 });
    const c = combinePartials(p.slice(0, 2));
    expect(c.state.length).toBe(p[0].state.length + p[1].state.length);
    expect(mergePartials([c, p[2]])).toEqual(await f8.argmax({ axis: 1 }));
    const g = await parts('argmin', f8, 5);
    expect(mergePartials([combinePartials(g.slice(0, 3)), combinePartials(g.slice(3))])).toBe(await f8.argmin());
  });

  it('merges a fan-in tree to the whole-array value, with the same bits every time', async () => {
    for (const op of ['sum', 'mean', 'var', 'prod', 'max'] as const) {
      const p = await parts(op, f8, 37, { axis: op === 'max' ? 0 : null });
      const tree = fanInTree(p.length, 4);
      const once = mergePartials(foldTree(tree, (i) => p[i], combinePartials));
      const again = mergePartials(foldTree(tree, (i) => p[i], combinePartials));
      expect(again).toEqual(once);
      const whole = await f8[op](op === 'max' ? { axis: 0 } : {});
      if (typeof whole === 'number') expect(Math.abs((once as number) - whole)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(whole), 1));
      else expect(once).toEqual(whole);
    }
  });

  it('refuses what a merge refuses, and gaps or overlaps inside the run', async () => {
    const p = await parts('mean', f8, 4);
    expect(code(() => combinePartials([p[0], p[2]]))).toMatch(/^ERR_NDMMAP_PARTIAL: rows \d+:\d+ are missing/);
    expect(code(() => combinePartials([p[0], { ...p[1], rows: [p[1].rows[0] - 1, p[1].rows[1]] }]))).toMatch(/overlap/);
    expect(code(() => combinePartials([p[0], { ...p[1], op: 'sum' }]))).toMatch(/disagree/);
    expect(code(() => combinePartials([{ ...p[3], rows: [p[3].rows[0], 98] }]))).toMatch(/beyond its 97 rows/);
    expect(code(() => combinePartials([{ ...p[3], state: [['x', 0, 1]] }]))).toMatch(/expected a number/);
    expect(code(() => combinePartials([{ ...p[3], options: { ...p[3].options, keepdims: 'yes' } }]))).toMatch(/bad options/);
    expect(code(() => combinePartials([]))).toMatch(/at least one/);
    expect(code(() => mergePartials([combinePartials([p[1], p[2]])]))).toMatch(/rows 0:\d+ are missing/);
  });
});
