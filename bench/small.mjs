// A 1,000-element sum: ndmmap must not pay a worker round trip (inline path) — vs a plain JS loop.
import fs from 'node:fs';
import path from 'node:path';
import { DIR, memmap, time } from './common.mjs';

export async function run() {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, 'small.bin');
  const a = memmap(file, { dtype: 'float64', mode: 'w+', shape: [1000] });
  const t = a.typedArray();
  for (let i = 0; i < t.length; i++) t[i] = i * 0.5;
  let sink = 0;
  const r = await time({
    'ndmmap sum': () => a.sum(),
    'JS loop': async () => { let s = 0; for (let i = 0; i < t.length; i++) s += t[i]; sink += s; },
  }, 2000);
  a.close();
  void sink;
  return [{ op: 'sum of 1,000 float64', ndmmap_us: r['ndmmap sum'] * 1e6, js_loop_us: r['JS loop'] * 1e6 }];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
