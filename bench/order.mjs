// Ordering: sort of the 2 GiB float64 file (into a new file of the same size) and the stable argsort of
// 1 GiB of int32 (the same file's first half read as int32), the pool vs one thread vs numpy's np.sort /
// np.argsort(kind='stable') on the same memmap. Rates are the input's bytes per second.
import path from 'node:path';
import { BYTES, DIR, ROOT, createNpy, dataFile, gbps, memmap, numpy, time } from './common.mjs';

const { sort, argsort } = await import(path.join(ROOT, 'dist/src/index.js'));

export async function run() {
  const file = await dataFile('dist-f8.bin');
  const a = memmap(file, { dtype: 'float64', mode: 'r' });
  const out = createNpy(path.join(DIR, 'order-out.npy'), { dtype: 'float64', shape: a.shape });
  const n32 = BYTES / 8; // int32 elements in the first half of the file
  const b = memmap(file, { dtype: 'int32', mode: 'r', shape: [n32] });
  const idx = createNpy(path.join(DIR, 'order-idx.npy'), { dtype: 'int64', shape: [n32] });
  const t = await time({
    'sort pool': () => sort(a, { out }),
    'sort 1 thread': () => sort(a, { out, threads: 1 }),
    'argsort pool': () => argsort(b, { out: idx, kind: 'stable' }),
    'argsort 1 thread': () => argsort(b, { out: idx, kind: 'stable', threads: 1 }),
  }, 2, 1);
  const npSort = numpy(file, 'f8', [a.size], 'sort', 2);
  const npArg = numpy(file, 'i4', [n32], 'argsort_stable', 2);
  a.close(); b.close(); out.close(); idx.close();
  const g = (bytes) => (s) => s && gbps(bytes, s);
  return [
    { op: 'sort float64 (np.sort)', pool: g(BYTES)(t['sort pool']), one: g(BYTES)(t['sort 1 thread']), numpy: g(BYTES)(npSort) },
    { op: 'argsort stable int32', pool: g(BYTES / 2)(t['argsort pool']), one: g(BYTES / 2)(t['argsort 1 thread']), numpy: g(BYTES / 2)(npArg) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
