// axis=0 and axis=1 sums of a 16384 x 16384 float64 array (2 GiB): the pool vs numpy.
import { BYTES, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('f8.bin');
  const n = 2 ** Math.floor(Math.log2(Math.sqrt(BYTES / 8))); // 16384 for 2 GiB
  const a = memmap(file, { dtype: 'float64', mode: 'r', shape: [n, BYTES / 8 / n] });
  const t = await time({ 'axis0 pool': () => a.sum({ axis: 0 }), 'axis1 pool': () => a.sum({ axis: 1 }) }, 3);
  const np = { s0: numpy(file, 'f8', a.shape, 'sum0', 3), s1: numpy(file, 'f8', a.shape, 'sum1', 3) };
  a.close();
  return [
    { op: `sum axis=0 ${a.shape.join('x')}`, pool: gbps(BYTES, t['axis0 pool']), numpy: np.s0 && gbps(BYTES, np.s0) },
    { op: `sum axis=1 ${a.shape.join('x')}`, pool: gbps(BYTES, t['axis1 pool']), numpy: np.s1 && gbps(BYTES, np.s1) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
