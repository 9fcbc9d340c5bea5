// openNpy/createNpy: every numpy-written .npy file maps with its values; createNpy writes the header
// np.save/open_memmap write, byte for byte; bad files are ERR_NDMMAP_NPY.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNpy, openNpy } from '../dist/src/index.js';
import { native } from '../dist/src/native.js';
import { FIXTURES, caught, flat, manifest, parseValue, tempDir } from './helpers.js';

interface NpyCase {
  file: string; writer: string; version: [number, number]; descr: string; fortran_order: boolean;
  shape: number[]; header_len: number; data_offset: number; values: string[];
}
const cases = manifest<NpyCase[]>('npy');
const NPY = join(FIXTURES, 'npy');

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

describe('openNpy() reads every numpy-written file (npy/cases.json)', () => {
  it.each(cases.map((c) => [c.file, c]))('%s', (_, c) => {
    const a = openNpy(join(NPY, c.file), { mode: 'r' });
    try {
      expect(a.shape).toEqual(c.shape);
      expect(a.dtype.str).toBe(c.descr);
      expect(a.offset).toBe(c.data_offset);
      expect(a.mode).toBe('r');
      if (c.shape.length > 1 && a.size > 1) expect(a.order).toBe(c.fortran_order ? 'F' : 'C');
      const got = flat(a.toArray());
      const want = c.values.map((v) => parseValue(v, c.descr));
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => expect(Object.is(g, want[i]), `${c.file}[${i}]`).toBe(true));
    } finally {
      a.close();
    }
  });
});

describe('createNpy() writes numpy\'s header byte for byte', () => {
  // Version 2/3 files come from write_array(version=...) on purpose; numpy itself writes 1.0 here.
  const v1 = cases.filter((c) => c.version[0] === 1);
  it.each(v1.map((c) => [c.file, c]))('%s', (_, c) => {
    const f = tmp.file('out.npy');
    const a = createNpy(f, { dtype: c.descr, shape: c.shape, order: c.fortran_order ? 'F' : 'C' });
    try {
      expect(a.offset).toBe(c.data_offset);
      const ours = fs.readFileSync(f);
      const theirs = fs.readFileSync(join(NPY, c.file));
      expect(ours.length).toBe(theirs.length);
      expect(ours.subarray(0, c.data_offset).equals(theirs.subarray(0, c.data_offset))).toBe(true);
    } finally {
      a.close();
    }
  });

  it('writes through createNpy land in the file and read back through openNpy', () => {
    const f = tmp.file('w.npy');
    const a = createNpy(f, { dtype: '<i4', shape: [3, 2], order: 'F' });
    expect(a.mode).toBe('r+');
    expect(a.toArray()).toEqual([[0, 0], [0, 0], [0, 0]]);
    a.assign([[1, 2], [3, 4], [5, 6]]);
    a.close();
    const b = openNpy(f, { mode: 'r' });
    expect(b.shape).toEqual([3, 2]);
    expect(b.order).toBe('F');
    expect(b.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    // F order: the first column comes first on disk
    const bytes = fs.readFileSync(f);
    expect([0, 1, 2, 3, 4, 5].map((k) => bytes.readInt32LE(128 + 4 * k))).toEqual([1, 3, 5, 2, 4, 6]);
    b.close();
    const c = openNpy(f); // default r+
    c.set([2, 1], -6);
    c.close();
    const d = openNpy(f, { mode: 'c' });
    expect(d.get(2, 1)).toBe(-6);
    d.set([0, 0], 100);
    d.close();
    expect(fs.readFileSync(f).readInt32LE(128)).toBe(1);
  });

  it('defaults to float64 and C order and refuses bad options before writing', () => {
    const f = tmp.file('d.npy');
    const a = createNpy(f, { shape: 4 });
    expect([a.dtype.str, a.order, a.shape]).toEqual(['<f8', 'C', [4]]);
    a.close();
    const g = tmp.file('none.npy');
    const bad: [unknown, string, string][] = [
      [{}, 'ERR_NDMMAP_SHAPE', 'shape must be given to create a .npy file'],
      [{ shape: [2], dtype: 'c32' }, 'ERR_NDMMAP_DTYPE', "data type 'c32' not understood (ndmmap maps complex64 and complex128)"],
      [{ shape: [2], order: 'K' }, 'ERR_NDMMAP_ORDER', "order must be one of 'C', 'F', got 'K'"],
      [{ shape: [-2] }, 'ERR_OUT_OF_RANGE', 'negative dimensions are not allowed, got shape (-2,)'],
    ];
    for (const [opts, code, msg] of bad) {
      const e = caught(() => createNpy(g, opts as never));
      expect(e.code).toBe(code);
      expect(e.message).toBe(msg);
      expect(fs.existsSync(g)).toBe(false);
    }
  });
});

describe('openNpy() errors', () => {
  const good = fs.readFileSync(join(NPY, 'f8_2d_C.npy'));
  const write = (bytes: Uint8Array): string => { const f = tmp.file('bad.npy'); fs.writeFileSync(f, bytes); return f; };
  const header = (text: string): Buffer => {
    const body = Buffer.from(text.padEnd(118 - 1) + '\n', 'latin1');
    const h = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(h);
    h.writeUInt16LE(body.length, 8);
    return Buffer.concat([h, body, Buffer.alloc(96)]);
  };

  it.each([
    ['a wrong magic string', () => Buffer.concat([Buffer.from('NUMPY!'), good.subarray(6)]), /^the magic string is not correct; expected '\\x93NUMPY', got 'NUMPY!'$/],
    ['an unknown version', () => { const b = Buffer.from(good); b[6] = 4; return b; }, /^we only support format version \(1,0\), \(2,0\), and \(3,0\), not \(4, 0\)$/],
    ['a file cut inside the header', () => good.subarray(0, 60), /^header length 118 runs past the end of the file/],
    ['a file cut inside the data', () => good.subarray(0, 128 + 40), /^file too small for shape \(3, 4\) of '<f8'/],
    ['a file shorter than the magic', () => good.subarray(0, 3), /^file too small for the .npy magic string/],
    ['a header that is not a dict', () => header("['descr']"), /^Header is not a dictionary/],
    ['a header with missing keys', () => header("{'descr': '<f8', 'shape': (2,), }"), /^Header does not contain the correct keys/],
    ['an unsupported descr', () => header("{'descr': '<c32', 'fortran_order': False, 'shape': (2,), }"), /^descr is not a valid dtype descriptor: '<c32'/],
    ['an object array', () => header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"), /object array of pickled Python objects/],
    ['a negative dimension', () => header("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }"), /negative dimensions are not allowed/],
    ['a bad fortran_order', () => header("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }"), /^fortran_order is not a valid bool: 0$/],
  ])('%s is ERR_NDMMAP_NPY', (_, make, msg) => {
    const e = caught(() => openNpy(write(make()), { mode: 'r' }));
    expect(e.code).toBe('ERR_NDMMAP_NPY');
    expect(e.message).toMatch(msg);
  });

  it('refuses w+ and unknown modes; a missing file is ENOENT', () => {
    const f = join(NPY, 'f8_2d_C.npy');
    const w = caught(() => openNpy(f, { mode: 'w+' }));
    expect(w.code).toBe('ERR_NDMMAP_MODE');
    expect(w.message).toBe("openNpy opens existing files: use createNpy() for mode 'w+'");
    const m = caught(() => openNpy(f, { mode: 'x' }));
    expect(m.code).toBe('ERR_NDMMAP_MODE');
    expect(m.message).toBe("mode must be one of 'r', 'r+', 'c' (got 'x')");
    const missing = tmp.file('nope.npy');
    const e = caught(() => openNpy(missing, { mode: 'r' }));
    expect(e.code).toBe('ENOENT');
    expect(e.path).toBe(missing);
    expect(e.syscall).toBe('open');
  });
});

describe('createNpy() makes the header durable before it returns', () => {
  // What this proves: the order of the system calls (header written, size set, fsync of the file,
  // fsync of the directory for a new file, all before the file is mapped) and what the file holds
  // when fsync runs. That fsync reaches the platter is the kernel's promise; the durability suite
  // checks the page-cache side (the header page is clean when createNpy returns).
  interface Ev { op: string; fd: number; head?: string; size?: number; mapped?: number; dir?: boolean }
  const realFsync = fs.fsyncSync;
  const realWrite = fs.writeSync;
  /** Run `run` with fs.writeSync and fs.fsyncSync traced; at each fsync, what the file holds. */
  function trace(run: () => void): Ev[] {
    const events: Ev[] = [];
    const write = vi.spyOn(fs, 'writeSync');
    const fsync = vi.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
      const st = fs.fstatSync(fd);
      const ev: Ev = { op: 'fsync', fd, dir: st.isDirectory(), mapped: native.liveMappings() };
      if (!ev.dir) {
        const b = Buffer.alloc(6);
        fs.readSync(fd, b, 0, 6, 0);
        Object.assign(ev, { head: b.toString('latin1'), size: st.size });
      }
      events.push(ev);
      realFsync(fd);
    });
    write.mockImplementation(((fd: number, ...rest: unknown[]) => {
      events.push({ op: 'write', fd });
      return (realWrite as (...a: unknown[]) => number)(fd, ...rest);
    }) as typeof fs.writeSync);
    try {
      run();
    } finally {
      write.mockRestore();
      fsync.mockRestore();
    }
    return events;
  }

  it('new file: write header → fsync file (header and full size in place) → fsync directory → map', () => {
    const f = tmp.file('durable.npy');
    const live = native.liveMappings();
    let a: ReturnType<typeof createNpy> | undefined;
    const events = trace(() => { a = createNpy(f, { dtype: 'float32', shape: [1000, 3] }); });
    expect(native.liveMappings()).toBe(live + 1);
    const file = events.find((e) => e.op === 'fsync' && !e.dir);
    const dir = events.find((e) => e.op === 'fsync' && e.dir);
    expect(file, JSON.stringify(events)).toMatchObject({ head: '\x93NUMPY', size: 128 + 12000, mapped: live });
    expect(dir, JSON.stringify(events)).toMatchObject({ mapped: live });
    const firstWrite = events.findIndex((e) => e.op === 'write' && e.fd === file!.fd);
    expect(firstWrite).toBeGreaterThanOrEqual(0);
    expect(firstWrite).toBeLessThan(events.indexOf(file!));
    expect(events.indexOf(file!)).toBeLessThan(events.indexOf(dir!));
    a!.close();
  });

  it('existing file: the file is fsynced again; its directory entry already exists', () => {
    const f = tmp.file('again.npy');
    createNpy(f, { dtype: 'int8', shape: [5] }).close();
    let a: ReturnType<typeof createNpy> | undefined;
    const events = trace(() => { a = createNpy(f, { dtype: 'float64', shape: [7] }); });
    expect(events.filter((e) => e.op === 'fsync')).toEqual([expect.objectContaining({ dir: false, head: '\x93NUMPY', size: 128 + 56 })]);
    a!.close();
  });
});
