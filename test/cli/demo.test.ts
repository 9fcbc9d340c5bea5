/**
 * `ndmmap demo` at 8 MiB in a private temp directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('demo', () => {
  it('generates the file once, then reuses it, and reports throughput', () => {
    const env = { TMPDIR: dir };
    const r = ndmmap(['demo', '--size-mib', '8', '--json'], { env });
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(fs.statSync(path.join(dir, 'ndmmap-demo.f8')).size).toBe(8 * 2 ** 20);
    const byOp = Object.fromEntries(j.results.map((x: { op: string }) => [x.op, x]));
    for (const op of ['sum', 'mean', 'std']) {
      expect(byOp[op].gbps).toBeGreaterThan(0);
      expect(byOp[op].ratio).toBeGreaterThan(0);
    }
    expect(Math.abs(byOp.mean.result)).toBeLessThan(0.01); // uniform in [-1, 1)
    expect(byOp.std.result).toBeCloseTo(1 / Math.sqrt(3), 2);
    const again = ndmmap(['demo', '--size-mib', '8'], { env });
    expect(again.stdout).toMatch(/\(reused\)/);
    expect(again.stdout).toMatch(/^sum = .* GB\/s {3}1 thread .* GB\/s {3}x\d/m);
  }, 120_000);

  it('runs the apply into ndmmap-demo-out.f8', () => {
    const r = ndmmap(['demo', '--size-mib', '8', '--json'], { env: { TMPDIR: dir } });
    const j = JSON.parse(r.stdout);
    expect(j.results.map((x: { op: string }) => x.op)).toContain('apply x * 2 + 1');
    expect(fs.statSync(path.join(dir, 'ndmmap-demo-out.f8')).size).toBe(8 * 2 ** 20);
  }, 120_000);
});
