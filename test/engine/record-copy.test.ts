// Records (structured dtypes: padded, nested, sub-array fields), datetime64 and complex through take,
// compress, concatenate, stack, copy and astype: numpy's results byte for byte (padding copied as numpy
// copies it), into a new .npy and into a MemMap; numpy's cast errors (fixtures: make_record_copy_fixtures.py).
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DType, type MemMap, type NDResult, astype, compress, concatenate, copy, createNpy, openNpy, stack, take } from '../../dist/src/index.js';
import { FIXTURES, tempDir } from '../helpers.js';

const DIR = join(FIXTURES, 'record-copy');
const ERRORS = JSON.parse(fs.readFileSync(join(DIR, 'errors.json'), 'utf8')) as Record<string, string>;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

const open = (k: string): MemMap => openNpy(join(DIR, `in_${k}.npy`), { mode: 'r' });
/** A .npy file's header and data bytes. */
function parts(file: string): { header: string; data: Buffer } {
  const b = fs.readFileSync(file);
  const len = b[6] === 1 ? b.readUInt16LE(8) + 10 : b.readUInt32LE(8) + 12;
  return { header: b.subarray(0, len).toString('latin1'), data: b.subarray(len) };
}
/** Which bytes of an element of `dt` belong to a field (numpy leaves padding undefined: np.empty's bytes when it casts or copies strided). */
function fieldBytes(dt: DType, mask = new Uint8Array(dt.itemsize), at = 0): Uint8Array {
  if (dt.fields === undefined) mask.fill(1, at, at + dt.itemsize);
  else for (const n of dt.names!) fieldBytes(dt.fields[n][0], mask, at + dt.fields[n][1]);
  return mask;
}
/** The data bytes equal numpy's, padding aside. */
function sameData(got: Buffer, want: Buffer, dt: DType, what: string): void {
  expect(got.length, what).toBe(want.length);
  const mask = fieldBytes(dt);
  for (let i = 0; i < want.length; i++)
    if (mask[i % dt.itemsize] && got[i] !== want[i]) expect(`${what}: byte ${i} = ${got[i]}`).toBe(`${what}: byte ${i} = ${want[i]}`);
}
/** The file ndmmap wrote equals np.save's: the same header (dtype, order, shape) and the same field bytes. */
function sameFile(got: string, want: string): void {
  const g = parts(got), w = parts(join(DIR, `out_${want}.npy`));
  expect(g.header).toBe(w.header);
  const m = openNpy(got, { mode: 'r' });
  sameData(g.data, w.data, m.dtype, want);
  m.close();
}

type Op = (out: string | MemMap) => Promise<unknown>;
const CASES: Record<string, Op> = {
  take_packed_flat: (out) => take(open('packed'), [3, -1, 0, 3, 5], { out }),
  take_packed_rev: (out) => take(open('packed').slice('::-2'), [2, 0, -1], { out }),
  take_padded_ax1: (out) => take(open('padded'), [4, 0, -2], { axis: 1, out }),
  take_padded_T: (out) => take(open('padded').transpose(), [1, 1, 0], { axis: 0, out }),
  take_nested: (out) => take(open('nested'), [5, 0, 2], { axis: 0, out }),
  take_dt: (out) => take(open('dt'), [3, 1, 0], { out }),
  take_cx: (out) => take(open('cx'), [2, 0], { axis: 1, out }),
  compress_padded: (out) => compress(open('padded'), [true, false, true, true], { axis: 0, out }),
  concat_packed: (out) => concatenate([open('packed'), open('packed_b').slice('::-1')], { out }),
  concat_padded_ax1: (out) => concatenate([open('padded'), open('padded').slice(':', ':2')], { axis: 1, out }),
  stack_packed: (out) => stack([open('packed').slice(':3'), open('packed_b')], { axis: 1, out }),
  concat_nested: (out) => concatenate([open('nested'), open('nested').slice('::-2')], { out }),
  concat_aligned: (out) => concatenate([open('aligned'), open('aligned')], { out }),
  copy_padded_F: (out) => copy(open('padded'), { out, order: 'F' }),
  copy_nested_rev: (out) => copy(open('nested').slice('::-1'), { out }),
  astype_swap: (out) => astype(open('cast'), [['t', '>f8'], ['v', '>i2']], { out }),
  astype_pos: (out) => astype(open('cast'), [['v', '<i4'], ['t', '<f4']], { out }),
  astype_padded: (out) => astype(open('cast'), { names: ['t', 'v'], formats: ['<f8', '<i2'], offsets: [0, 12], itemsize: 16 }, { out }),
  astype_nested: (out) => astype(open('nested'), [['id', '<i8'], ['pos', '>f8', [3]], ['m', [['x', '<i4'], ['d', '>M8[s]']]]], { out }),
  astype_dt_swap: (out) => astype(open('dt'), '<M8[ms]', { out }),
  astype_cx: (out) => astype(open('cx'), '>c16', { out }),
};

describe('match numpy byte for byte', () => {
  for (const [name, op] of Object.entries(CASES)) {
    it(`${name} into a new .npy`, async () => {
      const f = tmp.file(`${name}.npy`);
      const m = await op(f) as MemMap;
      m.close();
      sameFile(f, name);
    });
    it(`${name} into a MemMap out (garbage-filled first)`, async () => {
      const want = openNpy(join(DIR, `out_${name}.npy`), { mode: 'r' });
      const f = tmp.file(`o_${name}.npy`);
      fs.copyFileSync(join(DIR, `out_${name}.npy`), f);
      const out = openNpy(f, { mode: 'r+' });
      new Uint8Array(out.mapping.window(out.layout.byteOffset, out.nbytes)).fill(0x5a);
      expect(await op(out)).toBe(out);
      out.flush(); out.close();
      sameData(parts(f).data, parts(join(DIR, `out_${name}.npy`)).data, want.dtype, name);
      want.close();
    });
  }
});

describe('datetime results in memory carry the unit; numpy\'s errors', () => {
  it('take and copy of a datetime64 array give its counts, native order', async () => {
    const r = await take(open('dt'), [3, 1]) as NDResult;
    expect(r.dtype).toBe('datetime64[ms]');
    expect(Array.from(r.data as BigInt64Array)).toEqual([2n ** 63n - 1n, -(2n ** 63n)]);
    expect(Array.from((await copy(open('dt')) as NDResult).data as BigInt64Array)).toEqual([5n, -(2n ** 63n), 7n, 2n ** 63n - 1n]);
  });

  it("astype refusals with numpy's text, before any file is created", async () => {
    const a = open('cast');
    const f = tmp.file('no.npy');
    const cases: Array<[string, unknown, string]> = [
      ['to_float', 'float64', 'unsafe'], ['fields', [['t', '<f8']], 'unsafe'], ['same_kind', [['t', '<i8'], ['v', '<i2']], 'same_kind'],
      ['equiv_names', [['x', '<f8'], ['y', '<i2']], 'equiv'], ['no', [['t', '>f8'], ['v', '>i2']], 'no'],
    ];
    for (const [key, dt, casting] of cases) {
      const e = await astype(a, dt as never, { casting: casting as never, out: f }).catch((x: unknown) => x) as { code: string; message: string };
      expect(e.code, key).toBe('ERR_NDMMAP_DTYPE');
      expect(e.message.startsWith(ERRORS[key]), `${key}: ${e.message}`).toBe(true);
      expect(fs.existsSync(f)).toBe(false);
    }
    a.close();
  });

  it('a record or complex result needs out; mixed record types need dtype; out of another record type is refused', async () => {
    const a = open('packed');
    await expect(take(a, [0])).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /cannot be held in an NDResult .* give out/ });
    await expect(copy(open('cx'))).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /cannot be held in an NDResult/ });
    await expect(concatenate([a, open('padded').slice(0)])).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /only with dtype \(or out\) given/ });
    const other = createNpy(tmp.file('o.npy'), { dtype: [['x', '<f8'], ['y', '<i2']], shape: [7] });
    await expect(copy(a, { out: other })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /copy: out has dtype\(\[\('x', '<f8'\), \('y', '<i2'\)\]\), the result is dtype\(\[\('t', '<f8'\), \('v', '<i2'\)\]\)/ });
    // take's out takes numpy's unsafe cast: another record type of as many fields casts by position
    await take(a, [0, 1, 2, 3, 4, 5, 6], { out: other });
    expect(other.get(6)).toEqual({ x: (a.get(6) as { t: number }).t, y: (a.get(6) as { v: number }).v });
    await expect(take(a, [0], { out: createNpy(tmp.file('f.npy'), { dtype: 'float64', shape: [1] }) })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: /^Cannot cast array data from dtype\(\[\('t', '<f8'\), \('v', '<i2'\)\]\) to dtype\('float64'\) according to the rule 'unsafe'/ });
    a.close(); other.close();
  });
});

describe('threads', () => {
  it('1 vs 2 threads give the same bytes (a large padded record file to F order, a strided take)', async () => {
    const dt = { names: ['a', 'b'], formats: ['<i4', '>f8'], offsets: [0, 8], itemsize: 20 };
    const a = createNpy(tmp.file('big.npy'), { dtype: dt as never, shape: [3000, 40] });
    const bytes = new Uint8Array(a.mapping.window(a.layout.byteOffset, a.nbytes));
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const runs = [];
    for (const threads of [1, 2]) {
      const f = await copy(a, { out: tmp.file(`f${threads}.npy`), order: 'F', threads }) as MemMap;
      const t = await take(a.slice('::-1', '::3'), [5, 0, 2999 - 2000, 7], { axis: 0, out: tmp.file(`t${threads}.npy`), threads }) as MemMap;
      runs.push([fs.readFileSync(tmp.file(`f${threads}.npy`)), fs.readFileSync(tmp.file(`t${threads}.npy`))]);
      f.close(); t.close();
    }
    expect(runs[0][0].equals(runs[1][0])).toBe(true);
    expect(runs[0][1].equals(runs[1][1])).toBe(true);
    // the F copy holds element [i, j] where numpy's asfortranarray puts it
    const f = openNpy(tmp.file('f1.npy'), { mode: 'r' });
    expect(f.get(1234, 17)).toEqual(a.get(1234, 17));
    f.close(); a.close();
  });
});
