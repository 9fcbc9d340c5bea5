/**
 * `ndmmap apply --out`: an output that is FILE or a --var under another name (a symlink, a hard link,
 * a symlinked directory, /proc/self/…) is found by device and inode before anything is created or
 * truncated; the same layout is written in place, another layout is refused (issue 17, item 1).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, expectError, ndmmap, tmpdir } from './helpers.js';
import { createNpy, openNpy } from '../../dist/src/index.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let serial = 0;
function f8File(values: number[], name = `src${serial++}.f8`): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, Buffer.from(new Float64Array(values).buffer));
  return f;
}
const read = (f: string, skip = 0): number[] => { const b = fs.readFileSync(f).subarray(skip); return [...new Float64Array(b.buffer, b.byteOffset, b.length / 8)]; };
function npyFile(values: number[], shape: number[]): string {
  const f = path.join(dir, `var${serial++}.npy`);
  const m = createNpy(f, { dtype: 'float64', shape });
  m.assign(shape.length === 1 ? values : [values.slice(0, shape[1]), values.slice(shape[1])]);
  m.close();
  return f;
}

describe('apply --out naming FILE under another name: in place when the layout is the same', () => {
  const X = [1, 2, 3, 4, 5, 6];
  const DOUBLED = X.map((v) => 2 * v);
  const names: [string, (src: string) => string][] = [
    ['FILE itself', (src) => src],
    ['a symlink to FILE', (src) => { const l = src + '.sym'; fs.symlinkSync(src, l); return l; }],
    ['a relative symlink to FILE', (src) => { const l = src + '.rel'; fs.symlinkSync(path.basename(src), l); return l; }],
    ['a hard link to FILE', (src) => { const l = src + '.hard'; fs.linkSync(src, l); return l; }],
    ['FILE through a symlinked directory', (src) => {
      const d = path.join(dir, `dirlink${serial++}`);
      fs.symlinkSync(dir, d);
      return path.join(d, path.basename(src));
    }],
    ['/proc/self/root/FILE', (src) => `/proc/self/root${src}`],
  ];
  for (const [what, outOf] of names) {
    it(`${what}: exit 0, FILE holds the result`, () => {
      const src = f8File(X);
      const r = ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x * 2', '--out', outOf(src)]);
      expect(r.status, r.stderr).toBe(0);
      expect(read(src)).toEqual(DOUBLED);
    });
  }

  it('/proc/self/cwd/FILE (relative to the command\'s own directory): in place', () => {
    const src = f8File(X);
    const r = spawnSync(process.execPath, [CLI, 'apply', path.basename(src), '--dtype', 'f8', '--expr', 'x * 2', '--out', `/proc/self/cwd/${path.basename(src)}`],
      { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(read(src)).toEqual(DOUBLED);
  });

  it('a .npy input and a symlink to it: in place, the header kept', () => {
    const src = npyFile(X, [2, 3]);
    const link = path.join(dir, `link${serial++}.npy`);
    fs.symlinkSync(src, link);
    const header = fs.readFileSync(src).subarray(0, 128);
    const r = ndmmap(['apply', src, '--expr', 'x + 1', '--out', link]);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(src).subarray(0, 128).equals(header)).toBe(true);
    expect(read(src, 128)).toEqual(X.map((v) => v + 1));
  });
});

describe('apply --out naming FILE under another name with another layout: refused before anything is written', () => {
  it('another dtype (--out-dtype), another format (.npy name on a raw FILE), a broadcast shape: ERR_NDMMAP_OVERLAP, FILE unchanged', () => {
    const src = f8File([1, 2, 3, 4]);
    const sym = src + '.sym';
    fs.symlinkSync(src, sym);
    const npyName = path.join(dir, `raw-as${serial++}.npy`);
    fs.symlinkSync(src, npyName);
    const before = fs.readFileSync(src);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x * 2', '--out', sym, '--out-dtype', 'f4']), 2, /is FILE .* another layout/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x * 2', '--out', npyName]), 2, /is FILE .* another layout/);
    const v = npyFile([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', `v=${v}`, '--out', sym]), 2, /is FILE .* another layout/);
    expect(fs.readFileSync(src).equals(before)).toBe(true);
  });
});

describe('apply --var NAME=M.npy --out M.npy (or a link to it)', () => {
  it('the same layout as the output: written in place of M, each element read before it is written', () => {
    const src = f8File([1, 2, 3, 4, 5, 6]);
    const m = npyFile([10, 20, 30, 40, 50, 60], [2, 3]);
    const link = path.join(dir, `mlink${serial++}.npy`);
    fs.symlinkSync(m, link);
    const r = ndmmap(['apply', src, '--dtype', 'f8', '--shape', '2,3', '--expr', 'x + mu', '--var', `mu=${m}`, '--out', link]);
    expect(r.status, r.stderr).toBe(0);
    const o = openNpy(m, { mode: 'r' });
    expect(o.toArray()).toEqual([[11, 22, 33], [44, 55, 66]]);
    o.close();
    expect(read(src)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a var broadcast into the output (M (3,), out (2, 3)): refused, M unchanged', () => {
    const src = f8File([1, 2, 3, 4, 5, 6]);
    const m = npyFile([10, 20, 30], [3]);
    const before = fs.readFileSync(m);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--shape', '2,3', '--expr', 'x - mu', '--var', `mu=${m}`, '--out', m]), 2, /--var mu .* another layout/);
    expect(fs.readFileSync(m).equals(before)).toBe(true);
  });
});
