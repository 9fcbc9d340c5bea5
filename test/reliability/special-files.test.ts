/**
 * Files that are not regular files — a FIFO, a directory, a character device — are refused with
 * ERR_NDMMAP_NOT_FILE, quickly: open(2) of a FIFO for reading or writing blocks until a peer comes,
 * so each case runs in a child process with a timeout (a hang fails the case instead of vitest).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeExit, runChild, tmpDir } from './helpers.js';

const dir = tmpDir('special');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FIFO = path.join(dir, 'pipe.npy');
const DIR = path.join(dir, 'subdir.npy');
execFileSync('mkfifo', [FIFO]);
fs.mkdirSync(DIR);

/** Each call the library offers to open a file by name. */
const OPS: Record<string, string> = {
  'memmap r': "memmap(F, { mode: 'r' })",
  'memmap r+': "memmap(F, { mode: 'r+' })",
  'memmap c': "memmap(F, { mode: 'c' })",
  'memmap w+': "memmap(F, { mode: 'w+', shape: [4] })",
  'openNpy r': "openNpy(F, { mode: 'r' })",
  'openNpy r+': "openNpy(F, { mode: 'r+' })",
  createNpy: "createNpy(F, { dtype: 'f8', shape: [4] })",
};

const TARGETS: [string, string, string][] = [
  ['a FIFO', FIFO, 'a FIFO'],
  ['a directory', DIR, 'a directory'],
  ['/dev/null', '/dev/null', 'a character device'],
];

/** Run every op on `file` in one child; one JSON line per op, printed as soon as it returns. */
function runOps(tag: string, file: string, prelude = ''): { results: Map<string, { code?: string; message?: string; ms: number }>; exit: string } {
  const body = `
    import fs from 'node:fs';
    import { memmap, openNpy, createNpy } from '$DIST/src/index.js';
    const F = ${JSON.stringify(file)};
    ${prelude}
    const ops = { ${Object.entries(OPS).map(([k, v]) => `${JSON.stringify(k)}: () => ${v}`).join(', ')} };
    for (const [name, op] of Object.entries(ops)) {
      const t0 = performance.now();
      let out;
      try { op().close(); out = { name, code: 'opened' }; } catch (e) { out = { name, code: e.code, message: e.message }; }
      out.ms = performance.now() - t0;
      console.log(JSON.stringify(out));
    }
  `;
  const r = runChild(dir, tag, body, { timeout: 10_000 });
  const results = new Map<string, { code?: string; message?: string; ms: number }>();
  for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
    const o = JSON.parse(line);
    results.set(o.name, o);
  }
  return { results, exit: describeExit(r) };
}

describe('non-regular files are refused without blocking', () => {
  for (const [what, file, kind] of TARGETS) {
    it(`${what}: every open is ERR_NDMMAP_NOT_FILE, at once`, () => {
      const { results, exit } = runOps(what.replace(/\W+/g, '_'), file);
      for (const op of Object.keys(OPS)) {
        const r = results.get(op);
        expect(r, `${op} on ${what} did not return (blocked?): ${exit}`).toBeDefined();
        expect(r, op).toMatchObject({ code: 'ERR_NDMMAP_NOT_FILE' });
        expect(r!.message).toBe(`'${file}' is not a regular file (${kind})`);
        expect(r!.ms, op).toBeLessThan(2000);
      }
      if (file === FIFO) expect(fs.statSync(FIFO).isFIFO()).toBe(true);
      if (file === DIR) expect(fs.readdirSync(DIR)).toEqual([]);
    });
  }

  it('a file swapped for a FIFO between the check and the open is refused after opening (fstat), not blocked on', () => {
    // The pre-open check is made to see a regular file, as if the FIFO appeared just after it.
    const prelude = `
      const realStat = fs.statSync;
      const regular = realStat(${JSON.stringify(import.meta.filename)});
      fs.statSync = (p, o) => (p === F ? regular : realStat(p, o));
    `;
    const { results, exit } = runOps('race', FIFO, prelude);
    for (const op of Object.keys(OPS)) {
      const r = results.get(op);
      expect(r, `${op} did not return (blocked?): ${exit}`).toBeDefined();
      expect(r, op).toMatchObject({ code: 'ERR_NDMMAP_NOT_FILE', message: `'${FIFO}' is not a regular file (a FIFO)` });
    }
  });

  it('w+ on a path that does not exist yet still creates the file', () => {
    const { results } = runOps('fresh', path.join(dir, 'fresh.f8'));
    expect(results.get('memmap w+')).toMatchObject({ code: 'opened' });
    expect(results.get('createNpy')).toMatchObject({ code: 'opened' });
  });
});

describe('ndmmap info on a FIFO', () => {
  it('exits 1 with one stderr line, without blocking', () => {
    const cli = new URL('../../dist/src/cli.js', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [cli, 'info', FIFO], { encoding: 'utf8', timeout: 10_000 });
    expect(r.signal, `blocked: ${r.stderr}`).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`ndmmap: '${FIFO}' is not a regular file (a FIFO)\n`);
  });
});
