// Long rows of `sort` by partition (src/engine/order/part.ts, native/order/part.inc): splitters from a
// sample, a stable count/scatter into buckets, each bucket sorted in place. Forced onto small rows with
// tiny runs (NDMMAP_SORT_RUN_BYTES) and tiny buckets (NDMMAP_SORT_BUCKET): every fixture case must
// come out as numpy's stable sort, 1 and 2 threads alike, with buckets in one piece, buckets too long
// for one piece (runs and a merge) and equality buckets of duplicates; the native entry refuses
// hostile tables before touching memory.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type NDResult, apply, argsort, createNpy, sort } from '../../dist/src/index.js';
import { native } from '../../dist/src/native.js';
import * as contract from '../../dist/src/gen/contract.cjs';
import { tempDir } from '../helpers.js';
import { checkOrderCases } from './order-fixtures.js';


let tmp: ReturnType<typeof tempDir>;
const env = (k: string, v: string | undefined): void => { if (v === undefined) delete process.env[k]; else process.env[k] = v; };
beforeAll(() => { env('NDMMAP_SORT_PARTITION', undefined); });
afterAll(() => { env('NDMMAP_SORT_RUN_BYTES', undefined); env('NDMMAP_SORT_BUCKET', undefined); });
beforeEach(() => { tmp = tempDir('ndmmap-test-', { memory: true }); });
afterEach(() => tmp.remove());

const bytes = (r: NDResult): Buffer => Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);

describe('partition sort of long rows', () => {
  for (const [runBytes, bucket] of [['256', '4'], ['2048', '64']] as const) {
    it(`every fixture case as numpy (runs of ${runBytes} bytes, buckets of ${bucket})`, async () => {
      env('NDMMAP_SORT_RUN_BYTES', runBytes);
      env('NDMMAP_SORT_BUCKET', bucket);
      await checkOrderCases();
    });
  }

  it('every dtype and byte order, specials and duplicates: the same bytes as the one-piece sort, 1 and 2 threads', async () => {
    const n = 200_003;
    const expr = 'where(i % 97 == 5, nan, where(i % 89 == 1, -0.0, where(i % 7 == 0, 3, floor(sin(i * 12.9898) * 40000))))';
    const dtypes = ['<f8', '>f8', '<f4', '>f4', '<f2', '>f2', '<i8', '>i8', '<u8', '<i4', '>u4', '<i2', '>u2', '|i1', '|u1', '|b1'];
    for (const dt of dtypes) {
      const a = createNpy(tmp.file(`a${dtypes.indexOf(dt)}.npy`), { dtype: dt, shape: [n] });
      await apply(a, dt.includes('f') ? expr : dt.includes('b') ? 'i % 3 == 0' : `${expr.replace(/nan/, '7').replace('-0.0', '0')} + 100000`);
      env('NDMMAP_SORT_RUN_BYTES', String(2 ** 30));
      const whole = await sort(a) as NDResult;
      const wholeIdx = await argsort(a) as NDResult;
      env('NDMMAP_SORT_RUN_BYTES', String(40 * 1024));
      env('NDMMAP_SORT_BUCKET', '700');
      const passes = new Set<string>();
      const argPasses = new Set<string>();
      const one = await sort(a, { threads: 1 }) as NDResult;
      const two = await sort(a, { threads: 2, onProgress: (p) => passes.add((p as { pass?: string }).pass ?? '') }) as NDResult;
      expect(bytes(one).equals(bytes(whole)), `${dt} 1 thread`).toBe(true);
      expect(bytes(two).equals(bytes(whole)), `${dt} 2 threads`).toBe(true);
      const want = a.dtype.itemsize <= 2 ? ['count', 'partition'] : ['buckets', 'count', 'partition'];
      expect([...passes].filter((p) => p !== 'runs' && p !== 'merge').sort(), dt).toEqual(want);
      const oneIdx = await argsort(a, { threads: 1 }) as NDResult;
      const twoIdx = await argsort(a, { threads: 2, onProgress: (p) => argPasses.add((p as { pass?: string }).pass ?? '') }) as NDResult;
      expect(bytes(oneIdx).equals(bytes(wholeIdx)), `${dt} argsort 1 thread`).toBe(true);
      expect(bytes(twoIdx).equals(bytes(wholeIdx)), `${dt} argsort 2 threads`).toBe(true);
      expect([...argPasses].sort(), `${dt} argsort`).toEqual(want);
      a.close();
    }
  }, 120_000);

  it('one value repeated (one equality bucket), a sorted and a reverse-sorted row, into a file and in place', async () => {
    env('NDMMAP_SORT_RUN_BYTES', '4096');
    env('NDMMAP_SORT_BUCKET', '50');
    for (const expr of ['2.5', 'i', '-i', 'where(i < 1000, i, 1000)']) {
      const a = createNpy(tmp.file('r.npy'), { dtype: 'float64', shape: [5000] });
      await apply(a, expr);
      const want = Float64Array.from(a.typedArray() as Float64Array).sort();
      const out = createNpy(tmp.file('o.npy'), { dtype: 'float64', shape: [5000] });
      await sort(a, { out, threads: 2 });
      expect(Buffer.from((out.typedArray() as Float64Array).buffer, 0, 40000).equals(Buffer.from(want.buffer)), expr).toBe(true);
      await a.sort({ threads: 2 });
      expect(Buffer.from((a.typedArray() as Float64Array).slice().buffer).equals(Buffer.from(want.buffer)), `${expr} in place`).toBe(true);
      a.close(); out.close();
    }
  });

  it('argsort into a big-endian out, by partition and (buckets too long for one piece) by runs and a merge', async () => {
    env('NDMMAP_SORT_RUN_BYTES', String(2 ** 30));
    const a = createNpy(tmp.file('r.npy'), { dtype: '<f4', shape: [20000] });
    await apply(a, 'where(i % 10 == 0, 1.5, floor(sin(i * 12.9898) * 1000))');
    const whole = (await argsort(a) as NDResult).data as BigInt64Array;
    env('NDMMAP_SORT_RUN_BYTES', String(4096)); // runs of 146 float32
    for (const [bucket, want] of [['10', false], ['1000', true]] as const) {
      env('NDMMAP_SORT_BUCKET', bucket); // buckets of ~10 (one piece) or ~600 (too long: runs and a merge)
      const passes = new Set<string>();
      const out = createNpy(tmp.file(`idx${bucket}.npy`), { dtype: '>i8', shape: [20000] });
      await argsort(a, { out, threads: 2, onProgress: (p) => passes.add((p as { pass?: string }).pass ?? '') });
      const got = Array.from({ length: 20000 }, (_, k) => out.get(k) as bigint);
      for (let k = 0; k < 20000; k++) if (got[k] !== whole[k]) expect(`${bucket}: idx[${k}] = ${got[k]}`).toBe(`${bucket}: idx[${k}] = ${whole[k]}`);
      expect(passes.has('merge'), bucket).toBe(want);
      expect(passes.has('count'), bucket).toBe(true);
      out.close();
    }
    a.close();
  });

  it('a row whose scatter would dirty more than NDMMAP_SORT_PARTITION_MAX bytes takes runs and a merge, with the same result', async () => {
    env('NDMMAP_SORT_RUN_BYTES', '4096');
    env('NDMMAP_SORT_BUCKET', '50');
    const a = createNpy(tmp.file('cap.npy'), { dtype: 'float64', shape: [20000] });
    await apply(a, 'floor(sin(i * 12.9898) * 1000)');
    const byPartition = await sort(a, { threads: 2 }) as NDResult;
    const passes = new Set<string>();
    env('NDMMAP_SORT_PARTITION_MAX', String(20000 * 8 - 1));
    try {
      const byMerge = await sort(a, { threads: 2, onProgress: (p) => passes.add((p as { pass?: string }).pass ?? '') }) as NDResult;
      expect([...passes].sort()).toEqual(['merge', 'runs']);
      expect(bytes(byMerge).equals(bytes(byPartition))).toBe(true);
    } finally {
      env('NDMMAP_SORT_PARTITION_MAX', undefined);
    }
    a.close();
  });

  it('an abort in a pass rejects with ABORT_ERR and leaves an in-place file unchanged', async () => {
    env('NDMMAP_SORT_RUN_BYTES', '4096');
    env('NDMMAP_SORT_BUCKET', '50');
    const a = createNpy(tmp.file('a.npy'), { dtype: 'int64', shape: [300_000] });
    await apply(a, '(i * 7919) % 100003');
    const before = Buffer.from(a.typedArray().slice().buffer);
    for (const stopAt of ['count', 'partition', 'buckets']) {
      const c = new AbortController();
      const p = a.sort({ threads: 2, signal: c.signal, onProgress: (q) => { if ((q as { pass?: string }).pass === stopAt) c.abort(); } });
      await expect(p, stopAt).rejects.toMatchObject({ code: 'ABORT_ERR' });
      expect(Buffer.from(a.typedArray().slice().buffer).equals(before), stopAt).toBe(true);
    }
    a.close();
  });
});

describe('native orderPart refuses hostile arguments', () => {
  it('bucket counts, tables, ranges and bounds are checked before any memory is touched', () => {
    const a = createNpy(tmp.file('h.npy'), { dtype: 'float64', shape: [100] });
    const n = 100, B = 4, nb = 8;
    const desc = (v: Partial<Record<string, number>>): Float64Array => {
      const d = new Float64Array(contract.ORDER_PART.SIZE);
      contract.packOrderPart(d, {
        phase: 1, dtype: a.dtype.code, n, buckets: B, tableLen: nb, i0: 0, i1: n, maxLen: 50,
        srcId: a.mapping.id, srcSwap: 0, srcPos: a.layout.byteOffset, srcStep: 8,
        dstId: a.mapping.id, dstSwap: 0, dstPos: a.layout.byteOffset, dstStep: 8, mode: 0, auxId: 0, auxSwap: 0, auxPos: 0, auxStep: 0, ...v,
      } as never);
      return d;
    };
    const spl = new BigUint64Array(B - 1);
    const call = (v: Partial<Record<string, number>>, table = new Float64Array(nb + 1), s = spl): unknown => {
      try { native.orderPart(desc(v), s, table); return 'ok'; } catch (e) { return (e as { code?: string }).code; }
    };
    expect(call({})).toBe('ok');
    expect(call({ buckets: 3, tableLen: 6 })).toBe('ERR_INVALID_ARG_VALUE');
    expect(call({ buckets: 8192, tableLen: 16384 })).toBe('ERR_INVALID_ARG_VALUE');
    expect(call({ tableLen: 4 })).toBe('ERR_INVALID_ARG_VALUE');
    expect(call({}, new Float64Array(3))).toBe('ERR_INVALID_ARG_VALUE');
    expect(call({}, undefined, new BigUint64Array(1))).toBe('ERR_INVALID_ARG_VALUE');
    expect(call({ i1: n + 1 })).toBe('ERR_OUT_OF_RANGE');
    expect(call({ i0: 5, i1: 4 })).toBe('ERR_OUT_OF_RANGE');
    expect(call({ phase: 7 })).toBe('ERR_INVALID_ARG_VALUE');
    expect(call({ srcPos: 1e6 })).toBe('ERR_OUT_OF_RANGE');
    // the buckets phase: bounds must rise within [0, n] and be integers
    expect(call({ phase: 3, i0: 0, i1: nb }, Float64Array.from([0, 10, 20, 30, 40, 50, 60, 70, 100]))).toBe('ok');
    expect(call({ phase: 3, i0: 0, i1: nb }, Float64Array.from([0, 10, 5, 30, 40, 50, 60, 70, 100]))).toBe('ERR_OUT_OF_RANGE');
    expect(call({ phase: 3, i0: 0, i1: nb }, Float64Array.from([0, 10, 20, 30, 40, 50, 60, 70, 101]))).toBe('ERR_OUT_OF_RANGE');
    expect(call({ phase: 3, i0: 0, i1: nb }, Float64Array.from([0, 10.5, 20, 30, 40, 50, 60, 70, 100]))).toBe('ERR_OUT_OF_RANGE');
    expect(call({ phase: 3, i0: 0, i1: nb + 1 }, new Float64Array(nb + 1))).toBe('ERR_OUT_OF_RANGE');
    // scatter offsets that do not match the data (a file changed between the passes): refused, no write outside dst
    expect(call({ phase: 2 }, new Float64Array(nb).fill(n - 1))).toBe('ERR_NDMMAP_PARTIAL');
    // argsort: the positions' target is checked like the others (a mode numpy has not, an aux outside its file)
    expect(call({ mode: 2 })).toBe('ERR_INVALID_ARG_VALUE');
    const idx = createNpy(tmp.file('i.npy'), { dtype: 'int64', shape: [100] });
    const aux = { mode: 1, auxId: idx.mapping.id, auxPos: idx.layout.byteOffset, auxStep: 8 };
    expect(call(aux)).toBe('ok');
    expect(call({ ...aux, auxStep: 16 })).toBe('ERR_OUT_OF_RANGE');
    // the page-staged scatter of values and positions: offsets past the end refused for both targets
    expect(call({ ...aux, phase: 2 }, new Float64Array(nb).fill(n - 1))).toBe('ERR_NDMMAP_PARTIAL');
    expect(call({ ...aux, phase: 2, auxSwap: 1 }, new Float64Array(nb).fill(n - 1))).toBe('ERR_NDMMAP_PARTIAL');
    idx.close();
    // 1- and 2-byte keys take no splitters
    const b = createNpy(tmp.file('b.npy'), { dtype: 'int16', shape: [100] });
    const d16 = { dtype: b.dtype.code, srcId: b.mapping.id, dstId: b.mapping.id, srcPos: b.layout.byteOffset, dstPos: b.layout.byteOffset, srcStep: 2, dstStep: 2 };
    expect(call({ ...d16, buckets: 0, tableLen: 65536 }, new Float64Array(65536))).toBe('ok');
    expect(call({ ...d16, buckets: 4, tableLen: 8 })).toBe('ERR_INVALID_ARG_VALUE');
    a.close(); b.close();
  });
});
