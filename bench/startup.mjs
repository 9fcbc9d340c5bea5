// The first parallel call in a new process: what it pays over a steady call (the pool's threads start
// and load the engine), with and without `await warmup()` first (then timed after it resolves). Each
// figure is the median over BENCH_STARTS fresh processes (default 5) summing an 8 MiB float64 file (the
// pool path, not inline; the file is read once before, so its pages are in the cache). The steady call
// is the median of 10 calls after the first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIR, ROOT, memmap } from './common.mjs';

const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The child: import, open, [warmup], first call, steady calls; prints milliseconds as JSON. */
const CHILD = `
const { memmap, warmup, shutdown } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))});
const a = memmap(process.argv[1], { dtype: 'float64', mode: 'r' });
let w = 0;
if (process.argv[2] === 'warm') { const t = performance.now(); await warmup(); w = performance.now() - t; }
let t = performance.now();
await a.sum();
const first = performance.now() - t;
const steady = [];
for (let i = 0; i < 10; i++) { t = performance.now(); await a.sum(); steady.push(performance.now() - t); }
steady.sort((x, y) => x - y);
console.log(JSON.stringify({ first, steady: steady[5], warmup: w }));
a.close();
await shutdown();
`;

export async function run() {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, 'startup-8m.f8');
  if (!fs.existsSync(file) || fs.statSync(file).size !== 8 * 2 ** 20) {
    const a = memmap(file, { dtype: 'float64', mode: 'w+', shape: [2 ** 20] });
    await a.apply('sin(i)');
    a.flush();
    a.close();
  }
  const rows = [];
  for (const mode of ['cold', 'warm']) {
    const got = [];
    for (let i = 0; i < STARTS; i++) {
      fs.readFileSync(file); // in the page cache
      got.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, file, mode], { encoding: 'utf8' })));
    }
    rows.push({
      op: mode === 'cold' ? 'first parallel call in a new process, 8 MiB sum' : 'first call after await warmup(), 8 MiB sum',
      first_ms: median(got.map((g) => g.first)), steady_ms: median(got.map((g) => g.steady)),
      extra_ms: median(got.map((g) => g.first - g.steady)), warmup_ms: mode === 'warm' ? median(got.map((g) => g.warmup)) : undefined,
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
