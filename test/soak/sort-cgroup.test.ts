/**
 * Sorting a file larger than the memory the process may use: a child process in a memory cgroup
 * (v2, or v1's memory hierarchy; the test is skipped where neither can be created, e.g. without root)
 * limited to 192 MiB sorts a 256 MiB float64 file into a new 256 MiB file. Page cache counts toward
 * the limit, so the input and output cannot both stay resident: the sort must work out of core
 * (sorted buckets written through the mapping, reclaimed as it goes). The result must equal an
 * independent sort (TypedArray.prototype.sort), the child's peak anonymous-memory growth is recorded
 * and bounded, and the cgroup's peak usage stayed within its limit.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNpy, openNpy } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const MiB = 2 ** 20;
const LIMIT = 192 * MiB;
const N = (256 * MiB) / 8;
const tmp = tempDir('ndmmap-cgroup-');
afterAll(() => tmp.remove());

/** A new memory cgroup limited to LIMIT, or null where none can be made. */
function makeCgroup(): { procs: string; peak: () => number; remove: () => void } | null {
  const tryMake = (dir: string, limitFile: string, peakFile: string): ReturnType<typeof makeCgroup> => {
    try {
      fs.mkdirSync(dir);
    } catch { return null; }
    try {
      fs.writeFileSync(path.join(dir, limitFile), String(LIMIT));
      return {
        procs: path.join(dir, 'cgroup.procs'),
        peak: () => Number(fs.readFileSync(path.join(dir, peakFile), 'utf8').trim()),
        remove: () => { try { fs.rmdirSync(dir); } catch { /* still busy: the kernel frees it when empty */ } },
      };
    } catch {
      try { fs.rmdirSync(dir); } catch { /* nothing to remove */ }
      return null;
    }
  };
  const name = `ndmmap-test-${process.pid}`;
  const lines = fs.existsSync('/proc/self/cgroup') ? fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n') : [];
  const v1 = lines.map((l) => l.split(':')).find((p) => p[1] === 'memory');
  if (v1 !== undefined && fs.existsSync('/sys/fs/cgroup/memory')) {
    const got = tryMake(path.join('/sys/fs/cgroup/memory', v1[2], name), 'memory.limit_in_bytes', 'memory.max_usage_in_bytes');
    if (got !== null) return got;
  }
  const v2 = lines.map((l) => l.split(':')).find((p) => p[0] === '0');
  for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    if (v2 === undefined || !fs.existsSync(path.join(root, 'cgroup.controllers'))) continue;
    const got = tryMake(path.join(root, v2[2], name), 'memory.max', 'memory.peak');
    if (got !== null) return got;
  }
  return null;
}

const cg = makeCgroup();

describe('sort out of core', () => {
  it.skipIf(cg === null)('a 256 MiB float64 file sorted by a process limited to 192 MiB: numpy order, bounded memory', () => {
    const inPath = tmp.file('in.npy'), outPath = tmp.file('out.npy');
    const a = createNpy(inPath, { dtype: 'float64', shape: [N] });
    const data = a.typedArray() as Float64Array;
    let x = 0x9e3779b9;
    for (let i = 0; i < N; i++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; data[i] = (x / 2 ** 32 - 0.5) * 1e6 + (i % 5); }
    a.flush();
    const want = Float64Array.from(data).sort();
    a.close();
    const script = tmp.file('child.mjs');
    fs.writeFileSync(script, `
      import fs from 'node:fs';
      import { openNpy, createNpy, setThreads, sort } from ${JSON.stringify(path.resolve('dist/src/index.js'))};
      setThreads(2); // the limit is sized for 2 workers, whatever the machine's cores
      const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      const a = openNpy(${JSON.stringify(inPath)}, { mode: 'r' });
      const out = createNpy(${JSON.stringify(outPath)}, { dtype: 'float64', shape: a.shape });
      const base = anon();
      let peak = base;
      const t = setInterval(() => { peak = Math.max(peak, anon()); }, 20);
      await sort(a, { out, onProgress: () => { peak = Math.max(peak, anon()); } });
      clearInterval(t);
      out.flush();
      console.log(JSON.stringify({ growth: peak - base, base }));
    `);
    const r = spawnSync('sh', ['-c', `echo $$ > ${cg!.procs} && exec "${process.execPath}" "${script}"`], { encoding: 'utf8', timeout: 400_000 });
    const peak = cg!.peak();
    cg!.remove();
    expect(r.status, r.stderr).toBe(0);
    const { growth } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { growth: number };
    console.log(`sort of 256 MiB under a 192 MiB cgroup: peak anonymous growth ${(growth / MiB).toFixed(1)} MiB, cgroup peak ${(peak / MiB).toFixed(1)} MiB`);
    expect(growth).toBeLessThan(96 * MiB);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    const got = openNpy(outPath, { mode: 'r' });
    const g = got.typedArray() as Float64Array;
    let bad = -1;
    for (let i = 0; i < N; i++) if (g[i] !== want[i]) { bad = i; break; }
    expect(bad).toBe(-1);
    got.close();
  }, 900_000);
});
