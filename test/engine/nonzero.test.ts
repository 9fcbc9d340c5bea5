// nonzero, flatnonzero, argwhere (src/engine/nonzero.ts): numpy's results for every dtype and byte
// order, with -0.0 (zero), NaN, ±inf and the smallest subnormal (non-zero), on contiguous arrays, the
// transpose (a native copy first), flipped and stepped views, a column, a 0-d and an empty view
// (fixtures: test/fixtures/make_gather_fixtures.py → gather/nonzero.json, gather/nzsrc_*.npy); a
// pool-sized array against a plain loop, 1 and 2 threads; results are plain ArrayBuffers; abort.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type MemMap, argwhere, createNpy, flatnonzero, nonzero, openNpy } from '../../dist/src/index.js';
import { FIXTURES, tempDir } from '../helpers.js';

interface Case {
  dtype: string; view: string; spec: (string | number)[] | 'T'; shape: number[];
  flat: number[]; argwhere: number[][]; argwhere_shape: number[]; nonzero?: number[][];
}

const GATHER = join(FIXTURES, 'gather');
const cases = JSON.parse(fs.readFileSync(join(GATHER, 'nonzero.json'), 'utf8')) as Case[];
const srcName = (code: string): string => `nzsrc_${code.replace('<', 'le_').replace('>', 'be_').replace('|', '')}.npy`;
const nums = (d: ArrayLike<bigint>): number[] => Array.from(d, Number);
const tmp = tempDir('ndmmap-nonzero-');
afterAll(() => tmp.remove());

describe('nonzero, flatnonzero, argwhere against numpy', () => {
  it.each(cases.map((c) => [`${c.dtype} ${c.view}`, c] as const))('%s', async (_, c) => {
    const src = openNpy(join(GATHER, srcName(c.dtype)), { mode: 'r' });
    try {
      const v: MemMap = c.spec === 'T' ? src.T : c.spec.length === 0 ? src : src.slice(...c.spec);
      expect(v.shape).toEqual(c.shape);
      for (const threads of [1, 2]) {
        const f = await flatnonzero(v, { threads });
        expect(f.shape).toEqual([c.flat.length]);
        expect(nums(f.data)).toEqual(c.flat);
        expect(f.data.buffer).toBeInstanceOf(ArrayBuffer);
        const w = await argwhere(v, { threads });
        expect(w.shape).toEqual(c.argwhere_shape);
        expect(nums(w.data)).toEqual(c.argwhere.flat());
        if (c.nonzero === undefined) {
          await expect(nonzero(v)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/^Calling nonzero on 0d arrays/) });
        } else {
          const per = await v.nonzero({ threads });
          expect(per.map((r) => r.shape)).toEqual(c.nonzero.map((r) => [r.length]));
          expect(per.map((r) => nums(r.data))).toEqual(c.nonzero);
        }
      }
    } finally {
      src.close();
    }
  });

  it('covers every view on every dtype', () => {
    const views = new Set(cases.map((c) => c.view));
    expect(views).toEqual(new Set(['C', 'T', 'rev_step', 'col', 'row_rev', 'one_row', 'empty', 'scalar']));
    expect(new Set(cases.map((c) => c.dtype)).size).toBeGreaterThanOrEqual(14);
    expect(cases.filter((c) => c.view === 'C' && c.dtype.includes('f')).every((c) => c.flat.includes(41))).toBe(true); // the subnormal
  });
});

describe('nonzero on the pool', () => {
  // 3 x 2^20 float32 (12 MiB: several blocks on two threads): zeros, -0.0 and NaN in a pattern
  const rows = 3 * 1024, cols = 1024;
  let a: MemMap;
  const want: number[] = [];
  it('positions and coordinates equal a plain loop, 1 and 2 threads', async () => {
    a = createNpy(tmp.file('big.npy'), { dtype: '<f4', shape: [rows, cols] });
    const t = a.typedArray() as Float32Array;
    for (let k = 0; k < t.length; k++) {
      const m = (k * 2654435761) % 97;
      t[k] = m < 40 ? 0 : m < 45 ? -0 : m < 47 ? NaN : m - 50;
    }
    for (let k = 0; k < t.length; k++) if (t[k] !== 0) want.push(k);
    for (const threads of [1, 2]) {
      const f = await flatnonzero(a, { threads });
      expect(f.data.length).toBe(want.length);
      expect(f.data.buffer).toBeInstanceOf(ArrayBuffer);
      let bad = -1;
      for (let k = 0; k < want.length && bad < 0; k++) if (Number(f.data[k]) !== want[k]) bad = k;
      expect(bad).toBe(-1);
      const [r, c] = await a.nonzero({ threads });
      const w = await argwhere(a, { threads });
      for (let k = 0; k < want.length && bad < 0; k++) {
        const rr = Math.floor(want[k] / cols), cc = want[k] % cols;
        if (Number(r.data[k]) !== rr || Number(c.data[k]) !== cc || Number(w.data[2 * k]) !== rr || Number(w.data[2 * k + 1]) !== cc) bad = k;
      }
      expect(bad).toBe(-1);
    }
    // the transpose goes through a native copy: its positions are the transposed order's
    const tr = await flatnonzero(a.T, { threads: 2 });
    const wantT: number[] = [];
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) if (t[i * cols + j] !== 0) wantT.push(j * rows + i);
    expect(tr.data.length).toBe(wantT.length);
    expect(nums(tr.data.subarray(0, 1000))).toEqual(wantT.slice(0, 1000));
    expect(nums(tr.data.subarray(wantT.length - 1000))).toEqual(wantT.slice(wantT.length - 1000));
  });

  it('an aborted signal rejects with AbortError; refused dtypes and arguments say why', async () => {
    await expect(flatnonzero(a, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(argwhere(a.T, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const c = createNpy(tmp.file('c.npy'), { dtype: 'complex128', shape: [3] });
    await expect(flatnonzero(c)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    await expect(flatnonzero({} as MemMap)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(flatnonzero(a, { threads: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    c.close();
    a.close();
  });
});

describe('unravel past 2^31 elements', () => {
  it('coordinates of positions up to 2^53 - 1 (float division, both int64 halves)', async () => {
    const { unravel } = await import('../../dist/src/engine/nonzero.js');
    const shape = [2 ** 21, 3, 2 ** 31 + 1];  // 3 * 2^52 + ... elements: past 2^31, below 2^53 where it counts
    const pos = [0, 2 ** 31, 2 ** 31 + 1, 2 ** 32 + 5, 3 * (2 ** 31 + 1) - 1, 2 ** 53 - 1];
    const ids = BigInt64Array.from(pos, BigInt);
    const inter = new BigInt64Array(pos.length * 3);
    const per = [0, 1, 2].map(() => new BigInt64Array(pos.length));
    unravel(ids, shape, [inter], 3);
    unravel(ids, shape, per, 1);
    pos.forEach((p, j) => {
      const P = BigInt(p), n2 = BigInt(shape[2]), n1 = BigInt(shape[1]);
      const want = [P / (n2 * n1), (P / n2) % n1, P % n2];
      expect([...inter.subarray(3 * j, 3 * j + 3)]).toEqual(want);
      expect(per.map((a) => a[j])).toEqual(want);
    });
  });
});
