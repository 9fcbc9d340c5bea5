// Reductions of datetime64/timedelta64 beyond min/max (test/record-views.test.ts): nanmin, nanmax,
// nanargmin, nanargmax (NaT as numpy's NaN for nanmin/nanmax; nanarg* are numpy's argmin/argmax), and
// timedelta64 sum/mean/nansum/nanmean (wrapping int64 sum, NaT propagating, mean truncated toward zero),
// flattened and along each axis, of views; numpy's refusals (fixtures: make_datetime_fixtures.py).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, openNpy, reduce } from '../../dist/src/index.js';
import { FIXTURES, manifest } from '../helpers.js';

interface Case { file: string; view: string; axis: number | null; name: string; shape: number[]; dtype: string; values: string[] }
const R = manifest<{ cases: Case[]; errors: Record<string, string> }>('datetime', 'reduce.json');
const DIR = join(FIXTURES, 'datetime');
const viewOf = (a: MemMap, v: string): MemMap => (v === 'flip' ? a.slice('::-1', '::2') : v === 'T' ? a.transpose() : a);

describe('datetime64/timedelta64 reductions match numpy', () => {
  for (const c of R.cases) {
    it(`${c.name} ${c.file} ${c.view || 'array'} axis ${c.axis}`, async () => {
      const a = viewOf(openNpy(join(DIR, c.file), { mode: 'r' }), c.view);
      try {
        const got = await reduce(c.name, a, c.axis === null ? {} : { axis: c.axis });
        const want = c.values.map(BigInt);
        if (c.shape.length === 0 && c.axis === null) {
          expect(typeof got === 'number' ? BigInt(got) : got).toBe(want[0]);
        } else {
          const r = got as NDResult;
          expect(r.shape).toEqual(c.shape);
          expect(r.dtype).toBe(c.dtype);
          expect(Array.from(r.data as BigInt64Array)).toEqual(want);
        }
      } finally { a.close(); }
    });
  }
  it('keepdims keeps the reduced axis; methods route the same way', async () => {
    const a = openNpy(join(DIR, 'sp_td_mean.npy'), { mode: 'r' });
    const r = await reduce('mean', a, { axis: 1, keepdims: true }) as NDResult;
    expect(r.shape).toEqual([3, 1]);
    expect(r.dtype).toBe('timedelta64[s]');
    expect(await (a as unknown as { sum(): Promise<bigint> }).sum()).toBe(await reduce('sum', a));
    a.close();
  });
});

describe('refusals', () => {
  it("datetime64 sum/mean/nansum/nanmean and timedelta64 var/std with numpy's texts", async () => {
    const d = openNpy(join(DIR, 'in_M8_s.npy'), { mode: 'r' });
    for (const r of ['sum', 'mean', 'nansum', 'nanmean'])
      await expect(reduce(r, d)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: R.errors[`M8_${r}`] });
    const t = openNpy(join(DIR, 'in_m8_ms.npy'), { mode: 'r' });
    for (const r of ['var', 'std'])
      await expect(reduce(r, t)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: R.errors[`m8_${r}`].replace('<m8[s]', '<m8[ms]') });
    await expect(reduce('sum', t, { dtype: 'int64' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: /takes axis and keepdims/ });
    d.close(); t.close();
  });
});
