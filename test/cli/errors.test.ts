/**
 * Exit statuses and the one-line error contract; files untouched when a command fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, FIX, ROOT, type Run, expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('exit statuses', () => {
  it('exits 2 for usage errors', () => {
    expectError(ndmmap(['frobnicate']), 2, /unknown command 'frobnicate'/);
    expectError(ndmmap(['sum', 'x.bin', '--dtype', 'f9']), 2, /data type 'f9' not understood/);
    expectError(ndmmap(['sum', 'x.bin', '--shape', '3,a']), 2, /shape/);
    expectError(ndmmap(['sum', 'x.bin', '--shape', '-3']), 2);
    expectError(ndmmap(['sum', 'x.bin', '--order', 'K']), 2, /order/);
    expectError(ndmmap(['sum', 'x.bin', '--threads', '0']), 2, /--threads/);
    expectError(ndmmap(['sum']), 2, /missing FILE/);
    expectError(ndmmap(['info', 'a', 'b']), 2, /unexpected argument/);
    expectError(ndmmap(['sum', path.join(FIX, 'npy/f8_2d_C.npy'), '--axis', '5']), 2, /out of bounds/);
    expectError(ndmmap(['sum', path.join(FIX, 'npy/f8_2d_C.npy'), '--offset', '8']), 2, /own layout/);
  });

  it('exits 1 for runtime errors', () => {
    expectError(ndmmap(['sum', path.join(dir, 'missing.bin')]), 1, /ENOENT/);
    const small = path.join(dir, 'small.bin');
    fs.writeFileSync(small, Buffer.alloc(16));
    expectError(ndmmap(['sum', small, '--dtype', 'f8', '--shape', '100']), 1, /greater than file size/);
    expect(fs.statSync(small).size).toBe(16);
    expectError(ndmmap(['sum', small, '--dtype', 'f8', '--offset', '3']), 1, /multiple/);
    const bad = path.join(dir, 'bad.npy');
    fs.writeFileSync(bad, 'not an npy file at all');
    expectError(ndmmap(['info', bad]), 1);
  });

  it('exits 1 without permission', () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const f = path.join(dir, 'locked.bin');
    fs.writeFileSync(f, Buffer.alloc(8));
    fs.chmodSync(f, 0);
    expectError(ndmmap(['sum', f]), 1, /EACCES/);
  });

  it('prints help on stdout with status 0, and usage on stderr with status 2 without a command', () => {
    const h = ndmmap(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/ndmmap info FILE/);
    expect(h.stdout).toMatch(/default uint8/);
    expect(ndmmap(['sum', '--help']).stdout).toMatch(/--partial/);
    const none = ndmmap([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
  });
});

describe('a stdout that cannot be written (issue 17, item 12)', () => {
  /** Run with stdout on /dev/full: every write fails with ENOSPC. */
  const toFull = (args: string[]): Run => {
    const fd = fs.openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', fd, 'pipe'] });
      return { status: r.status, stdout: '', stderr: r.stderr };
    } finally {
      fs.closeSync(fd);
    }
  };
  const npy = path.join(FIX, 'npy/f8_2d_C.npy');
  const cases: [string, string[]][] = [
    ['sum --json', ['sum', npy, '--json']],
    ['mean', ['mean', npy, '--axis', '0']],
    ['info', ['info', npy]],
    ['info --json', ['info', npy, '--json']],
    ['median', ['median', npy]],
    ['histogram', ['histogram', npy, '--bins', '3']],
    ['sum --partial', ['sum', npy, '--partial']],
    ['--help', ['--help']],
    ['sum --help', ['sum', '--help']],
  ];
  for (const [name, args] of cases) {
    it(`${name} > /dev/full: one 'ndmmap:' line naming the write error, exit 1, no stack`, () => {
      const r = toFull(args);
      expectError(r, 1, /ENOSPC/);
    });
  }

  it('a pipe closed by the reader (EPIPE): one line, exit 1', async () => {
    const { spawn } = await import('node:child_process');
    const p = spawn(process.execPath, [CLI, 'info', npy], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.destroy();
    let stderr = '';
    p.stderr.on('data', (d) => { stderr += d; });
    const status = await new Promise<number | null>((resolve) => p.on('close', resolve));
    expectError({ status, stdout: '', stderr }, 1, /cannot write the output: .*EPIPE/);
  });

  it('create and apply > /dev/full: the files are written, the summary line fails cleanly', () => {
    const f = path.join(dir, 'full-create.f8');
    const values = (): number[] => { const b = fs.readFileSync(f); return [...new Float64Array(b.buffer, b.byteOffset, b.length / 8)]; };
    expectError(toFull(['create', f, '--dtype', 'f8', '--shape', '4', '--fill', '2']), 1, /ENOSPC/);
    expect(values()).toEqual([2, 2, 2, 2]);
    expectError(toFull(['apply', f, '--dtype', 'f8', '--expr', 'x + 1']), 1, /ENOSPC/);
    expect(values()).toEqual([3, 3, 3, 3]);
  });
});
