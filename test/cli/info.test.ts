/**
 * `ndmmap info` on numpy-made .npy and raw fixtures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIX, expectError, layoutArgs, ndmmap, ndmmapAsync, pool } from './helpers.js';

interface NpyCase { file: string; descr: string; fortran_order: boolean; shape: number[]; data_offset: number }
interface RawCase { file: string; dtype: string; shape: number[]; order: string; offset: number }
const npy = JSON.parse(fs.readFileSync(path.join(FIX, 'npy/cases.json'), 'utf8')) as NpyCase[];
const raw = JSON.parse(fs.readFileSync(path.join(FIX, 'memmap/cases.json'), 'utf8')) as RawCase[];

const ITEM: Record<string, number> = { b: 1, i: 0, u: 0, f: 0 };
const itemsize = (descr: string): number => Number(descr.slice(2)) || ITEM[descr[1]];
/** numpy's str(dtype) for a descr. */
const npName = (d: string): string => {
  if (d[0] === '>') return d;
  const kind = { b: 'bool', i: 'int', u: 'uint', f: 'float' }[d[1]]!;
  return kind === 'bool' ? 'bool' : `${kind}${8 * Number(d.slice(2))}`;
};

describe('info', () => {
  it('reads every .npy fixture header', async () => {
    const runs = await pool(npy, 4, (c) => ndmmapAsync(['info', path.join(FIX, 'npy', c.file), '--json']));
    npy.forEach((c, i) => {
      expect(runs[i].status, `${c.file}: ${runs[i].stderr}`).toBe(0);
      const size = c.shape.reduce((a, b) => a * b, 1);
      const order = c.fortran_order && c.shape.filter((d) => d > 1).length > 1 ? 'F' : 'C';
      expect(JSON.parse(runs[i].stdout), c.file).toEqual({
        shape: c.shape, dtype: npName(c.descr), order: size === 0 || c.shape.length < 2 ? expect.any(String) : order,
        offset: c.data_offset, nbytes: size * itemsize(c.descr),
      });
    });
  });

  it('reads raw fixtures with layout flags', async () => {
    const some = raw.filter((_, i) => i % 5 === 0);
    const runs = await pool(some, 4, (c) => ndmmapAsync(['info', path.join(FIX, 'memmap', c.file), ...layoutArgs(c), '--json']));
    some.forEach((c, i) => {
      const j = JSON.parse(runs[i].stdout);
      expect(j.shape, c.file).toEqual(c.shape);
      expect(j.offset).toBe(c.offset);
      expect(j.dtype).toBe(npName(c.dtype.replace('|', '<')));
      if (c.shape.length > 1) expect(j.order).toBe(c.order);
    });
  });

  it('defaults a raw file to 1-D uint8, like numpy.memmap', () => {
    const f = path.join(FIX, 'memmap', raw[0].file);
    const j = JSON.parse(ndmmap(['info', f, '--json']).stdout);
    expect(j).toEqual({ shape: [fs.statSync(f).size], dtype: 'uint8', order: 'C', offset: 0, nbytes: fs.statSync(f).size });
  });

  it('prints readable lines without --json', () => {
    const r = ndmmap(['info', path.join(FIX, 'npy/f8_2d_F.npy')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^shape: +\(3, 4\)$/m);
    expect(r.stdout).toMatch(/^dtype: +float64$/m);
    expect(r.stdout).toMatch(/^order: +F$/m);
  });

  it('refuses layout flags with a .npy (exit 2)', () => {
    expectError(ndmmap(['info', path.join(FIX, 'npy/f8_2d_F.npy'), '--shape', '12']), 2, /carries its own layout/);
  });
});
