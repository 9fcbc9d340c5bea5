// unique()'s hash pass counts keys in a narrow range through a dense window (native/order/unique.cc
// Dense) and the rest through the hash table: values inside and outside the window, -0.0 before 0.0
// in another block, NaN, and F-order views (memory order is not flat order: the least index must win)
// must give the same values, first indices and counts as a plain count in JS, 1 and 2 threads alike.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, apply, createNpy, unique } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

/** values (ascending, -0.0/0.0 as one, NaNs as one), first flat index, counts — from the flat C-order values. */
type V = number | bigint;
function reference(flat: V[]): { values: V[]; first: number[]; counts: number[] } {
  const key = (x: V): string => (typeof x === 'number' && Number.isNaN(x) ? 'nan' : String(x === 0 ? 0 : x));
  const seen = new Map<string, { v: V; first: number; count: number }>();
  flat.forEach((x, i) => {
    const k = key(x);
    const e = seen.get(k);
    if (e === undefined) seen.set(k, { v: x, first: i, count: 1 }); else e.count++;
  });
  const nan = (x: V): boolean => typeof x === 'number' && Number.isNaN(x);
  const all = [...seen.values()].sort((a, b) => (nan(a.v) ? 1 : nan(b.v) ? -1 : a.v < b.v ? -1 : a.v > b.v ? 1 : 0));
  return { values: all.map((e) => e.v), first: all.map((e) => e.first), counts: all.map((e) => e.count) };
}

function flatC(a: MemMap): V[] {
  const out: V[] = [];
  const [r, c] = a.shape;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out.push(a.get(i, j) as V);
  return out;
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
          expect(Array.from(r.indices!.data, Number), what).toEqual(want.first);
          expect(Array.from(r.counts!.data, Number), what).toEqual(want.counts);
        }
        a.close();
      }
    }
  }, 120_000);
});
