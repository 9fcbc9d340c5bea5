// unique(): numpy 2.4's values, first indices, inverse (the input's shape) and counts for every dtype
// and byte order, NaN under equalNan true/false, -0.0 / +0.0, views, F order, empty and 0-d inputs —
// through the hash path and the sort path alike (fixtures: test/fixtures/make_lookup_fixtures.py).
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, apply, createNpy, openNpy, shutdown, unique } from '../../dist/src/index.js';
import { setHashBound } from '../../dist/src/engine/order/unique.js';
import { manifest, expectEqual, tempDir } from '../helpers.js';
import { ORDER as DIR, fileShape, fileValues, resultValues } from './lookup-helpers.js';

interface UCase { input: string; view: string[] | null; equal_nan: boolean; values: string; indices: string; inverse: string; counts: string }
const cases = manifest<{ unique: UCase[] }>('lookup').unique;


function open(c: UCase): MemMap {
  const a = openNpy(join(DIR, c.input), { mode: 'r' });
  return c.view === null ? a : a.slice(...c.view.slice(0, a.ndim));
}

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir('ndmmap-test-', { memory: true }); });
afterEach(() => { tmp.remove(); setHashBound(1 << 18); });
afterAll(() => shutdown());

describe.each([['hash', 1 << 18], ['sort', 0]])('unique fixtures, %s path', (_path, bound) => {
  it.each(cases.map((c) => [`${c.input}${c.view ? ' ' + c.view.join(',') : ''}${c.equal_nan ? '' : ' equalNan=false'}`, c]))('%s', async (_n, c) => {
    setHashBound(bound as number);
    const a = open(c as UCase);
    const cs = c as UCase;
    const r = await unique(a, { returnIndex: true, returnInverse: true, returnCounts: true, equalNan: cs.equal_nan });
    expect(r.values.dtype).toBe(a.dtype.name);
    expectEqual(resultValues(r.values), fileValues(cs.values));
    expectEqual(resultValues(r.indices!), fileValues(cs.indices));
    expectEqual((r.inverseIndices as NDResult).shape, fileShape(cs.inverse));
    expectEqual(resultValues(r.inverseIndices!), fileValues(cs.inverse));
    expectEqual(resultValues(r.counts!), fileValues(cs.counts));
    const plain = await unique(a, { equalNan: cs.equal_nan });
    expectEqual(resultValues(plain as NDResult), fileValues(cs.values));
  });
});

describe('unique on the pool', () => {
  it('value counts of 1000 labels (hash path) and of random int64 (sort path), 1 and 2 threads alike', async () => {
    const n = 200_000; // past the inline bound for both files: the pool runs
    const labels = createNpy(tmp.file('labels.npy'), { dtype: '<i4', shape: [n] });
    await apply(labels, '(i * 7919) % 1000 - 500');
    const want = new Map<number, number>();
    const first = new Map<number, number>();
    const lv = labels.typedArray() as Int32Array;
    lv.forEach((x, i) => { want.set(x, (want.get(x) ?? 0) + 1); if (!first.has(x)) first.set(x, i); });
    const keys = [...want.keys()].sort((x, y) => x - y);
    for (const threads of [1, 2]) {
      const r = await unique(labels, { returnCounts: true, returnIndex: true, returnInverse: true, threads });
      expectEqual(Array.from(r.values.data as Int32Array), keys);
      expectEqual(Array.from(r.counts!.data, Number), keys.map((k) => want.get(k)));
      expectEqual(Array.from(r.indices!.data, Number), keys.map((k) => first.get(k)));
      const inv = (r.inverseIndices as NDResult).data as BigInt64Array;
      for (let i = 0; i < n; i += 997) expect(keys[Number(inv[i])]).toBe(lv[i]);
    }
    const big = createNpy(tmp.file('big.npy'), { dtype: '<i8', shape: [n] });
    await apply(big, '(i * 2654435761) % 1000003 - 500000');
    const bv = big.typedArray() as BigInt64Array;
    const sorted = Array.from(new Set(bv)).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const r1 = await unique(big, { returnCounts: true, returnInverse: true, threads: 1 });
    const r2 = await unique(big, { returnCounts: true, returnInverse: true, threads: 2 });
    expectEqual(Array.from(r1.values.data as BigInt64Array), sorted);
    expectEqual(r2.values.data, r1.values.data);
    expectEqual(r2.counts!.data, r1.counts!.data);
    expectEqual((r2.inverseIndices as NDResult).data, (r1.inverseIndices as NDResult).data);
    const inv = (r1.inverseIndices as NDResult).data as BigInt64Array;
    for (let i = 0; i < n; i += 1009) expect(sorted[Number(inv[i])]).toBe(bv[i]);
  }, 180_000);

  it('writes the inverse into an out MemMap or a new .npy; reports the passes; aborts', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<u2', shape: [300, 1000] });
    await apply(a, '(i * 31) % 17');
    const out = createNpy(tmp.file('inv.npy'), { dtype: '<i8', shape: [300, 1000] });
    const passes = new Set<string>();
    const r = await unique(a, { returnInverse: true, out, onProgress: (p) => passes.add(p.pass) });
    expect(r.inverseIndices).toBe(out);
    expectEqual(passes, new Set(['count', 'inverse']));
    const mem = await unique(a, { returnInverse: true });
    expectEqual(out.typedArray(), (mem.inverseIndices as NDResult).data);
    const r2 = await unique(a, { returnInverse: true, out: tmp.file('inv2.npy') });
    expectEqual((r2.inverseIndices as MemMap).typedArray(), (mem.inverseIndices as NDResult).data);
    const ac = new AbortController();
    ac.abort();
    await expect(unique(a, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORT_ERR' });
  }, 120_000);
});

describe('unique: bad input, before anything runs', () => {
  it('axis, unknown options, flags, out', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '<i4', shape: [4, 2] });
    // along an axis: test/engine/unique-axis.test.ts; an axis past the dimensions is numpy's AxisError
    await expect(unique(a, { axis: 2 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS', message: 'axis 2 is out of bounds for array of dimension 2' });
    await expect(unique(a.reshape([8]), { axis: 1 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS', message: 'axis 1 is out of bounds for array of dimension 1' });
    await expect(unique(a, { bogus: 1 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: "unique() got an unexpected keyword argument 'bogus'" });
    await expect(unique(a, { returnCounts: 1 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(unique(a, { out: tmp.file('x.npy') })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    const wrong = createNpy(tmp.file('w.npy'), { dtype: '<i4', shape: [4, 2] });
    await expect(unique(a, { returnInverse: true, out: wrong })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    const shape = createNpy(tmp.file('s.npy'), { dtype: '<i8', shape: [8] });
    await expect(unique(a, { returnInverse: true, out: shape })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    await expect(unique(a, { threads: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
  });
});
