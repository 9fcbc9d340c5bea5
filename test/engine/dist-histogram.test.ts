// histogram and bincount against numpy (dist/cases.json `histogram`, made by make_dist_fixtures.py):
// equal-width bins over a given or found range, values exactly on edges, given edges (repeated ones
// too), density, weights, every dtype, numpy's errors; then thread counts and many blocks agree.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type MemMap } from '../../dist/src/index.js';
import { bincount, histogram } from '../../dist/src/engine/stats/histogram.js';
import { FIXTURES, manifest, parseValue, tempDir } from '../helpers.js';

interface HCase {
  data: string; fn: 'histogram' | 'bincount'; kwargs: Record<string, unknown>;
  dtype?: string; values?: string[]; edges?: string[]; edges_dtype?: string; error?: string;
}
const m = manifest<{ files: Record<string, { dtype: string; shape: number[] }>; histogram: HCase[] }>('dist');

function open(name: string): MemMap {
  const f = m.files[name];
  if (f.shape.includes(0)) return open(`${f.dtype}_small`).slice(0, '0:0');
  return memmap(join(FIXTURES, 'dist', `${name}.bin`), { dtype: f.dtype, mode: 'r', shape: f.shape });
}

function codeOf(error: string): string {
  if (error.startsWith('TypeError')) return 'ERR_NDMMAP_DTYPE';
  if (error.startsWith('MemoryError')) return 'ERR_OUT_OF_RANGE';
  if (error.includes('same shape')) return 'ERR_NDMMAP_SHAPE';
  return 'ERR_INVALID_ARG_VALUE';
}

const same = (got: number | bigint, want: number | bigint | boolean): boolean => Object.is(got, want) || (typeof want === 'bigint' && BigInt(got) === want);

describe('histogram and bincount match numpy (dist/cases.json)', () => {
  it('has cases', () => expect(m.histogram.length).toBeGreaterThan(500));
  const groups = new Map<string, HCase[]>();
  for (const c of m.histogram) { const k = `${c.fn} ${c.data}`; groups.set(k, [...(groups.get(k) ?? []), c]); }
  it.each([...groups.keys()])('%s', async (key) => {
    for (const c of groups.get(key)!) {
      const a = open(c.data);
      const kw: Record<string, unknown> = { ...c.kwargs };
      if (typeof kw.weights === 'string') kw.weights = open(kw.weights);
      const label = `${c.fn}(${c.data}, ${JSON.stringify(c.kwargs)})`;
      const call = c.fn === 'histogram' ? histogram(a, kw) : bincount(a, kw);
      if (c.error !== undefined) {
        await expect(call, label).rejects.toMatchObject({ code: codeOf(c.error) });
        if (!c.error.startsWith('MemoryError')) await expect(call, label).rejects.toThrow(c.error.replace(/^\w+: /, ''));
        continue;
      }
      const r = await call;
      const counts = c.fn === 'histogram' ? (r as { counts: BigInt64Array | Float64Array }).counts : (r as BigInt64Array | Float64Array);
      expect(counts instanceof BigInt64Array ? 'int64' : 'float64', label).toBe(c.dtype);
      const want = c.values!.map((s) => parseValue(s, c.dtype === 'int64' ? '<i8' : '<f8'));
      expect(counts.length, label).toBe(want.length);
      counts.forEach((v: number | bigint, i: number) => expect(same(v, want[i]), `${label} count[${i}] ${v} vs ${String(want[i])}`).toBe(true));
      if (c.fn === 'histogram') {
        const h = r as { edges: Float64Array; edgesDtype: string };
        expect(h.edgesDtype, label).toBe(c.edges_dtype);
        c.edges!.forEach((s, i) => expect(Object.is(h.edges[i], Number(s)), `${label} edge[${i}] ${h.edges[i]} vs ${s}`).toBe(true));
      }
    }
  });
});

describe('many blocks, any thread count', () => {
  const t = tempDir('ndmmap-test-', { memory: true });
  afterAll(() => t.remove());
  it('counts of a 24 MiB file agree for 1 and 2 threads, with a found and a given range, and equal a JS count', async () => {
    const n = 3_000_000;
    const x = new Float64Array(n);
    let s = 7;
    for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; x[i] = (s / 2147483647) * 4 - 1; }
    const f = t.file('h.f8');
    writeFileSync(f, Buffer.from(x.buffer));
    const a = memmap(f, { dtype: 'float64', mode: 'r' });
    const h1 = await histogram(a, { bins: 100, range: [0, 2], threads: 1 });
    const h2 = await histogram(a, { bins: 100, range: [0, 2], threads: 2 });
    expect(Array.from(h2.counts)).toEqual(Array.from(h1.counts));
    const ref = new Array<number>(100).fill(0);
    for (const v of x) if (v >= 0 && v <= 2) ref[Math.min(99, Math.floor(v / 0.02 + 1e-12) - (v < h1.edges[Math.min(99, Math.floor(v / 0.02))] ? 1 : 0))]++;
    expect(Array.from(h1.counts, Number).reduce((p, v) => p + v, 0)).toBe(ref.reduce((p, v) => p + v, 0));
    const auto = await histogram(a, { bins: 10 });
    expect(Array.from(auto.counts, Number).reduce((p, v) => p + v, 0)).toBe(n);
    let lo = Infinity, hi = -Infinity;
    for (const v of x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect([auto.edges[0], auto.edges[10]]).toEqual([lo, hi]);
    const w = await histogram(a, { bins: 10, weights: a, threads: 2 });
    const w1 = await histogram(a, { bins: 10, weights: a, threads: 1 });
    expect(Array.from(w.counts)).toEqual(Array.from(w1.counts));
  });
});

describe('bad input fails before any worker runs', () => {
  const a = open('float64_small');
  it.each([
    [() => histogram(a, { bins: 0 }), 'ERR_INVALID_ARG_VALUE', '`bins` must be positive'],
    [() => histogram(a, { bins: 2.5 }), 'ERR_INVALID_ARG_TYPE', '`bins` must be an integer'],
    [() => histogram(a, { range: [1, 0] }), 'ERR_INVALID_ARG_VALUE', 'max must be larger than min'],
    [() => histogram(a, { range: [0, Infinity] }), 'ERR_INVALID_ARG_VALUE', 'supplied range of [0, Infinity] is not finite'],
    [() => histogram(a, { weights: open('float64_rnd') }), 'ERR_NDMMAP_SHAPE', 'weights should have the same shape as a.'],
    [() => histogram(a, { bogus: 1 } as object), 'ERR_INVALID_ARG_VALUE', "unexpected keyword argument 'bogus'"],
    [() => bincount(a), 'ERR_INVALID_ARG_VALUE', 'object too deep for desired array'],
    [() => bincount(open('float64_onedges')), 'ERR_NDMMAP_DTYPE', "Cannot cast array data from dtype('float64')"],
    [() => bincount(open('int8_labels'), { minlength: -1 }), 'ERR_INVALID_ARG_VALUE', "'minlength' must not be negative"],
  ])('%#', async (fn, code, msg) => {
    await expect(fn()).rejects.toMatchObject({ code });
    await expect(fn()).rejects.toThrow(msg);
  });
});

describe('expressions and views', () => {
  const t = tempDir('ndmmap-test-', { memory: true });
  afterAll(() => t.remove());
  it('histogram and quantiles of an expression equal those of a file holding its values; views work', async () => {
    const { quantile, median } = await import('../../dist/src/engine/stats/quantile.js');
    const n = 700_001;
    const x = new Float64Array(n);
    let s = 3;
    for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; x[i] = s / 2147483647 - 0.3; }
    const f = t.file('x.f8'), g = t.file('y.f8');
    writeFileSync(f, Buffer.from(x.buffer));
    writeFileSync(g, Buffer.from(Float64Array.from(x, (v) => Math.abs(v) * 2).buffer));
    const a = memmap(f, { dtype: 'float64', mode: 'r' });
    const b = memmap(g, { dtype: 'float64', mode: 'r' });
    const he = await histogram(a, { bins: 17, expr: 'abs(x) * 2' });
    const hb = await histogram(b, { bins: 17 });
    expect(Array.from(he.counts)).toEqual(Array.from(hb.counts));
    expect(Array.from(he.edges)).toEqual(Array.from(hb.edges));
    const qe = (await quantile(a, [0.1, 0.5, 0.93], { expr: 'abs(x) * 2', method: 'weibull' })) as { data: Float64Array };
    const qb = (await quantile(b, [0.1, 0.5, 0.93], { method: 'weibull' })) as { data: Float64Array };
    expect(Array.from(qe.data)).toEqual(Array.from(qb.data));
    // a flipped, strided view against the same values copied out
    const v = a.slice('::-3');
    const copy = Float64Array.from({ length: v.size }, (_, i) => x[n - 1 - 3 * i]);
    const h = t.file('v.f8');
    writeFileSync(h, Buffer.from(copy.buffer));
    const c = memmap(h, { dtype: 'float64', mode: 'r' });
    expect(await median(v)).toBe(await median(c));
    expect(Array.from((await histogram(v, { bins: 9, range: [-0.2, 0.6] })).counts)).toEqual(Array.from((await histogram(c, { bins: 9, range: [-0.2, 0.6] })).counts));
  });
});
