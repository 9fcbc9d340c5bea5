// searchsorted() and isin(): numpy 2.4's indices and masks (fixtures: test/fixtures/make_lookup_fixtures.py)
// for every dtype pairing numpy promotes (int64 vs float64, uint64 vs int64, float32 vs float64 ...),
// NaN, -0.0, big-endian, views, a sorter; queries as MemMaps, typed arrays, JS arrays and scalars;
// hostile sorters rejected with numpy's texts, never read out of bounds.
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, apply, createNpy, isin, openNpy, searchsorted, shutdown } from '../../dist/src/index.js';
import { manifest, tempDir } from '../helpers.js';
import { ORDER as DIR, fileValues, resultValues } from './lookup-helpers.js';

interface SCase { sorted: string; view?: string[]; v: string; side: 'left' | 'right'; sorter: string | null; result: string }
interface ICase { element: string; test: string; invert: boolean; result: string }
const m = manifest<{ search: SCase[]; isin: ICase[] }>('lookup');
const open = (f: string): MemMap => openNpy(join(DIR, f), { mode: 'r' });

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir('ndmmap-test-', { memory: true }); });
afterEach(() => tmp.remove());
afterAll(() => shutdown());

describe('searchsorted fixtures', () => {
  it.each(m.search.map((c) => [`${c.sorted} ${c.v} ${c.side}${c.sorter ? ' sorter' : ''}`, c]))('%s', async (_n, c) => {
    const cs = c as SCase;
    let a = open(cs.sorted);
    if (cs.view) a = a.slice(...cs.view);
    const v = open(cs.v);
    const sorter = cs.sorter === null ? undefined : open(cs.sorter);
    const want = fileValues(cs.result);
    const r = await searchsorted(a, v, { side: cs.side, sorter }) as NDResult;
    expect(r.shape).toEqual(v.shape);
    expect(resultValues(r)).toEqual(want);
    // the same queries as a typed array (native byte order) and as a plain JS array of Python-like values
    if (v.ndim === 1 && v.dtype.byteorder !== '>' && v.dtype.name !== 'float16' && v.dtype.name !== 'bool') {
      expect(resultValues(await searchsorted(a, v.typedArray(), { side: cs.side, sorter: sorter && (sorter.typedArray() as BigInt64Array) }) as NDResult)).toEqual(want);
    }
    if (v.size > 0) expect(String(await searchsorted(a, v.ndim === 1 ? v.get(0) : v.get(0, 0), { side: cs.side, sorter }))).toBe(want[0]);
  });
});

describe('isin fixtures', () => {
  it.each(m.isin.map((c) => [`${c.element} ${c.test} invert=${c.invert}`, c]))('%s', async (_n, c) => {
    const cs = c as ICase;
    const a = open(cs.element);
    const r = await isin(a, open(cs.test), { invert: cs.invert }) as NDResult;
    expect(r.dtype).toBe('bool');
    expect(r.shape).toEqual(a.shape);
    expect(resultValues(r)).toEqual(fileValues(cs.result));
  });

  it('JS values as numpy discovers them, a 0-d element, a scalar test', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<u8', shape: [4] });
    a.assign([1n, 2n, 3n, 18446744073709551615n]);
    // Python ints -1, 2: int64, so uint64 vs int64 compares as float64 (2**64-1 == 2**64 as floats)
    expect(Array.from((await isin(a, [-1, 2]) as NDResult).data as Uint8Array)).toEqual([0, 1, 0, 0]);
    expect(Array.from((await isin(a, 3n) as NDResult).data as Uint8Array)).toEqual([0, 0, 1, 0]);
    const f = createNpy(tmp.file('f.npy'), { dtype: '<f8', shape: [] });
    f.assign(NaN);
    expect(await isin(f, [NaN])).toBe(false);
    expect(await isin(f, [NaN], { invert: true })).toBe(true);
  });
});

describe('searchsorted on the pool', () => {
  it('200,000 queries, 1 and 2 threads alike, into an out file, with progress', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<f8', shape: [100_000] });
    await apply(a, 'i * 0.5 - 1000');
    const q = createNpy(tmp.file('q.npy'), { dtype: '<f4', shape: [400, 500] });
    await apply(q, '(i * 7919) % 60000 - 1500.25');
    const passes = new Set<string>();
    const r1 = await searchsorted(a, q, { threads: 1 }) as NDResult;
    const r2 = await searchsorted(a, q, { threads: 2, onProgress: (p) => passes.add(p.pass) }) as NDResult;
    expect(r2.data).toEqual(r1.data);
    expect(passes).toEqual(new Set(['search']));
    const qv = q.typedArray() as Float32Array;
    const d = r1.data as BigInt64Array;
    for (let i = 0; i < qv.length; i += 997) {
      const x = qv[i];
      const want = Math.min(100_000, Math.max(0, Math.ceil((x + 1000) / 0.5)));
      expect(Number(d[i])).toBe(want);
    }
    const out = await searchsorted(a, q, { side: 'right', out: tmp.file('idx.npy') }) as MemMap;
    expect(out.shape).toEqual([400, 500]);
    const rr = await searchsorted(a, q, { side: 'right' }) as NDResult;
    expect(out.typedArray()).toEqual(rr.data);
  }, 180_000);
});

describe('searchsorted: bad input', () => {
  it("numpy's texts, before any worker runs; hostile sorters", async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<f8', shape: [3] });
    a.assign([1, 2, 3]);
    const two = createNpy(tmp.file('b.npy'), { dtype: '<f8', shape: [2, 2] });
    await expect(searchsorted(two, 1)).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE', message: 'object too deep for desired array' });
    await expect(searchsorted(a, 1, { side: 'middle' as never })).rejects.toMatchObject({ message: "search side must be 'left' or 'right' (got 'middle')" });
    await expect(searchsorted(a, 1, { sorter: new BigInt64Array([0n, 1n]) })).rejects.toMatchObject({ message: 'sorter.size must equal a.size' });
    await expect(searchsorted(a, 1, { sorter: new Float64Array([0, 1, 2]) as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: 'sorter must only contain integers' });
    for (const bad of [[0n, 1n, 3n], [0n, -1n, 2n], [0n, 1n, 2n ** 62n], [-(2n ** 63n), 0n, 1n]]) {
      await expect(searchsorted(a, [2.5, 0, 9], { sorter: BigInt64Array.from(bad) })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: 'Sorter index out of range.' });
    }
    // an unsorted array: some index in [0, 3], never a crash
    const u = createNpy(tmp.file('u.npy'), { dtype: '<i4', shape: [3] });
    u.assign([3, 1, 2]);
    const r = await searchsorted(u, [0, 1, 2, 3, 4]) as NDResult;
    for (const x of r.data as BigInt64Array) expect(x >= 0n && x <= 3n).toBe(true);
    await expect(searchsorted(a, 1, { bogus: 1 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(searchsorted(a, 'x' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });
});
