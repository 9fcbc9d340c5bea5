/**
 * Every reduction through the binary, against numpy's values in test/fixtures/reduce/cases.json, on a
 * spread of files (every dtype family, C and F order, 3-D, offsets, big-endian, empty), axis None and -1.
 * Each case is a process start (~0.2 s), so the spread is chosen rather than exhaustive; the library's
 * own tests cover every case.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIX, expectError, layoutArgs, ndmmap, ndmmapAsync, pool } from './helpers.js';

interface Case {
  file: string; dtype: string; shape: number[]; order: string; offset: number; op: string;
  axis: number | null; ddof: number | null; result_dtype: string | null; result_shape: number[] | null; expected: string[] | 'error';
}
const cases = JSON.parse(fs.readFileSync(path.join(FIX, 'reduce/cases.json'), 'utf8')) as Case[];
const FILES = new Set([
  'f8_4x5x6_F.bin', 'i2_60x5.bin', 'u8_16x4_wrap.bin', 'i8_16x4_wrap.bin', 'f4_1001x7_C.bin', 'b1_40x3.bin', 'f8_nan_ties_4x3.bin',
  'f2_300.bin', 'f8be_20x3.bin', 'i2_offset5.bin', 'f8_1e16_trap.bin', 'f8_empty_0x3.bin', 'i4_empty.bin',
]);
const picked = cases.filter((c) => FILES.has(c.file) && [null, -1].includes(c.axis) && c.ddof !== 0);

/** Relative tolerance by result dtype: the engine sums in another order than numpy's pairwise loop. */
const TOL: Record<string, number> = { '<f8': 1e-9, '<f4': 1e-5, '<f2': 2e-3, '>f8': 1e-9 };

function flat(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

function same(got: unknown, want: string, rdtype: string): boolean {
  if (rdtype.endsWith('b1')) return String(got) === (want === 'True' ? 'true' : 'false');
  if (/[iu]/.test(rdtype[1])) return String(got) === want;
  const num = (x: unknown): number => Number(String(x).replace(/^(-?)inf$/, '$1Infinity'));
  const w = num(want);
  const g = num(got);
  if (Number.isNaN(w)) return Number.isNaN(g);
  if (!Number.isFinite(w)) return g === w;
  return Math.abs(g - w) <= (TOL[rdtype] ?? 1e-9) * Math.max(Math.abs(w), 1e-300) || Math.abs(g - w) < 1e-12;
}

describe('reductions against numpy', () => {
  it(`gives numpy's values for ${picked.length} cases`, async () => {
    const runs = await pool(picked, 4, (c) => {
      const args = [c.op, path.join(FIX, 'reduce', c.file), ...layoutArgs(c), '--json'];
      if (c.axis !== null) args.push(`--axis=${c.axis}`);
      if (c.ddof !== null) args.push(`--ddof=${c.ddof}`);
      return ndmmapAsync(args);
    });
    const bad: string[] = [];
    picked.forEach((c, i) => {
      const r = runs[i];
      const what = `${c.op}(axis=${c.axis}, ddof=${c.ddof}) of ${c.file}`;
      if (c.expected === 'error') {
        if (r.status !== 1 || !r.stderr.startsWith('ndmmap: ')) bad.push(`${what}: expected an error, got ${r.status} ${r.stdout}`);
        return;
      }
      if (r.status !== 0) { bad.push(`${what}: exit ${r.status} ${r.stderr}`); return; }
      const got = flat(JSON.parse(r.stdout).result);
      if (got.length !== c.expected.length || !got.every((g, k) => same(g, (c.expected as string[])[k], c.result_dtype!)))
        bad.push(`${what}: got ${JSON.stringify(got.slice(0, 8))}, numpy ${JSON.stringify(c.expected.slice(0, 8))}`);
    });
    expect(bad).toEqual([]);
  }, 300_000);

  it('prints scalars as numpy prints them', () => {
    const c = path.join(FIX, 'reduce/i2_60x5.bin');
    expect(ndmmap(['sum', c, '--dtype', '<i2', '--shape', '60,5']).stdout).toMatch(/^-?\d+\n$/);
    const inf = ndmmap(['max', path.join(FIX, 'reduce/f8_inf.bin'), '--dtype', 'float64']);
    expect(inf.stdout).toBe('inf\n');
    expect(ndmmap(['min', path.join(FIX, 'reduce/b1_all_false.bin'), '--dtype', 'bool']).stdout).toBe('False\n');
  });

  it("prints an axis result like numpy's repr, abridged past 1000 elements", () => {
    const r = ndmmap(['argmax', path.join(FIX, 'reduce/f8_1001x7_C.bin'), '--dtype', 'f8', '--shape', '1001,7', '--axis', '1']);
    expect(r.stdout).toBe('array([1, 3, 5, ..., 5, 6, 2], shape=(1001,))\n');
    const s = ndmmap(['sum', path.join(FIX, 'reduce/f8_1001x7_C.bin'), '--dtype', 'f8', '--shape', '1001,7', '--axis', '0']);
    expect(s.stdout).toBe('array([2402.01333868, 3307.3404435 , 3202.42523376, 2924.12348948,\n       2931.02773921, 3323.13279964, 3017.34278153])\n');
  });

  it('encodes NaN and 64-bit integers outside the safe range as strings in JSON', () => {
    const nan = ndmmap(['sum', path.join(FIX, 'reduce/f8_nan_middle.bin'), '--dtype', 'f8', '--json']);
    expect(JSON.parse(nan.stdout)).toEqual({ result: 'nan' });
    const big = cases.find((c) => c.file === 'u8_16x4_wrap.bin' && c.op === 'max' && c.axis === null)!;
    const r = ndmmap(['max', path.join(FIX, 'reduce', big.file), ...layoutArgs(big), '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ result: big.expected[0] });
  });

  it('reduces a row range with --rows, like a[START:STOP]', () => {
    const f = path.join(FIX, 'reduce/i2_60x5.bin');
    const whole = JSON.parse(ndmmap(['sum', f, '--dtype', '<i2', '--shape', '60,5', '--json']).stdout).result;
    const a = JSON.parse(ndmmap(['sum', f, '--dtype', '<i2', '--shape', '60,5', '--rows', '0:25', '--json']).stdout).result;
    const b = JSON.parse(ndmmap(['sum', f, '--dtype', '<i2', '--shape', '60,5', '--rows', '25:', '--json']).stdout).result;
    expect(a + b).toBe(whole);
  });

  it('rejects a bad axis, ddof for sum and an unknown flag with exit 2', () => {
    const f = path.join(FIX, 'reduce/i2_60x5.bin');
    expectError(ndmmap(['sum', f, '--dtype', '<i2', '--shape', '60,5', '--axis', '2']), 2, /axis 2 is out of bounds/);
    expectError(ndmmap(['sum', f, '--dtype', '<i2', '--ddof', '1']), 2, /--ddof/);
    expectError(ndmmap(['mean', f, '--frobnicate']), 2, /unknown option '--frobnicate'$/);
    expectError(ndmmap(['mean', f, '--axis', 'x']), 2, /--axis must be an integer/);
  });
});
