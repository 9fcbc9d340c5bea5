// astype, copy, concatenate, stack and the native assign: numpy's results byte for byte (fixtures from
// test/fixtures/make_convert_fixtures.py), into a MemMap, a new .npy or memory; numpy's errors first.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, apply, concatenate, createNpy, memmap, openNpy, saveNpy, setThreads, stack } from '../../dist/src/index.js';
import { FIXTURES, abortMidCall, tempDir } from '../helpers.js';

const CONV = join(FIXTURES, 'convert');
const fixture = (name: string): Buffer => fs.readFileSync(join(CONV, `${name}.npy`));
const TARGETS = ['|i1', '|u1', '<i2', '<u2', '<i4', '<u4', '<i8', '<u8', '<f2', '<f4', '<f8', '|b1', '>i4', '>f8'];
const code = (t: string): string => t.replace(/^[<>|]/, '') + (t.startsWith('>') ? 'be' : '');

let tmp: ReturnType<typeof tempDir>;
let made = 0;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

async function arange(dtype: string, shape: number[], expr = 'i'): Promise<MemMap> {
  const a = createNpy(tmp.file(`src-${++made}.npy`), { dtype, shape });
  await apply(a, expr);
  return a;
}

/** np.save's bytes of an NDResult (through saveNpy) or of a MemMap's file. */
async function bytesOf(r: MemMap | NDResult): Promise<Buffer> {
  if ('filename' in r && typeof r.filename === 'string') return fs.readFileSync(r.filename);
  const f = tmp.file(`res-${++made}.npy`);
  await saveNpy(f, r as NDResult);
  return fs.readFileSync(f);
}

describe('astype: numpy\'s unsafe casts of special values, every target dtype', () => {
  for (const src of ['special', 'ints']) {
    it.each(TARGETS)(`${src} -> %s (memory, new file, 1 and 2 threads)`, async (t) => {
      const a = openNpy(join(CONV, `${src}.npy`), { mode: 'r' });
      const want = fixture(`${src}_as_${code(t)}`);
      if (!t.startsWith('>')) expect((await bytesOf(await a.astype(t as never) as NDResult)).equals(want)).toBe(true);
      const out = await a.astype(t as never, { out: tmp.file(`as-${code(t)}.npy`) });
      expect(fs.readFileSync(tmp.file(`as-${code(t)}.npy`)).equals(want)).toBe(true);
      (out as MemMap).close();
      setThreads(1);
      try {
        const m = await a.astype(t as never, { out: tmp.file(`as1-${code(t)}.npy`) });
        expect(fs.readFileSync(tmp.file(`as1-${code(t)}.npy`)).equals(want)).toBe(true);
        (m as MemMap).close();
      } finally {
        setThreads(2);
      }
      a.close();
    });
  }

  it('casting rules as np.can_cast, with numpy\'s TypeError text, before anything is created', async () => {
    const a = await arange('float64', [3]);
    await expect(a.astype('int16', { casting: 'same_kind', out: tmp.file('x.npy') })).rejects.toMatchObject({
      code: 'ERR_NDMMAP_DTYPE', message: "Cannot cast array data from dtype('float64') to dtype('int16') according to the rule 'same_kind'",
    });
    await expect(a.astype('float32', { casting: 'safe' })).rejects.toThrow("Cannot cast array data from dtype('float64') to dtype('float32') according to the rule 'safe'");
    await expect(a.astype('>f8', { casting: 'no' })).rejects.toThrow("dtype('float64') to dtype('>f8') according to the rule 'no'");
    await expect(a.astype('int64', { casting: 'bogus' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(fs.existsSync(tmp.file('x.npy'))).toBe(false);
    expect(((await a.astype('float32', { casting: 'same_kind' })) as NDResult).data).toEqual(Float32Array.from([0, 1, 2]));
    expect(((await a.astype('>f8', { casting: 'equiv' })) as NDResult).dtype).toBe('float64');
    const i = await arange('int8', [3]);
    await expect(i.astype('uint8', { casting: 'same_kind' })).rejects.toThrow("dtype('int8') to dtype('uint8') according to the rule 'same_kind'");
    expect(((await i.astype('int16', { casting: 'safe' })) as NDResult).data).toEqual(Int16Array.from([0, 1, 2]));
  });

  it('into a MemMap out of the same shape; a wrong shape or dtype is refused before writing', async () => {
    const a = await arange('float64', [2, 3]);
    const out = createNpy(tmp.file('o.npy'), { dtype: 'int32', shape: [2, 3], order: 'F' });
    expect(await a.astype('int32', { out })).toBe(out);
    expect(out.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    const bad = createNpy(tmp.file('b.npy'), { dtype: 'int32', shape: [3, 2] });
    await expect(a.astype('int32', { out: bad })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    await expect(a.astype('int16', { out })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    expect(bad.toArray()).toEqual([[0, 0], [0, 0], [0, 0]]);
  });
});

describe('copy: C <-> F and views, natively', () => {
  it('order F into a new file is np.asfortranarray saved; views copy to C', async () => {
    const a = await arange('<f8', [2, 3, 4]);
    const f = await a.copy({ out: tmp.file('F.npy'), order: 'F' }) as MemMap;
    expect(fs.readFileSync(tmp.file('F.npy')).equals(fixture('copy_F'))).toBe(true);
    expect(f.order).toBe('F');
    expect((await bytesOf(await a.slice('::-1', ':', '::2').copy() as NDResult)).equals(fixture('copy_view'))).toBe(true);
    expect((await bytesOf(await f.transpose().copy() as NDResult)).equals(fixture('copy_T_C'))).toBe(true);
    await a.transpose().copy({ out: tmp.file('TC.npy') });
    expect(fs.readFileSync(tmp.file('TC.npy')).equals(fixture('copy_T_C'))).toBe(true);
    await expect(a.copy({ order: 'F' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(a.copy({ order: 'X' as never, out: tmp.file('no.npy') })).rejects.toMatchObject({ code: 'ERR_NDMMAP_ORDER' });
    expect(fs.existsSync(tmp.file('no.npy'))).toBe(false);
  });

  it('an abort during a copy into a new file leaves no file behind, and an existing one as it was', async () => {
    const big = memmap(tmp.file('big.f8'), { dtype: 'float64', mode: 'w+', shape: [2 ** 12, 2 ** 10] });
    const e1 = await abortMidCall((signal, onProgress) => big.copy({ out: tmp.file('c.npy'), order: 'F', signal, onProgress }),
      (m) => { (m as MemMap).close(); fs.rmSync(tmp.file('c.npy')); });
    expect(e1).toMatchObject({ code: 'ABORT_ERR' });
    expect(fs.existsSync(tmp.file('c.npy'))).toBe(false);
    fs.writeFileSync(tmp.file('c.npy'), 'old');
    const e2 = await abortMidCall((signal, onProgress) => big.astype('float32', { out: tmp.file('c.npy'), signal, onProgress }),
      (m) => { (m as MemMap).close(); fs.writeFileSync(tmp.file('c.npy'), 'old'); });
    expect(e2).toMatchObject({ code: 'ABORT_ERR' });
    expect(fs.readFileSync(tmp.file('c.npy'), 'utf8')).toBe('old');
    expect(fs.readdirSync(tmp.dir).sort()).toEqual(['big.f8', 'c.npy']);
    // the source's own file as out: read from the old inode, the new file renamed over it
    const a = await arange('<f8', [2, 3]);
    const f = await a.copy({ out: a.filename, order: 'F' }) as MemMap;
    expect(f.toArray()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(f.order).toBe('F');
    big.close();
  });
});

describe('concatenate and stack', () => {
  it('numpy\'s results and promoted dtypes, in memory, into a file, into a MemMap', async () => {
    const i2 = await arange('<i2', [2, 3]);
    const f4 = await arange('<f4', [3, 3]);
    const u1 = await arange('|u1', [2, 2]);
    expect((await bytesOf(await concatenate([i2, f4]) as NDResult)).equals(fixture('concat_axis0'))).toBe(true);
    await concatenate([i2, u1], { axis: 1, out: tmp.file('c1.npy') });
    expect(fs.readFileSync(tmp.file('c1.npy')).equals(fixture('concat_axis1'))).toBe(true);
    expect((await bytesOf(await concatenate([i2, f4], { axis: null }) as NDResult)).equals(fixture('concat_none'))).toBe(true);
    const out = createNpy(tmp.file('c8.npy'), { dtype: '<i8', shape: [2, 6] });
    expect(await concatenate([i2, i2.slice('::-1')], { axis: -1, out })).toBe(out);
    expect(fs.readFileSync(tmp.file('c8.npy')).equals(fixture('concat_i8_out'))).toBe(true);
    expect((await bytesOf(await stack([i2, i2.slice(':', '::-1')], { axis: -1 }) as NDResult)).equals(fixture('stack_last'))).toBe(true);
    await stack([i2, i2], { out: tmp.file('s0.npy') });
    expect(fs.readFileSync(tmp.file('s0.npy')).equals(fixture('stack_first'))).toBe(true);
  });

  it('numpy\'s errors, before anything is created', async () => {
    const i2 = await arange('<i2', [2, 3]);
    const f8 = await arange('<f8', [2, 4]);
    const one = await arange('<f8', [3]);
    const o = tmp.file('never.npy');
    const cases: [Promise<unknown>, string, string][] = [
      [concatenate([], { out: o }), 'ERR_INVALID_ARG_VALUE', 'need at least one array to concatenate'],
      [concatenate([i2, f8], { out: o }), 'ERR_NDMMAP_SHAPE', 'all the input array dimensions except for the concatenation axis must match exactly, but along dimension 1, the array at index 0 has size 3 and the array at index 1 has size 4'],
      [concatenate([i2, one], { out: o }), 'ERR_NDMMAP_SHAPE', 'all the input arrays must have same number of dimensions, but the array at index 0 has 2 dimension(s) and the array at index 1 has 1 dimension(s)'],
      [concatenate([i2, i2], { axis: 2, out: o }), 'ERR_NDMMAP_AXIS', 'axis 2 is out of bounds for array of dimension 2'],
      [concatenate([f8, f8], { axis: 1, dtype: 'int16', out: o }), 'ERR_NDMMAP_DTYPE', "Cannot cast array data from dtype('float64') to dtype('int16') according to the rule 'same_kind'"],
      [stack([i2, f8], { out: o }), 'ERR_NDMMAP_SHAPE', 'all input arrays must have the same shape'],
      [stack([i2, i2], { axis: 3, out: o }), 'ERR_NDMMAP_AXIS', 'axis 3 is out of bounds for array of dimension 3'],
      [stack([], { out: o }), 'ERR_INVALID_ARG_VALUE', 'need at least one array to stack'],
    ];
    for (const [p, c, message] of cases) await expect(p).rejects.toMatchObject({ code: c, message });
    expect(fs.existsSync(o)).toBe(false);
  });
});

describe('assign: numpy\'s out[...] = src, natively', () => {
  it('a MemMap source: broadcasting, unsafe casts (truncation, wraparound), any layout', async () => {
    const src = openNpy(join(CONV, 'special.npy'), { mode: 'r' });
    for (const t of ['|i1', '<u2', '<i8', '<f2', '|b1', '>i4']) {
      const out = createNpy(tmp.file(`a-${code(t)}.npy`), { dtype: t, shape: [src.size] });
      out.assign(src);
      out.flush();
      expect(fs.readFileSync(tmp.file(`a-${code(t)}.npy`)).equals(fixture(`special_as_${code(t)}`)), t).toBe(true);
      out.close();
    }
    const row = await arange('<f8', [3]);
    const grid = createNpy(tmp.file('g.npy'), { dtype: 'int16', shape: [2, 3], order: 'F' });
    grid.assign(row);
    expect(grid.toArray()).toEqual([[0, 1, 2], [0, 1, 2]]);
    grid.assign(Float64Array.from([1.9, -1.9, 3.5, 4, 5, 70000])); // a flat typed array of the size: C order, unsafe cast
    expect(grid.toArray()).toEqual([[1, -1, 3], [4, 5, 4464]]);
    grid.assign({ data: Int32Array.from([7, 8]), shape: [2, 1] });
    expect(grid.toArray()).toEqual([[7, 7, 7], [8, 8, 8]]);
    expect(() => grid.assign(Float64Array.from([1, 2]))).toThrow(/could not broadcast input array from shape \(2,\) into shape \(2,3\)/);
  });

  it('overlap as numpy: a reversed view of itself is buffered, not read after being written', async () => {
    const a = await arange('<i4', [6]);
    a.assign(a.slice('::-1'));
    expect(a.toArray()).toEqual([5, 4, 3, 2, 1, 0]);
    const m = await arange('<f8', [3, 3]);
    m.assign(m.transpose());
    expect(m.toArray()).toEqual([[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
    const shifted = await arange('<i2', [5]);
    shifted.slice('1:').assign(shifted.slice(':4'));
    expect(shifted.toArray()).toEqual([0, 0, 1, 2, 3]);
  });

  it('read-only and closed targets are refused', async () => {
    const a = await arange('<f8', [3]);
    const r = openNpy(a.filename, { mode: 'r' });
    expect(() => r.assign(a)).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_READONLY' }));
    r.close();
  });
});
