// search's row filter as an expression of the row index: the same rows as the equivalent bool MemMap
// filter (inline and pool sizes, search and searchPartial), bad expressions refused before anything
// is written, and the temporary filter file removed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type MemMap, memmap, search, searchPartial, mergeTopkPartials } from '../../dist/src/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-embed-filter-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const leftovers = () => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('ndmmap-filter-')).length;

async function data(name: string, N: number, D: number): Promise<MemMap> {
  const a = memmap(path.join(dir, name), { dtype: 'float32', mode: 'w+', shape: [N, D] });
  await a.apply('sin(i * 0.37) + i1 * 0.01');
  return a;
}

/** The same filter as a bool MemMap, written from JS. */
function boolFilter(name: string, N: number, keep: (i: number) => boolean): MemMap {
  const f = memmap(path.join(dir, name), { dtype: 'bool', mode: 'w+', shape: [N] });
  const t = f.typedArray() as Uint8Array;
  for (let i = 0; i < N; i++) t[i] = keep(i) ? 1 : 0;
  return f;
}

describe('search filter expressions of i0', () => {
  for (const [label, N] of [['inline', 500], ['pool', 200_000]] as const) {
    it(`${label}: equals the bool MemMap filter, for every metric`, async () => {
      const before = leftovers();
      const a = await data(`${label}.f4`, N, 16);
      const q = Float32Array.from({ length: 32 }, (_, i) => Math.cos(i));
      const cases: [string, (i: number) => boolean][] = [['i0 < 100', (i) => i < 100], ['i0 % 3 == 1', (i) => i % 3 === 1], [`i0 >= ${N - 7}`, (i) => i >= N - 7]];
      for (const [expr, keep] of cases) {
        const f = boolFilter(`${label}-keep.b1`, N, keep);
        for (const metric of ['dot', 'cosine', 'l2'] as const) {
          const want = await search(a, { data: q, shape: [2, 16] }, { k: 10, metric, filter: f });
          const got = await a.search({ data: q, shape: [2, 16] }, { k: 10, metric, filter: expr });
          expect(got).toEqual(want);
        }
        f.close();
      }
      expect(leftovers()).toBe(before);
      a.close();
    });
  }

  it('searchPartial with an expression filter merges to the whole search', async () => {
    const N = 3000;
    const a = await data('shards.f4', N, 8);
    const q = Float32Array.from({ length: 8 }, (_, i) => 1 - i * 0.1);
    const whole = await search(a, q, { k: 5, filter: 'i0 % 7 == 0' });
    const parts = [await searchPartial(a, q, { k: 5, filter: 'i0 % 7 == 0', rows: [0, 1234] }), await searchPartial(a, q, { k: 5, filter: 'i0 % 7 == 0', rows: [1234, N] })];
    expect(mergeTopkPartials(parts)).toEqual(whole);
    a.close();
  });

  it('refuses non-bool expressions, unknown names and bad options before writing anything', async () => {
    const before = leftovers();
    const a = await data('bad.f4', 100, 4);
    const q = Float32Array.from([1, 2, 3, 4]);
    await expect(a.search(q, { filter: 'i0 * 2' })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    await expect(a.search(q, { filter: 'x > 0' })).rejects.toMatchObject({ code: 'ERR_NDMMAP_EXPR' });
    await expect(a.search(q, { k: 101, filter: 'i0 < 5' })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(a.search(Float32Array.from([1, 2, 3]), { filter: 'i0 < 5' })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    expect(leftovers()).toBe(before);
    const few = await a.search(q, { k: 10, filter: 'i0 < 3' });
    expect(few.indices.shape).toEqual([3]);
    a.close();
  });
});
