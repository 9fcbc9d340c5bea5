// Peak growth of anonymous memory (RssAnon, every thread) during the exact median of a large float64
// file: `node bench/dist-rss.mjs [GiB]` (default 6; needs that much free disk, the file is deleted after).
// Not part of `npm run bench`: the file is larger than the benchmarks' and takes minutes to write.
import fs from 'node:fs';
import path from 'node:path';
import { DIR, ROOT, dataFile, memmap, shutdown } from './common.mjs';
import { peakAnonGrowth } from './dist.mjs';

const { median, quantile } = await import(path.join(ROOT, 'dist/src/index.js'));
const gib = Number(process.argv[2] ?? 6);
const name = `dist-rss-${gib}g.bin`;
const file = await dataFile(name, gib * 2 ** 30);
try {
  const a = memmap(file, { dtype: 'float64', mode: 'r' });
  let m, q;
  const t0 = performance.now();
  const grow = await peakAnonGrowth(async () => { m = await median(a); });
  const t1 = performance.now();
  const growQ = await peakAnonGrowth(async () => { q = await quantile(a, [0.001, 0.5, 0.9, 0.99]); });
  const t2 = performance.now();
  a.close();
  console.log(JSON.stringify({ gib, median: m, medianSeconds: (t1 - t0) / 1000, medianAnonGrowthMiB: grow / 2 ** 20,
    quantiles: Array.from(q.data), quantileSeconds: (t2 - t1) / 1000, quantileAnonGrowthMiB: growQ / 2 ** 20 }));
} finally {
  fs.rmSync(path.join(DIR, name), { force: true });
  await shutdown();
}
