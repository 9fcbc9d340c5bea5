// var and std over 2 GiB of float64: the pool vs numpy (two-pass) on the same file.
import { BYTES, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('f8.bin');
  const a = memmap(file, { dtype: 'float64', mode: 'r' });
  const t = await time({ 'var pool': () => a.var(), 'std pool': () => a.std(), 'std 1 thread': () => a.std({ threads: 1 }) }, 3);
  const np = { var: numpy(file, 'f8', [a.size], 'var', 3), std: numpy(file, 'f8', [a.size], 'std', 3) };
  a.close();
  return [
    { op: 'var', pool: gbps(BYTES, t['var pool']), numpy: np.var && gbps(BYTES, np.var) },
    { op: 'std', pool: gbps(BYTES, t['std pool']), one: gbps(BYTES, t['std 1 thread']), numpy: np.std && gbps(BYTES, np.std) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
