// sin/cos/tan of computed values over every finite magnitude, on every path (trust round two, item 3):
// numpy's answers (trust/trig.json, make_trust_fixtures.py) for 1-element arrays, a few elements,
// several VM blocks and the pool, into float64/float32/float16 outputs, in place, and inside
// reductions. The VM's vectorised kernel covers |x| <= 2^20·π/2; beyond it glibc reduces exactly
// (Payne–Hanek), which the block computed in place in a stack slot must not defeat.
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type NDResult } from '../../dist/src/index.js';
import { roundHalf } from '../../dist/src/dtype.js';
import { manifest, parseValue, tempDir } from '../helpers.js';

interface Case {
  expr: string; dtype: 'float64' | 'float32'; x: string[]; result_dtype: string;
  /** numpy's values, and the exact ones (mpmath at numpy's rounded arguments), per out dtype. */
  expected: Record<string, string[]>; exact: Record<string, string[]>;
}

const cases = manifest<Case[]>('trust', 'trig.json');
const tmp = tempDir('ndmmap-trig-', { memory: true });
afterAll(() => tmp.remove());

/** One unit in the last place of `v` as a value of dtype `dt`. */
function ulp(v: number, dt: string): number {
  const bits = dt === 'float64' ? 52 : dt === 'float32' ? 23 : 10;
  const minExp = dt === 'float64' ? -1022 : dt === 'float32' ? -126 : -14;
  return 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v) || 1)), minExp) - bits);
}

/** ndmmap within `k` ulps of numpy (NaN, ±inf and signed zeros exactly). */
function near(got: number, want: number, dt: string, k: number): boolean {
  if (Number.isNaN(want) || !Number.isFinite(want) || want === 0) return Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want));
  return Math.abs(got - want) <= k * ulp(want, dt);
}

// ndmmap is within 1 ulp of the exact value of each function (a product of two within 2), in the
// narrower of the result and out dtypes. numpy is held to its own accuracy: its float32 loops are within
// 2 ulp, and its float64 cos is glibc's, 8 ulp off next to a multiple of pi/2 at 5.3e255.
const ops = (c: Case): number => (c.expr.match(/sin|cos|tan/g)!.length > 1 && !c.expr.startsWith('where') ? 2 : 1);
const narrow = (c: Case, od: string): string => (c.result_dtype === 'float32' && od === 'float64' ? 'float32' : od);

const POOL = 70_000; // float64 elements: over the 512 KiB that runs inline, so the pool runs it

describe('transcendental functions of computed values match numpy at every magnitude', () => {
  for (const c of cases) {
    it(`${c.expr} of ${c.dtype}, every length and out dtype`, async () => {
      const xs = c.x.map((s) => parseValue(s, '<f8') as number);
      const m = xs.length;
      const bad: string[] = [];
      for (const n of [1, 2, m, 1024 + 3, POOL]) {
        const x = memmap(tmp.file(`x${n}`), { dtype: c.dtype, mode: 'w+', shape: [n] });
        const tx = x.typedArray() as Float64Array | Float32Array;
        for (let i = 0; i < n; i++) tx[i] = xs[i % m];
        for (const od of ['float64', 'float32', 'float16'] as const) {
          const out = memmap(tmp.file(`o${n}${od}`), { dtype: od, mode: 'w+', shape: [n] });
          await x.apply(c.expr, { out });
          const exact = c.exact[od].map((s) => parseValue(s, '<f8') as number);
          const numpy = c.expected[od].map((s) => parseValue(s, '<f8') as number);
          for (let i = 0; i < n && bad.length < 10; i++) {
            const g = out.get(i) as number, e = exact[i % m], w = numpy[i % m];
            if (!near(g, e, narrow(c, od), ops(c))) bad.push(`n=${n} ${od} x=${xs[i % m]}: ${g} vs exact ${e}`);
            // and numpy, within its own distance from the exact value
            const k = ops(c) + (near(w, e, narrow(c, od), ops(c)) ? ops(c) : 16);
            if (!near(g, w, narrow(c, od), k)) bad.push(`n=${n} ${od} x=${xs[i % m]}: ${g} vs numpy ${w}`);
          }
          out.close();
        }
        x.close();
      }
      expect(bad).toEqual([]);
    });
  }

  it('in place, the result overwriting its own input block', async () => {
    const c = cases.find((k) => k.expr === 'sin(x * 1.0)' && k.dtype === 'float64')!;
    const xs = c.x.map((s) => parseValue(s, '<f8') as number);
    for (const n of [1, 5, POOL]) {
      const x = memmap(tmp.file(`inplace${n}`), { dtype: 'float64', mode: 'w+', shape: [n] });
      const t = x.typedArray() as Float64Array;
      for (let i = 0; i < n; i++) t[i] = xs[i % xs.length];
      await x.apply(c.expr);
      const want = c.exact.float64.map((s) => parseValue(s, '<f8') as number);
      for (let i = 0; i < n; i++) expect(near(t[i], want[i % xs.length], 'float64', 1), `n=${n} [${i}] ${t[i]} vs ${want[i % xs.length]}`).toBe(true);
      x.close();
    }
  });

  it('reductions of such expressions (max, min and sum of one repeated value), inline and on the pool', async () => {
    for (const [e, v] of [['sin(x * x)', 1e5], ['sin(x * 1.0)', 1e39], ['cos(x * 2)', 1e39], ['sin(x * 1.0)', 1e300]] as const) {
      const c = cases.find((k) => k.expr === e && k.dtype === 'float64')!;
      const i = c.x.map((s) => parseValue(s, '<f8')).indexOf(v);
      const want = parseValue(c.exact.float64[i], '<f8') as number;
      for (const n of [1, 2, POOL]) {
        const x = memmap(tmp.file(`r${n}`), { dtype: 'float64', mode: 'w+', shape: [n] });
        await x.fill(v);
        expect(near((await x.max({ expr: e })) as number, want, 'float64', 1), `${e} max n=${n}`).toBe(true);
        expect(near((await x.min({ expr: e })) as number, want, 'float64', 1), `${e} min n=${n}`).toBe(true);
        const s = (await x.sum({ expr: e })) as number;
        expect(Math.abs(s - n * want), `${e} sum n=${n}: ${s} vs ${n * want}`).toBeLessThanOrEqual(n * 4 * ulp(want, 'float64'));
        const f32 = (await x.sum({ expr: `float32(${e})`, axis: 0 })) as NDResult;
        expect(near(f32.data[0], Math.fround(Math.fround(want) * n), 'float32', 2 + n / 1000), `${e} float32 sum n=${n}`).toBe(true);
        const f16 = (await x.max({ expr: `float16(${e})` })) as number;
        expect(f16, `${e} float16 max n=${n}`).toBe(roundHalf(want));
        x.close();
      }
    }
  });
});
