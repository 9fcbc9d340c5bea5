// unique() along an axis: numpy 2.4's distinct slices, first indices, 1-D inverse and counts for every
// axis (negative too) of 1-, 2- and 3-D inputs, NaN slices all distinct, -0.0 equal to 0.0 (the first
// occurrence kept), integer extremes, both byte orders, float16, bool, views, F order, empty axes
// (fixtures: test/fixtures/make_unique_axis_fixtures.py); out for the inverse; bad input.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, createNpy, openNpy, shutdown, unique } from '../../dist/src/index.js';
import { FIXTURES, manifest, tempDir } from '../helpers.js';
import { fmt } from './lookup-helpers.js';

interface Case { input: string; view: string[] | null; axis: number; values: string; indices: string; inverse: string; counts: string }
const DIR = join(FIXTURES, 'unique-axis');
const cases = manifest<{ unique: Case[] }>('unique-axis').unique;

function open(c: Case): MemMap {
  const a = openNpy(join(DIR, c.input), { mode: 'r' });
  return c.view === null ? a : a.slice(...c.view.slice(0, a.ndim));
}

/** A fixture file's shape and elements (C order) as strings. */
function file(name: string): { shape: number[]; values: string[] } {
  const m = openNpy(join(DIR, name), { mode: 'r' });
  const values = m.size === 0 ? [] : (m.toArray() as unknown[]).flat(Infinity).map(fmt);
  const r = { shape: m.shape, values };
  m.close();
  return r;
}
const got = (r: NDResult | MemMap): string[] => Array.from((r as NDResult).data as ArrayLike<unknown>, fmt);

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());
afterAll(() => shutdown());

describe('unique along an axis: numpy fixtures', () => {
  it.each(cases.map((c) => [`${c.input}${c.view ? ' ' + c.view.join(',') : ''} axis ${c.axis}`, c]))('%s', async (_n, c0) => {
    const c = c0 as Case;
    const a = open(c);
    const r = await unique(a, { axis: c.axis, returnIndex: true, returnInverse: true, returnCounts: true });
    const want = file(c.values);
    expect(r.values.dtype).toBe(a.dtype.name);
    expect(r.values.shape).toEqual(want.shape);
    expect(got(r.values)).toEqual(want.values);
    expect(got(r.indices!)).toEqual(file(c.indices).values);
    expect((r.inverseIndices as NDResult).shape).toEqual(file(c.inverse).shape);
    expect(got(r.inverseIndices!)).toEqual(file(c.inverse).values);
    expect(got(r.counts!)).toEqual(file(c.counts).values);
    const plain = (await unique(a, { axis: c.axis })) as NDResult;
    expect(plain.shape).toEqual(want.shape);
    expect(got(plain)).toEqual(want.values);
    a.close();
  });
});

describe('unique along an axis: targets, threads and bad input', () => {
  it('the inverse into out (a new .npy or an int64 MemMap); 1 and 2 threads alike on a pool-sized file', async () => {
    const a = createNpy(tmp.file('rows.npy'), { dtype: '<f4', shape: [40_000, 16] });
    const t = a.typedArray() as Float32Array;
    for (let i = 0; i < 40_000; i++) for (let j = 0; j < 16; j++) t[i * 16 + j] = ((i * 7919) % 97) * (j % 3 === 0 ? 1 : -0.5) + (j === 5 && i % 1000 === 3 ? NaN : 0);
    a.flush();
    const one = await unique(a, { axis: 0, returnInverse: true, returnCounts: true, threads: 1 });
    const two = await unique(a, { axis: 0, returnInverse: true, returnCounts: true, threads: 2 });
    expect(got(two.values)).toEqual(got(one.values));
    expect(got(two.counts!)).toEqual(got(one.counts!));
    // 97 distinct rows without NaN, and each of the 40 rows with a NaN distinct
    expect(one.values.shape).toEqual([97 + 40, 16]);
    const inv = got(one.inverseIndices!);
    const path = tmp.file('inv.npy');
    const r = await unique(a, { axis: 0, returnInverse: true, out: path });
    expect(r.inverseIndices).toBeInstanceOf(Object);
    const m = openNpy(path, { mode: 'r' });
    expect(m.dtype.str).toBe('<i8');
    expect(m.shape).toEqual([40_000]);
    expect(Array.from(m.typedArray() as BigInt64Array, fmt)).toEqual(inv);
    m.close();
    const out = createNpy(tmp.file('inv2.npy'), { dtype: '<i8', shape: [40_000] });
    await unique(a, { axis: -2, returnInverse: true, out });
    expect(Array.from(out.typedArray() as BigInt64Array, fmt)).toEqual(inv);
    out.close();
    a.close();
  });

  it('axis out of bounds, a non-integer axis, records and datetimes, an out of the wrong shape or dtype: clear errors, no file', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<i4', shape: [4, 3] });
    await expect(unique(a, { axis: 2 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS', message: 'axis 2 is out of bounds for array of dimension 2' });
    await expect(unique(a, { axis: -3 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS' });
    await expect(unique(a, { axis: 1.5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    const d = createNpy(tmp.file('d.npy'), { dtype: '<M8[s]', shape: [4, 3] });
    await expect(unique(d, { axis: 0 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: expect.stringMatching(/along an axis/) });
    const wrong = createNpy(tmp.file('w.npy'), { dtype: '<i8', shape: [3] });
    await expect(unique(a, { axis: 0, returnInverse: true, out: wrong })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    const f8 = createNpy(tmp.file('f8.npy'), { dtype: '<f8', shape: [4] });
    await expect(unique(a, { axis: 0, returnInverse: true, out: f8 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    const never = tmp.file('never.npy');
    await expect(unique(a, { axis: 5, returnInverse: true, out: never })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS' });
    expect(fs.existsSync(never)).toBe(false);
    for (const m of [a, d, wrong, f8]) m.close();
  });
});
