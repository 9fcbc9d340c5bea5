// Record (structured) dtypes: numpy's headers, str(dtype), fields, a.field() views on every surface,
// get/set of records, numpy's refusals (fixtures from test/fixtures/make_record_fixtures.py).
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as nd from '../dist/src/index.js';
import { type MemMap, dtype, memmap, openNpy } from '../dist/src/index.js';
import { formatNpyHeader } from '../dist/src/npy-header.js';
import { FIXTURES, caught, manifest, tempDir } from './helpers.js';
import { same } from './record-helpers.js';

interface Leaf { shape: number[]; strides: number[]; dtype: string; values: string[]; reduce: Record<string, string>; flipped: string[] | null }
interface RecordCase {
  str: string; itemsize: number; shape: number[]; names: string[]; fields: Record<string, [string, number]>;
  fortran: boolean; first: unknown; leaves: Record<string, Leaf>;
}
const E = manifest<{ records: Record<string, RecordCase>; errors: Record<string, string>; headers: Record<string, string> }>('record', 'expected.json');
const DIR = join(FIXTURES, 'record');

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

/** A plain JS value compared with the fixture's nested strings. */
function sameTree(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'string') return same(actual, expected);
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => sameTree(actual[i], x));
  const e = expected as Record<string, unknown>;
  return typeof actual === 'object' && actual !== null && Object.keys(e).join() === Object.keys(actual).join() &&
    Object.keys(e).every((k) => sameTree((actual as Record<string, unknown>)[k], e[k]));
}

/** A private copy of a fixture file, opened read-write. */
function open(name: string, mode: 'r' | 'r+' = 'r'): MemMap {
  const f = tmp.file(`${name}.npy`);
  fs.copyFileSync(join(DIR, `${name}.npy`), f);
  return openNpy(f, { mode });
}

const leaf = (a: MemMap, path: string): MemMap => path.split('.').reduce((m, p) => m.field(p), a);
const values = (m: MemMap): unknown[] => [m.toArray()].flat(Infinity as 1);

describe('record .npy files as numpy writes them', () => {
  for (const [name, c] of Object.entries(E.records)) {
    it(`${name}: dtype, str, fields, shape, first record`, () => {
      const a = open(name);
      expect(String(a.dtype)).toBe(c.str);
      expect(a.itemsize).toBe(c.itemsize);
      expect(a.shape).toEqual(c.shape);
      expect(a.dtype.names).toEqual(c.names);
      expect(Object.fromEntries(Object.entries(a.dtype.fields!).map(([n, [d, o]]) => [n, [String(d), o]]))).toEqual(c.fields);
      expect(a.order).toBe(c.fortran ? 'F' : 'C');
      if (c.first !== null) expect(sameTree(a.get(...a.shape.map(() => 0)), c.first)).toBe(true);
    });

    it(`${name}: header written byte for byte as np.save`, () => {
      const a = open(name);
      const h = Buffer.from(formatNpyHeader(a.dtype, a.shape, c.fortran)).toString('latin1');
      expect(h.slice(10)).toBe(E.headers[name]);
    });

    for (const [path, l] of Object.entries(c.leaves)) {
      it(`${name}.field(${path}): view, values, reductions`, async () => {
        const a = open(name);
        const v = leaf(a, path);
        expect(v.shape).toEqual(l.shape);
        if (v.size > 0) expect(v.strides).toEqual(l.strides);
        expect(String(v.dtype)).toBe(l.dtype);
        const got = values(v);
        expect(got.length).toBe(l.values.length);
        got.forEach((x, i) => expect(same(x, l.values[i]), `${i}: ${String(x)} vs ${l.values[i]}`).toBe(true));
        for (const [r, want] of Object.entries(l.reduce)) {
          const res = await (v as unknown as Record<string, () => Promise<unknown>>)[r]();
          expect(same(typeof res === 'number' && /^(arg)/.test(r) ? BigInt(res) : res, want), `${r}: ${String(res)} vs ${want}`).toBe(true);
        }
        if (l.flipped !== null) {
          const f = values(leaf(a.slice('::-1'), path));
          f.forEach((x, i) => expect(same(x, l.flipped![i])).toBe(true));
        }
      });
    }
  }
});

describe('numpy refusals', () => {
  it('reductions of a record array raise numpy\'s errors', async () => {
    const a = open('packed');
    for (const r of ['sum', 'min', 'argmax', 'prod'] as const) {
      const e = await a[r]().then(() => ({ code: 'none', message: '' }), (x: { code: string; message: string }) => x);
      expect(e.code).toBe('ERR_NDMMAP_DTYPE');
      expect(e.message.startsWith(E.errors[r])).toBe(true);
      expect(e.message).toMatch(/a\.field\('t'\)/);
    }
  });

  it('a bad field name is numpy\'s `no field of name x`', () => {
    const a = open('packed');
    const e = caught(() => a.field('x'));
    expect(e.code).toBe('ERR_NDMMAP_INDEX');
    expect(e.message).toBe(E.errors.field);
    expect(caught(() => a.field('t').field('t')).message).toMatch(/^no field of name t/);
  });

  it('other surfaces refuse a record array naming a.field()', async () => {
    const a = open('packed');
    for (const f of [() => a.apply('x + 1'), () => nd.quantile(a, 0.5), () => nd.take(a, [0]), () => nd.astype(a, 'float64'), () => a.dot([1])]) {
      const e = await Promise.resolve().then(f).then(() => ({ code: 'none', message: '' }), (x: { code: string; message: string }) => x);
      expect(e.code).toBe('ERR_NDMMAP_DTYPE');
      expect(e.message).toMatch(/a\.field\('t'\)/);
    }
  });

  it('bad record dtypes: numpy\'s messages, before any file is created', () => {
    const f = tmp.file('never.bin');
    const bad: [unknown, RegExp][] = [
      [[['t', '<f8'], ['t', '<i2']], /^field 't' occurs more than once$/],
      [[['t', '<x8']], /^data type '<x8' not understood$/],
      [[['t']], /^Field elements must be 2- or 3-tuples/],
      [[[1, '<f8']], /^First element of field tuple is neither a tuple nor str$/],
      [[['t', '<f8', [-1]]], /dimension smaller then zero/],
      [{ names: ['a', 'b'], formats: ['<i4'] }, /must have the same length/],
      [{ names: ['a', 'b'], formats: ['<i4', '<f8'], offsets: [0, 8], itemsize: 10 }, /requires 16 bytes, cannot override to smaller itemsize of 10/],
    ];
    for (const [spec, re] of bad) {
      const e = caught(() => memmap(f, { dtype: spec as never, mode: 'w+', shape: [2] }));
      expect(e.code).toBe('ERR_NDMMAP_DTYPE');
      expect(e.message).toMatch(re);
      expect(fs.existsSync(f)).toBe(false);
    }
  });
});

describe('record dtypes in memmap({ dtype })', () => {
  it('a field name a header cannot hold as numpy writes it is refused before the file exists', () => {
    for (const name of ["it's", 'naïve', 'a\\b']) {
      const f = tmp.file('bad.npy');
      const e = caught(() => nd.createNpy(f, { dtype: [[name, '<f8']], shape: [2] }));
      expect(e.code).toBe('ERR_NDMMAP_DTYPE');
      expect(e.message).toMatch(/cannot be written to a \.npy header/);
      expect(fs.existsSync(f)).toBe(false);
    }
  });

  it('list form, dict form, align: numpy\'s layout and str', () => {
    expect(String(dtype([['t', '<f8'], ['v', '<i2']]))).toBe("[('t', '<f8'), ('v', '<i2')]");
    const al = dtype({ names: ['a', 'b', 'c'], formats: ['i1', '<f8', '<i2'], aligned: true });
    expect(al.itemsize).toBe(24);
    expect(Object.values(al.fields!).map(([, o]) => o)).toEqual([0, 8, 16]);
    expect(String(al)).toBe("{'names': ['a', 'b', 'c'], 'formats': ['i1', '<f8', '<i2'], 'offsets': [0, 8, 16], 'itemsize': 24, 'aligned': True}");
    const sub = dtype([['p', '<f4', [3]], ['n', [['x', '>f8'], ['y', '?']]]]);
    expect(String(sub)).toBe("[('p', '<f4', (3,)), ('n', [('x', '>f8'), ('y', '?')])]");
    expect(sub.itemsize).toBe(21);
  });

  it('set() of records from objects and arrays, read back with get(); field writes go to the file', () => {
    const f = tmp.file('rec.bin');
    const a = memmap(f, { dtype: [['t', '<f8'], ['v', '>i2'], ['p', '<f2', [2]]], mode: 'w+', shape: [3] });
    a.set(0, { t: 1.5, v: -2, p: [0.5, 65504] });
    a.set(1, [2.5, 7, [1, 2]]);
    a.set(2, 3);
    expect(a.toArray()).toEqual([{ t: 1.5, v: -2, p: [0.5, 65504] }, { t: 2.5, v: 7, p: [1, 2] }, { t: 3, v: 3, p: [3, 3] }]);
    expect(caught(() => a.set(0, { t: 1, v: 70000, p: [0, 0] })).message).toBe('Python integer 70000 out of bounds for int16');
    expect(caught(() => a.set(0, [1])).message).toBe('could not assign tuple of length 1 to structure with 3 fields.');
    expect(caught(() => a.set(0, { t: 1, v: 1 })).message).toMatch(/missing 'p'/);
    expect(a.get(0)).toEqual({ t: 1.5, v: -2, p: [0.5, 65504] });
    a.field('v').set(1, 9);
    a.flush();
    const raw = fs.readFileSync(f);
    expect(raw.length).toBe(42);
    expect(raw.readInt16BE(14 + 8)).toBe(9);
    expect(raw.readDoubleLE(14)).toBe(2.5);
  });
});

describe('field views on every surface', () => {
  it('apply as x and as out (in place into a field), fill, copy, take, astype, quantile, dot, search, saveNpy', async () => {
    const a = open('packed', 'r+');
    const t = a.field('t');
    const v = a.field('v');
    await v.apply('x // 2');
    expect(v.toArray()).toEqual([0, -16384, 16383, -4, 0]);
    expect(a.field('t').toArray()).toEqual([1.5, -0, Infinity, -2.25, 1e300]);
    const out = memmap(tmp.file('o.f8'), { dtype: 'float64', mode: 'w+', shape: [5] });
    await v.apply('x * 1.5', { out });
    expect(out.toArray()).toEqual([0, -24576, 24574.5, -6, 0]);
    await t.fill(0.25);
    expect(a.toArray()).toEqual([0, -16384, 16383, -4, 0].map((x) => ({ t: 0.25, v: x })));
    expect(await nd.take(v, [4, 0, -2])).toMatchObject({ shape: [3], data: Int16Array.from([0, 0, -4]) });
    expect(await nd.astype(v, 'float32')).toMatchObject({ data: Float32Array.from([0, -16384, 16383, -4, 0]) });
    expect(await nd.median(v)).toBe(0);
    expect(await nd.quantile(v, 1)).toBe(16383);
    expect(await v.dot([1, 1, 1, 1, 1])).toBe(-5n);
    const saved = await nd.saveNpy(tmp.file('v.npy'), v);
    expect(openNpy(saved).toArray()).toEqual([0, -16384, 16383, -4, 0]);
    expect(String(openNpy(saved).dtype)).toBe('int16');
  });

  it('sub-array and nested fields: axis reductions, search, copy to F order, flipped views', async () => {
    const a = open('nested');
    const p = a.field('p');
    expect(p.shape).toEqual([2, 3, 3]);
    const s = await p.sum({ axis: 2 }) as nd.NDResult;
    expect([...s.data as Float32Array]).toEqual([1.5, 6, 10.5, 15, 19.5, 24]);
    const m = await a.slice('::-1', '::-2').field('n').field('x').max({ axis: 0 }) as nd.NDResult;
    // a['n']['x'] is [[1.5, -2, 3], [4, 65504, -0]]; [::-1, ::-2] is [[-0, 4], [3, 1.5]]
    expect([...m.data as Float64Array]).toEqual([3, 4]);
    const found = await p.slice(0).search([[1, 1, 1]], { k: 1 });
    expect(Number((found.indices.data as BigInt64Array)[0])).toBe(2);
    const f = memmap(tmp.file('pf.f4'), { dtype: 'float32', mode: 'w+', shape: [2, 3, 3], order: 'F' });
    await nd.copy(p, { out: f });
    expect(f.toArray()).toEqual(p.toArray());
  });

  it('empty and 1-element record arrays; big-endian fields', async () => {
    const e = open('empty');
    expect(e.field('t').shape).toEqual([0]);
    expect(await e.field('t').sum()).toBe(0);
    const o = open('one');
    expect(o.get(0)).toEqual({ t: -4.5, v: 9 });
    expect(await o.field('t').min()).toBe(-4.5);
    expect(await o.field('v').sum()).toBe(9n);
  });
});

describe('saveNpy of records, datetimes and complex (bytes copied natively, any layout)', () => {
  for (const name of ['packed', 'aligned', 'offsets', 'nested', 'fortran', 'empty', 'one', 'M8_ns_nat', 'm8_ms_nat_be', 'c8', 'c16_be']) {
    it(`${name}: np.save's bytes; a flipped view saves its records reversed`, async () => {
      const a = open(name);
      const out = await nd.saveNpy(tmp.file(`s-${name}.npy`), a);
      expect(fs.readFileSync(out).equals(fs.readFileSync(join(DIR, `${name}.npy`)))).toBe(true);
      if (a.ndim === 1 && a.shape[0] > 1) {
        const f = openNpy(await nd.saveNpy(tmp.file(`f-${name}.npy`), a.slice('::-1')));
        expect(String(f.dtype)).toBe(String(a.dtype));
        expect(f.toArray()).toEqual((a.toArray() as unknown[]).reverse());
      }
    });
  }
});

describe('apply from one field into another of the same records', () => {
  it('fields share no byte: runs in place, as numpy a["v"] = a["t"] * 10 (1-D, F order, flipped)', async () => {
    const a = open('packed', 'r+');
    await a.field('v').apply('x * 0 + 1');
    await a.field('t').slice('0:2').apply('x', { out: a.field('v').slice('0:2') });
    expect(a.field('v').toArray()).toEqual([1, 0, 1, 1, 1]);
    const f = open('fortran', 'r+');
    await f.field('t').apply('x * 4', { out: f.field('v') });
    expect(f.field('v').toArray()).toEqual([[0, 5, 10, 15], [20, 25, 30, 35], [40, 45, 50, 55]]);
    await f.slice('::-1', '::-1').field('v').apply('x + 1', { out: f.field('t').slice('::-1', '::-1') });
    expect(f.field('t').get(2, 3)).toBe(56);
  });

  it('fields that share bytes are still refused', async () => {
    const f = tmp.file('ov.bin');
    const a = memmap(f, { dtype: { names: ['a', 'b'], formats: ['<i4', '<i4'], offsets: [0, 2], itemsize: 8 }, mode: 'w+', shape: [4] });
    const e = await a.field('a').apply('x', { out: a.field('b') }).then(() => ({ code: 'none' }), (x: { code: string }) => x);
    expect(e.code).toBe('ERR_NDMMAP_OVERLAP');
  });
});

describe('printing', () => {
  it('util.inspect shows records as tuples, datetimes as counts; typedArray names the field', async () => {
    const { inspect } = await import('node:util');
    const a = open('packed');
    expect(inspect(a)).toMatch(/^memmap\(\[\(1\.5, 1\), \(0, -32768\), \(Infinity, 32767\), \(-2\.25, -7\), \(1e\+300, 0\)\], dtype=\[\('t', '<f8'\), \('v', '<i2'\)\], shape=\(5,\)/);
    expect(inspect(open('M8_ns_nat'))).toMatch(/^memmap\(\[5, -3, -9223372036854775808, 7\], dtype='datetime64\[ns\]'/);
    expect(inspect(a.dtype)).toBe("dtype([('t', '<f8'), ('v', '<i2')])");
    expect(caught(() => a.typedArray()).message).toMatch(/a\.field\('t'\)/);
    expect(a.field('t').slice(0).toArray()).toBe(1.5);
  });
});
