// The second round against numpy (dist/more.json, made by make_dist_fixtures.py): the sign of zero
// quantiles, q of any shape, out=, empty and all-NaN inputs, weighted quantiles (inverted_cdf),
// histogram counts in the weights' dtype (numpy's 65,536-element blocks), bool weights, bincount of
// empty input, the string bin estimators and histogramBinEdges. Arrays too large for a fixture are
// rebuilt from the generator the script used (Park-Miller's LCG, exact in doubles).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type MemMap } from '../../dist/src/index.js';
import * as dist from '../../dist/src/engine/stats/quantile.js';
import { bincount, histogram, histogramBinEdges } from '../../dist/src/engine/stats/histogram.js';
import { FIXTURES, flat, manifest, parseValue, tempDir } from '../helpers.js';

interface FileSpec { dtype: string; shape: number[]; base?: string; slice?: (string | number)[]; gen?: string }
interface Gen { seed: number; n: number; dtype: string; scale: number; offset: number }
interface QCase {
  data: string; fn: string; q: unknown; kwargs: Record<string, unknown>; out?: string;
  dtype?: string; shape?: number[]; values?: string[]; anyzero?: number[]; error?: string;
}
interface HCase { data: string; fn: string; kwargs: Record<string, unknown>; dtype?: string; values?: string[]; edges?: string[]; edges_dtype?: string; error?: string }
const m = manifest<{ files: Record<string, FileSpec>; gens: Record<string, Gen>; quantile: QCase[]; histogram: HCase[] }>('dist', 'more.json');

const STR: Record<string, string> = {
  bool: '|b1', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8',
  float16: '<f2', float32: '<f4', float64: '<f8',
};

const t = tempDir('ndmmap-test-', { memory: true });
afterAll(() => t.remove());

/** The generator's values, cast as numpy's astype does for the dtypes the script uses. */
function generate(g: Gen): ArrayBufferView {
  let s = g.seed;
  const u = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) { s = (s * 16807) % 2147483647; u[i] = (s / 2147483647) * g.scale + g.offset; }
  const ints = ['bool', 'int8', 'uint8', 'int16', 'int64'].includes(g.dtype);
  const v = ints ? u.map(Math.floor) : u;
  switch (g.dtype) {
    case 'float64': return v;
    case 'float32': return Float32Array.from(v);
    case 'float16': { // multiples of 1/64 below 2^11/64: exact in float16
      const h = new Uint16Array(g.n);
      const f = new Float32Array(1), b = new Uint32Array(f.buffer);
      v.forEach((x, i) => { f[0] = x; const e = ((b[0] >>> 23) & 0xff) - 127 + 15; const sign = (b[0] >>> 16) & 0x8000;
        h[i] = x === 0 ? sign : sign | (e << 10) | ((b[0] >>> 13) & 0x3ff); });
      return h;
    }
    case 'int64': return BigInt64Array.from(v, (x) => BigInt(x));
    case 'uint8': return Uint8Array.from(v);
    case 'int8': return Int8Array.from(v);
    case 'int16': return Int16Array.from(v);
    case 'bool': return Uint8Array.from(v, (x) => (x !== 0 ? 1 : 0));
    default: throw new Error(`no generator for ${g.dtype}`);
  }
}

const opened = new Map<string, MemMap>();
function open(name: string): MemMap {
  const had = opened.get(name);
  if (had !== undefined) return had;
  const f = m.files[name];
  let a: MemMap;
  if (f.base !== undefined) a = open(f.base).slice(...f.slice!);
  else if (f.shape.includes(0)) a = memmap(join(FIXTURES, 'dist', `${f.dtype}_small.bin`), { dtype: f.dtype, mode: 'r', shape: [5, 7] }).slice('0:0', 0);
  else if (f.gen !== undefined) {
    const path = t.file(`${name}.bin`);
    const v = generate(m.gens[f.gen]);
    writeFileSync(path, Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    a = memmap(path, { dtype: f.dtype, mode: 'r', shape: f.shape });
  } else a = memmap(join(FIXTURES, 'dist', `${name}.bin`), { dtype: f.dtype, mode: 'r', shape: f.shape });
  expect(a.shape).toEqual(f.shape);
  opened.set(name, a);
  return a;
}

let outs = 0;
function outArray(dtype: string, shape: number[]): MemMap {
  return memmap(t.file(`out${outs++}.bin`), { dtype, mode: 'w+', shape });
}

const FN: Record<string, (a: MemMap, q: unknown, o: object) => Promise<unknown>> = {
  quantile: (a, q, o) => dist.quantile(a, q as number, o),
  nanquantile: (a, q, o) => dist.nanquantile(a, q as number, o),
  percentile: (a, q, o) => dist.percentile(a, q as number, o),
  nanpercentile: (a, q, o) => dist.nanpercentile(a, q as number, o),
  median: (a, _q, o) => dist.median(a, o),
  nanmedian: (a, _q, o) => dist.nanmedian(a, o),
};

/** numpy's exception → ndmmap's code. */
function codeOf(error: string): string {
  if (error.startsWith('IndexError')) return 'ERR_NDMMAP_EMPTY';
  if (error.includes('Automated estimation')) return 'ERR_INVALID_ARG_VALUE';
  if (error.includes('Axis must be specified') || error.includes('shape')) return 'ERR_NDMMAP_SHAPE';
  if (error.startsWith('TypeError') || error.startsWith('UFuncTypeError')) return 'ERR_NDMMAP_DTYPE';
  if (error.includes('must be in the range')) return 'ERR_OUT_OF_RANGE';
  return 'ERR_INVALID_ARG_VALUE';
}

function values(r: unknown): { dtype: string; shape: number[]; values: unknown[] } {
  if (r !== null && typeof r === 'object' && 'mapping' in (r as object)) {
    const o = r as MemMap;
    return { dtype: o.dtype.name, shape: [...o.shape], values: flat(o.toArray()) };
  }
  if (r !== null && typeof r === 'object' && 'data' in (r as object)) {
    const x = r as { dtype: string; shape: number[]; data: ArrayLike<unknown> };
    return { dtype: x.dtype, shape: x.shape, values: Array.from(x.data) };
  }
  return { dtype: '', shape: [], values: [r] };
}

function sameValue(got: unknown, want: number | bigint | boolean): boolean {
  const g = typeof want === 'boolean' ? Boolean(got) : got;
  return Object.is(g, want) || (typeof want === 'bigint' && (typeof g === 'bigint' || typeof g === 'number') && BigInt(g) === want);
}

describe('quantiles match numpy (dist/more.json)', () => {
  const groups = new Map<string, QCase[]>();
  for (const c of m.quantile) {
    const k = `${c.fn} ${c.data}${c.out ? ' out' : ''}${c.kwargs.weights ? ' weights' : ''}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  it.each([...groups.keys()])('%s', async (key) => {
    for (const c of groups.get(key)!) {
      const a = open(c.data);
      const kw: Record<string, unknown> = { ...c.kwargs };
      if (typeof kw.weights === 'string') kw.weights = open(kw.weights);
      const label = `${c.fn}(${c.data}, ${JSON.stringify(c.q)}, ${JSON.stringify(c.kwargs)}${c.out ? `, out=${c.out}` : ''})`;
      if (c.out !== undefined && c.error === undefined) kw.out = outArray(c.out, c.shape!);
      if (c.out !== undefined && c.error !== undefined) {
        // numpy's result shape, from the call without out=
        const plain = values(await FN[c.fn](a, c.q, { ...kw }));
        kw.out = outArray(c.out, plain.shape);
      }
      const call = FN[c.fn](a, c.q, kw);
      if (c.error !== undefined) {
        await expect(call, label).rejects.toMatchObject({ code: codeOf(c.error) });
        if (!c.error.startsWith('IndexError')) await expect(call, label).rejects.toThrow(c.error.replace(/^\w+: /, ''));
        continue;
      }
      const got = values(await call);
      if (c.out !== undefined) expect(got.dtype, `${label}: returns out`).toBe(c.out);
      // a scalar result is a number (its dtype shows in its value); arrays carry theirs
      if (got.dtype !== '') {
        expect(got.dtype, label).toBe(c.dtype);
        expect(got.shape, label).toEqual(c.shape);
      } else expect(c.shape, label).toEqual([]);
      const want = c.values!.map((s) => parseValue(s, STR[c.dtype!]));
      expect(got.values.length, label).toBe(want.length);
      const either = new Set(c.anyzero ?? []);
      got.values.forEach((v, i) => {
        if (either.has(i) && v === 0) return; // numpy's partition picks either of tied ±0 here
        expect(sameValue(v, want[i]), `${label} [${i}]: ${String(v)} vs ${String(want[i])}`).toBe(true);
      });
    }
  });
});

describe('histograms and bins match numpy (dist/more.json)', () => {
  const groups = new Map<string, HCase[]>();
  for (const c of m.histogram) { const k = `${c.fn} ${c.data}`; groups.set(k, [...(groups.get(k) ?? []), c]); }
  it.each([...groups.keys()])('%s', async (key) => {
    for (const c of groups.get(key)!) {
      const a = open(c.data);
      const kw: Record<string, unknown> = { ...c.kwargs };
      if (typeof kw.weights === 'string') kw.weights = open(kw.weights);
      const label = `${c.fn}(${c.data}, ${JSON.stringify(c.kwargs)})`;
      const call = c.fn === 'histogram' ? histogram(a, kw) : c.fn === 'bincount' ? bincount(a, kw) : histogramBinEdges(a, kw);
      if (c.error !== undefined) {
        await expect(call, label).rejects.toMatchObject({ code: codeOf(c.error) });
        await expect(call, label).rejects.toThrow(c.error.replace(/^\w+: /, ''));
        continue;
      }
      const r = await call;
      if (c.fn === 'histogram_bin_edges') {
        const e = r as { edges: Float64Array; edgesDtype: string };
        expect(e.edgesDtype, label).toBe(c.dtype);
        expect(e.edges.length, label).toBe(c.values!.length);
        c.values!.forEach((s, i) => expect(Object.is(e.edges[i], Number(s)), `${label} edge[${i}] ${e.edges[i]} vs ${s}`).toBe(true));
        continue;
      }
      const h = c.fn === 'histogram' ? (r as { counts: ArrayLike<number | bigint>; countsDtype: string }) : { counts: r as ArrayLike<number | bigint>, countsDtype: (r as { dtype?: string }).dtype };
      const counts = c.fn === 'histogram' ? h.counts : (r as ArrayLike<number | bigint>);
      if (c.fn === 'histogram') expect(h.countsDtype, label).toBe(c.dtype);
      else expect(counts instanceof BigInt64Array ? 'int64' : 'float64', label).toBe(c.dtype);
      const want = c.values!.map((s) => parseValue(s, STR[c.dtype!]));
      expect(counts.length, label).toBe(want.length);
      Array.from(counts).forEach((v, i) => expect(sameValue(v, want[i]), `${label} count[${i}] ${String(v)} vs ${String(want[i])}`).toBe(true));
      if (c.fn === 'histogram') {
        const e = r as { edges: Float64Array; edgesDtype: string };
        expect(e.edgesDtype, label).toBe(c.edges_dtype);
        c.edges!.forEach((s, i) => expect(Object.is(e.edges[i], Number(s)), `${label} edge[${i}] ${e.edges[i]} vs ${s}`).toBe(true));
      }
    }
  });
});
