// axis=0 and axis=1 sums of a 16384 x 16384 float64 array (2 GiB), and dot(a, v) with a 16384-vector:
// the pool vs numpy (a.sum(axis), a @ v: OpenBLAS gemv on every core).
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, DIR, createNpy, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('f8.bin');
  const n = 2 ** Math.floor(Math.log2(Math.sqrt(BYTES / 8))); // 16384 for 2 GiB
  const a = memmap(file, { dtype: 'float64', mode: 'r', shape: [n, BYTES / 8 / n] });
  const v = Float64Array.from({ length: a.shape[1] }, (_, i) => 1 / (i + 1));
  const vFile = path.join(DIR, `v-${a.shape[1]}.npy`);
  if (!fs.existsSync(vFile)) { const m = createNpy(vFile, { dtype: 'float64', shape: [a.shape[1]] }); m.typedArray().set(v); m.flush(); m.close(); }
  const t = await time({ 'axis0 pool': () => a.sum({ axis: 0 }), 'axis1 pool': () => a.sum({ axis: 1 }), dot: () => a.dot(v) }, 3);
  const np = { s0: numpy(file, 'f8', a.shape, 'sum0', 3), s1: numpy(file, 'f8', a.shape, 'sum1', 3), dot: numpy(file, 'f8', a.shape, 'matvec', 3, vFile) };
  a.close();
  return [
    { op: `sum axis=0 ${a.shape.join('x')}`, pool: gbps(BYTES, t['axis0 pool']), numpy: np.s0 && gbps(BYTES, np.s0) },
    { op: `sum axis=1 ${a.shape.join('x')}`, pool: gbps(BYTES, t['axis1 pool']), numpy: np.s1 && gbps(BYTES, np.s1) },
    { op: `dot(a, v) ${a.shape.join('x')} f8`, pool: gbps(BYTES, t.dot), numpy: np.dot && gbps(BYTES, np.dot) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
