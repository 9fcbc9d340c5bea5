// take, compress, nonzero, flatnonzero, argwhere: numpy's results byte for byte (fixtures from
// test/fixtures/make_gather_fixtures.py), numpy's IndexError text before anything is created.
import { constants as bufferConstants } from 'node:buffer';
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, apply, argwhere, compress, createNpy, flatnonzero, memmap, openNpy, saveNpy, take } from '../../dist/src/index.js';
import { FIXTURES, tempDir } from '../helpers.js';

const GATHER = join(FIXTURES, 'gather');
const fixture = (name: string): Buffer => fs.readFileSync(join(GATHER, `${name}.npy`));

let tmp: ReturnType<typeof tempDir>;
let made = 0;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

async function arange(dtype: string, shape: number[], order: 'C' | 'F' = 'C'): Promise<MemMap> {
  const a = createNpy(tmp.file(`src-${++made}.npy`), { dtype, shape, order });
  await apply(a, 'i');
  return a;
}

async function expectBytes(r: MemMap | NDResult, name: string): Promise<void> {
  let file: string;
  if (r instanceof Object && 'filename' in r && typeof r.filename === 'string') file = r.filename;
  else { file = tmp.file(`res-${++made}.npy`); await saveNpy(file, r as NDResult); }
  expect(fs.readFileSync(file).equals(fixture(name)), name).toBe(true);
}

describe('take', () => {
  it('rows, repeated and negative, multi-dimensional indices, columns, flattened, views, F order, big-endian, float16', async () => {
    const a = await arange('<f4', [5, 4]);
    await expectBytes(await a.take([3, -1, 0, 3], { axis: 0 }) as NDResult, 'take_rows');
    await expectBytes(await take(a, { data: BigInt64Array.from([1n, 2n, 0n, -5n]), shape: [2, 2] }, { axis: 0 }) as NDResult, 'take_2d_idx');
    await expectBytes(await a.take(Int32Array.from([3, 0]), { axis: 1 }) as NDResult, 'take_cols');
    await expectBytes(await a.take([19, -20, 7]) as NDResult, 'take_flat');
    await expectBytes(await a.slice('::-1', '::2').take([0, 2], { axis: 0 }) as NDResult, 'take_view');
    await expectBytes(await a.take([], { axis: 0 }) as NDResult, 'take_empty');
    await expectBytes(await (await arange('>i8', [6])).take([5, 0], { out: tmp.file('be.npy') }), 'take_be');
    await expectBytes(await (await arange('<f2', [3, 2])).take(Uint8Array.from([2, 0]), { axis: 0 }) as NDResult, 'take_f2');
    await expectBytes(await (await arange('<f4', [5, 4], 'F')).take([1, 1, 2], { axis: 1 }) as NDResult, 'take_F_cols');
    const be3 = (await arange('>f8', [2, 3, 4])).slice('::-1', null, '::2');
    await expectBytes(await be3.take({ data: [1, -1, 0, 0], shape: [2, 2] }, { axis: -1, out: tmp.file('be3.npy') }), 'take_be3_last');
  });

  it('indices from a search result (int64 NDResult) and from an int MemMap, into a MemMap out of another layout and dtype', async () => {
    const a = await arange('<f4', [5, 4]);
    const ids = createNpy(tmp.file('ids.npy'), { dtype: 'int16', shape: [4] });
    ids.assign(Int16Array.from([3, -1, 0, 3]));
    const out = createNpy(tmp.file('o.npy'), { dtype: 'float64', shape: [4, 4], order: 'F' });
    expect(await a.take(ids, { axis: 0, out })).toBe(out);
    expect(out.toArray()).toEqual([[12, 13, 14, 15], [16, 17, 18, 19], [0, 1, 2, 3], [12, 13, 14, 15]]);
    const hits = await a.search(Float32Array.from([1, 0, 0, 0]), { k: 2 });
    const top = await a.take(hits.indices, { axis: 0 }) as NDResult;
    expect(top.shape).toEqual([2, 4]);
    expect(Array.from(top.data as Float32Array).slice(0, 4)).toEqual([16, 17, 18, 19]);
  });

  it('a source past 4 GiB (sparse: zeros) is read through a window per row, never one buffer of it all', async () => {
    const f = tmp.file('big.f4');
    const fd = fs.openSync(f, 'w');
    fs.writeSync(fd, Float32Array.of(7.5), 0, 4, ((5 * 2 ** 20 - 1) * 256 + 3) * 4); // the rest stays a hole
    fs.closeSync(fd);
    fs.truncateSync(f, 5 * 2 ** 30);
    const a = memmap(f, { dtype: 'float32', mode: 'r', shape: [5 * 2 ** 20, 256] }); // 'r': no blocks reserved
    const r = await a.take([-1, 0], { axis: 0 }) as NDResult;
    expect(r.shape).toEqual([2, 256]);
    expect(Array.from(r.data as Float32Array).slice(0, 5)).toEqual([0, 0, 0, 7.5, 0]);
    // one window of it all aborted the process in the addon (a double free): refused in TS now, where
    // Node caps a buffer below it (Node 20: 4 GiB; Node 22 and later take it)
    if (bufferConstants.MAX_LENGTH < 5 * 2 ** 30) expect(() => a.mapping.window(0, 5 * 2 ** 30)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    a.close();
  });

  it('numpy\'s errors before anything is created', async () => {
    const a = await arange('<f4', [5, 4]);
    const o = tmp.file('never.npy');
    const cases: [Promise<unknown>, string, RegExp][] = [
      [a.take([10], { axis: 0, out: o }), 'ERR_NDMMAP_INDEX', /^index 10 is out of bounds for axis 0 with size 5$/],
      [a.take([-6], { axis: 0, out: o }), 'ERR_NDMMAP_INDEX', /^index -6 is out of bounds for axis 0 with size 5$/],
      [a.take([20], { out: o }), 'ERR_NDMMAP_INDEX', /^index 20 is out of bounds for axis 0 with size 20$/],
      [a.take([0], { axis: 2, out: o }), 'ERR_NDMMAP_AXIS', /axis 2 is out of bounds for array of dimension 2/],
      [a.take([1.5] as never, { out: o }), 'ERR_INVALID_ARG_TYPE', /indices must be integers/],
      [a.take(Float64Array.from([1]) as never, { out: o }), 'ERR_NDMMAP_DTYPE', /integer typed array/],
      [a.take([0, 1], { axis: 0, out: createNpy(tmp.file('w.npy'), { dtype: 'float32', shape: [3, 4] }) }), 'ERR_NDMMAP_SHAPE', /wrong shape/],
      [a.compress([1, 0, 1, 0, 1, 1], { axis: 0, out: o }), 'ERR_NDMMAP_INDEX', /^index 5 is out of bounds for axis 0 with size 5$/],
    ];
    for (const [p, code, message] of cases) await expect(p).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(fs.existsSync(o)).toBe(false);
  });
});

describe('compress, nonzero, flatnonzero, argwhere', () => {
  it('numpy\'s selections and index arrays (NaN is non-zero, -0.0 is zero)', async () => {
    const a = await arange('<f4', [5, 4]);
    await expectBytes(await a.compress([true, false, true], { axis: 0 }) as NDResult, 'compress_rows');
    await expectBytes(await compress(a, Uint8Array.from([0, 1, 1, 0]), { axis: 1 }) as NDResult, 'compress_cols');
    await expectBytes(await a.compress([1, 0, 0, 1, 1]) as NDResult, 'compress_flat');
    await expectBytes(await a.compress([0, 1, 0, 0, 0, 0, 0, 0], { axis: 0 }) as NDResult, 'compress_long_false');
    const nz = openNpy(join(GATHER, 'nz.npy'), { mode: 'r' });
    const [r, c] = await nz.nonzero();
    await expectBytes(r, 'nonzero_0');
    await expectBytes(c, 'nonzero_1');
    await expectBytes(await flatnonzero(nz), 'flatnonzero');
    // numpy's argwhere is an F-order array (np.save writes fortran_order True); an NDResult is C order: compare values
    const aw = openNpy(join(GATHER, 'argwhere.npy'), { mode: 'r' });
    for (const v of [nz, nz.transpose().transpose(), nz.slice('::-1').slice('::-1')]) {
      const got = await argwhere(v);
      expect(got.shape).toEqual(aw.shape);
      expect(Array.from(got.data)).toEqual((aw.toArray() as bigint[][]).flat());
    }
    const mask = createNpy(tmp.file('m.npy'), { dtype: 'bool', shape: [5] });
    mask.assign(Uint8Array.from([1, 0, 1, 0, 0]));
    await expectBytes(await a.compress(mask, { axis: 0 }) as NDResult, 'compress_rows');
  });
});
