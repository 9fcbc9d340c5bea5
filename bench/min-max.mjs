// min and max over 2 GiB of float64: the pool vs one thread vs the native ceiling vs numpy.
import { BYTES, ceiling, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('f8.bin');
  const a = memmap(file, { dtype: 'float64', mode: 'r' });
  const c1 = ceiling(file, 2);
  const t = await time({ 'min pool': () => a.min(), 'max pool': () => a.max(), 'min 1 thread': () => a.min({ threads: 1 }) });
  const np = { min: numpy(file, 'f8', [a.size], 'min'), max: numpy(file, 'f8', [a.size], 'max') };
  const ceil = Math.max(c1, ceiling(file, 2));
  a.close();
  return [
    { op: 'min', pool: gbps(BYTES, t['min pool']), one: gbps(BYTES, t['min 1 thread']), ceiling: ceil, numpy: np.min && gbps(BYTES, np.min) },
    { op: 'max', pool: gbps(BYTES, t['max pool']), ceiling: ceil, numpy: np.max && gbps(BYTES, np.max) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
