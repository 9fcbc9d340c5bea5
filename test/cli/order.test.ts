// ndmmap unique and searchsorted: numpy's values (fixtures of test/fixtures/make_lookup_fixtures.py),
// the count table, JSON, --out files; usage errors as one 'ndmmap:' line before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNpy } from '../../dist/src/index.js';
import { FIX, expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const O = (f: string): string => path.join(FIX, 'lookup', f);
const json = (r: { stdout: string }): unknown => JSON.parse(r.stdout);

describe('ndmmap unique', () => {
  it('prints the values, a count table, JSON, or saves PREFIX.values.npy / PREFIX.counts.npy', () => {
    const r = ndmmap(['unique', O('u_lei4.npy'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const want = openNpy(O('u_lei4.values.npy'), { mode: 'r' });
    const wantCounts = openNpy(O('u_lei4.counts.npy'), { mode: 'r' });
    expect(json(r)).toEqual({ values: Array.from(want.typedArray() as Int32Array) });
    const c = ndmmap(['unique', O('u_lei4.npy'), '--counts', '--json']);
    expect(json(c)).toEqual({ values: Array.from(want.typedArray() as Int32Array), counts: Array.from(wantCounts.typedArray() as BigInt64Array, Number) });
    const t = ndmmap(['unique', O('u_lei4.npy'), '--counts', '--top', '2']);
    expect(t.status, t.stderr).toBe(0);
    const lines = t.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/value\s+count\s+share/);
    expect(lines).toHaveLength(4);
    const counts = Array.from(wantCounts.typedArray() as BigInt64Array, Number);
    expect(lines[1]).toContain(String(Math.max(...counts)));
    expect(lines[3]).toBe(`${counts.length} distinct values in 40 elements (top 2 shown)`);
    const plain = ndmmap(['unique', O('u_lef8.npy')]);
    expect(plain.stdout).toMatch(/^array\(\[\s*-inf,.*nan\]\)\n$/s);
    const prefix = path.join(dir, 'u');
    const s = ndmmap(['unique', O('u_lei4.npy'), '--counts', '--out', prefix]);
    expect(s.status, s.stderr).toBe(0);
    expect(openNpy(`${prefix}.values.npy`, { mode: 'r' }).typedArray()).toEqual(want.typedArray());
    expect(openNpy(`${prefix}.counts.npy`, { mode: 'r' }).typedArray()).toEqual(wantCounts.typedArray());
  });

  it('--axis K: the distinct slices (numpy fixtures of make_unique_axis_fixtures.py), a count table of slices, JSON', () => {
    const U = (f: string): string => path.join(FIX, 'unique-axis', f);
    for (const axis of ['0', '1', '-1']) {
      const r = ndmmap(['unique', U('i4.npy'), '--axis', axis, '--counts', '--json']);
      expect(r.status, r.stderr).toBe(0);
      const values = openNpy(U(`i4.ax${axis}.values.npy`), { mode: 'r' });
      const counts = openNpy(U(`i4.ax${axis}.counts.npy`), { mode: 'r' });
      expect(json(r)).toEqual({ values: values.toArray(), counts: Array.from(counts.typedArray() as BigInt64Array, Number) });
    }
    const t = ndmmap(['unique', U('i4.npy'), '--axis', '0', '--counts', '--top', '1']);
    expect(t.status, t.stderr).toBe(0);
    const lines = t.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/slice\s+count\s+share/);
    expect(lines[1]).toMatch(/^\s*\[\d+ \d+ \d+\]\s+\d+\s+[\d.]+%/);
    expect(lines[2]).toMatch(/^\d+ distinct slices in 14 slices along axis 0 \(top 1 shown\)$/);
    expectError(ndmmap(['unique', U('i4.npy'), '--axis', '2']), 2, /axis 2 is out of bounds for array of dimension 2/);
  });

  it('usage errors', () => {
    expectError(ndmmap(['unique', O('u_lei4.npy'), '--out', path.join(dir, 'x.npy')]), 2, /--out takes a PREFIX/);
    expectError(ndmmap(['unique', O('u_lei4.npy'), '--top', '-1']), 2, /top/);
  });
});

describe('ndmmap searchsorted', () => {
  it("prints or saves numpy's indices", () => {
    for (const side of ['left', 'right']) {
      const want = openNpy(O(`s_i8_qf8.${side}.npy`), { mode: 'r' });
      const r = ndmmap(['searchsorted', O('s_i8_qf8.a.npy'), O('s_i8_qf8.v.npy'), '--side', side, '--json']);
      expect(r.status, r.stderr).toBe(0);
      expect(json(r)).toEqual({ result: Array.from(want.typedArray() as BigInt64Array, Number) });
    }
    const out = path.join(dir, 'idx.npy');
    const s = ndmmap(['searchsorted', O('s_sorter.a.npy'), O('s_sorter.v.npy'), '--sorter', O('s_sorter.sorter.npy'), '--side', 'right', '--out', out]);
    expect(s.status, s.stderr).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(O('s_sorter.right.npy')))).toBe(true);
  });

  it('errors: a side, a 2-D sorted array', () => {
    expectError(ndmmap(['searchsorted', O('s_f8.a.npy'), O('s_f8.v.npy'), '--side', 'middle']), 2, /--side must be left or right/);
    const r = ndmmap(['searchsorted', O('u_2d.npy'), O('s_f8.v.npy')]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/object too deep for desired array/);
  });
});
