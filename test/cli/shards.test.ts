/**
 * Sharded runs: `--rows A:B --partial` on 4 row ranges, `ndmmap merge`, compared with one run over
 * the whole file — bit-identical for integers, within float tolerance otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIX, expectError, ndmmap, ndmmapAsync, pool, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FILES = [
  { file: 'reduce/f8_1001x7_F.bin', layout: ['--dtype', '<f8', '--shape', '1001,7', '--order', 'F'], rows: 1001, float: true },
  { file: 'reduce/i2_60x5.bin', layout: ['--dtype', '<i2', '--shape', '60,5'], rows: 60, float: false },
];
const OPS = ['sum', 'mean', 'min', 'argmin', 'var'];
const AXES = [null, 0];
const cuts = (n: number): number[] => [0, Math.floor(n / 5), Math.floor(n / 2), Math.floor(n / 2) + 3, n];

function close(a: unknown, b: unknown, float: boolean): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i], float));
  if (!float || typeof a !== 'number' || typeof b !== 'number') return a === b;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1);
}

describe('shards and merge', () => {
  for (const f of FILES) {
    it(`merges 4 shards of ${f.file} into the whole-file result (${OPS.join(', ')}; axis None and 0)`, async () => {
      const src = path.join(FIX, f.file);
      const jobs = OPS.flatMap((op) => AXES.map((axis) => ({ op, axis })));
      const results = await pool(jobs, 2, async ({ op, axis }) => {
        const ax = axis === null ? [] : ['--axis', String(axis)];
        const c = cuts(f.rows);
        const parts = await Promise.all([0, 1, 2, 3].map((i) => ndmmapAsync([op, src, ...f.layout, ...ax, '--rows', `${c[i]}:${c[i + 1]}`, '--partial'])));
        const files = parts.map((p, i) => { expect(p.status, p.stderr).toBe(0); const pf = path.join(dir, `${op}-${axis}-${i}.json`); fs.writeFileSync(pf, p.stdout); return pf; });
        const merged = await ndmmapAsync(['merge', ...files.reverse(), '--json']);
        const whole = await ndmmapAsync([op, src, ...f.layout, ...ax, '--json']);
        return { op, axis, merged, whole };
      });
      for (const { op, axis, merged, whole } of results) {
        expect(merged.status, `${op} axis=${axis}: ${merged.stderr}`).toBe(0);
        const m = JSON.parse(merged.stdout).result, w = JSON.parse(whole.stdout).result;
        const exact = op === 'min' || op === 'argmin' || (!f.float && op === 'sum');
        expect(close(m, w, !exact), `${op} axis=${axis}: merged ${JSON.stringify(m).slice(0, 200)} whole ${JSON.stringify(w).slice(0, 200)}`).toBe(true);
      }
    }, 300_000);
  }

  it('concatenates shards of an axis-1 reduction in row order, and reads stdin', () => {
    const src = path.join(FIX, 'reduce/i2_60x5.bin');
    const l = ['--dtype', '<i2', '--shape', '60,5', '--axis', '1'];
    const parts = ['30:60', '0:30'].map((r) => ndmmap(['sum', src, ...l, '--rows', r, '--partial']).stdout).join('');
    const merged = ndmmap(['merge', '--json'], { input: parts });
    expect(merged.status, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(ndmmap(['sum', src, ...l, '--json']).stdout));
  });

  it('refuses partials that disagree, overlap or leave rows out (exit 2)', () => {
    const src = path.join(FIX, 'reduce/i2_60x5.bin');
    const l = ['--dtype', '<i2', '--shape', '60,5'];
    const part = (op: string, rows: string, ...more: string[]): string => ndmmap([op, src, ...l, '--rows', rows, '--partial', ...more]).stdout;
    expectError(ndmmap(['merge'], { input: part('sum', '0:30') + part('mean', '30:60') }), 2, /disagree/);
    expectError(ndmmap(['merge'], { input: part('sum', '0:30', '--axis', '0') + part('sum', '30:60') }), 2, /disagree/);
    expectError(ndmmap(['merge'], { input: part('sum', '0:31') + part('sum', '30:60') }), 2, /overlap/);
    expectError(ndmmap(['merge'], { input: part('sum', '0:20') + part('sum', '30:60') }), 2, /missing/);
    expectError(ndmmap(['merge'], { input: 'not json' }), 2, /not a partial state/);
    expectError(ndmmap(['merge', path.join(dir, 'nope.json')]), 1, /ENOENT/);
  });

  it('gives arg* partials global flat indices', () => {
    const src = path.join(FIX, 'reduce/i2_60x5.bin');
    const p = JSON.parse(ndmmap(['argmin', src, '--dtype', '<i2', '--shape', '60,5', '--rows', '40:60', '--partial']).stdout);
    const local = JSON.parse(ndmmap(['argmin', src, '--dtype', '<i2', '--shape', '60,5', '--rows', '40:60', '--json']).stdout).result;
    expect(p.state[0][1]).toBe(local + 40 * 5);
    expect(p.rows).toEqual([40, 60]);
  });
});
