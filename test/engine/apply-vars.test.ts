/**
 * apply() with vars on the pool (calls above the inline threshold): typed arrays in JS memory, typed
 * arrays over a mapping, reduction results and numbers, broadcast over large arrays; the values must
 * be what the same float32 arithmetic gives one operation at a time, for any thread count.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, shutdown } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-apply-vars-');
afterAll(async () => { await shutdown(); tmp.remove(); });

const ROWS = 3000, COLS = 384; // 4.6 MB of float32: a pool call

describe('apply with vars on the pool', () => {
  it('standardises columns in place with mean/std results fed straight in (keepdims too)', async () => {
    const a = memmap(tmp.file('emb.f4'), { dtype: 'float32', mode: 'w+', shape: [ROWS, COLS] });
    await a.apply('sin(i * 0.37) * 3 + i1 * 0.01 + 2');
    const before = Float32Array.from(a.typedArray() as Float32Array);
    const mu = await a.mean({ axis: 0, keepdims: true });
    const sd = await a.std({ axis: 0 });
    expect(mu).toMatchObject({ shape: [1, COLS], dtype: 'float32' });
    await a.apply('(x - mu) / sd', { vars: { mu: mu as never, sd: sd as never }, threads: 2 });
    const got = a.typedArray() as Float32Array;
    const m = (mu as { data: Float32Array }).data, s = (sd as { data: Float32Array }).data;
    for (let k = 0; k < got.length; k += 997) {
      const c = k % COLS;
      expect(got[k]).toBe(Math.fround(Math.fround(before[k] - m[c]) / s[c]));
    }
    a.close();
  });

  it('takes typed arrays in JS memory, typed arrays over a mapping and numbers, for 1 and 2 threads alike', async () => {
    const x = memmap(tmp.file('x.f8'), { dtype: 'float64', mode: 'w+', shape: [ROWS, COLS] });
    await x.apply('i * 0.001');
    const w = memmap(tmp.file('w.f8'), { dtype: 'float64', mode: 'w+', shape: [COLS] });
    await w.apply('1 + i0 * 0.5');
    const bias = Object.assign(new Float64Array(ROWS).map((_, r) => r % 7), { shape: [ROWS, 1] });
    const outs = [];
    for (const threads of [1, 2]) {
      const o = memmap(tmp.file(`o${threads}.f4`), { dtype: 'float32', mode: 'w+', shape: [ROWS, COLS] });
      await x.apply('x * w + b - k', { vars: { w: { data: w.typedArray() as Float64Array, shape: [COLS] }, b: bias, k: 0.25 }, out: o, threads, flush: false });
      outs.push(Float32Array.from(o.typedArray() as Float32Array));
      o.close();
    }
    expect(Buffer.from(outs[0].buffer).equals(Buffer.from(outs[1].buffer))).toBe(true); // bit-identical for any thread count
    for (let k = 0; k < outs[0].length; k += 1013) {
      const r = Math.floor(k / COLS), c = k % COLS;
      expect(outs[0][k]).toBe(Math.fround(k * 0.001 * (1 + c * 0.5) + (r % 7) - 0.25));
    }
    x.close(); w.close();
  });

  it('broadcasts rows of 3 (row tiles) with a MemMap var and index variables', async () => {
    const n = 200_000;
    const x = memmap(tmp.file('p.f8'), { dtype: 'float64', mode: 'w+', shape: [n, 3] });
    const c = memmap(tmp.file('c.f8'), { dtype: 'float64', mode: 'w+', shape: [3] });
    c.assign([10, 20, 30]);
    await x.apply('i0 * 1000 + i1 - c', { vars: { c } });
    const t = x.typedArray() as Float64Array;
    for (let r = 0; r < n; r += 4999) for (let k = 0; k < 3; k++) expect(t[3 * r + k]).toBe(r * 1000 + k - [10, 20, 30][k]);
    x.close(); c.close();
  });
});

describe('a typed-array var over the memory of out (issue 17, item 2)', () => {
  /** numpy's answer: every input read before any output is written. */
  const expected = (before: Float64Array, outStart: number, varStart: number, n: number): number[] =>
    Array.from({ length: n }, (_, i) => before[outStart + i] + 10 * before[varStart + i]);

  for (const [path, N] of [['inline', 4097], ['pool', 200_001]] as const) {
    for (const [shift, outStart, varStart] of [['out one element ahead of the var', 1, 0], ['out one element behind the var', 0, 1]] as const) {
      it(`${path}: ${shift} (r+ window of out's own memmap): the values numpy gives, as if the var were read first`, async () => {
        const a = memmap(tmp.file(`alias-${path}-${outStart}.f8`), { dtype: 'float64', mode: 'w+', shape: [N] });
        await a.apply('i * 1.0');
        const before = Float64Array.from(a.typedArray() as Float64Array);
        const t = a.typedArray() as Float64Array;
        const v = t.subarray(varStart, varStart + N - 1);
        const out = a.slice(`${outStart}:${outStart + N - 1}`);
        await out.apply('x + 10 * v', { vars: { v } });
        const got = Array.from((a.typedArray() as Float64Array).subarray(outStart, outStart + N - 1));
        const want = expected(before, outStart, varStart, N - 1);
        let wrong = 0;
        for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) wrong++;
        expect(wrong).toBe(0);
        a.close();
      });
    }
  }

  it("a window of another memmap of the same file (modes r+ and r), { data, shape } too: buffered as well", async () => {
    const N = 4097;
    const f = tmp.file('alias-other.f8');
    const a = memmap(f, { dtype: 'float64', mode: 'w+', shape: [N] });
    for (const mode of ['r+', 'r'] as const) {
      await a.apply('i * 1.0');
      const before = Float64Array.from(a.typedArray() as Float64Array);
      const b = memmap(f, { dtype: 'float64', mode });
      const v = (b.typedArray() as Float64Array).subarray(0, N - 1);
      await a.slice('1:').apply('x + 10 * v', { vars: { v: { data: v, shape: [N - 1] } } });
      const got = Array.from((a.typedArray() as Float64Array).subarray(1));
      expect(got.filter((g, i) => g !== before[i + 1] + 10 * before[i]).length, mode).toBe(0);
      b.close();
    }
    a.close();
  });
});
