// partition/argpartition select (native/order/order_isa.cc SelectRowsT): for every dtype and byte order,
// along every axis and the flattened array, with NaN (any sign), -0.0/0.0 ties, ±inf and integer
// extremes, against a stable sort computed here with numpy's order (NaN last, -0.0 == 0.0, ties by
// position): the element at each kth is the stable sort's (value, and position for argpartition),
// nothing before it is greater, nothing after it smaller, and the row is a permutation of the input.
// A pool-sized array gives the same bytes on 1 and 2 threads.
import { afterAll, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, argpartition, createNpy, partition } from '../../dist/src/index.js';
import { rowsOf, tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-select-');
afterAll(() => tmp.remove());
let made = 0;

type V = number | bigint | boolean;
/** numpy's order: NaN last, -0.0 == 0.0; 0 when tied. */
const cmp = (x: V, y: V): number => {
  const nx = typeof x === 'number' && Number.isNaN(x), ny = typeof y === 'number' && Number.isNaN(y);
  if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Fill `a` (flat, C order) with values of its kind: a mix of specials, extremes and repeats. */
function fill(a: MemMap): void {
  const n = a.size, name = a.dtype.name;
  const ints: Record<string, [bigint, bigint]> = {
    int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n], int32: [-(2n ** 31n), 2n ** 31n - 1n],
    int64: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n],
  };
  const vals: V[] = [];
  for (let i = 0; i < n; i++) {
    const h = (i * 2654435761) % 1000;
    if (name === 'bool') vals.push(h % 3 === 0);
    else if (name in ints) {
      const [lo, hi] = ints[name];
      const v = h < 30 ? lo : h < 60 ? hi : BigInt(h % 37) - (lo < 0n ? 18n : 0n);
      vals.push(name === 'int64' || name === 'uint64' ? v : Number(v));
    } else {
      vals.push(h < 40 ? NaN : h < 60 ? -0 : h < 80 ? 0 : h < 90 ? Infinity : h < 100 ? -Infinity : (h % 41) - 20 + (h % 3) / 4);
    }
  }
  const idx = a.shape.map(() => 0);
  for (let i = 0; i < n; i++) {
    let r = i;
    for (let d = a.ndim - 1; d >= 0; d--) { idx[d] = r % a.shape[d]; r = Math.floor(r / a.shape[d]); }
    a.set(idx, vals[i] as never);
  }
}

const DTYPES = ['float64', '>f8', 'float32', '>f4', 'float16', '>f2', 'int8', 'uint8', 'int16', '>i4', 'int64', '>u8', 'bool'];

describe('partition and argpartition select at every kth', () => {
  it.each(DTYPES.map((d) => [d] as const))('%s', async (dt) => {
    const a = createNpy(tmp.file(`s${++made}.npy`), { dtype: dt, shape: [6, 5, 23] });
    fill(a);
    const flat = (a.toArray() as unknown as V[][][]).flat(2).map((v) => (typeof v === "boolean" ? Number(v) : v));
    for (const [axis, kths] of [[-1, [0]], [-1, [22]], [-1, [3, -4, 11, 3]], [0, [2]], [1, [0, 4]], [null, [0, 137, -1, 400]]] as const) {
      const n = axis === null ? a.size : a.shape[(axis + 3) % 3];
      const shape = axis === null ? [a.size] : a.shape;
      const p = await partition(a, [...kths], { axis }) as NDResult;
      const ip = await argpartition(a, [...kths], { axis }) as NDResult;
      const pv = Array.from(p.data as ArrayLike<V>), iv = Array.from(ip.data as BigInt64Array, Number);
      const ks = [...new Set(kths.map((k) => (k < 0 ? k + n : k)))];
      for (const row of rowsOf(shape, axis === null ? null : (axis + 3) % 3)) {
        const stable = row.map((_, j) => j).sort((x, y) => cmp(flat[axis === null ? x : row[x]], flat[axis === null ? y : row[y]]) || x - y);
        const src = (j: number): V => flat[axis === null ? j : row[j]];
        const got = row.map((at) => pv[at]), pos = row.map((at) => iv[at]);
        const where = `${dt} axis ${axis} kth ${kths}`;
        expect([...pos].sort((x, y) => x - y), where).toEqual(row.map((_, j) => j));
        expect(got.map((v) => String(v)).sort(), where).toEqual(row.map((_, j) => String(src(j))).sort());
        for (const k of ks) {
          expect(pos[k], `${where}: position at ${k}`).toBe(stable[k]);
          expect(Object.is(got[k], src(stable[k])), `${where}: value at ${k}`).toBe(true);
          for (let j = 0; j < n; j++) {
            if (j < k) expect(cmp(got[j], got[k]) <= 0 && cmp(src(pos[j]), src(pos[k])) <= 0, `${where}: [${j}] before ${k}`).toBe(true);
            if (j > k) expect(cmp(got[j], got[k]) >= 0 && cmp(src(pos[j]), src(pos[k])) >= 0, `${where}: [${j}] after ${k}`).toBe(true);
          }
        }
      }
    }
    a.close();
  });

  it('a pool-sized array: the same bytes on 1 and 2 threads, the kth column sorted-correct', async () => {
    const a = createNpy(tmp.file('big.npy'), { dtype: 'float64', shape: [4000, 500] });
    const t = a.typedArray() as Float64Array;
    for (let i = 0; i < t.length; i++) t[i] = ((i * 2654435761) % 10007) % 13 === 0 ? NaN : ((i * 40503) % 65521) - 30000;
    const one = await partition(a, [10, 250], { threads: 1 }) as NDResult;
    const two = await partition(a, [10, 250], { threads: 2 }) as NDResult;
    expect(Buffer.from((one.data as Float64Array).buffer).equals(Buffer.from((two.data as Float64Array).buffer))).toBe(true);
    const i1 = await argpartition(a, -1, { threads: 1, axis: 0 }) as NDResult, i2 = await argpartition(a, -1, { threads: 2, axis: 0 }) as NDResult;
    expect(Buffer.from((i1.data as BigInt64Array).buffer).equals(Buffer.from((i2.data as BigInt64Array).buffer))).toBe(true);
    const d = one.data as Float64Array;
    for (let r = 0; r < 4000; r += 97) {
      const s = Float64Array.from(t.subarray(r * 500, r * 500 + 500)).sort();
      expect(Object.is(d[r * 500 + 10], s[10]) && Object.is(d[r * 500 + 250], s[250])).toBe(true);
    }
    a.close();
  });
});

describe('native order refuses a hostile kth tail', () => {
  it('kth positions must ascend within the row and fill the descriptor exactly', async () => {
    const { native } = await import('../../dist/src/native.js');
    const contract = await import('../../dist/src/gen/contract.cjs');
    const a = createNpy(tmp.file('h.npy'), { dtype: 'float64', shape: [3, 10] });
    const t = a.typedArray() as Float64Array;
    t.forEach((_, i) => { t[i] = (i * 7) % 10; });
    const desc = (kth: number[], nKth = kth.length): Float64Array => {
      const d = new Float64Array(contract.ORDER.SIZE + 3 + kth.length);
      let at = contract.packOrder(d, {
        mode: 0, n: 10, nOuter: 1, rowStart: 0, rowCount: 3, srcId: a.mapping.id, srcDtype: a.dtype.code, srcSwap: 0,
        srcPos: a.layout.byteOffset, srcStep: 8, dstId: a.mapping.id, dstSwap: 0, dstPos: a.layout.byteOffset, dstStep: 8, indexStep: 0, nKth,
      });
      d[at++] = 3; d[at++] = 80; d[at++] = 80;
      for (const k of kth) d[at++] = k;
      return d;
    };
    const call = (kth: number[], nKth?: number): unknown => {
      try { native.order(desc(kth, nKth)); return 'ok'; } catch (e) { return (e as { code?: string }).code; }
    };
    const before = Buffer.from(t.slice().buffer);
    for (const [kth, nKth] of [[[3, 3]], [[5, 2]], [[-1]], [[10]], [[0.5]], [[2], 2], [[2, 4], 1], [[NaN]]] as [number[], number?][])
      expect(call(kth, nKth), `kth ${kth} nKth ${nKth}`).toMatch(/^ERR_/);
    expect(Buffer.from(t.slice().buffer).equals(before)).toBe(true);  // refused before any row was touched
    expect(call([0, 4, 9])).toBe('ok');
    for (let r = 0; r < 3; r++) expect([t[r * 10], t[r * 10 + 4], t[r * 10 + 9]]).toEqual([0, 4, 9]);
    a.close();
  });
});
