// Quantile memory is bounded for all calls together (README: 64 MiB plus about 8 MiB per thread), and
// many q share passes. Measured in a child process (its anonymous memory, RssAnon of every thread,
// sampled every 2 ms around each call after a GC): long rows along an axis, medians in a row, a
// uint8 median, 64 and 400 medians of one 8 MiB array started at once; then the bytes 21 and 101
// quantiles read, against the file's size.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-dist-mem-');
afterAll(() => tmp.remove());
const DIST = new URL('../../dist/', import.meta.url).pathname;

const script = `
import fs from 'node:fs';
import path from 'node:path';
const { memmap, median, quantile, shutdown } = await import('${DIST}src/index.js');
const dir = process.argv[2];
const anon = () => Number(/RssAnon:\\s+(\\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
function file(name, n, bytes) {
  const p = path.join(dir, name);
  const fd = fs.openSync(p, 'w');
  let s = 7;
  for (let i = 0; i < n; i += 1 << 20) {
    const m = Math.min(1 << 20, n - i);
    const b = bytes === 8 ? new Float64Array(m) : new Uint8Array(m);
    for (let j = 0; j < m; j++) { s = (s * 16807) % 2147483647; b[j] = bytes === 8 ? s / 2147483647 - 0.5 : s & 255; }
    fs.writeSync(fd, b);
  }
  fs.closeSync(fd);
  return p;
}
async function growth(fn) {
  globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); globalThis.gc();
  const base = anon();
  let top = base;
  const t = setInterval(() => { top = Math.max(top, anon()); }, 2);
  try { await fn(); } finally { clearInterval(t); }
  return Math.round(Math.max(top, anon()) - base);
}
const out = {};
const warm = memmap(file('warm.f8', 1 << 18, 8), { dtype: 'float64', mode: 'r' });
await median(warm); await median(warm); // the pool and its workers exist before measuring
const rows = memmap(file('rows.f8', 2 << 24, 8), { dtype: 'float64', mode: 'r', shape: [2, 1 << 24] });
out.axis = await growth(() => median(rows, { axis: 1 }));
const f8 = memmap(file('f8.bin', 8 << 20, 8), { dtype: 'float64', mode: 'r' });
out.inARow = await growth(async () => { for (let i = 0; i < 8; i++) await median(f8); });
const u8 = memmap(file('u8.bin', 64 << 20, 1), { dtype: 'uint8', mode: 'r' });
out.uint8 = await growth(() => median(u8));
const m8 = memmap(file('m8.f8', 1 << 20, 8), { dtype: 'float64', mode: 'r' });
const one = await median(m8);
out.same = true;
out.at64 = await growth(async () => { for (const v of await Promise.all(Array.from({ length: 64 }, () => median(m8)))) out.same &&= v === one; });
out.at400 = await growth(async () => { for (const v of await Promise.all(Array.from({ length: 400 }, () => median(m8)))) out.same &&= v === one; });
const flat = rows.reshape([-1]);
for (const nq of [21, 101]) {
  let read = 0;
  const qs = Array.from({ length: nq }, (_, i) => i / (nq - 1));
  await quantile(flat, qs, { onProgress: (p) => { if (p.doneBytes === p.totalBytes) read += p.totalBytes; } });
  out['passes' + nq] = read / flat.nbytes;
}
console.log(JSON.stringify(out));
await shutdown();
`;

describe('quantile memory, for all calls together', () => {
  it('stays within 64 MiB plus about 8 MiB a thread, however many medians run; 21 and 101 q read the file twice at most', () => {
    const body = path.join(tmp.dir, 'run.mjs');
    fs.writeFileSync(body, script);
    const r = spawnSync(process.execPath, ['--expose-gc', body, tmp.dir], { encoding: 'utf8', timeout: 600_000 });
    expect(r.status, `${r.signal} ${r.stderr.slice(-2000)}`).toBe(0);
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number | boolean>;
    // the budget (64 MiB), the threads' scratch (8 MiB each: the pool's and the main thread's) and
    // 40 MiB for the JS heap and allocator slack; the old code grew 0.5 GiB (64 calls) and 3.1 GiB (400)
    const threads = os.availableParallelism();
    const bound = 64 + 8 * (threads + 1) + 40;
    for (const k of ['axis', 'inARow', 'uint8', 'at64', 'at400']) expect(m[k], `${k}: ${JSON.stringify(m)}`).toBeLessThan(bound);
    expect(m.same).toBe(true);
    // a sample, then one pass counting buckets of every q's window and one collecting (the old code: 8)
    expect(m.passes21).toBeLessThanOrEqual(2);
    expect(m.passes101).toBeLessThanOrEqual(2);
  }, 600_000);
});
