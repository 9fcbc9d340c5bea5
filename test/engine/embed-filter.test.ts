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

describe('a filter expression is evaluated inside the search pass: no temporary file (issue 17, item 11)', () => {
  /** Run `f` with TMPDIR set to `tmp` (os.tmpdir() reads it on each call). */
  async function withTmpdir<T>(tmp: string, f: () => Promise<T>): Promise<T> {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try { return await f(); } finally { if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved; }
  }

  it('a missing or non-directory TMPDIR does not matter; an empty TMPDIR stays empty; pool and inline', async () => {
    const notDir = path.join(dir, 'a-file');
    fs.writeFileSync(notDir, 'x');
    const empty = fs.mkdtempSync(path.join(dir, 'tmp-'));
    for (const N of [500, 200_000]) {
      const a = await data(`tmpdir-${N}.f4`, N, 8);
      const q = Float32Array.from({ length: 8 }, (_, i) => 1 - i * 0.1);
      const f = boolFilter(`tmpdir-${N}.b1`, N, (i) => i % 5 === 2 && i > N / 3);
      const want = await search(a, q, { k: 7, metric: 'cosine', filter: f });
      for (const tmp of [path.join(dir, 'missing', 'deeper'), notDir, empty]) {
        const got = await withTmpdir(tmp, () => search(a, q, { k: 7, metric: 'cosine', filter: `(i0 % 5 == 2) & (i0 > ${N / 3})` }));
        expect(got, `${N} ${tmp}`).toEqual(want);
        const part = await withTmpdir(tmp, () => searchPartial(a, q, { k: 7, metric: 'cosine', filter: `(i0 % 5 == 2) & (i0 > ${N / 3})` }));
        expect(mergeTopkPartials([part])).toEqual(want);
      }
      expect(fs.readdirSync(empty)).toEqual([]);
      f.close();
      a.close();
    }
  });

  it('the row index of a filter is the whole array\'s, with rows and shards; i is i0; an index filter never true keeps nothing', async () => {
    const N = 3000;
    const a = await data('rows.f4', N, 8);
    const q = Float32Array.from({ length: 8 }, (_, i) => i * 0.3 - 1);
    const f = boolFilter('rows.b1', N, (i) => i % 11 === 4);
    for (const rows of [[0, N], [5, 2999], [1024, 2049]] as [number, number][]) {
      const want = await search(a, q, { k: 6, filter: f, rows });
      expect(await search(a, q, { k: 6, filter: 'i0 % 11 == 4', rows })).toEqual(want);
      expect(await search(a, q, { k: 6, filter: 'i % 11 == 4', rows })).toEqual(want);
    }
    const none = await search(a, q, { k: 6, filter: 'i0 < 0' });
    expect(none.indices.shape).toEqual([0]);
    f.close();
    a.close();
  });

  it('an integer to a negative power in the filter is numpy\'s ValueError, not a wrong result', async () => {
    const a = await data('pow.f4', 2000, 4);
    const q = Float32Array.from([1, 2, 3, 4]);
    await expect(a.search(q, { filter: '(2 ** (1000 - i0)) > 0' })).rejects.toMatchObject({ code: 'ERR_NDMMAP_VALUE', message: 'Integers to negative integer powers are not allowed.' });
    a.close();
  });
});
