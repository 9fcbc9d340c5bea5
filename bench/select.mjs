// partition/argpartition (row selection, native/order/order_isa.cc SelectRowsT) against numpy's
// np.partition / np.argpartition on the same file, same run, results in memory: float64 rows of 2048
// (axis -1), short rows of 7, axis 0 of the (n, 2048) view, and sort of the same rows for scale.
// BENCH_MIB sets the file size (default 256 here).
import { DIR, HAVE_NUMPY, memmap, numpy, time } from './common.mjs';
import { argpartition, apply, partition, sort } from '../dist/src/index.js';
import fs from 'node:fs';
import path from 'node:path';

const MIB = Number(process.env.BENCH_SELECT_MIB ?? 256);
const bytes = MIB * 2 ** 20;
fs.mkdirSync(DIR, { recursive: true });
const f = path.join(DIR, `select-f8-${MIB}.bin`);
if (!fs.existsSync(f) || fs.statSync(f).size !== bytes) {
  const a = memmap(f, { dtype: 'float64', mode: 'w+', shape: [bytes / 8] });
  await apply(a, 'sin(i * 0.37) * 1000');
  a.flush(); a.close();
}
const n = bytes / 8;
const rows = [
  ['partition kth=100 axis -1', [n / 2048, 2048], (a) => partition(a, 100), 'partition:100:-1'],
  ['argpartition kth=100 axis -1', [n / 2048, 2048], (a) => argpartition(a, 100), 'argpartition:100:-1'],
  ['partition kth=3 axis -1 (rows of 7)', [Math.floor(n / 7), 7], (a) => partition(a, 3), 'partition:3:-1'],
  ['partition kth=100 axis 0', [n / 2048, 2048], (a) => partition(a, 100, { axis: 0 }), 'partition:100:0'],
  ['sort axis -1 (for scale)', [n / 2048, 2048], (a) => sort(a), 'sort'],
];
console.log(`| call (${MIB} MiB float64) | ndmmap ms | numpy ms | ratio |`);
console.log('|---|---|---|---|');
for (const [name, shape, fn, op] of rows) {
  const a = memmap(f, { dtype: 'float64', mode: 'r', shape });
  const t = (await time({ x: () => fn(a) }, 3)).x;
  a.close();
  const np = HAVE_NUMPY ? numpy(f, 'f8', shape, op, 3) : undefined;
  console.log(`| ${name} | ${(t * 1e3).toFixed(0)} | ${np ? (np * 1e3).toFixed(0) : '—'} | ${np ? (np / t).toFixed(2) + '×' : '—'} |`);
}
