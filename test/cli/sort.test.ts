// `ndmmap sort` (in place, or --out a new .npy) and `ndmmap argsort --out`: numpy's stable order on a
// big-endian file (fixture from test/fixtures/make_order_fixtures.py), usage errors before any write.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openNpy } from '../../dist/src/index.js';
import { FIXTURES, flat, manifest, parseValue, tempDir } from '../helpers.js';
import { ndmmap } from './helpers.js';

interface Case { file: string; dtype: string; view: string; axis: number | null; sort: string[]; argsort: string[] }
const CASES = manifest<Case[]>('order');
const pick = (axis: number | null): Case => CASES.find((c) => c.file === 'in_be_f4.npy' && c.view === '' && c.axis === axis)!;

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

function expectValues(file: string, want: string[], dtype: string): void {
  const m = openNpy(file, { mode: 'r' });
  const got = flat(m.toArray());
  m.close();
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Object.is(got[i], parseValue(w, dtype)), `${file}[${i}]`).toBe(true));
}

describe('ndmmap sort / argsort', () => {
  it('sorts in place, into --out (axis none flattens), argsort into int64 indices', () => {
    const f = tmp.file('a.npy');
    fs.copyFileSync(join(FIXTURES, 'order', 'in_be_f4.npy'), f);
    const before = fs.readFileSync(f);
    const g = tmp.file('g.npy');
    let r = ndmmap(['sort', f, '--axis', 'none', '--out', g, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ out: g, shape: [54], dtype: 'float32' });
    expectValues(g, pick(null).sort, '>f4');
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    r = ndmmap(['argsort', f, '--axis', '0', '--out', tmp.file('i.npy'), '--stable', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expectValues(tmp.file('i.npy'), pick(0).argsort, '<i8');
    r = ndmmap(['sort', f, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expectValues(f, pick(-1).sort, '>f4');
  });

  it('usage errors (exit 2) before FILE or --out is touched', () => {
    const f = tmp.file('a.npy');
    fs.copyFileSync(join(FIXTURES, 'order', 'in_be_f4.npy'), f);
    const before = fs.readFileSync(f);
    expect(ndmmap(['argsort', f]).stderr).toContain('--out IDX.npy is required');
    expect(ndmmap(['sort', f, '--axis', 'none']).status).toBe(2);
    const bad = ndmmap(['sort', f, '--axis', '5', '--out', tmp.file('o.npy')]);
    expect(bad.stderr).toContain('axis 5 is out of bounds for array of dimension 2');
    expect(fs.existsSync(tmp.file('o.npy'))).toBe(false);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });
});
