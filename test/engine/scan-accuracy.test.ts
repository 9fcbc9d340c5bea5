// How a two-pass scan's float sums compare with numpy's sequential ones (the bound README
// "Cumulative sums" documents), and bit-equality where the plan keeps numpy's order (many lines,
// split across threads). 1,000,000 values x_i = ((i * 2654435761) mod 2^32) / 2^32 * 1.1 rebuilt here;
// numpy's running sums sampled in test/fixtures/scan/long.json (make_scan_fixtures.py).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, createNpy } from '../../dist/src/index.js';
import { SCAN_TUNING } from '../../dist/src/engine/scan/plan.js';
import { lastPoolCall } from '../../dist/src/engine/run.js';
import { manifest, tempDir } from '../helpers.js';

const N = 1_000_000;
/**
 * README "Cumulative sums": result i of a two-pass line differs from numpy's by at most
 * 2 (i + 1) u sum_{j<=i} |x_j| (the recursive-summation bound, for both orders); measured here, in
 * ulps of numpy's result: float64 4, float32 420 (numpy's own float32 result is 422 ulps from the exact sum).
 */
const MEASURED_ULPS = { float64: 4, float32: 420 };
const UNIT = { float64: 2 ** -53, float32: 2 ** -24 };
type Series = { flat: string[]; axis0: string[]; axis1: string[] };
const LONG = manifest<{ pick: number[]; float64: Series; float32: Series }>('scan', 'long.json');
const DEFAULT = { ...SCAN_TUNING };

let tmp: ReturnType<typeof tempDir>;
const arrays: Record<string, MemMap> = {};
beforeAll(() => {
  tmp = tempDir();
  for (const dt of ['float64', 'float32'] as const) {
    const a = createNpy(tmp.file(`${dt}.npy`), { dtype: dt, shape: [N] });
    const t = a.typedArray() as Float64Array | Float32Array;
    for (let i = 0; i < N; i++) t[i] = ((i * 2654435761) % 2 ** 32) / 2 ** 32 * 1.1;
    arrays[dt] = a;
  }
});
afterAll(() => { Object.assign(SCAN_TUNING, DEFAULT); for (const a of Object.values(arrays)) a.close(); tmp.remove(); });

/** Distance in units in the last place of `want` (its float type's). */
function ulps(got: number, want: number, dt: 'float64' | 'float32'): number {
  if (got === want) return 0;
  const e = Math.floor(Math.log2(Math.abs(want)));
  return Math.abs(got - want) / 2 ** (e - (dt === 'float64' ? 52 : 23));
}

const sampled = (r: NDResult): number[] => LONG.pick.map((i) => (r.data as Float64Array)[i]);

describe('float cumsum accuracy', () => {
  for (const dt of ['float64', 'float32'] as const) {
    it(`${dt}: a two-pass scan (122 segments) is within the documented bound of numpy (${MEASURED_ULPS[dt]} ulps here), the same at 1 and 2 threads, exact in the first segment, no further from the exact sums than numpy`, async () => {
      Object.assign(SCAN_TUNING, { twoPassBytes: 1 << 16, segmentBytes: (1 << 16) / (dt === 'float64' ? 1 : 2) });
      const one = await arrays[dt].cumsum({ threads: 1 }) as NDResult;
      const two = await arrays[dt].cumsum({ threads: 2 }) as NDResult;
      expect(lastPoolCall().blocks).toBeGreaterThan(100);
      expect(Buffer.from(two.data.buffer).equals(Buffer.from(one.data.buffer))).toBe(true);
      const want = LONG[dt].flat.map(Number);
      const got = sampled(one);
      const worst = Math.max(...got.map((g, k) => ulps(g, want[k], dt)));
      expect(worst).toBeLessThanOrEqual(MEASURED_ULPS[dt]);
      // the a-priori bound (data of one sign: sum |x| is the running sum), and the distance to the exact
      // running sums (float64 sums of the values; exact to well under a float32 ulp) against numpy's
      const x = arrays[dt].typedArray() as Float64Array;
      const exact: number[] = [];
      for (let i = 0, s = 0, k = 0; k < LONG.pick.length; i++) { s += x[i]; if (i === LONG.pick[k]) { exact.push(s); k++; } }
      LONG.pick.forEach((i, k) => expect(Math.abs(got[k] - want[k])).toBeLessThanOrEqual(2 * (i + 1) * UNIT[dt] * exact[k]));
      if (dt === 'float32') {
        const ours = Math.max(...got.map((g, k) => ulps(g, Math.fround(exact[k]), dt)));
        const numpys = Math.max(...want.map((w, k) => ulps(w, Math.fround(exact[k]), dt)));
        expect(ours).toBeLessThanOrEqual(numpys);
      }
      const seg = SCAN_TUNING.segmentBytes / (dt === 'float64' ? 8 : 4);
      LONG.pick.forEach((i, k) => { if (i < seg) expect(got[k]).toBe(want[k]); });
      Object.assign(SCAN_TUNING, DEFAULT);
    });

    it(`${dt}: many lines (axis 0 and axis 1 of 1000 x 1000) keep numpy's order bit for bit, at 1 and 2 threads`, async () => {
      const m = arrays[dt].reshape([1000, 1000]);
      for (const axis of [0, 1]) {
        for (const threads of [1, 2]) {
          const r = await m.cumsum({ axis, threads }) as NDResult;
          expect(sampled(r), `axis ${axis} threads ${threads}`).toEqual(LONG[dt][axis === 0 ? 'axis0' : 'axis1'].map(Number));
        }
      }
    });
  }
});
