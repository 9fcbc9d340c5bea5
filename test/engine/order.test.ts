// sort, argsort, partition, argpartition and a.sort() in place: numpy's np.sort / np.argsort(kind='stable')
// for every dtype and byte order, along -1, 0 and None, of views (flipped + stepped, transposed) and of
// edge arrays (fixtures from test/fixtures/make_order_fixtures.py); 1 vs 2 threads identical; numpy's errors.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, apply, argpartition, argsort, createNpy, openNpy, partition, sort } from '../../dist/src/index.js';
import { FIXTURES, flat, manifest, parseValue, tempDir } from '../helpers.js';
import { viewOf } from './order-fixtures.js';

interface Case { file: string; dtype: string; view: string; axis: number | null; shape: number[]; sort: string[]; argsort: string[] }
const CASES = manifest<Case[]>('order');
const DIR = join(FIXTURES, 'order');

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir('ndmmap-test-', { memory: true }); });
afterEach(() => tmp.remove());


/** Element i as fixture strings compare: bools and ints exactly, floats with Object.is (NaN, -0.0). */
function same(got: unknown[], want: string[], dtype: string, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = parseValue(want[i], dtype);
    const g = typeof w === 'boolean' ? Boolean(got[i]) : got[i];
    if (!Object.is(g, w)) expect(`${what}[${i}] = ${String(g)}`).toBe(`${what}[${i}] = ${String(w)}`);
  }
}

const values = (r: NDResult): unknown[] => Array.from(r.data as ArrayLike<unknown>);

describe('sort and argsort match numpy (stable)', () => {
  for (const c of CASES) {
    it(`${c.file} ${c.view || 'array'} axis ${c.axis}`, async () => {
      const a = viewOf(openNpy(join(DIR, c.file), { mode: 'r' }), c.view);
      try {
        const s = await sort(a, { axis: c.axis }) as NDResult;
        expect(s.shape).toEqual(c.shape);
        same(values(s), c.sort, c.dtype, 'sort');
        const i = await argsort(a, { axis: c.axis, kind: 'stable' }) as NDResult;
        expect(i.dtype).toBe('int64');
        same(values(i), c.argsort, '<i8', 'argsort');
        if (c.axis !== null) {
          // in place on a copy of the file, through the same view
          const f = tmp.file(c.file);
          fs.copyFileSync(join(DIR, c.file), f);
          const b = openNpy(f, { mode: 'r+' });
          await viewOf(b, c.view).sort({ axis: c.axis });
          same(flat(viewOf(b, c.view).toArray()), c.sort, c.dtype, 'a.sort()');
          b.close();
        }
      } finally { a.close(); }
    });
  }
});

describe('threads, blocks and targets', () => {
  it('1 vs 2 threads give the same bits (many short rows, long rows, argsort, axis 0)', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float64', shape: [40000, 7] });
    await apply(a, 'floor(sin(i * 12.9898) * 43758.5453) % 97');
    for (const axis of [-1, 0, null]) {
      for (const f of [sort, argsort]) {
        const one = await f(a, { axis, threads: 1 }) as NDResult;
        const two = await f(a, { axis, threads: 2 }) as NDResult;
        expect(Buffer.from(two.data.buffer, two.data.byteOffset, two.data.byteLength).equals(
          Buffer.from(one.data.buffer, one.data.byteOffset, one.data.byteLength)), `${f.name} axis ${axis}`).toBe(true);
      }
    }
    // the many-short-rows result is sorted row by row
    const s = await sort(a, { threads: 2 }) as NDResult;
    const d = s.data as Float64Array;
    for (let r = 0; r < 40000; r++) for (let j = 1; j < 7; j++) expect(d[r * 7 + j - 1] <= d[r * 7 + j]).toBe(true);
    a.close();
  });

  it('writes into out (a MemMap of another byte order, or a new .npy path) and reports progress', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<i4', shape: [300, 500] });
    await apply(a, '(i * 7919) % 1000 - 500');
    const want = await sort(a, { axis: 0 }) as NDResult;
    const out = createNpy(tmp.file('o.npy'), { dtype: '>i4', shape: [300, 500] });
    const seen: number[] = [];
    expect(await sort(a, { axis: 0, out, onProgress: (p) => seen.push(p.doneBytes) })).toBe(out);
    expect(Int32Array.from(flat(out.toArray()) as number[])).toEqual(want.data);
    expect(seen.at(-1)).toBe(300 * 500 * 4);
    const file = await argsort(a, { axis: 0, out: tmp.file('idx.npy') }) as MemMap;
    expect(file.dtype.name).toBe('int64');
    expect(file.shape).toEqual([300, 500]);
    a.close(); out.close(); file.close();
  });
});

describe('partition and argpartition', () => {
  it("meet numpy's guarantee for every kth (int, negative, array), any axis", async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float32', shape: [9, 13] });
    await apply(a, 'where(i % 11 == 3, nan, (i * 37) % 17 - 8)');
    const rows = a.toArray() as number[][];
    for (const kth of [0, 5, -1, [2, 7, 12]]) {
      const p = (await partition(a, kth, { axis: 1 }) as NDResult).data as Float32Array;
      const ip = (await a.argpartition(kth) as NDResult).data as BigInt64Array;
      for (let r = 0; r < 9; r++) {
        const sorted = Float32Array.from(rows[r]).sort(); // NaN last, as numpy
        for (const k0 of [kth].flat()) {
          const k = k0 < 0 ? k0 + 13 : k0;
          expect(Object.is(p[r * 13 + k], sorted[k])).toBe(true);
          expect(Object.is(rows[r][Number(ip[r * 13 + k])], sorted[k])).toBe(true);
          for (let j = 0; j < k; j++) expect(!(p[r * 13 + j] > p[r * 13 + k])).toBe(true);
          for (let j = k + 1; j < 13; j++) expect(!(p[r * 13 + j] < p[r * 13 + k])).toBe(true);
        }
      }
    }
    const flatP = await argpartition(a, 100, { axis: null }) as NDResult;
    expect(flatP.shape).toEqual([117]);
    a.close();
  });

  it("numpy's errors before anything runs", async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float64', shape: [5] });
    await expect(partition(a, 10)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: 'kth(=10) out of bounds (5)' });
    await expect(partition(a, -6)).rejects.toMatchObject({ message: 'kth(=-1) out of bounds (5)' });
    await expect(argpartition(a, [1, 2.5])).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: 'Partition index must be integer' });
    await expect(partition(a, 1, { kind: 'intro' })).rejects.toMatchObject({ message: "select kind must be 'introselect' (got 'intro')" });
    const e = createNpy(tmp.file('e.npy'), { dtype: 'float64', shape: [0] });
    expect((await partition(e, 3) as NDResult).shape).toEqual([0]);
    a.close(); e.close();
  });
});

describe('bad input', () => {
  it('axis, kind, out, a read-only map: clear errors, nothing written', async () => {
    const f = tmp.file('a.npy');
    const a = createNpy(f, { dtype: 'int16', shape: [4, 3] });
    await apply(a, '12 - i');
    a.close();
    const before = fs.readFileSync(f);
    const r = openNpy(f, { mode: 'r' });
    await expect(r.sort()).rejects.toMatchObject({ code: 'ERR_NDMMAP_READONLY' });
    await expect(sort(r, { axis: 2 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS', message: 'axis 2 is out of bounds for array of dimension 2' });
    await expect(sort(r, { kind: 'foo' })).rejects.toMatchObject({ message: "sort kind must be one of 'quick', 'heap', or 'stable' (got 'foo')" });
    for (const kind of ['q', 'QUICK', 'mergesort', 'heapsort', 'Stable']) await sort(r, { kind });
    const wrong = createNpy(tmp.file('w.npy'), { dtype: 'int16', shape: [3, 4] });
    await expect(sort(r, { out: wrong })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    const wrongType = createNpy(tmp.file('t.npy'), { dtype: 'int32', shape: [4, 3] });
    await expect(argsort(r, { out: wrongType })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    const s0 = openNpy(f, { mode: 'r+' });
    await expect(s0.sort({ axis: null as unknown as number })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    r.close(); wrong.close(); wrongType.close(); s0.close();
  });
});
