// var/std of 16-bit integers (native/reduce/reduce_kernels.inc BlockInt16: pair squares and pair sums
// by vpmaddwd, uint16 shifted into int16 first) are exact integer moments: a chunk's state is
// n·Σx² − (Σx)² rounded once. Checked against BigInt sums: bit for bit where the array is one chunk on
// one thread, within 2 ulps where chunks merge; the extremes (all −32768, all 65535, alternating
// minimum and maximum, whose squares fill the 32-bit pair sums), every length around the vector
// widths, and 1 vs 2 threads giving the same bits.
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, shutdown } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-moments16-', { memory: true });
afterAll(async () => { await shutdown(); tmp.remove(); });

type Kind = 'int16' | 'uint16';
const LIMITS: Record<Kind, [number, number]> = { int16: [-32768, 32767], uint16: [0, 65535] };

/** The values of pattern `p` for `n` elements of `dt` (deterministic). */
function values(dt: Kind, p: string, n: number): Int32Array {
  const [lo, hi] = LIMITS[dt];
  const v = new Int32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    v[i] = p === 'min' ? lo : p === 'max' ? hi : p === 'alt' ? (i % 2 === 0 ? lo : hi) : lo + (s % (hi - lo + 1));
  }
  return v;
}

/** ((n·Σx² − (Σx)²) rounded) / n / n: one chunk's var as the kernel computes it. */
function exactVar(v: Int32Array): number {
  let s = 0n, q = 0n;
  for (const x of v) { s += BigInt(x); q += BigInt(x) * BigInt(x); }
  const n = BigInt(v.length);
  return Number(n * q - s * s) / v.length / v.length;
}

function file(dt: Kind, v: Int32Array) {
  const a = memmap(tmp.file(`${dt}-${v.length}-${Math.random().toString(36).slice(2)}.bin`), { dtype: dt, mode: 'w+', shape: [v.length] });
  (a.typedArray() as Int16Array | Uint16Array).set(v);
  a.flush();
  return a;
}

const ulps = (x: number, y: number): number => {
  const b = new BigInt64Array(new Float64Array([x, y]).buffer);
  return Number(b[0] > b[1] ? b[0] - b[1] : b[1] - b[0]);
};

describe('var/std of int16 and uint16', () => {
  for (const dt of ['int16', 'uint16'] as const) {
    for (const p of ['min', 'max', 'alt', 'random']) {
      it(`${dt} ${p}: every length around the vector widths, bit for bit`, async () => {
        for (const n of [1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 65537]) {
          const v = values(dt, p, n);
          const a = file(dt, v);
          const want = exactVar(v);
          expect(await a.var({ threads: 1 }), `${n}`).toBe(want);
          expect(await a.std({ threads: 1 }), `${n}`).toBe(Math.sqrt(want));
          expect(await a.nanvar({ threads: 1 }), `${n}`).toBe(want);
          a.close();
        }
      });
    }
    it(`${dt}: arrays of several chunks and blocks are within 2 ulps, 1 and 2 threads the same bits`, async () => {
      for (const p of ['alt', 'random', 'max']) {
        const v = values(dt, p, 5 * 2 ** 20 + 13);
        const a = file(dt, v);
        const one = await a.var({ threads: 1 });
        const two = await a.var({ threads: 2 });
        expect(Object.is(one, two)).toBe(true);
        expect(ulps(one, exactVar(v)), p).toBeLessThanOrEqual(2);
        // along an axis: columns go through the outer-axis row loops (float64 mean and squared
        // deviations per group of rows, then Chan's merge: not exact integer moments; measured 8-9 ulps
        // from the exact value here), rows are one chunk each (bit for bit)
        const b = a.slice(':5242880').reshape([-1, 64]);
        const cols = await b.var({ axis: 0, threads: 2 });
        const rows = await b.var({ axis: 1, threads: 2 });
        for (const j of [0, 17, 63]) {
          const col = Int32Array.from({ length: b.shape[0] }, (_, i) => v[i * 64 + j]);
          expect(ulps(cols.data[j] as number, exactVar(col)), `col ${j}`).toBeLessThanOrEqual(16);
        }
        for (const r of [0, 999, b.shape[0] - 1]) expect(rows.data[r]).toBe(exactVar(v.subarray(r * 64, r * 64 + 64)));
        a.close();
      }
    });
  }
});
