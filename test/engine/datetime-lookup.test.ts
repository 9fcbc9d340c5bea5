// unique, searchsorted and isin of datetime64/timedelta64: numpy's results on the counts, NaT as NaN
// (sorted last, one value under equalNan, in nothing), values carrying the unit; numpy's refusals
// (fixtures from test/fixtures/make_datetime_fixtures.py).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NDResult, type UniqueResult, createNpy, isin, openNpy, searchsorted, unique } from '../../dist/src/index.js';
import { setHashBound } from '../../dist/src/engine/order/unique.js';
import { FIXTURES, manifest, tempDir } from '../helpers.js';

interface U { file: string; equalNan: boolean; dtype: string; values: string[]; index: string[]; inverse: string[]; counts: string[] }
interface S { file: string; element: string; queries: string[]; left: string[]; right: string[]; test: string[]; isin: string[]; notin: string[] }
const L = manifest<{ unique: U[]; search: S[] }>('datetime', 'lookup.json');
const DIR = join(FIXTURES, 'datetime');
const big = (xs: string[]): bigint[] => xs.map((x) => BigInt(x));
const ints = (r: NDResult | undefined): bigint[] => Array.from(r!.data as BigInt64Array);

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); setHashBound(1 << 18); });

describe('unique of datetime64/timedelta64 matches numpy (hash and sort paths)', () => {
  for (const c of L.unique) {
    for (const path of ['hash', 'sort'] as const) {
      it(`${c.file} equalNan ${c.equalNan} (${path})`, async () => {
        setHashBound(path === 'sort' ? 0 : 1 << 18);
        const a = openNpy(join(DIR, c.file), { mode: 'r' });
        const r = await unique(a, { returnIndex: true, returnInverse: true, returnCounts: true, equalNan: c.equalNan }) as UniqueResult;
        expect(r.values.dtype).toBe(c.dtype);
        expect(ints(r.values)).toEqual(big(c.values));
        expect(ints(r.indices)).toEqual(big(c.index));
        expect(ints(r.inverseIndices as NDResult)).toEqual(big(c.inverse));
        expect(ints(r.counts)).toEqual(big(c.counts));
        const v = await unique(a, { equalNan: c.equalNan }) as NDResult;
        expect(ints(v)).toEqual(big(c.values));
        a.close();
      });
    }
  }
});

describe('searchsorted and isin of datetime64/timedelta64 match numpy', () => {
  for (const c of L.search) {
    it(`${c.file}`, async () => {
      const s = openNpy(join(DIR, c.file), { mode: 'r' });
      const e = openNpy(join(DIR, c.element), { mode: 'r' });
      const q = BigInt64Array.from(big(c.queries));
      expect(ints(await searchsorted(s, q) as NDResult)).toEqual(big(c.left));
      expect(ints(await searchsorted(s, q, { side: 'right' }) as NDResult)).toEqual(big(c.right));
      // a MemMap of the same dtype (either byte order) as the queries
      const qm = createNpy(tmp.file('q.npy'), { dtype: s.dtype.str, shape: [q.length] });
      const qc = createNpy(tmp.file('qc.npy'), { dtype: 'int64', shape: [q.length] });
      qc.typedArray().set(q);
      await qm.view(s.dtype.byteorder === '>' ? '>i8' : '<i8').assign(qc);
      expect(ints(await searchsorted(s, qm, { side: 'right' }) as NDResult)).toEqual(big(c.right));
      if (q.length > 0) expect(await searchsorted(s, q[0])).toBe(BigInt(c.left[0]));
      const t = big(c.test);
      expect(Array.from((await isin(e, t) as NDResult).data as Uint8Array, Boolean)).toEqual(c.isin.map((x) => x === 'True'));
      expect(Array.from((await isin(e, t, { invert: true }) as NDResult).data as Uint8Array, Boolean)).toEqual(c.notin.map((x) => x === 'True'));
      for (const m of [s, e, qm, qc]) m.close();
    });
  }

  it("refuses the other kind with numpy's text, another unit and non-integer values with the workaround", async () => {
    const s = openNpy(join(DIR, 'sorted_in_M8_s.npy'), { mode: 'r' });
    const td = createNpy(tmp.file('td.npy'), { dtype: '<m8[s]', shape: [2] });
    await expect(searchsorted(s, td)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: "Cannot cast array data from dtype('<m8[s]') to dtype('<M8[s]') according to the rule 'safe'" });
    const ms = createNpy(tmp.file('ms.npy'), { dtype: '<M8[ms]', shape: [2] });
    await expect(searchsorted(s, ms)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /compares the counts of one unit only \(convert v to \[s\] first\)/ });
    await expect(searchsorted(s, [1.5])).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /v must hold datetime64\[s\] counts .* got float64/ });
    await expect(isin(s, ms)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    for (const m of [s, td, ms]) m.close();
  });
});
