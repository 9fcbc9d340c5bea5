// unique, searchsorted (issue 21): value counts of int32 labels with 1000 classes (the hash path: no
// sort) and unique of random int64 (the sort path), each 1 GiB by default (half of BENCH_MIB), and
// 10M random float64 queries searched in a sorted float64 file of BENCH_MIB — the pool vs one thread
// vs numpy's np.unique(return_counts=True) / np.unique / np.searchsorted on the same memmaps.
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, DIR, ROOT, createNpy, gbps, numpy, openNpy, time } from './common.mjs';

const { unique, searchsorted, apply } = await import(path.join(ROOT, 'dist/src/index.js'));

/** A .npy of `dtype` and `n` elements filled with `expr` of i, made once and reused. */
async function npyFile(name, dtype, n, expr) {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  if (fs.existsSync(file)) {
    const m = openNpy(file, { mode: 'r' });
    const ok = m.size === n && m.dtype.name === dtype;
    m.close();
    if (ok) return file;
  }
  const a = createNpy(file, { dtype, shape: [n] });
  await apply(a, expr);
  a.flush();
  a.close();
  return file;
}

/** Queries of the searchsorted row (BENCH_QUERIES for a smoke run). */
const NQ = Number(process.env.BENCH_QUERIES ?? 10_000_000);

export async function run() {
  const half = BYTES / 2;
  const labels = await npyFile('order-labels-i4.npy', 'int32', half / 4, '(i * 2654435761) % 1000');
  const ints = await npyFile('order-rand-i8.npy', 'int64', half / 8, '(i * 6364136223846793005 + 1442695040888963407) ^ (i >> 7)');
  const sorted = await npyFile('order-sorted-f8.npy', 'float64', BYTES / 8, 'i * 1e-3');
  const queries = await npyFile('order-queries-f8.npy', 'float64', NQ, `((i * 2654435761) % ${BYTES / 8}) * 1e-3 + 0.0005`);
  const [l, r, s, q] = [labels, ints, sorted, queries].map((f) => openNpy(f, { mode: 'r' }));
  const t = await time({
    'counts pool': () => unique(l, { returnCounts: true }),
    'counts one': () => unique(l, { returnCounts: true, threads: 1 }),
    'unique pool': () => unique(r),
    'search pool': () => searchsorted(s, q),
    'search one': () => searchsorted(s, q, { threads: 1 }),
  }, 3, 1);
  const np = {
    counts: numpy(labels, 'i4', l.shape, 'unique_counts', 3),
    unique: numpy(ints, 'i8', r.shape, 'unique', 3),
    search: numpy(sorted, 'f8', s.shape, 'searchsorted', 3, queries),
  };
  for (const m of [l, r, s, q]) m.close();
  const g = (bytes) => (sec) => sec && gbps(bytes, sec);
  const qBytes = NQ * 8;
  return [
    { op: 'unique counts int32 labels (1000 classes)', pool: g(half)(t['counts pool']), one: g(half)(t['counts one']), numpy: g(half)(np.counts) },
    { op: 'unique of random int64', pool: g(half)(t['unique pool']), numpy: g(half)(np.unique) },
    { op: `searchsorted ${NQ / 1e6}M float64 queries (query GB/s)`, pool: g(qBytes)(t['search pool']), one: g(qBytes)(t['search one']), numpy: g(qBytes)(np.search) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
