// sum and mean over 2 GiB of float64: the pool vs one thread vs the native ceiling vs numpy.
import { BYTES, ceiling, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('f8.bin');
  const a = memmap(file, { dtype: 'float64', mode: 'r' });
  const ceil2 = ceiling(file, 2);
  const t = await time({
    'sum pool': () => a.sum(),
    'sum 1 thread': () => a.sum({ threads: 1 }),
    'mean pool': () => a.mean(),
  });
  const np = { sum: numpy(file, 'f8', [a.size], 'sum'), mean: numpy(file, 'f8', [a.size], 'mean') };
  const ceil2b = ceiling(file, 2);
  a.close();
  const ceil = Math.max(ceil2, ceil2b);
  return [
    { op: 'sum', pool: gbps(BYTES, t['sum pool']), one: gbps(BYTES, t['sum 1 thread']), ceiling: ceil, numpy: np.sum && gbps(BYTES, np.sum) },
    { op: 'mean', pool: gbps(BYTES, t['mean pool']), ceiling: ceil, numpy: np.mean && gbps(BYTES, np.mean) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
