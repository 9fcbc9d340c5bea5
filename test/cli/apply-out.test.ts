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

describe('apply that fails or is interrupted after the output was created (issue 17, item 13)', () => {
  /** int64 x and exponents p: 1 everywhere but -1 at 60%. */
  function powerCase(n: number): { x: string; p: string } {
    const x = path.join(dir, `px${serial++}.i8`);
    fs.writeFileSync(x, Buffer.from(BigInt64Array.from({ length: n }, (_, i) => BigInt(i + 2)).buffer));
    const p = path.join(dir, `pp${serial++}.npy`);
    const m = createNpy(p, { dtype: 'int64', shape: [n] });
    m.assign(BigInt64Array.from({ length: n }, (_, i) => (i === Math.floor(n * 0.6) ? -1n : 1n)));
    m.close();
    return { x, p };
  }

  it('an integer to a negative power in --var data: exit 1 with numpy\'s message, no output file left (new or overwritten)', () => {
    for (const n of [2_000_000, 1000]) {
      const { x, p } = powerCase(n);
      const xBefore = fs.readFileSync(x);
      const fresh = path.join(dir, `never${serial++}.npy`);
      expectError(ndmmap(['apply', x, '--dtype', 'i8', '--expr', 'x ** p', '--var', `p=${p}`, '--out', fresh]), 1, /Integers to negative integer powers are not allowed/);
      expect(fs.existsSync(fresh)).toBe(false);
      const old = path.join(dir, `old${serial++}.f8`);
      fs.writeFileSync(old, Buffer.alloc(64, 1));
      expectError(ndmmap(['apply', x, '--dtype', 'i8', '--expr', 'x ** p', '--var', `p=${p}`, '--out', old]), 1, /negative integer powers.*removed/);
      expect(fs.existsSync(old)).toBe(false);
      // in place: refused before any write, FILE unchanged
      expectError(ndmmap(['apply', x, '--dtype', 'i8', '--expr', 'x ** p', '--var', `p=${p}`]), 1, /negative integer powers/);
      expect(fs.readFileSync(x).equals(xBefore)).toBe(true);
    }
  });

  /** The first float64 value of `f` (at byte `at`), or undefined while it does not exist. */
  const first = (f: string, at: number): number | undefined => {
    try { const b = Buffer.alloc(8); const fd = fs.openSync(f, 'r'); try { fs.readSync(fd, b, 0, 8, at); } finally { fs.closeSync(fd); } return b.readDoubleLE(0); } catch { return undefined; }
  };

  /** Start a long apply, send `sig` once its first block is written to `watch`, and collect how it ended. */
  async function interrupted(args: string[], sig: NodeJS.Signals, watch: string, at: number, before: number | undefined): Promise<{ status: number | null; signal: string | null; stderr: string }> {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    for (let i = 0; i < 600; i++) {
      const v = first(watch, at);
      if (v !== undefined && v !== before && v !== 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill(sig);
    return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stderr })));
  }

  const big = path.join(dir, 'big.f8');
  const N = 16 * 2 ** 20; // 128 MiB of float64
  const SLOW = 'arctan2(sin(x), cos(x)) * tanh(x) + log1p(abs(x)) + arcsinh(x) * cosh(x * 1e-9)';

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} during apply --out NEW: the call stops, NEW is removed, exit ${sig === 'SIGINT' ? 130 : 143} with one line`, async () => {
      if (!fs.existsSync(big)) fs.writeFileSync(big, Buffer.from(Float64Array.from({ length: N }, (_, i) => 1 + i * 1e-3).buffer));
      const out = path.join(dir, `sig${serial++}.npy`);
      const r = await interrupted(['apply', big, '--dtype', 'f8', '--expr', SLOW, '--out', out, '--threads', '1'], sig, out, 128, undefined);
      expect(r.signal).toBe(null);
      expect(r.status, r.stderr).toBe(sig === 'SIGINT' ? 130 : 143);
      expectError({ status: r.status, stdout: '', stderr: r.stderr }, r.status!, new RegExp(`interrupted by ${sig}.*removed`));
      expect(fs.existsSync(out)).toBe(false);
    }, 60_000);
  }

  it('SIGINT during apply in place: exit 130, the message says how much was written', async () => {
    const f = path.join(dir, 'inplace.f8');
    fs.writeFileSync(f, Buffer.from(Float64Array.from({ length: N }, (_, i) => 1 + i * 1e-3).buffer));
    const r = await interrupted(['apply', f, '--dtype', 'f8', '--expr', SLOW, '--threads', '1'], 'SIGINT', f, 0, 1);
    expect(r.status, r.stderr).toBe(130);
    expectError({ status: r.status, stdout: '', stderr: r.stderr }, 130, /interrupted by SIGINT.*partly written \(written: \d+%/);
  }, 60_000);
});
