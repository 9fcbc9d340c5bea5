// memmap(): opening every numpy-made file like np.memmap, numpy's recorded open behaviours (errors,
// file side effects), sharing between maps, modes, properties, close(), and files past 4 GiB.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNpy, memmap, NdmmapError } from '../dist/src/index.js';
import { FIXTURES, caught, flat, manifest, parseValue, tempDir } from './helpers.js';

interface MemmapCase { file: string; dtype: string; shape: number[]; order: 'C' | 'F'; offset: number; values: string[] }
const cases = manifest<MemmapCase[]>('memmap');

describe('memmap() reads every numpy-written file (memmap/cases.json)', () => {
  it.each(cases.map((c) => [c.file, c]))('%s', (_, c) => {
    const a = memmap(join(FIXTURES, 'memmap', c.file), { dtype: c.dtype, mode: 'r', shape: c.shape, order: c.order, offset: c.offset });
    try {
      expect(a.shape).toEqual(c.shape);
      const got = flat(a.toArray());
      const want = c.values.map((v) => parseValue(v, c.dtype));
      expect(got).toHaveLength(want.length);
      // Object.is: NaN equals NaN, -0.0 differs from 0.0, 1n differs from 1.
      got.forEach((g, i) => expect(Object.is(g, want[i]), `${c.file}[${i}]: ${String(g)} vs ${String(want[i])}`).toBe(true));
    } finally {
      a.close();
    }
  });

  it.each(cases.filter((c) => c.offset === 0 && c.shape.length === 1).map((c) => [c.file, c]))('%s with the shape inferred from the file size', (_, c) => {
    const a = memmap(join(FIXTURES, 'memmap', c.file), { dtype: c.dtype, mode: 'r' });
    try {
      expect(a.shape).toEqual(c.shape);
      expect(flat(a.toArray())).toEqual(c.values.map((v) => parseValue(v, c.dtype)));
    } finally {
      a.close();
    }
  });
});

interface Inferred { dtype: string; file_size: number; offset: number; result: string; shape?: number[]; error?: string; file_size_after: number }
interface Behaviour {
  what: string;
  file_size_before: number | null;
  args: { dtype: string; mode: string; offset?: number; shape?: number[] };
  result: string;
  shape?: number[];
  error?: string;
  file_size_after: number | null;
}
const behaviours = manifest<{ inferred_shape: Inferred[]; cases: Behaviour[] }>('memmap', 'behaviours.json');

/** Our code for each numpy error, and where our message deliberately differs from numpy's, what it says. */
const OUR_ERRORS: Record<string, { code: string; message?: RegExp }> = {
  'size not a multiple of itemsize': { code: 'ERR_NDMMAP_SIZE' },
  'size after offset not a multiple of itemsize': { code: 'ERR_NDMMAP_SIZE' },
  "mode 'r' with shape larger than the file": { code: 'ERR_NDMMAP_SIZE' },
  "mode 'c' with shape larger than the file": { code: 'ERR_NDMMAP_SIZE' },
  "mode 'w+' without shape": { code: 'ERR_NDMMAP_SHAPE' },
  "mode 'w+' without shape, no file": { code: 'ERR_NDMMAP_SHAPE' },
  // numpy: OverflowError 'memory mapped offset must be positive' (from mmap itself)
  'negative offset, mode r': { code: 'ERR_OUT_OF_RANGE', message: /^offset must be non-negative, got -1$/ },
  'negative offset, mode w+ (file is truncated first)': { code: 'ERR_OUT_OF_RANGE', message: /^offset must be non-negative, got -1$/ },
  'unknown mode': { code: 'ERR_NDMMAP_MODE' },
  'mode r, no shape, empty file': { code: 'ERR_NDMMAP_SIZE' },
  // numpy: 'negative dimensions are not allowed' (it computes a negative length); we say why
  'mode r, no shape, offset past the file': { code: 'ERR_NDMMAP_SIZE', message: /^offset 16 is past the end of the file \(8 bytes\)$/ },
  'mode r, file missing': { code: 'ENOENT', message: /no such file or directory/ },
};
/** numpy truncates before it validates the offset; we validate first and leave the file alone. */
const NO_SIDE_EFFECT = new Set(['negative offset, mode w+ (file is truncated first)']);
const CANONICAL_MODE: Record<string, string> = { readonly: 'r', readwrite: 'r+', copyonwrite: 'c', write: 'w+' };

describe('numpy memmap behaviours (memmap/behaviours.json)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  const sizeOf = (p: string): number | null => (fs.existsSync(p) ? fs.statSync(p).size : null);

  it.each(behaviours.inferred_shape.map((c) => [`${c.dtype} size ${c.file_size} offset ${c.offset}`, c]))('infers the shape: %s', (_, c) => {
    const f = tmp.file('f.bin');
    fs.writeFileSync(f, Buffer.alloc(c.file_size));
    if (c.result === 'ok') {
      const a = memmap(f, { dtype: c.dtype, mode: 'r', offset: c.offset });
      expect(a.shape).toEqual(c.shape);
      a.close();
    } else {
      const e = caught(() => memmap(f, { dtype: c.dtype, mode: 'r', offset: c.offset }));
      expect(e.code).toBe('ERR_NDMMAP_SIZE');
      expect(e.message).toBe(c.error);
    }
    expect(fs.statSync(f).size).toBe(c.file_size_after);
  });

  it.each(behaviours.cases.map((c) => [c.what, c]))('%s', (_, c) => {
    const f = tmp.file('f.bin');
    if (c.file_size_before !== null) fs.writeFileSync(f, Buffer.alloc(c.file_size_before, 0x5a));
    const opts = { ...c.args, dtype: c.args.dtype };
    if (c.result === 'ok') {
      const a = memmap(f, opts);
      expect(a.shape).toEqual(c.shape);
      expect(a.mode).toBe(CANONICAL_MODE[c.args.mode] ?? c.args.mode);
      a.close();
      expect(sizeOf(f)).toBe(c.file_size_after);
    } else {
      const e = caught(() => memmap(f, opts));
      const ours = OUR_ERRORS[c.what];
      expect(ours, `no expectation for '${c.what}'`).toBeDefined();
      expect(e).toBeInstanceOf(NdmmapError);
      expect(e.code).toBe(ours.code);
      if (ours.message) expect(e.message).toMatch(ours.message);
      else if (c.what === 'unknown mode') expect(e.message).toBe(c.error!.replace(/[[\]]/g, ''));
      else expect(e.message).toContain(c.error);
      expect(sizeOf(f)).toBe(NO_SIDE_EFFECT.has(c.what) ? c.file_size_before : c.file_size_after);
    }
  });

  it('extends a file in r+ with zeros and keeps its old bytes', () => {
    const f = tmp.file('grow.bin');
    fs.writeFileSync(f, Buffer.alloc(10, 0x5a));
    const a = memmap(f, { dtype: 'float64', mode: 'r+', shape: [5] });
    a.close();
    const bytes = fs.readFileSync(f);
    expect(bytes.length).toBe(40);
    expect([...bytes.subarray(0, 10)].every((b) => b === 0x5a)).toBe(true);
    expect([...bytes.subarray(10)].every((b) => b === 0)).toBe(true);
  });

  it('gives a missing file ENOENT with syscall and path, and creates nothing', () => {
    const f = tmp.file('missing.bin');
    for (const mode of ['r', 'r+', 'c']) {
      const e = caught(() => memmap(f, { dtype: 'float64', mode }));
      expect(e.code).toBe('ENOENT');
      expect(e.syscall).toBe('open');
      expect(e.path).toBe(f);
      expect(e.message).toMatch(/ENOENT: no such file or directory/);
      expect(e.message).toContain(f);
      expect(fs.existsSync(f)).toBe(false);
    }
  });

  it('validates every argument before creating or truncating the file', () => {
    const f = tmp.file('keep.bin');
    fs.writeFileSync(f, Buffer.alloc(16, 7));
    const bad: [object, string, RegExp][] = [
      [{ mode: 'w+', shape: [2], dtype: 'complex256' }, 'ERR_NDMMAP_DTYPE', /^data type 'complex256' not understood \(ndmmap maps complex64 and complex128\)$/],
      [{ mode: 'w+', shape: [-1] }, 'ERR_OUT_OF_RANGE', /^negative dimensions are not allowed/],
      [{ mode: 'w+', shape: [2], order: 'X' }, 'ERR_NDMMAP_ORDER', /^order must be one of 'C', 'F', got 'X'$/],
      [{ mode: 'w+', shape: [2], offset: 1.5 }, 'ERR_INVALID_ARG_TYPE', /^offset must be an integer number of bytes, got 1.5$/],
      [{ mode: 'w+', shape: [2 ** 40, 2 ** 20] }, 'ERR_OUT_OF_RANGE', /too big|too large/],
    ];
    for (const [opts, code, message] of bad) {
      const e = caught(() => memmap(f, opts));
      expect(e.code).toBe(code);
      expect(e.message).toMatch(message);
      expect(fs.readFileSync(f)).toEqual(Buffer.alloc(16, 7));
    }
  });
});

describe('shape given as a typed array (numpy takes any integer sequence: np.zeros(np.array([3, 4])))', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it.each([
    ['Int32Array', new Int32Array([3, 4])],
    ['Uint8Array', new Uint8Array([3, 4])],
    ['BigInt64Array', new BigInt64Array([3n, 4n])],
    ['BigUint64Array', new BigUint64Array([3n, 4n])],
  ])('memmap and createNpy take a %s', async (_, shape) => {
    const a = memmap(tmp.file('t.f4'), { dtype: 'float32', mode: 'w+', shape });
    expect(a.shape).toEqual([3, 4]);
    expect(fs.statSync(tmp.file('t.f4')).size).toBe(48);
    a.close();
    const b = memmap(tmp.file('t.f4'), { dtype: 'float32', mode: 'r', shape });
    expect(b.shape).toEqual([3, 4]);
    b.close();
    const n = createNpy(tmp.file('t.npy'), { dtype: 'int16', shape });
    expect(n.shape).toEqual([3, 4]);
    n.close();
  });

  it('refuses typed arrays numpy would refuse, before the file is touched', () => {
    const f = tmp.file('never.f8');
    // numpy: np.zeros(np.array([3., 4.])) is a TypeError even though the values are whole.
    for (const shape of [new Float64Array([3, 4]), new Float32Array([3, 4])])
      expect(caught(() => memmap(f, { mode: 'w+', shape: shape as never }))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: `shape must be an integer or a sequence of integers, got a ${shape.constructor.name}` });
    expect(caught(() => memmap(f, { mode: 'w+', shape: new Int8Array([3, -1]) }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(/^negative dimensions are not allowed/) });
    expect(caught(() => memmap(f, { mode: 'w+', shape: new DataView(new ArrayBuffer(8)) as never }))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(fs.existsSync(f)).toBe(false);
  });
});

describe('modes', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it.each(['r+', 'w+'])('two %s maps of one file see each other at once, before flush', (mode) => {
    const f = tmp.file('shared.bin');
    const a = mode === 'w+' ? memmap(f, { dtype: 'int32', mode: 'w+', shape: [8] }) : (fs.writeFileSync(f, Buffer.alloc(32)), memmap(f, { dtype: 'int32', mode: 'r+' }));
    const b = memmap(f, { dtype: 'int32', mode: 'r+' });
    a.set(3, 12345);
    expect(b.get(3)).toBe(12345);
    b.typedArray()[5] = -7;
    expect(a.get(5)).toBe(-7);
    // a read-only map sees the shared pages too
    const r = memmap(f, { dtype: 'int32', mode: 'r' });
    expect(r.get(3)).toBe(12345);
    a.flush();
    expect(fs.readFileSync(f).readInt32LE(12)).toBe(12345);
    for (const m of [a, b, r]) m.close();
  });

  it("mode 'c' keeps writes in the process: never in the file, even after flush()", () => {
    const f = tmp.file('cow.bin');
    const data = Buffer.alloc(64);
    for (let i = 0; i < 8; i++) data.writeDoubleLE(i + 0.5, i * 8);
    fs.writeFileSync(f, data);
    const c = memmap(f, { dtype: 'float64', mode: 'c' });
    expect(c.mode).toBe('c');
    c.set(2, 99.25);
    c.typedArray()[4] = -1;
    expect(c.get(2)).toBe(99.25);
    expect(c.get(4)).toBe(-1);
    expect(c.slice('2:5').toArray()).toEqual([99.25, 3.5, -1]);
    c.flush();
    const other = memmap(f, { dtype: 'float64', mode: 'r' });
    expect(other.get(2)).toBe(2.5);
    other.close();
    c.close();
    expect(fs.readFileSync(f)).toEqual(data);
  });

  it("mode 'r' refuses set()/assign() with ERR_NDMMAP_READONLY", () => {
    const f = tmp.file('ro.bin');
    fs.writeFileSync(f, Buffer.alloc(16));
    const a = memmap(f, { dtype: 'float64', mode: 'r' });
    for (const fn of [() => a.set(0, 1), () => a.assign(2), () => a.slice(0).assign(1)]) {
      const e = caught(fn);
      expect(e.code).toBe('ERR_NDMMAP_READONLY');
      expect(e.message).toBe('assignment destination is read-only');
    }
    a.close();
    expect(fs.readFileSync(f)).toEqual(Buffer.alloc(16));
  });

  it("typedArray() in mode 'r' is a private copy: writing it neither faults nor reaches the file", () => {
    const f = tmp.file('ro.bin');
    const data = Buffer.alloc(8 * 1024);
    for (let i = 0; i < 1024; i++) data.writeDoubleLE(i, i * 8);
    fs.writeFileSync(f, data);
    const a = memmap(f, { dtype: 'float64', mode: 'r' });
    const t = a.typedArray(100, 200) as Float64Array;
    expect(t[0]).toBe(100);
    t[0] = -5;
    t.fill(42, 10);
    expect(t[0]).toBe(-5);
    expect(a.get(100)).toBe(100);
    expect(a.get(150)).toBe(150);
    a.close();
    expect(fs.readFileSync(f)).toEqual(data);
  });
});

describe("mode 'w+' and createNpy() on a file an open memmap maps (issue 17, item 1)", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('refuses before truncating, whatever name reaches the file (itself, a symlink, a hard link, /proc/self/root); allowed after close()', () => {
    const f = tmp.file('input.f8');
    const data = Buffer.from(new Float64Array([1, 2, 3, 4]).buffer);
    fs.writeFileSync(f, data);
    const sym = tmp.file('sym.f8');
    fs.symlinkSync(f, sym);
    const hard = tmp.file('hard.f8');
    fs.linkSync(f, hard);
    const symNpy = tmp.file('sym.npy');
    fs.symlinkSync(f, symNpy);
    for (const mode of ['r', 'r+', 'c'] as const) {
      const a = memmap(f, { dtype: 'float64', mode });
      for (const name of [f, sym, hard, `/proc/self/root${f}`]) {
        const e = caught(() => memmap(name, { dtype: 'float64', mode: 'w+', shape: [8] }));
        expect(e, `${mode} ${name}`).toBeInstanceOf(NdmmapError);
        expect(e.code).toBe('ERR_NDMMAP_OVERLAP');
        expect(e.message).toMatch(/an open memmap maps it/);
      }
      expect(caught(() => createNpy(symNpy, { dtype: 'float64', shape: [4] })).code).toBe('ERR_NDMMAP_OVERLAP');
      expect(fs.readFileSync(f)).toEqual(data);
      expect(a.get(3)).toBe(4);
      a.close();
    }
    const b = memmap(sym, { dtype: 'float64', mode: 'w+', shape: [2] });
    b.close();
    expect(fs.statSync(f).size).toBe(16);
  });
});

describe('properties', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it.each([
    ['C', [48, 8]],
    ['F', [8, 32]],
  ])('order %s', (order, strides) => {
    const f = tmp.file('p.bin');
    const a = memmap(f, { dtype: '<f8', mode: 'w+', shape: [4, 6], order, offset: 16 });
    expect(a.shape).toEqual([4, 6]);
    expect(a.dtype.name).toBe('float64');
    expect(a.dtype.str).toBe('<f8');
    expect(a.size).toBe(24);
    expect(a.ndim).toBe(2);
    expect(a.itemsize).toBe(8);
    expect(a.nbytes).toBe(192);
    expect(a.strides).toEqual(strides);
    expect(a.mode).toBe('w+');
    expect(a.offset).toBe(16);
    expect(a.filename).toBe(f);
    expect(a.order).toBe(order);
    expect(a.closed).toBe(false);
    expect(fs.statSync(f).size).toBe(16 + 192);
    // a view keeps numpy's offset and filename; strides follow the view
    const v = a.slice('::-1', '1:6:2');
    expect(v.shape).toEqual([4, 3]);
    expect(v.strides).toEqual([-strides[0], 2 * strides[1]]);
    expect(v.order).toBe('K');
    expect(v.offset).toBe(16);
    expect(v.filename).toBe(f);
    expect(v.nbytes).toBe(96);
    a.close();
    expect(a.closed).toBe(true);
  });

  it('defaults to uint8, mode r+, C order and a 1-D shape', () => {
    const f = tmp.file('d.bin');
    fs.writeFileSync(f, Buffer.from([1, 2, 3]));
    const a = memmap(f);
    expect([a.dtype.name, a.mode, a.order, a.shape]).toEqual(['uint8', 'r+', 'C', [3]]);
    expect(a.toArray()).toEqual([1, 2, 3]);
    a.close();
  });
});

describe('close()', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => tmp.remove());

  it('makes every later use throw ERR_NDMMAP_CLOSED; typed arrays handed out keep their length, over zeros', async () => {
    const f = tmp.file('c.bin');
    const a = memmap(f, { dtype: 'float64', mode: 'w+', shape: [4, 4] });
    a.assign(1);
    const t = a.typedArray();
    const view = a.slice(1);
    const tv = view.typedArray();
    expect(t.length).toBe(16);
    a.close();
    expect(t.length).toBe(16);
    expect(tv.length).toBe(4);
    expect(t[3]).toBe(0);
    for (const fn of [() => a.get(0, 0), () => a.set([0, 0], 1), () => a.slice(0), () => a.toArray(), () => a.typedArray(),
      () => view.get(0), () => view.assign(2), () => a.flush()]) {
      const e = caught(fn);
      expect(e.code).toBe('ERR_NDMMAP_CLOSED');
      expect(e.message).toBe(`memmap of '${f}' is closed`);
    }
    await expect(a.sum()).rejects.toMatchObject({ code: 'ERR_NDMMAP_CLOSED', message: `memmap of '${f}' is closed` });
    await expect(view.max({ axis: 0 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_CLOSED' });
    a.close(); // twice is fine
    // the data written before close is in the file
    const bytes = fs.readFileSync(f);
    expect(bytes.length).toBe(128);
    for (let i = 0; i < 16; i++) expect(bytes.readDoubleLE(i * 8)).toBe(1);
  });
});

describe('files larger than 4 GiB', () => {
  const tmp = tempDir('ndmmap-big-');
  afterAll(() => tmp.remove());
  const SIZE = 6 * 2 ** 30;
  const N = SIZE / 8;
  const AT4G = 2 ** 32 / 8;

  it('get/set at the 4 GiB boundary and the end, typed array windows, reductions near the end', async () => {
    const f = tmp.file('big.f8');
    const fd = fs.openSync(f, 'w+');
    fs.ftruncateSync(fd, SIZE); // sparse until opened 'r+', which reserves its blocks (unwritten extents: quick)
    fs.closeSync(fd);
    const a = memmap(f, { dtype: 'float64', mode: 'r+' });
    try {
      expect(a.shape).toEqual([N]);
      expect(a.nbytes).toBe(SIZE);
      for (const [i, v] of [[AT4G - 1, 1.25], [AT4G, 2.5], [AT4G + 1, 3.75], [N - 1, -4.5], [-2, 7]] as const) {
        a.set(i, v);
        expect(a.get(i)).toBe(v);
      }
      const win = a.typedArray(N - 1024, N) as Float64Array;
      expect(win.length).toBe(1024);
      expect(win[1023]).toBe(-4.5);
      expect(win[1022]).toBe(7);
      win[0] = 11;
      win[1021] = 13;
      expect(a.get(N - 1024)).toBe(11);
      // a window that straddles 4 GiB
      const mid = a.typedArray(AT4G - 2, AT4G + 2) as Float64Array;
      expect([...mid]).toEqual([0, 1.25, 2.5, 3.75]);

      // sum over the last 8 MiB (goes to the pool): fill it with small integers, so the sum is exact
      const M = 2 ** 20;
      const tail = a.typedArray(N - M, N) as Float64Array;
      let expected = 0;
      for (let i = 0; i < M; i++) { tail[i] = i % 1000; expected += i % 1000; }
      expect(await a.slice(`${N - M}:`).sum()).toBe(expected);
      expect(await a.slice(`${N - M}:`).max()).toBe(999);
      expect(await a.slice(`${N - M}:`).argmax()).toBe(999);
      a.flush();
      const buf = Buffer.alloc(8);
      const rfd = fs.openSync(f, 'r');
      fs.readSync(rfd, buf, 0, 8, 2 ** 32);
      expect(buf.readDoubleLE(0)).toBe(2.5);
      fs.readSync(rfd, buf, 0, 8, 2 ** 32 - 8);
      expect(buf.readDoubleLE(0)).toBe(1.25);
      fs.readSync(rfd, buf, 0, 8, SIZE - 8);
      expect(buf.readDoubleLE(0)).toBe((M - 1) % 1000);
      fs.readSync(rfd, buf, 0, 8, SIZE - 8 * 3);
      expect(buf.readDoubleLE(0)).toBe((M - 3) % 1000);
      fs.closeSync(rfd);
    } finally {
      a.close();
      fs.rmSync(f, { force: true });
    }
  });
  it('typedArray() of the whole 6 GiB view: refused with a range hint on Node 20, one zero-copy view from Node 22 on', () => {
    const f = tmp.file('whole.f8');
    const fd = fs.openSync(f, 'w+');
    fs.ftruncateSync(fd, SIZE);
    fs.closeSync(fd);
    const a = memmap(f, { dtype: 'float64', mode: 'r+' });
    try {
      a.set(N - 1, 6.5);
      a.set(AT4G, -2.25);
      if (Number(process.versions.node.split('.')[0]) < 22) {
        expect(() => a.typedArray()).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(/at most 4 GiB on Node 20.*at most 536870912 elements/) }));
        return;
      }
      const all = a.typedArray();
      expect(all).toBeInstanceOf(Float64Array);
      expect(all.length).toBe(N);
      expect(all.byteLength).toBe(SIZE);
      expect(all[N - 1]).toBe(6.5);
      expect(all[AT4G]).toBe(-2.25);
      all[AT4G + 1] = 9; // writes through to the mapping
      expect(a.get(AT4G + 1)).toBe(9);
    } finally {
      a.close();
      fs.rmSync(f, { force: true });
    }
  });
});
