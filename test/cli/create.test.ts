/**
 * `ndmmap create`: .npy files byte-identical to numpy's open_memmap, raw files, nothing created on
 * bad arguments; `--fill` (needs the elementwise engine from main).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIX, expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface NpyCase { file: string; writer: string; descr: string; fortran_order: boolean; shape: number[]; data_offset: number }
const npy = JSON.parse(fs.readFileSync(path.join(FIX, 'npy/cases.json'), 'utf8')) as NpyCase[];

describe('create', () => {
  for (const c of npy.filter((x) => x.writer === 'open_memmap')) {
    it(`writes ${c.file}'s header byte for byte (${c.descr}, shape (${c.shape}), ${c.fortran_order ? 'F' : 'C'})`, () => {
      const out = path.join(dir, c.file);
      const r = ndmmap(['create', out, '--dtype', c.descr, '--shape', `(${c.shape.join(',')})`, '--order', c.fortran_order ? 'F' : 'C']);
      expect(r.status, r.stderr).toBe(0);
      const want = fs.readFileSync(path.join(FIX, 'npy', c.file));
      const got = fs.readFileSync(out);
      expect(got.length).toBe(want.length);
      expect(got.subarray(0, c.data_offset).equals(want.subarray(0, c.data_offset))).toBe(true);
      expect(got.subarray(c.data_offset).every((b) => b === 0)).toBe(true);
    });
  }

  it('creates a zero-filled raw file of the right size', () => {
    const out = path.join(dir, 'raw.f4');
    expect(ndmmap(['create', out, '--dtype', 'float32', '--shape', '10,3']).status).toBe(0);
    expect(fs.readFileSync(out).equals(Buffer.alloc(120))).toBe(true);
    expect(JSON.parse(ndmmap(['info', out, '--dtype', 'f4', '--shape', '10,3', '--json']).stdout).nbytes).toBe(120);
  });

  it('creates nothing when an argument is invalid (exit 2)', () => {
    const out = path.join(dir, 'never.npy');
    expectError(ndmmap(['create', out, '--dtype', 'float128', '--shape', '3']), 2, /not understood/);
    expectError(ndmmap(['create', out, '--dtype', 'f8', '--shape', '3,x']), 2, /shape/);
    expectError(ndmmap(['create', out, '--dtype', 'f8', '--shape', '3', '--order', 'Z']), 2, /order/);
    expectError(ndmmap(['create', out, '--dtype', 'u1', '--shape', '3', '--fill', '300']), 2, /out of bounds/);
    expectError(ndmmap(['create', out, '--dtype', 'i4', '--shape', '3', '--fill', 'nan']), 2);
    expectError(ndmmap(['create', out, '--dtype', 'f8', '--shape', '3', '--fill', 'lots']), 2, /--fill/);
    expectError(ndmmap(['create', out, '--shape', '3']), 2, /--dtype is required/);
    expectError(ndmmap(['create', out, '--dtype', 'f8']), 2, /--shape is required/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('leaves an existing file untouched when an argument is invalid', () => {
    const out = path.join(dir, 'keep.bin');
    fs.writeFileSync(out, 'precious');
    expectError(ndmmap(['create', out, '--dtype', 'c32', '--shape', '3']), 2);
    expect(fs.readFileSync(out, 'utf8')).toBe('precious');
  });

  // Needs `fill` from src/engine/elementwise.ts (landing in main); fails until then.
  it('fills with --fill', () => {
    const out = path.join(dir, 'filled.npy');
    const r = ndmmap(['create', out, '--dtype', 'int64', '--shape', '4', '--fill', '9007199254740993']);
    expect(r.status, r.stderr).toBe(0);
    const data = fs.readFileSync(out).subarray(128);
    expect([...new BigInt64Array(data.buffer.slice(data.byteOffset, data.byteOffset + 32))]).toEqual(Array(4).fill(9007199254740993n));
  });
});
