/**
 * A strict TypeScript app written as a user writes it, against the package ('ndmmap', 'ndmmap/distributed'):
 * compiled by test/types.test.ts under strict with module nodenext and with module commonjs, both with
 * skipLibCheck false (so every .d.ts the package ships is checked, and none may need piscina's, bullmq's
 * or ioredis's). No casts anywhere; each @ts-expect-error fails the build if its mistake starts compiling.
 */
import {
  type MemMap, type NDResult, NdmmapError, type NdmmapErrorCode, argtopk, bincount, createNpy, dot, histogram, median, memmap,
  mergePartials, nanmedian, openNpy, percentile, quantile, reduce, reducePartial, saveNpy, search, topk,
  concatenate, stack, take, flatnonzero, argwhere,
} from 'ndmmap';
import { submit } from 'ndmmap/distributed';

type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): T | void {}
declare function use(...values: unknown[]): void;

export async function app(): Promise<void> {
  const emb = memmap('emb.f4', { dtype: 'float32', mode: 'r', shape: [1000, 4] });
  const ids = memmap('ids.i8', { dtype: 'int64', mode: 'r' });

  // onProgress is typed by context, in every reduction, apply and the free functions
  const total = await emb.sum({ onProgress: (p) => use(p.doneBytes / p.totalBytes) });
  expectType<Exact<typeof total, number>>();
  await emb.apply('x * 2', { onProgress: (p) => use(p.doneBytes) });
  const cols = await emb.mean({ axis: 0, onProgress: (p) => use(p.totalBytes) });
  expectType<Exact<typeof cols, NDResult<'float32'>>>();
  await histogram(emb, { bins: 4, range: [0, 1], onProgress: (p) => use(p.doneBytes) });

  // saveNpy takes any result, view, typed array or scalar as it comes, and says where it wrote
  const savedTo: string = await saveNpy('mu.npy', cols);
  await saveNpy('t.npy', emb.transpose(), { threads: 2 });
  await saveNpy('n.npy', await emb.sum());
  await saveNpy('i.npy', { data: new BigInt64Array(2), shape: [2] });
  // @ts-expect-error a plain JS array is not saved (numpy would guess its dtype)
  await saveNpy('x.npy', [1, 2]);
  use(savedTo);

  // convert and gather: a dtype literal types the result; a path or MemMap out gives a MemMap back
  const e64 = await emb.astype('float64');
  expectType<Exact<typeof e64, NDResult<'float64'>>>();
  const eF = await emb.copy({ out: 'eF.npy', order: 'F' });
  expectType<Exact<typeof eF, MemMap<'float32'>>>();
  const rows = await emb.take((await emb.search(new Float32Array(4), { k: 3 })).indices, { axis: 0 });
  expectType<Exact<typeof rows, NDResult<'float32'>>>();
  const [r0] = await emb.nonzero();
  use(r0.data, await take(emb, [0, -1], { axis: 0 }), await concatenate([emb, emb]), await stack([emb, emb], { axis: 1 }));
  use(await flatnonzero(emb), await argwhere(emb), await emb.compress([true, false], { axis: 0 }));
  emb.assign(new Float32Array(4000));
  // @ts-expect-error not a dtype spelling
  await emb.astype('flaot32');

  // search, topk, dot: typed by dtype
  const found = await emb.search(new Float32Array(4), { k: 3 });
  expectType<Exact<typeof found.indices.data, BigInt64Array>>();
  expectType<Exact<typeof found.scores.data, Float32Array>>();
  const wide = await emb.search([0.1, 0.2, 0.3, 0.4], { k: 3 });
  expectType<Exact<typeof wide.scores.data, Float64Array>>();
  const free = await search(ids, new Float32Array(4), { k: 2 });
  expectType<Exact<typeof free.scores.data, Float64Array>>();
  const best = await emb.topk(3);
  expectType<Exact<typeof best.values.data, Float32Array>>();
  expectType<Exact<typeof best.indices.data, BigInt64Array>>();
  const bestIds = await topk(ids, 2, { axis: null });
  expectType<Exact<typeof bestIds.values.data, BigInt64Array>>();
  const where = await argtopk(emb, 2);
  expectType<Exact<typeof where.data, BigInt64Array>>();
  const scores = await emb.dot(new Float32Array(4));
  expectType<Exact<typeof scores, NDResult<'float32'> | number>>();
  const promoted = await dot(emb, new Float64Array(4));
  expectType<Exact<typeof promoted, NDResult<'float64'> | number>>();
  const out = createNpy('s.npy', { dtype: 'float32', shape: [1000] });
  const into = await emb.dot(new Float32Array(4), { out });
  expectType<Exact<typeof into, MemMap<'float32'>>>();

  // the quantile family: numpy's dtype, a scalar for a number q, an NDResult along an axis or for several q
  const med = await median(emb);
  expectType<Exact<typeof med, number>>();
  const q = await quantile(emb, 0.9);
  expectType<Exact<typeof q, number>>();
  const qs = await quantile(ids, [0.1, 0.9]);
  expectType<Exact<typeof qs, NDResult<'float64'>>>();
  const lower = await quantile(ids, 0.5, { method: 'lower' });
  expectType<Exact<typeof lower, bigint>>();
  const perCol = await nanmedian(emb, { axis: 0 });
  expectType<Exact<typeof perCol.data, Float32Array>>();
  const pct = await percentile(ids, 50);
  expectType<Exact<typeof pct, number>>();

  // histograms: int64 counts without weights; float64 with density; the weights' dtype with weights
  const h = await histogram(emb, { bins: 10, range: [0, 1] });
  expectType<Exact<typeof h.counts, BigInt64Array>>();
  const d = await histogram(emb, { bins: 10, density: true });
  expectType<Exact<typeof d.counts, Float64Array>>();
  const weights = memmap('w.f4', { dtype: 'float32', mode: 'r' });
  const w = await histogram(emb, { bins: 10, weights });
  expectType<Exact<typeof w.counts, Float32Array>>();
  const bc = await bincount(ids);
  expectType<Exact<typeof bc, BigInt64Array>>();

  // partial states merge to the reduction's value, by operation name; reduce() by name too
  const part = await reducePartial('sum', ids, { rows: [0, 10] });
  const merged = mergePartials([part]);
  expectType<Exact<typeof merged, bigint>>();
  const byName = await reduce('mean', emb, { axis: 1 });
  expectType<Exact<typeof byName, NDResult<'float32'>>>();
  const fromJson = mergePartials(JSON.parse('[]') as unknown[]);
  use(fromJson);

  // a .npy typed by the dtype it must hold (checked at run time)
  const npy = openNpy('x.npy', { mode: 'r', dtype: 'float32' });
  expectType<Exact<ReturnType<typeof npy.typedArray>, Float32Array>>();

  // submit by operation name and layout
  const remote = await submit('sum', 'big.i4', { redis: 'redis://queue:6379', layout: { dtype: 'int32' }, onProgress: (p) => use(p.doneShards) });
  expectType<Exact<typeof remote, bigint>>();
  const remoteMean = await submit('mean', 'big.f4', { redis: 'redis://queue:6379', layout: { dtype: 'float32' }, axis: 0 });
  expectType<Exact<typeof remoteMean, NDResult<'float32'>>>();

  // error codes are a union
  try { emb.close(); } catch (e) {
    if (e instanceof NdmmapError) {
      const code: NdmmapErrorCode = e.code;
      if (e.code === 'ENOENT' || e.code === 'ERR_NDMMAP_CLOSED') use(code);
      // @ts-expect-error not a code ndmmap throws
      if (e.code === 'ERR_NDMMAP_TYPO') use(code);
    }
  }
}

export async function mistakes(): Promise<void> {
  const emb = memmap('emb.f4', { dtype: 'float32', mode: 'r' });
  // @ts-expect-error scores of float32 rows and queries are float32
  const s: Float64Array = (await emb.search(new Float32Array(4))).scores.data;
  // @ts-expect-error a histogram without weights counts in int64
  const c: Float64Array = (await histogram(emb, { bins: 3 })).counts;
  // @ts-expect-error the median of float32 data is a float32 number, not an NDResult
  const m: NDResult = await median(emb);
  // @ts-expect-error a float64 .npy asked for is not a Float32Array
  const t: Float32Array = openNpy('x.npy', { dtype: 'float64' }).typedArray();
  // @ts-expect-error the merged sum of int64 states is a bigint
  const n: number = mergePartials([await reducePartial('sum', memmap('x', { dtype: 'int64' }))]);
  // @ts-expect-error openNpy opens existing files
  openNpy('x.npy', { mode: 'w+' });
  use(s, c, m, t, n);
}
