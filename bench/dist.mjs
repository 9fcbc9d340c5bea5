// Distributions over 2 GiB of float64: exact median and quantiles (radix select) and histograms,
// the pool vs one thread vs numpy's np.median / np.quantile / np.histogram on the same memmap; medians
// along an axis (many short outputs: 320000x7 along -1, 7x320000 along 0; and 16384x16384 along 0,
// the 2 GiB file); 21 quantiles against one median; and the peak growth of anonymous memory
// (RssAnon) during a median, sampled every 5 ms.
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, ROOT, ceiling, dataFile, gbps, memmap, numpy, time } from './common.mjs';

const { median, quantile, histogram } = await import(path.join(ROOT, 'dist/src/index.js'));

/** Anonymous resident memory of this process (every thread), in bytes. */
function rssAnon() {
  const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** The most anonymous memory gained above the start while `fn` runs. */
export async function peakAnonGrowth(fn) {
  globalThis.gc?.();
  const base = rssAnon();
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, rssAnon()); }, 5);
  try { await fn(); } finally { clearInterval(timer); }
  return Math.max(peak, rssAnon()) - base;
}

export async function run() {
  const file = await dataFile('dist-f8.bin');
  const a = memmap(file, { dtype: 'float64', mode: 'r' });
  const ceil = ceiling(file, 2);
  const range = [-0.5, 0.5];
  const t = await time({
    'median pool': () => median(a),
    'median 1 thread': () => median(a, { threads: 1 }),
    'quantile3 pool': () => quantile(a, [0.5, 0.9, 0.99]),
    'hist range pool': () => histogram(a, { bins: 100, range }),
    'hist range 1 thread': () => histogram(a, { bins: 100, range, threads: 1 }),
    'hist auto pool': () => histogram(a, { bins: 100 }),
  }, 3, 1);
  const shape = [a.size];
  const np = {
    median: numpy(file, 'f8', shape, 'median', 3),
    quantile3: numpy(file, 'f8', shape, 'quantile3', 3),
    hist100r: numpy(file, 'f8', shape, 'hist100r', 3),
    hist100: numpy(file, 'f8', shape, 'hist100', 3),
  };
  const growth = await peakAnonGrowth(() => median(a));
  // along axes: numpy's np.median(a, axis=K) on the same memmap (it copies, then partitions each output)
  const small = await dataFile('dist-axis7.bin', 320000 * 7 * 8);
  const axisRows = [];
  for (const [shape, axis, f, bytes, reps] of [[[320000, 7], -1, small, 320000 * 7 * 8, 5], [[7, 320000], 0, small, 320000 * 7 * 8, 5],
    [[16384, 16384], 0, file, BYTES, 1]]) {
    if (shape[0] * shape[1] * 8 !== bytes) continue; // BENCH_MIB: the 2 GiB shape only on the 2 GiB file
    const v = memmap(f, { dtype: 'float64', mode: 'r', shape });
    const tt = await time({ pool: () => median(v, { axis }), one: () => median(v, { axis, threads: 1 }) }, reps, 1);
    axisRows.push({ op: `median along axis ${axis} of ${shape.join('x')}`, pool: gbps(bytes, tt.pool), one: gbps(bytes, tt.one), numpy: gbps(bytes, numpy(f, 'f8', shape, `fn:median:${axis}`, reps)) });
    v.close();
  }
  const q21 = Array.from({ length: 21 }, (_, i) => i / 20);
  const tq = await time({ q21: () => quantile(a, q21), median: () => median(a) }, 3, 1);
  a.close();
  const g = (s) => s && gbps(BYTES, s);
  return [
    ...axisRows,
    { op: '21 quantiles (÷ one median as "one")', pool: g(tq.q21), one: g(tq.median) },
    { op: 'median (exact)', pool: g(t['median pool']), one: g(t['median 1 thread']), ceiling: ceil, numpy: g(np.median), anonMiB: growth / 2 ** 20 },
    { op: 'quantile [0.5, 0.9, 0.99]', pool: g(t['quantile3 pool']), ceiling: ceil, numpy: g(np.quantile3) },
    { op: 'histogram bins=100, range', pool: g(t['hist range pool']), one: g(t['hist range 1 thread']), ceiling: ceil, numpy: g(np.hist100r) },
    { op: 'histogram bins=100, range found', pool: g(t['hist auto pool']), ceiling: ceil, numpy: g(np.hist100) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
