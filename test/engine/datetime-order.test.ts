// datetime64/timedelta64 through sort, argsort, partition, argpartition (their guarantee) and a.sort(): numpy's np.sort /
// np.argsort(kind='stable') on the counts, NaT last (fixtures from test/fixtures/make_datetime_fixtures.py),
// a few units, both byte orders, views, rows longer than a run (the merge); results carry the unit.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, argpartition, argsort, createNpy, openNpy, partition, sort } from '../../dist/src/index.js';
import { FIXTURES, manifest, rowsOf, tempDir } from '../helpers.js';
import { viewOf } from './order-fixtures.js';

interface Case { file: string; dtype: string; view: string; axis: number | null; shape: number[]; sort: string[]; argsort: string[] }
const CASES = manifest<Case[]>('datetime', 'order.json');
const DIR = join(FIXTURES, 'datetime');
const NAT = -(2n ** 63n);

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir('ndmmap-test-', { memory: true }); });
afterEach(() => tmp.remove());
// tiny runs: the long fixtures take the long-row paths (partition, and runs + merge for its long buckets)
beforeAll(() => { process.env.NDMMAP_SORT_RUN_BYTES = '1024'; });
afterAll(() => { delete process.env.NDMMAP_SORT_RUN_BYTES; });

const big = (xs: string[]): bigint[] => xs.map((x) => BigInt(x));
const counts = (r: NDResult): bigint[] => Array.from(r.data as BigInt64Array);
/** numpy's name of a dtype string: '<M8[s]' -> 'datetime64[s]'. */
const nameOf = (s: string): string => `${s[1] === 'M' ? 'datetime64' : 'timedelta64'}${s.slice(3)}`;
const fileCounts = (m: MemMap): bigint[] => Array.from(m.view(m.dtype.byteorder === '>' ? '>i8' : '<i8').toArray().flat(Infinity) as bigint[]);

describe('sort/argsort of datetime64/timedelta64 match numpy (NaT last, stable)', () => {
  for (const c of CASES) {
    it(`${c.file} ${c.view || 'array'} axis ${c.axis}`, async () => {
      const a = viewOf(openNpy(join(DIR, c.file), { mode: 'r' }), c.view);
      try {
        const s = await sort(a, { axis: c.axis }) as NDResult;
        expect(s.shape).toEqual(c.shape);
        expect(s.dtype).toBe(nameOf(c.dtype));
        expect(counts(s)).toEqual(big(c.sort));
        // partition selects: per row, kth 0 holds the sort's first, argpartition's kth -1 the argsort's last
        // (the stable order's: NaT last, ties by position), and each row is a permutation of the input's
        const rows = rowsOf(c.shape, c.axis);
        const p = counts(await partition(a, 0, { axis: c.axis }) as NDResult), want = big(c.sort);
        for (const row of rows) {
          expect(p[row[0]]).toBe(want[row[0]]);
          expect(row.map((k) => p[k]).sort()).toEqual(row.map((k) => want[k]).sort());
        }
        const i = await argsort(a, { axis: c.axis, kind: 'stable' }) as NDResult;
        expect(i.dtype).toBe('int64');
        expect(counts(i)).toEqual(big(c.argsort));
        if (a.size > 0) {
          const ip = counts(await argpartition(a, -1, { axis: c.axis }) as NDResult), wi = big(c.argsort);
          for (const row of rows) {
            expect(ip[row[row.length - 1]]).toBe(wi[row[row.length - 1]]);
            expect(row.map((k) => ip[k]).sort()).toEqual(row.map((k) => wi[k]).sort());
          }
        }
        if (c.axis !== null) {
          const f = tmp.file(c.file);
          fs.copyFileSync(join(DIR, c.file), f);
          const b = openNpy(f, { mode: 'r+' });
          await viewOf(b, c.view).sort({ axis: c.axis });
          const v = viewOf(b, c.view);
          const copy = createNpy(tmp.file('v.npy'), { dtype: 'int64', shape: v.shape });
          await copy.assign(v.view(v.dtype.byteorder === '>' ? '>i8' : '<i8'));
          expect(fileCounts(copy)).toEqual(big(c.sort));
          copy.close(); b.close();
        }
      } finally { a.close(); }
    });
  }
});

describe('targets and errors', () => {
  it('sort into a datetime out and into a new file keeps the unit; argsort out is int64', async () => {
    const a = openNpy(join(DIR, 'sp_ends.npy'), { mode: 'r' });
    const want = [-3n, 5n, 5n, NAT + 1n, 2n ** 63n - 1n, NAT, NAT].sort((x, y) => (x === NAT ? 1 : y === NAT ? -1 : x < y ? -1 : x > y ? 1 : 0));
    const out = createNpy(tmp.file('o.npy'), { dtype: '>M8[ms]', shape: [7] });
    expect(await sort(a, { out })).toBe(out);
    expect(fileCounts(out)).toEqual(want);
    const f = await sort(a, { out: tmp.file('f.npy') }) as MemMap;
    expect(f.dtype.name).toBe('datetime64[ms]');
    expect(fileCounts(f)).toEqual(want);
    const bad = createNpy(tmp.file('b.npy'), { dtype: 'int64', shape: [7] });
    await expect(sort(a, { out: bad })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /out has dtype\('int64'\), the result is dtype\('datetime64\[ms\]'\)/ });
    const unit = createNpy(tmp.file('u.npy'), { dtype: '<M8[s]', shape: [7] });
    await expect(sort(a, { out: unit })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    const idx = createNpy(tmp.file('i.npy'), { dtype: 'int64', shape: [7] });
    await argsort(a, { out: idx });
    expect(fileCounts(idx)).toEqual([2n, 3n, 1n, 5n, 4n, 0n, 6n]);
    for (const m of [a, out, f, bad, unit, idx]) m.close();
  });

  it('a.sort() of a read-only datetime map is refused before anything is written', async () => {
    const a = openNpy(join(DIR, 'sp_ends.npy'), { mode: 'r' });
    await expect(a.sort()).rejects.toMatchObject({ code: 'ERR_NDMMAP_READONLY' });
    a.close();
  });

  it('1 vs 2 threads give the same order (a large timedelta64 file, NaT sprinkled)', async () => {
    const n = 300_000;
    const a = createNpy(tmp.file('big.npy'), { dtype: '<m8[ns]', shape: [n] });
    const c = a.view('<i8');
    const t = c.typedArray() as BigInt64Array;
    for (let i = 0; i < n; i++) t[i] = i % 97 === 0 ? NAT : BigInt((i * 7919) % 1000 - 500);
    a.flush();
    const one = await argsort(a, { threads: 1 }) as NDResult;
    const two = await argsort(a, { threads: 2 }) as NDResult;
    expect(counts(two)).toEqual(counts(one));
    const s = counts(await sort(a, { threads: 2 }) as NDResult);
    const nats = Math.ceil(n / 97);
    expect(s.slice(n - nats).every((v) => v === NAT)).toBe(true);
    for (let i = 1; i < n - nats; i++) if (s[i - 1] > s[i]) expect(`${i}: ${s[i - 1]} > ${s[i]}`).toBe('ordered');
    a.close();
  });
});
