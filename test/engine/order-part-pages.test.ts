// The partition scatter's page stages (native/order/part.inc PageStage): a bucket's elements go to
// the target a whole page at a time, flushed at the page boundaries of the bucket's slots. Forced onto
// small rows with tiny runs (NDMMAP_SORT_RUN_BYTES), buckets of a few thousand elements
// (NDMMAP_SORT_BUCKET) and many small count/scatter blocks (NDMMAP_SORT_BLOCK_BYTES), so buckets span
// several pages per block and the blocks' ranges meet inside pages: every dtype and byte order, NaN,
// -0.0 and duplicates come out as the one-piece sort, 1 and 2 threads, into targets aligned, misaligned
// with the page grid (an odd offset) and strided (no page grid), sort and stable argsort, in place;
// an abort in any pass leaves an in-place file unchanged.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, apply, argsort, createNpy, memmap, sort } from '../../dist/src/index.js';
import { expectEqual, tempDir } from '../helpers.js';

let tmp: ReturnType<typeof tempDir>;
const env = (k: string, v: string | undefined): void => { if (v === undefined) delete process.env[k]; else process.env[k] = v; };
const KNOBS = ['NDMMAP_SORT_RUN_BYTES', 'NDMMAP_SORT_BUCKET', 'NDMMAP_SORT_BLOCK_BYTES', 'NDMMAP_SORT_PARTITION_MAX'];
beforeAll(() => { env('NDMMAP_SORT_PARTITION', undefined); });
afterAll(() => { for (const k of KNOBS) env(k, undefined); });
beforeEach(() => { tmp = tempDir('ndmmap-test-', { memory: true }); });
afterEach(() => tmp.remove());

const bytes = (r: NDResult | MemMap): Buffer => {
  const d = 'data' in r ? r.data : r.typedArray();
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
};
/**
 * Force the page-staged partition at this size: 'many' gives 128 buckets of ~2300 and blocks of 6145
 * elements (a block's share of a bucket is part of a page: pages shared by many blocks); 'pages' gives
 * 8 buckets and blocks of 20481 elements (each block's share spans several pages).
 */
type Shape = 'many' | 'pages';
function paged(shape: Shape = 'many'): void {
  env('NDMMAP_SORT_RUN_BYTES', String(shape === 'many' ? 160 * 1024 : 2 * 2 ** 20));
  env('NDMMAP_SORT_BUCKET', shape === 'many' ? '3000' : '40000');
  env('NDMMAP_SORT_BLOCK_BYTES', String((shape === 'many' ? 48 : 160) * 1024 + 8));
}
const SHAPES: Shape[] = ['many', 'pages'];
function onePiece(): void {
  for (const k of KNOBS) env(k, undefined);
  env('NDMMAP_SORT_RUN_BYTES', String(2 ** 30));
}
const n = 150_001;
const expr = 'where(i % 97 == 5, nan, where(i % 89 == 1, -0.0, where(i % 7 == 0, 3, floor(sin(i * 12.9898) * 40000))))';
const fill = (dt: string): string => (dt.includes('f') ? expr : `${expr.replace(/nan/, '7').replace('-0.0', '0')} + 100000`);

describe('page-staged partition scatter', () => {
  it('every dtype and byte order (NaN, -0.0, duplicates): the one-piece sort and stable argsort, 1 and 2 threads', async () => {
    const dtypes = ['<f8', '>f8', '<f4', '>f4', '<i8', '>i8', '<u8', '>u8', '<i4', '>i4', '<u4', '>u4'];
    for (const dt of dtypes) {
      const a = createNpy(tmp.file(`a${dtypes.indexOf(dt)}.npy`), { dtype: dt, shape: [n] });
      await apply(a, fill(dt));
      onePiece();
      const whole = await sort(a) as NDResult;
      const wholeIdx = await argsort(a, { kind: 'stable' }) as NDResult;
      const passes = new Set<string>();
      for (const shape of SHAPES) {
        paged(shape);
        for (const threads of [1, 2]) {
          const s = await sort(a, { threads, onProgress: (p) => passes.add((p as { pass?: string }).pass ?? '') }) as NDResult;
          expect(bytes(s).equals(bytes(whole)), `${dt} sort, ${shape}, ${threads} threads`).toBe(true);
          const i = await argsort(a, { threads, kind: 'stable' }) as NDResult;
          expect(bytes(i).equals(bytes(wholeIdx)), `${dt} argsort, ${shape}, ${threads} threads`).toBe(true);
        }
      }
      expectEqual([...passes].sort(), ['buckets', 'count', 'partition'], dt);
      a.close();
    }
  }, 240_000);

  it('targets off the page grid (an odd offset), strided and big-endian, and in place', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<f8', shape: [n] });
    await apply(a, fill('<f8'));
    onePiece();
    const whole = await sort(a) as NDResult;
    const wholeIdx = await argsort(a, { kind: 'stable' }) as NDResult;
    const odd = memmap(tmp.file('odd.bin'), { dtype: '<f8', mode: 'w+', shape: [n], offset: 3 });
    const wide = memmap(tmp.file('wide.bin'), { dtype: '>f8', mode: 'w+', shape: [2 * n] });
    const oddIdx = memmap(tmp.file('oddi.bin'), { dtype: '<i8', mode: 'w+', shape: [n], offset: 5 });
    const wideIdx = memmap(tmp.file('widei.bin'), { dtype: '>i8', mode: 'w+', shape: [2 * n] });
    for (const [shape, threads] of SHAPES.flatMap((sh) => [[sh, 1], [sh, 2]] as const)) {
      paged(shape);
      await sort(a, { out: odd, threads });
      expect(bytes(odd).equals(bytes(whole)), `odd offset, ${threads} threads`).toBe(true);
      const strided = wide.slice('1::2');
      await sort(a, { out: strided, threads });
      expectEqual(Float64Array.from(strided.toArray() as number[]), whole.data, `strided, ${threads} threads`);
      await argsort(a, { out: oddIdx, kind: 'stable', threads });
      expect(bytes(oddIdx).equals(bytes(wholeIdx)), `argsort odd offset, ${threads} threads`).toBe(true);
      const stridedIdx = wideIdx.slice('::-2');
      await argsort(a, { out: stridedIdx, kind: 'stable', threads });
      expectEqual(BigInt64Array.from(stridedIdx.toArray() as bigint[]), wholeIdx.data, `argsort strided, ${threads} threads`);
    }
    const copy = createNpy(tmp.file('c.npy'), { dtype: '>f8', shape: [n] });
    await apply(copy, fill('<f8'));
    await copy.sort({ threads: 2 });
    expectEqual(Float64Array.from(copy.toArray() as number[]), whole.data);
    for (const m of [a, odd, wide, oddIdx, wideIdx, copy]) m.close();
  }, 240_000);

  it('an abort in each pass rejects with ABORT_ERR and leaves an in-place file unchanged', async () => {
    paged('many'); // buckets in many bucket-pass blocks: there is a block to stop before
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float64', shape: [n] });
    await apply(a, fill('<f8'));
    const before = Buffer.from(bytes(a));
    for (const stopAt of ['count', 'partition', 'buckets']) {
      const c = new AbortController();
      const p = a.sort({ threads: 2, signal: c.signal, onProgress: (q) => { if ((q as { pass?: string }).pass === stopAt) c.abort(); } });
      await expect(p, stopAt).rejects.toMatchObject({ code: 'ABORT_ERR' });
      expect(bytes(a).equals(before), stopAt).toBe(true);
    }
    a.close();
  });
});
