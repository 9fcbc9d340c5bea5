// unique()'s hash pass counts keys in a narrow range through a dense window (native/order/unique.cc
// Dense) and the rest through the hash table: values inside and outside the window, -0.0 before 0.0
// in another block, NaN, and F-order views (memory order is not flat order: the least index must win)
// must give the same values, first indices and counts as a plain count in JS, 1 and 2 threads alike.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, apply, createNpy, unique } from '../../dist/src/index.js';
import { native } from '../../dist/src/native.js';
import { reduceDescriptor } from '../../dist/src/engine/execute.cjs';
import { planReduceCached } from '../../dist/src/engine/plan.js';
import { expectEqual, tempDir } from '../helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir('ndmmap-test-', { memory: true }); });
afterEach(() => tmp.remove());

/** values (ascending, -0.0/0.0 as one, NaNs as one), first flat index, counts — from the flat C-order values. */
type V = number | bigint;
function reference(flat: V[]): { values: V[]; first: number[]; counts: number[] } {
  // Map keys compare by SameValueZero: -0.0 and 0.0 are one key, every NaN is one key
  const seen = new Map<V, { v: V; first: number; count: number }>();
  for (let i = 0; i < flat.length; i++) {
    const x = flat[i];
    const e = seen.get(x);
    if (e === undefined) seen.set(x, { v: x, first: i, count: 1 }); else e.count++;
  }
  const nan = (x: V): boolean => typeof x === 'number' && Number.isNaN(x);
  const all = [...seen.values()].sort((a, b) => (nan(a.v) ? 1 : nan(b.v) ? -1 : a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  return { values: all.map((e) => e.v), first: all.map((e) => e.first), counts: all.map((e) => e.count) };
}

/** The values of a 2-D view in flat C order (toArray reads the view natively; get() per element was 40 s). */
function flatC(a: MemMap): V[] {
  return (a.toArray() as V[][]).flat();
}

describe('unique: the dense window and the hash table together', () => {
  it('labels near 0 with outliers, -0.0 after 0.0 and before it, NaN; C and F order; 1 and 2 threads', async () => {
    for (const [dt, expr] of [
      ['<i4', 'where(i % 1013 == 7, 2000000000 - i, (i * 7919) % 1000)'],
      ['<i8', 'where(i % 517 == 3, -9000000000000000000 + i, (i * 31) % 70000)'],
      ['<f8', 'where(i % 1001 == 17, nan, where(i % 997 == 13, -0.0, where(i % 991 == 5, 1e300 - i, (i * 13) % 300)))'],
      ['>u2', '(i * 7) % 65535'],
    ] as const) {
      for (const order of ['C', 'F'] as const) {
        const a = createNpy(tmp.file(`u-${dt.slice(1)}-${order}.npy`), { dtype: dt, shape: [700, 400], order });
        await apply(a, expr);
        const want = reference(flatC(a));
        for (const threads of [1, 2]) {
          const r = await unique(a, { returnIndex: true, returnCounts: true, threads });
          const what = `${dt} ${order} ${threads}`;
          const got = Array.from(r.values.data as ArrayLike<V>);
          expect(got.length, what).toBe(want.values.length);
          for (let k = 0; k < got.length; k++) if (!Object.is(got[k], want.values[k])) expect(`${what} values[${k}] = ${got[k]}`).toBe(`${what} values[${k}] = ${want.values[k]}`);
          expectEqual(Array.from(r.indices!.data, Number), want.first, what);
          expectEqual(Array.from(r.counts!.data, Number), want.counts, what);
        }
        a.close();
      }
    }
  }, 120_000);
});

describe('unique: the dense integer counting kernels (native/order/unique_dense.cc) on the pool', () => {
  const views: Array<[string, (a: MemMap) => MemMap]> = [
    ['as is', (a) => a],
    ['flipped and stepped', (a) => a.slice('::-1', '1::3')],
    ['transposed (F order)', (a) => a.T],
  ];
  it('every integer dtype and bool, both byte orders, views: numpy\'s values, counts and first indices; counts alone the same; 1 and 2 threads', async () => {
    for (const [dt, expr] of [
      ['|b1', 'i % 3 == 1'],
      ['|i1', '(i * 7919) % 256 - 128'],
      ['|u1', '(i * 31) % 200'],
      ['<i2', '(i * 7919) % 3000 - 1500'],
      ['>u2', '(i * 7) % 65536'],
      ['<i4', 'where(i % 1013 == 7, -2147483648 + i % 3, (i * 7919) % 1000)'],
      ['>i4', '(i * 7919) % 1000 - 500'],
      ['<u4', 'where(i < 5000, 4294967295 - i % 9, i % 4)'], // a window wrapping from the top to 0
      ['>i8', 'where(i % 517 == 3, 9000000000000000000 + i, (i * 31) % 70000 - 35000)'],
      ['<u8', '(i * 13) % 5000'],
    ] as const) {
      const a = createNpy(tmp.file(`d-${dt.slice(1)}.npy`), { dtype: dt, shape: [600, 501] });
      await apply(a, expr);
      for (const [name, view] of views) {
        const v = view(a);
        const want = reference(flatC(v));
        const what = `${dt} ${name}`;
        const runs = [];
        for (const threads of [1, 2]) {
          const r = await unique(v, { returnIndex: true, returnCounts: true, threads });
          const got = Array.from(r.values.data as ArrayLike<V>, (x) => (dt === '|b1' ? x === 1 : x));
          expectEqual(got, want.values, what);
          expectEqual(Array.from(r.indices!.data, Number), want.first, what);
          expectEqual(Array.from(r.counts!.data, Number), want.counts, what);
          const c = await unique(v, { returnCounts: true, threads });
          expectEqual(c.values.data, r.values.data, `${what} counts alone`);
          expectEqual(c.counts!.data, r.counts!.data, `${what} counts alone`);
          runs.push(r);
        }
        expectEqual(runs[1], runs[0], `${what}: 2 threads as 1`);
      }
      a.close();
    }
  }, 300_000);

  it('a call that overflows the hash bound inside a run leaves no stale first index for the next call', async () => {
    const { setHashBound } = await import('../../dist/src/engine/order/unique.js');
    const a = createNpy(tmp.file('over.npy'), { dtype: '<i4', shape: [300_000] });
    // a window from 0 (the first run), then a run whose first 400 values lie outside it (the bound is
    // passed there) and whose later groups of 4 mix such values with slots the overflow leaves uncounted
    await apply(a, 'where(i < 4096, i % 64, where(i < 4496, 100000 + i, where(i % 2 == 0, 100000 + i, 60000 + i % 5000)))');
    const b = createNpy(tmp.file('after.npy'), { dtype: '<i4', shape: [300_000] });
    await apply(b, 'where(i < 100000, 7, 60000 + (i + 3) % 5000)'); // first indices past 100000
    const want = reference(Array.from(b.typedArray() as Int32Array));
    for (const threads of [1, 2]) {
      setHashBound(100);
      try {
        const over = await unique(a, { returnIndex: true, returnCounts: true, threads }); // the sort path
        expect(Number(over.counts!.data.reduce((s, x) => s + x, 0n))).toBe(a.size);
      } finally { setHashBound(1 << 18); }
      const r = await unique(b, { returnIndex: true, returnCounts: true, threads });
      expect(Array.from(r.indices!.data, Number), `${threads} threads`).toEqual(want.first);
      expect(Array.from(r.counts!.data, Number), `${threads} threads`).toEqual(want.counts);
    }
    a.close(); b.close();
  }, 120_000);
});

describe('unique: the hash pass glue refuses hostile calls', () => {
  it('needFirst other than 0 or 1 (or missing) is ERR_OUT_OF_RANGE / ERR_INVALID_ARG_TYPE, before any block is counted', async () => {
    const a = createNpy(tmp.file('g.npy'), { dtype: '<i4', shape: [1000] });
    await apply(a, 'i % 10');
    const int64 = 7; // DTYPE_TABLE code of int64, checked below against the table
    const { DTYPE_TABLE } = await import('../../dist/src/gen/contract.cjs');
    expect(DTYPE_TABLE.find((d: { name: string }) => d.name === 'int64')!.code).toBe(int64);
    const task = { kernel: 0, valueType: int64, operands: [[a.mapping.id, a.dtype.code, 0]], maskOperand: -1, param: [0, 0], valueRound: -1 };
    const block = planReduceCached(a.layout, null, 8).blocks[0];
    const desc = reduceDescriptor(task as never, block).slice();
    const id = 987654321;
    const code = (f: () => unknown): unknown => { try { return f(); } catch (e) { return (e as { code?: string }).code; } };
    const hash = native.lookup.hash as unknown as (...x: unknown[]) => number;
    try {
      for (const bad of [2, -1, 1.5, 2 ** 53]) expect(code(() => hash(desc, 1, id, 100, bad)), String(bad)).toMatch(/^ERR_(OUT_OF_RANGE|INVALID_ARG_TYPE)$/);
      expect(code(() => hash(desc, 1, id, 100))).toMatch(/^ERR_(OUT_OF_RANGE|INVALID_ARG_TYPE)$/);
      expect(native.lookup.finish(id, new BigUint64Array(16), new BigInt64Array(16), new BigInt64Array(16))).toBe(-1); // nothing counted
      expect(hash(desc, 1, id, 100, 1)).toBe(0);
      const counts = new BigInt64Array(16), first = new BigInt64Array(16);
      expect(native.lookup.finish(id, new BigUint64Array(16), counts, first)).toBe(10);
      expect(Array.from(counts.slice(0, 10), Number)).toEqual(Array(10).fill(100));
      expect(Array.from(first.slice(0, 10), Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally { native.lookup.drop(id); a.close(); }
  });
});
