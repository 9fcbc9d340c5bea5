// Quantiles along axes in one pass (native/stats/dist_axis.cc): the native plan of numpy's indexes equals
// methods.ts's for every method; many short outputs and few long ones, C and F order, flipped and
// strided views, float32, int16 and NaN, against a sort of each output's values; 1 and 2 threads give
// the same bits on plans of many blocks.
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type MemMap } from '../../dist/src/index.js';
import { native } from '../../dist/src/native.js';
import * as dist from '../../dist/src/engine/stats/quantile.js';
import { METHODS, lerp, planQ } from '../../dist/src/engine/stats/methods.js';
import { tempDir } from '../helpers.js';

const t = tempDir('ndmmap-test-', { memory: true });
afterAll(() => t.remove());

describe('numpy indexes: native and methods.ts agree', () => {
  it('for every method, n from 1 to 400 and large, and q on and off the grid', () => {
    const qs = [0, 1e-9, 0.001, 0.1, 0.25, 1 / 3, 0.5, 0.7, 0.9, 0.999, 1 - 1e-12, 1];
    const ns = [...Array.from({ length: 400 }, (_, i) => i + 1), 1023, 4097, 65536, 1_000_003, 2 ** 40 + 5];
    METHODS.forEach((m, code) => {
      for (const n of ns) for (const q of qs) {
        const p = planQ(m, n, q);
        const [lo, hi, gamma] = native.planQuantile(code, n, q);
        // expect() only where they differ: 63,000 cases, and the matcher costs more than the check
        if (lo !== p.lo || hi !== p.hi) expect([lo, hi], `${m} n=${n} q=${q}`).toEqual([p.lo, p.hi]);
        if (!p.discrete && !Object.is(gamma, p.gamma)) expect(Object.is(gamma, p.gamma), `${m} n=${n} q=${q} gamma ${gamma} vs ${p.gamma}`).toBe(true);
      }
    });
  });
});

function lcg(n: number, seed: number, f: (u: number, i: number) => number): Float64Array {
  const x = new Float64Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; x[i] = f(s / 2147483647, i); }
  return x;
}

function file(name: string, v: ArrayBufferView): string {
  const p = t.file(name);
  writeFileSync(p, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  return p;
}

/** An output's values without NaN, sorted (-0.0 before +0.0, as ndmmap's keys), and whether it held NaN. */
interface Sorted { s: Float64Array; hadNan: boolean }
const sortOut = (vals: number[]): Sorted => {
  const clean = vals.filter((v) => !Number.isNaN(v));
  return { s: Float64Array.from(clean).sort(), hadNan: clean.length < vals.length };
};

/** numpy's quantile of one output (NaN when it held NaN; nan variants skip them); `plan` is planQ for the method and q at hand. */
function reference(o: Sorted, plan: (n: number) => ReturnType<typeof planQ>, data: 'float64' | 'float32' | 'int16', nan: boolean): number {
  const s = o.s;
  if ((!nan && o.hadNan) || s.length === 0) return NaN;
  const p = plan(s.length);
  return p.discrete ? s[p.lo] : lerp(data, 'float64', s[p.lo], s[p.hi], p.gamma);
}

/** Every output's values of `a` reduced over `axis` (a 2-D view), read element by element. */
function outputs(a: MemMap, axis: number): number[][] {
  const [r, c] = a.shape;
  const out: number[][] = [];
  for (let o = 0; o < (axis === 1 ? r : c); o++) {
    const v: number[] = [];
    for (let k = 0; k < (axis === 1 ? c : r); k++) v.push(Number(axis === 1 ? a.get(o, k) : a.get(k, o)));
    out.push(v);
  }
  return out;
}

describe('along axes, against a sort of each output', () => {
  const R = 200_000, C = 7;
  const x = lcg(R * C, 5, (u, i) => (i % 97 === 3 ? NaN : i % 13 === 0 ? Math.round(u * 4) / 4 : u * 10 - 3));
  const a = memmap(file('a.f8', x), { dtype: 'float64', mode: 'r', shape: [R, C] });
  const cases: [string, MemMap, number][] = [
    ['C order, axis -1 (200000 outputs of 7)', a, 1],
    ['C order, axis 0 (7 outputs of 200000)', a.reshape([C, R]), 0],
    ['F order (transposed), axis 0', a.T, 0],
    ['flipped and strided rows', a.slice('::-3', '::-1'), 1],
    ['float32', memmap(file('a.f4', Float32Array.from(x)), { dtype: 'float32', mode: 'r', shape: [R, C] }), 1],
    ['int16 columns', memmap(file('a.i2', Int16Array.from(x, (v) => (Number.isNaN(v) ? -7 : Math.round(v * 1000)))), { dtype: 'int16', mode: 'r', shape: [R / 100, C * 100] }), 0],
  ];
  it.each(cases)('%s', async (_name, view, axis) => {
    const data = view.dtype.name as 'float64' | 'float32' | 'int16';
    const outs = outputs(view, axis).map(sortOut);
    for (const method of ['linear', 'lower', 'hazen', 'midpoint', 'nearest'] as const) {
      const qs = [0.1, 0.5, 0.93];
      for (const nan of [false, true]) {
        const fn = nan ? dist.nanquantile : dist.quantile;
        const got = (await fn(view, qs, { axis, method })) as { data: ArrayLike<number>; shape: number[] };
        expect(got.shape).toEqual([qs.length, outs.length]);
        qs.forEach((q, qi) => {
          // the outputs share a few lengths: planQ once per length
          const byN = new Map<number, ReturnType<typeof planQ>>();
          const plan = (n: number): ReturnType<typeof planQ> => { let p = byN.get(n); if (p === undefined) byN.set(n, p = planQ(method, n, q)); return p; };
          outs.forEach((v, o) => {
            const want = reference(v, plan, data, nan);
            const g = got.data[qi * outs.length + o];
            if (!Object.is(g, want)) expect(g, `${method} nan=${nan} q=${q} output ${o}`).toBe(want);
          });
        });
      }
    }
    const med = (await dist.median(view, { axis, threads: 1 })) as { data: Float64Array };
    const med2 = (await dist.median(view, { axis, threads: 2 })) as { data: Float64Array };
    expect(Array.from(med2.data)).toEqual(Array.from(med.data));
  });
});

describe('weighted quantiles of outputs too long to gather (the weighted radix select)', () => {
  /**
   * numpy's weighted inverted_cdf for each q: values sorted with their weights, cumulative weights over
   * the total, the first value whose cumulative weight reaches q. Equal values are taken as one step of
   * the cumulative weights: the order among ties cannot change which value is returned, and the integer
   * and dyadic weights sum exactly in any order. Sorted once per array for all q (a native sort and a
   * binary search instead of an index sort with a comparator: seconds less per million values).
   */
  function weighted(x: Float64Array, w: Float64Array, qs: number[], dropNan: boolean): number[] {
    let nans = 0;
    for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) nans++;
    if (x.length - nans === 0 || (!dropNan && nans > 0)) return qs.map(() => NaN);
    const sorted = Float64Array.from(x).sort().subarray(0, x.length - nans); // NaN sort last
    let u = 0;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[u - 1]) sorted[u++] = sorted[i];
    const values = sorted.subarray(0, u);
    const sums = new Float64Array(u);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i])) continue;
      let lo = 0, hi = u - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (values[mid] < x[i]) lo = mid + 1; else hi = mid; }
      sums[lo] += w[i];
    }
    let total = 0;
    for (const s of sums) total += s;
    return qs.map((q) => {
      let acc = 0;
      for (let g = 0; g < u; g++) { acc += sums[g]; if (acc / total >= q && acc > 0) return values[g]; }
      return values[u - 1];
    });
  }
  it('whole arrays and along an axis, integer and dyadic weights (exact sums), NaN, leading zero weights', async () => {
    const n = 1_300_000;
    const x = lcg(n, 21, (u, i) => (i % 50_000 === 9 ? NaN : Math.floor(u * 200_000) / 7 - 9000));
    const wi = lcg(n, 22, (u, i) => (i < 10 ? 0 : Math.floor(u * 5)));
    const wf = lcg(n, 23, (u) => Math.floor(u * 64) / 8);
    const a = memmap(file('wx.f8', x), { dtype: 'float64', mode: 'r' });
    const w1 = memmap(file('wi.i2', Int16Array.from(wi)), { dtype: 'int16', mode: 'r' });
    const w2 = memmap(file('wf.f8', wf), { dtype: 'float64', mode: 'r' });
    const qs = [0, 0.1, 0.5, 0.77, 1];
    for (const [w, wv] of [[w1, wi], [w2, wf]] as const) {
      const got = (await dist.nanquantile(a, qs, { method: 'inverted_cdf', weights: w })) as { data: Float64Array };
      const want = weighted(x, wv, qs, true);
      qs.forEach((q, i) => expect(got.data[i], `q=${q}`).toBe(want[i]));
      expect(await dist.quantile(a, 0.5, { method: 'inverted_cdf', weights: w })).toBeNaN();
    }
    // two outputs of 1.3 M / 2 values each along axis 1 (each output longer than the gathered ones)
    const n2 = 2 * 1_100_000;
    const y = lcg(n2, 31, (u) => Math.floor(u * 1e6) / 16);
    const wy = lcg(n2, 32, (u) => Math.floor(u * 3));
    const b = memmap(file('wy.f8', y), { dtype: 'float64', mode: 'r', shape: [2, n2 / 2] });
    const wb = memmap(file('wy.w', wy), { dtype: 'float64', mode: 'r', shape: [2, n2 / 2] });
    const got = (await dist.quantile(b, [0.25, 0.9], { axis: 1, method: 'inverted_cdf', weights: wb })) as { data: Float64Array; shape: number[] };
    expect(got.shape).toEqual([2, 2]);
    [0, 1].forEach((o) => {
      const s = o * (n2 / 2), e = s + n2 / 2;
      const want = weighted(y.subarray(s, e), wy.subarray(s, e), [0.25, 0.9], false);
      [0.25, 0.9].forEach((q, qi) => expect(got.data[qi * 2 + o], `q=${q} row ${o}`).toBe(want[qi]));
    });
  });
});
