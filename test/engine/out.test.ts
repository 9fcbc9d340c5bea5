// `out=`: results written natively into a MemMap of numpy's result shape, in any layout and byte
// order, with numpy's casting into a wider or narrower float type; a 0-d out for full reductions.
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type NDResult } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-out-');
afterAll(() => tmp.remove());

describe('out=', () => {
  const a = memmap(tmp.file('a.f8'), { dtype: 'float64', mode: 'w+', shape: [6, 5] });
  a.assign(Array.from({ length: 6 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i - 2.5) * (j + 1) + (i === 3 && j === 2 ? NaN : 0))));

  it('a transposed (F-order) view and a big-endian file receive the same values as the returned result', async () => {
    const want = (await a.sum({ axis: 0 })) as NDResult;
    const be = memmap(tmp.file('be.f8'), { dtype: '>f8', mode: 'w+', shape: [5] });
    await a.sum({ axis: 0, out: be });
    expect(be.toArray()).toEqual([...want.data]);
    const m = memmap(tmp.file('m.f8'), { dtype: 'float64', mode: 'w+', shape: [5, 2] });
    const col = m.slice(':', 1); // strided: every other element
    await a.sum({ axis: 0, out: col });
    expect(col.toArray()).toEqual([...want.data]);
    expect(m.slice(':', 0).toArray()).toEqual([0, 0, 0, 0, 0]);
    const w = (await a.mean({ axis: [0, 1], keepdims: true })) as NDResult;
    const kd = memmap(tmp.file('kd.f8'), { dtype: 'float64', mode: 'w+', shape: [1, 1] });
    await a.mean({ axis: [0, 1], keepdims: true, out: kd });
    expect(kd.toArray()).toEqual([[w.data[0]]]);
    for (const x of [be, m, kd]) x.close();
  });

  it('casts float results into float32 and float16 outputs; bool results into bool outputs', async () => {
    const want = (await a.nanmax({ axis: 1 })) as NDResult;
    const f4 = memmap(tmp.file('o.f4'), { dtype: 'float32', mode: 'w+', shape: [6] });
    const f2 = memmap(tmp.file('o.f2'), { dtype: '>f2', mode: 'w+', shape: [6] });
    await a.nanmax({ axis: 1, out: f4 });
    await a.nanmax({ axis: 1, out: f2 });
    expect(f4.toArray()).toEqual([...want.data].map(Math.fround));
    expect((f2.toArray() as number[]).every((v, i) => Math.abs(v - want.data[i]) <= Math.abs(want.data[i] as number) * 2 ** -10)).toBe(true);
    const b = memmap(tmp.file('o.b1'), { dtype: 'bool', mode: 'w+', shape: [5] });
    await a.any({ axis: 0, expr: 'x > 5', out: b });
    expect(b.toArray()).toEqual([...((await a.any({ axis: 0, expr: 'x > 5' })) as NDResult).data].map((v) => v === 1));
    for (const x of [f4, f2, b]) x.close();
  });

  it('a 0-d out takes a full reduction, as numpy allows', async () => {
    const z = memmap(tmp.file('z.i8'), { dtype: 'int64', mode: 'w+', shape: [] });
    await a.countNonzero({ expr: 'x > 0' }).then(async (n) => {
      const r = await a.sum({ expr: 'x > 0', out: z });
      expect(r).toBe(z);
      expect(z.toArray()).toBe(BigInt(n as number));
    });
    z.close();
  });
});
