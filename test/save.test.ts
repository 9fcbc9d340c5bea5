// saveNpy: np.save's bytes for results, typed arrays, scalars and memmap views (fixtures from
// test/fixtures/make_save_fixtures.py); atomic (temporary file, rename); bad input before any file.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, apply, createNpy, memmap, openNpy, saveNpy } from '../dist/src/index.js';
import { FIXTURES, abortMidCall, tempDir } from './helpers.js';

const SAVE = join(FIXTURES, 'save');
const expected = (name: string): Buffer => fs.readFileSync(join(SAVE, `${name}.npy`));

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

let made = 0;
/** A memmap of arange(n) (numpy's values) in `dtype`, shaped. */
async function arange(dtype: string, shape: number[]): Promise<MemMap> {
  const a = createNpy(tmp.file(`src-${++made}.npy`), { dtype, shape });
  await apply(a, 'i');
  return a;
}

/** saveNpy(value) then compare with np.save's file, and that nothing else is left in the directory. */
async function saved(name: string, value: Parameters<typeof saveNpy>[1]): Promise<void> {
  const file = tmp.file(`out-${name}.npy`);
  const before = fs.readdirSync(tmp.dir).length;
  expect(await saveNpy(file, value)).toBe(file);
  expect(fs.readFileSync(file).equals(expected(name))).toBe(true);
  expect(fs.readdirSync(tmp.dir).length).toBe(before + 1);
}

describe('saveNpy writes np.save\'s bytes', () => {
  it('in-memory results, typed arrays and scalars', async () => {
    await saved('f8_2x3', { data: Float64Array.from([0, 1, 2, 3, 4, 5]), shape: [2, 3], dtype: 'float64' });
    await saved('f2_values', { data: Float32Array.from([0.1, 1 / 3, 65504, Infinity, -0, NaN, 65520, -1e-8, 6e-8]), shape: [9], dtype: 'float16' });
    await saved('b1_1d', { data: Uint8Array.from([1, 0, 1, 1]), shape: [4], dtype: 'bool' });
    await saved('u1_1elem', Uint8Array.of(255));
    await saved('u8_extremes', BigUint64Array.from([0n, 1n, 2n ** 63n, 2n ** 64n - 1n]));
    await saved('i8_extremes', { data: BigInt64Array.from([-(2n ** 63n), -1n, 0n, 2n ** 63n - 1n]) });
    await saved('be_f8_from_typed', { data: Float64Array.from([0, 1, 2, 3]), shape: [2, 2], dtype: '>f8' });
    await saved('i1_empty', { data: new Int8Array(0), shape: [0, 3] });
    await saved('f8_0d', 1.5);
    await saved('i8_0d', -7n);
    await saved('u8_0d', 2n ** 64n - 1n);
    await saved('b1_0d', true);
    await saved('f8_0d_nan', NaN);
  });

  it('a reduction result (NDResult) as it comes', async () => {
    const a = await arange('float64', [2, 3, 4]);
    const r = await a.sum({ axis: 2 });
    await saveNpy(tmp.file('sum.npy'), r);
    const back = openNpy(tmp.file('sum.npy'), { mode: 'r' });
    expect(back.shape).toEqual([2, 3]);
    expect(back.toArray()).toEqual([[6, 22, 38], [54, 70, 86]]);
    back.close();
  });

  it('memmap views of any layout, copied natively', async () => {
    const f4 = await arange('<f4', [3, 4]);
    await saved('f4_T', f4.transpose());
    const f8 = createNpy(tmp.file('f3d.npy'), { dtype: 'float64', shape: [2, 3, 4], order: 'F' });
    await apply(f8, 'i'); // i is the flat C-order index, whatever the memory order
    await saved('f8_F3d', f8);
    const i2 = await arange('<i2', [4, 6]);
    await saved('i2_flip_step', i2.slice('::-1', '::2'));
    await saved('be_i4', await arange('>i4', [2, 3]));
    const be = await arange('>f8', [3, 4]);
    await saved('be_f8_T_row', be.transpose().slice('1:3'));
    await saved('u2_col', (await arange('<u2', [3, 4])).slice(':', '1:2'));
    await saved('f8_empty_view', (await arange('<f8', [3, 4])).slice(':', '2:2'));
  });

  it('appends .npy as np.save does, and replaces an existing file keeping its mode', async () => {
    const target = tmp.file('mu');
    expect(await saveNpy(target, 1.5)).toBe(`${target}.npy`);
    expect(fs.readFileSync(`${target}.npy`).equals(expected('f8_0d'))).toBe(true);
    fs.chmodSync(`${target}.npy`, 0o640);
    await saveNpy(`${target}.npy`, -7n);
    expect(fs.readFileSync(`${target}.npy`).equals(expected('i8_0d'))).toBe(true);
    expect(fs.statSync(`${target}.npy`).mode & 0o777).toBe(0o640);
  });

  it('saving a view over the target file itself: the old inode is read, the new file written', async () => {
    const a = await arange('<i2', [4, 6]);
    await saveNpy(a.filename, a.slice('::-1', '::2'));
    expect(fs.readFileSync(a.filename).equals(expected('i2_flip_step'))).toBe(true);
    a.close();
  });
});

describe('saveNpy: bad input before any file, failures leave nothing behind', () => {
  const cases: [string, () => Promise<unknown>, string, RegExp][] = [
    ['a shape that data does not fill', () => saveNpy(tmp.file('x.npy'), { data: new Float64Array(5), shape: [2, 3] }), 'ERR_NDMMAP_SHAPE', /cannot reshape array of size 5 into shape \(2, 3\)/],
    ['a typed array of another dtype', () => saveNpy(tmp.file('x.npy'), { data: new Float64Array(2), dtype: 'int16' }), 'ERR_NDMMAP_DTYPE', /Float64Array cannot hold dtype int16/],
    ['a bad dtype', () => saveNpy(tmp.file('x.npy'), { data: new Float64Array(2), dtype: 'float128' as never }), 'ERR_NDMMAP_DTYPE', /float128/],
    ['a plain array', () => saveNpy(tmp.file('x.npy'), [1, 2] as never), 'ERR_INVALID_ARG_TYPE', /value must be a MemMap/],
    ['a bigint past uint64', () => saveNpy(tmp.file('x.npy'), 2n ** 64n), 'ERR_OUT_OF_RANGE', /too large/],
    ['a directory as target', () => saveNpy(tmp.dir + '/sub.npy', 1), 'ERR_NDMMAP_NOT_FILE', /not a regular file/],
    ['a missing directory', () => saveNpy(tmp.file('nope/x.npy'), 1), 'ENOENT', /no such file or directory/],
    ['an empty name', () => saveNpy('', 1), 'ERR_INVALID_ARG_TYPE', /file must be a non-empty string/],
    ['an aborted signal', () => saveNpy(tmp.file('x.npy'), 1, { signal: AbortSignal.abort() }), 'ABORT_ERR', /aborted/],
  ];
  it.each(cases)('%s', async (_, run, code, message) => {
    fs.mkdirSync(tmp.file('sub.npy'));
    await expect(run()).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(fs.readdirSync(tmp.dir)).toEqual(['sub.npy']);
  });

  it('a closed memmap', async () => {
    const a = await arange('float64', [3]);
    a.close();
    await expect(saveNpy(tmp.file('x.npy'), a)).rejects.toMatchObject({ code: 'ERR_NDMMAP_CLOSED' });
    expect(fs.existsSync(tmp.file('x.npy'))).toBe(false);
  });

  it('an abort during the copy removes the temporary file and keeps the old target', async () => {
    const a = memmap(tmp.file('big.f8'), { dtype: 'float64', mode: 'w+', shape: [4, 2 ** 20] });
    await saveNpy(tmp.file('out.npy'), 3n);
    const e = await abortMidCall((signal, onProgress) => saveNpy(tmp.file('out.npy'), a.transpose(), { onProgress, signal }),
      () => saveNpy(tmp.file('out.npy'), 3n));
    expect(e).toMatchObject({ code: 'ABORT_ERR' });
    expect(fs.readdirSync(tmp.dir).sort()).toEqual(['big.f8', 'out.npy']);
    expect(openNpy(tmp.file('out.npy'), { mode: 'r' }).get()).toBe(3n);
    a.close();
  });
});
