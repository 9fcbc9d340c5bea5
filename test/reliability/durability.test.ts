/**
 * Durability: once a write call has resolved, the bytes are in the file even if the process is
 * SIGKILLed the next instant; and mode 'c' (copy-on-write) writes never reach the file by any path.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DIST, describeExit, expectClean, fingerprint, runChild, tmpDir, writeF8 } from './helpers.js';

const dir = tmpDir('durable');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const readF8 = (file: string, offset = 0): Float64Array => {
  const b = fs.readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset + offset, b.byteOffset + b.length));
};
const allEqual = (a: Float64Array, v: number): boolean => a.every((x) => x === v);

/** Writes to run, each followed by a SIGKILL; `check` reads the file back in the parent. */
const WRITES: { name: string; n: number; body: string; check: (file: string) => boolean }[] = [
  { name: 'apply (pool path)', n: 2 ** 21, body: `await a.apply('x + 1');`, check: (f) => allEqual(readF8(f), 1) },
  { name: 'apply (inline path)', n: 1000, body: `await a.apply('x * 0 + 5');`, check: (f) => allEqual(readF8(f), 5) },
  { name: 'fill (pool path)', n: 2 ** 21, body: `await a.fill(-2.5);`, check: (f) => allEqual(readF8(f), -2.5) },
  { name: 'apply with out= another file', n: 2 ** 20, body: `const o = memmap(file + '.out', { dtype: 'float64', mode: 'w+', shape: a.shape }); await a.apply('x + 7', { out: o });`,
    check: (f) => allEqual(readF8(f + '.out'), 7) },
  { name: 'set + flush', n: 4096, body: `for (let i = 0; i < 4096; i += 3) a.set(i, i); a.flush();`, check: (f) => readF8(f).every((x, i) => x === (i % 3 === 0 ? i : 0)) },
  { name: 'typedArray + flush', n: 4096, body: `a.typedArray().fill(9); a.flush();`, check: (f) => allEqual(readF8(f), 9) },
  { name: 'axis reduction into out', n: 2 ** 20, body: `await a.fill(1); const o = memmap(file + '.sum', { dtype: 'float64', mode: 'w+', shape: [1024] }); await a.reshape([1024, -1]).sum({ axis: 1, out: o });`,
    check: (f) => allEqual(readF8(f + '.sum'), 1024) },
  { name: 'createNpy + fill', n: 2 ** 20, body: `const z = createNpy(file + '.npy', { dtype: 'float64', shape: [1024, 1024] }); await z.fill(3);`,
    check: (f) => allEqual(readF8(f + '.npy', 128), 3) && fs.readFileSync(f + '.npy').subarray(1, 6).toString() === 'NUMPY' },
];

describe('durability across SIGKILL', () => {
  it.each(WRITES)('$name: resolved writes survive the process being killed at once', ({ name, n, body, check }) => {
    const file = path.join(dir, name.replace(/\W+/g, '-') + '.f8');
    writeF8(file, n, () => 0);
    const r = runChild(dir, 'self-kill', `
      import { memmap, createNpy } from '$DIST/src/index.js';
      const file = ${JSON.stringify(file)};
      const a = memmap(file, { dtype: 'float64', mode: 'r+' });
      ${body}
      console.log('done');
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => {});
    `);
    expect(r.signal, describeExit(r)).toBe('SIGKILL');
    expect(r.stdout.trim()).toBe('done');
    expect(check(file)).toBe(true);
  });

  it('killed by the parent right after "done" (the child is still running)', async () => {
    const file = path.join(dir, 'parent-kill.f8');
    writeF8(file, 2 ** 21, () => 0);
    const script = path.join(dir, 'parent-kill.mjs');
    fs.writeFileSync(script, `
      import { memmap } from '${DIST}src/index.js';
      const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r+' });
      for (let k = 1; k <= 3; k++) await a.apply('x + 1');
      console.log('done');
      // keep the process (and its pool) busy until it is killed
      const b = memmap(${JSON.stringify(file + '.scratch')}, { dtype: 'float64', mode: 'w+', shape: [2 ** 20] });
      for (;;) await b.apply('x + 1');
    `);
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const signal = await new Promise<string | null>((resolve) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('done')) child.kill('SIGKILL'); });
      child.on('exit', (_code, sig) => resolve(sig));
    });
    expect(signal).toBe('SIGKILL');
    expect(allEqual(readF8(file), 3)).toBe(true);
  });
});

describe("mode 'c' never writes the file", () => {
  it('set, assign, typedArray, fill, apply, reduce out=, flush, close, SIGKILL: file unchanged', () => {
    const file = path.join(dir, 'cow.f8');
    writeF8(file, 2 ** 20); // 8 MiB: fill/apply run on the pool
    const before = fingerprint(file);
    const r = runChild(dir, 'cow', `
      import fs from 'node:fs';
      import crypto from 'node:crypto';
      import { memmap } from '$DIST/src/index.js';
      const file = ${JSON.stringify(file)};
      const hash = () => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      const h0 = hash();
      const shared = memmap(file, { dtype: 'float64', mode: 'r' });
      const c = memmap(file, { dtype: 'float64', mode: 'c' });
      const out = {};
      c.set(0, -1); c.slice('1:3').assign([-2, -3]); c.slice('3:10').assign(new Float64Array(7).fill(-4));
      c.typedArray(10, 20).fill(-5);
      await c.fill(42);
      out.cSees = c.get(123);
      await c.apply('x * 2');
      await c.slice('::2').apply('x + 1');
      const o = memmap(file, { dtype: 'float64', mode: 'c', shape: [1024] });
      await c.reshape([1024, -1]).sum({ axis: 1, out: o });
      out.outSees = o.get(5);
      c.flush(); o.flush();
      out.cAfter = [c.get(0), c.get(1)];
      out.othersSee = [shared.get(0), shared.get(123), memmap(file, { dtype: 'float64', mode: 'r+' }).get(123)];
      out.sameWhileOpen = hash() === h0;
      c.close(); o.close();
      out.sameAfterClose = hash() === h0;
      const c2 = memmap(file, { dtype: 'float64', mode: 'c' });
      await c2.fill(7);
      console.log(JSON.stringify(out));
      process.kill(process.pid, 'SIGKILL');
    `);
    expect(r.signal, describeExit(r)).toBe('SIGKILL');
    const out = JSON.parse(r.stdout.trim());
    expect(out).toEqual({ cSees: 42, outSees: 1024 * (84 + 85) / 2, cAfter: [85, 84], othersSee: [0, 123, 123], sameWhileOpen: true, sameAfterClose: true });
    expect(fingerprint(file)).toBe(before);
  });
});

describe('createNpy is on disk when it returns', () => {
  // The page cache's view, from the kernel: the page holding the header is neither dirty nor under
  // writeback once createNpy has returned (without an fsync it stays dirty for up to 30 s, and a
  // power cut then leaves a file of zeros). Frame flags need root; skipped with the reason otherwise.
  const script = new URL('./page-state.py', import.meta.url).pathname;
  const why = ((): string | undefined => {
    if (process.getuid?.() !== 0) return 'needs root to read /proc/kpageflags';
    if (spawnSync('python3', ['--version']).status !== 0) return 'needs python3';
    if (fs.statfsSync(dir).type === 0x01021994) return 'the temp directory is a tmpfs (no disk behind the page cache)';
    return undefined;
  })();

  it('the header page is clean right after createNpy returns (new file and overwrite)', (ctx) => {
    if (why !== undefined) return ctx.skip(why);
    const file = path.join(dir, 'fresh.npy');
    const state = (): string => {
      const r = spawnSync('python3', [script, file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`page-state.py failed: ${r.stderr}`);
      return r.stdout.trim();
    };
    for (const round of ['new', 'overwrite']) {
      const r = runChild(dir, `npy-${round}`, `
        import { createNpy } from '$DIST/src/index.js';
        createNpy(${JSON.stringify(file)}, { dtype: 'float64', shape: [512] }).close();
      `);
      expectClean(r);
      expect(state(), round).toBe('clean');
      expect(fs.readFileSync(file).subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    }
    // The probe can see a dirty page: right after a plain write to a new file it says 'dirty'. (A new
    // file: ext4 starts writeback at close of a file truncated to zero and rewritten, auto_da_alloc.)
    fs.rmSync(file);
    fs.writeFileSync(file, 'not yet on disk');
    expect(state()).toBe('dirty');
  });
});
