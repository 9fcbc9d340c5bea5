// a.view(dtype) as numpy's ndarray.view, datetime64/timedelta64 (NaT, units, min/max/argmin/argmax/
// ptp) and complex64/128 (view as float pairs, everything else refused naming it). Fixtures from
// test/fixtures/make_record_fixtures.py.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as nd from '../dist/src/index.js';
import { type MemMap, dtype, memmap, openNpy } from '../dist/src/index.js';
import { FIXTURES, caught, manifest, tempDir } from './helpers.js';
import { same } from './record-helpers.js';

interface View { shape: number[]; strides: number[]; values: unknown[] }
interface Times { str: string; ints: string[]; [r: string]: unknown }
const E = manifest<{
  errors: Record<string, string>; views: Record<string, View>; times: Record<string, Times>;
  complex: Record<string, { str: string; floats: string[]; shape: number[] }>;
}>('record', 'expected.json');
const DIR = join(FIXTURES, 'record');

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

function open(name: string): MemMap {
  const f = tmp.file(`${name}.npy`);
  fs.copyFileSync(join(DIR, `${name}.npy`), f);
  return openNpy(f, { mode: 'r' });
}
const flatValues = (m: MemMap): unknown[] => [m.toArray()].flat(Infinity as 1);
const rejection = (p: Promise<unknown>): Promise<{ code?: string; message: string }> =>
  p.then(() => ({ code: 'none', message: '' }), (e: { code?: string; message: string }) => e);

describe('a.view(dtype) is numpy\'s ndarray.view', () => {
  const cases: [string, (a: MemMap) => MemMap][] = [
    ['u1', (a) => a.view('u1')], ['i4', (a) => a.view('<i4')], ['f8', (a) => a.view('<f8')],
    ['rec', (a) => a.view([['t', '<i4'], ['v', '<i2'], ['w', '<i2']])],
    ['flip_rows_i4', (a) => a.slice('::-1').view('<i4')], ['col1_i8', (a) => a.slice(null, '4:').view('<i8')],
  ];
  for (const [key, make] of cases) {
    it(`int16 (3, 8) → ${key}`, () => {
      const v = make(open('i2_3x8'));
      const want = E.views[key];
      expect(v.shape).toEqual(want.shape);
      expect(v.strides).toEqual(want.strides);
      if (key === 'rec') {
        expect(flatValues(v)).toEqual((want.values as Record<string, string>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, x]) => [k, Number(x)]))));
      } else {
        flatValues(v).forEach((x, i) => expect(same(x, want.values[i] as string), `${i}`).toBe(true));
      }
    });
  }

  it('a record view\'s field, and a field viewed again (same itemsize keeps the strides)', async () => {
    const a = open('i2_3x8');
    const v = a.view([['t', '<i4'], ['v', '<i2'], ['w', '<i2']]).field('v');
    flatValues(v).forEach((x, i) => expect(same(x, E.views.rec_field_v.values[i] as string)).toBe(true));
    expect(await v.sum()).toBe(E.views.rec_field_v.values.reduce((s: bigint, x) => s + BigInt(x as string), 0n));
    const u = v.view('u2');
    expect(u.strides).toEqual(v.strides);
    expect(u.get(0, 0)).toBe(2); // row 0 is 0, 1, 2, 3…: t = (0, 1) as int32, v = 2
  });

  it('numpy\'s errors, word for word', () => {
    const p = open('packed');
    const err = (f: () => unknown): string => { const e = caught(f); expect(e.code).toBe('ERR_NDMMAP_LAYOUT'); return e.message; };
    expect(err(() => p.view('<f8'))).toBe(E.errors.view_smaller);
    const m = memmap(tmp.file('z.f8'), { dtype: 'float64', mode: 'w+', shape: [3, 4] });
    expect(err(() => m.slice(null, '::2').view('f4'))).toBe(E.errors.view_strided);
    expect(err(() => m.T.view('f4'))).toBe(E.errors.view_strided);
    const b = memmap(tmp.file('z.i1'), { dtype: 'int8', mode: 'w+', shape: [3, 3] });
    expect(err(() => b.view('i2'))).toBe(E.errors.view_larger);
    expect(err(() => m.slice(0, 0).view('f4'))).toBe(E.errors.view_0d);
    expect(caught(() => m.view('f3')).code).toBe('ERR_NDMMAP_DTYPE');
  });
});

describe('datetime64 / timedelta64', () => {
  for (const [name, t] of Object.entries(E.times)) {
    it(`${name}: str, counts (get gives the int64 count), min/max/argmin/argmax/ptp with NaT`, async () => {
      const a = open(name);
      expect(String(a.dtype)).toBe(t.str);
      flatValues(a).forEach((x, i) => expect(x).toBe(BigInt(t.ints[i])));
      flatValues(a.view(a.dtype.byteorder === '>' ? '>i8' : 'int64')).forEach((x, i) => expect(x).toBe(BigInt(t.ints[i])));
      for (const r of ['min', 'max', 'argmin', 'argmax', 'ptp']) {
        const [want] = t[r] as [string, string];
        const got = await (a as unknown as Record<string, () => Promise<unknown>>)[r]();
        expect(typeof got === 'number' ? BigInt(got) : got, r).toBe(BigInt(want));
      }
      for (const r of ['min', 'max', 'ptp']) {
        if (t[`${r}_axis0`] === undefined) continue;
        const [want, wantDtype] = t[`${r}_axis0`] as [string[], string];
        const got = await (a as unknown as Record<string, (o: object) => Promise<nd.NDResult>>)[r]({ axis: 0 });
        expect([...got.data as BigInt64Array]).toEqual(want.map(BigInt));
        expect(got.dtype).toBe(wantDtype);
      }
    });
  }

  it('arithmetic numpy refuses is refused with numpy\'s text; set/get counts; units parsed', async () => {
    const a = open('M8_ns_nat');
    for (const [r, key] of [['sum', 'dt_sum'], ['mean', 'dt_mean']] as const) {
      const e = await rejection(a[r]());
      expect(e.code).toBe('ERR_NDMMAP_DTYPE');
      expect(e.message).toBe(E.errors[key]);
    }
    const m = memmap(tmp.file('td.bin'), { dtype: '<m8[s]', mode: 'w+', shape: [2] });
    expect((await rejection(m.prod())).message).toBe(E.errors.td_prod);
    expect((await rejection(m.apply('x + 1'))).message).toMatch(/a\.view\('int64'\)/);
    m.set(0, -(2n ** 63n));
    m.set(1, 5);
    expect(m.toArray()).toEqual([-(2n ** 63n), 5n]);
    expect(await m.max()).toBe(-(2n ** 63n));
    expect(dtype('datetime64[us]').str).toBe('<M8[us]');
    expect(caught(() => dtype('M8[xx]')).message).toMatch(/^Invalid datetime unit in metadata string "\[xx\]"/);
    expect((await rejection(a.min({ where: 'x > 0' } as never))).code).toBe('ERR_INVALID_ARG_VALUE');
  });
});

describe('complex64 / complex128', () => {
  for (const [name, c] of Object.entries(E.complex)) {
    it(`${name}: opens, get gives { re, im }, view as float pairs doubles the last axis`, async () => {
      const a = open(name);
      expect(String(a.dtype)).toBe(c.str);
      const f = a.view(a.dtype.byteorder === '>' ? `>f${a.itemsize / 2}` : `f${a.itemsize / 2}`);
      expect(f.shape).toEqual(c.shape);
      flatValues(f).forEach((x, i) => expect(same(x, c.floats[i]), `${i}`).toBe(true));
      const first = a.get(...a.shape.map(() => 0)) as unknown as { re: number; im: number };
      expect(same(first.re, c.floats[0]) && same(first.im, c.floats[1])).toBe(true);
      expect(typeof (await f.sum())).toBe('number');
    });
  }

  it('everything else is refused, naming view(\'float32\') / view(\'float64\')', async () => {
    const a = open('c8');
    for (const p of [a.sum(), a.max(), a.apply('x'), nd.quantile(a, 0.5), nd.take(a, [0])]) {
      const e = await rejection(p as Promise<unknown>);
      expect(e.code).toBe('ERR_NDMMAP_DTYPE');
      expect(e.message).toMatch(/a\.view\('float32'\) \(last axis doubled\)/);
    }
    expect((await rejection(open('c16_be').mean())).message).toMatch(/a\.view\('float64'\)/);
  });
});
