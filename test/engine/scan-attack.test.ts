// Attacks on cumsum and friends: an abort mid-scan leaves no new .npy (nor its temporary file),
// bad input is refused before any file is created, `out` over the input (in place, and overlapping
// in another layout) gives numpy's results (numpy buffers the overlapping input).
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, createNpy, cumsum, diff } from '../../dist/src/index.js';
import { abortMidCall, tempDir } from '../helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

const values = (m: MemMap): number[] => (m.toArray() as number[]).flat(9) as number[];

describe('abort and bad input', () => {
  it('an abort during a two-pass scan rejects with ABORT_ERR and leaves no file (nor a temporary one) behind', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float64', shape: [16 * 2 ** 20] });
    a.typedArray().fill(1);
    const out = tmp.file('r.npy');
    const e = await abortMidCall((signal, onProgress) => cumsum(a, { out, signal, threads: 2, onProgress }),
      (m) => { (m as { close(): void }).close(); fs.rmSync(out); });
    expect(e?.code).toBe('ABORT_ERR');
    expect(fs.readdirSync(tmp.dir).sort()).toEqual(['a.npy']);
    a.close();
  }, 60_000);

  it('bad axis, dtype, out shape, read-only out, negative n: numpy\'s errors before any file is created', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: 'int16', shape: [2, 3] });
    const out = tmp.file('never.npy');
    const codes = [
      await cumsum(a, { axis: 2, out }).catch((e) => e),
      await cumsum(a, { axis: 0.5, out }).catch((e) => e),
      await cumsum(a, { dtype: 'complex64' as never, out }).catch((e) => e),
      await cumsum(a, { out: createNpy(tmp.file('small.npy'), { dtype: 'int64', shape: [5] }) }).catch((e) => e),
      await cumsum(a, { nope: 1 } as never).catch((e) => e),
      await diff(a, { n: -1, out }).catch((e) => e),
      await diff(a, { axis: -3, out }).catch((e) => e),
    ].map((e: { code: string; message: string }) => [e.code, e.message]);
    expect(codes[0]).toEqual(['ERR_NDMMAP_AXIS', 'axis 2 is out of bounds for array of dimension 2']);
    expect(codes[1][0]).toBe('ERR_INVALID_ARG_TYPE');
    expect(codes[3][0]).toBe('ERR_NDMMAP_SHAPE');
    expect(codes[3][1]).toMatch(/^provided out is the wrong size for the accumulation\./);
    expect(codes[4]).toEqual(['ERR_INVALID_ARG_VALUE', "cumsum: unknown option 'nope'"]);
    expect(codes[5]).toEqual(['ERR_INVALID_ARG_VALUE', 'order must be non-negative but got -1']);
    expect(codes[6][0]).toBe('ERR_NDMMAP_AXIS');
    expect(codes[2][0]).toMatch(/ERR_NDMMAP_DTYPE|ERR_INVALID_ARG_VALUE/);
    expect(fs.existsSync(out)).toBe(false);
    const ro = createNpy(tmp.file('ro.npy'), { dtype: 'int64', shape: [6] });
    ro.close();
    const { openNpy } = await import('../../dist/src/index.js');
    const r = openNpy(tmp.file('ro.npy'), { mode: 'r' });
    expect((await cumsum(a, { out: r }).catch((e) => e)).code).toBe('ERR_NDMMAP_READONLY');
    const z = createNpy(tmp.file('z.npy'), { dtype: 'int16', shape: [] });
    expect((await diff(z).catch((e) => e)).message).toBe('diff requires input that is at least one dimensional');
  });
});

describe('out over the input', () => {
  it('in place a.cumsum({ out: a }) and cumprod, as numpy (float64 and int8: int8 wraps as numpy\'s int8 out)', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float64', shape: [5] });
    a.assign([0, 1, 2, 3, 4]);
    expect(await a.cumsum({ out: a })).toBe(a);
    expect(values(a)).toEqual([0, 1, 3, 6, 10]);
    const b = createNpy(tmp.file('b.npy'), { dtype: 'int8', shape: [2, 3] });
    b.assign([[100, 100, 100], [-100, 3, 2]]);
    await b.cumsum({ axis: 1, out: b });
    // numpy: np.cumsum(b, axis=1, out=b) -> [[100, -56, 44], [-100, -97, -95]]
    expect(values(b)).toEqual([100, -56, 44, -100, -97, -95]);
  });

  it('out overlapping the input in another layout (reversed, shifted): numpy buffers the input, so do we', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float64', shape: [5] });
    a.assign([0, 1, 2, 3, 4]);
    await a.cumsum({ out: a.slice('::-1') });
    expect(values(a)).toEqual([10, 6, 3, 1, 0]); // numpy: np.cumsum(b, out=b[::-1])
    const c = createNpy(tmp.file('c.npy'), { dtype: 'float64', shape: [6] });
    c.assign([0, 1, 2, 3, 4, 5]);
    await c.slice(':3').cumsum({ out: c.slice('1:4') });
    expect(values(c)).toEqual([0, 0, 1, 3, 4, 5]);
    const r = await a.cumsum() as NDResult;
    expect(Array.from(r.data as Float64Array)).toEqual([10, 16, 19, 20, 20]);
  });
});
