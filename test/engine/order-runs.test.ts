// Rows longer than one run (NDMMAP_SORT_RUN_BYTES forced tiny): sorted runs, then the parallel k-way merge
// through a temporary file. Every fixture case of test/fixtures/order must come out as numpy's stable
// sort/argsort again, 1 and 2 threads alike, with progress reported per pass ('runs', 'merge').
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type NDResult, apply, argsort, createNpy, sort } from '../../dist/src/index.js';
import { abortMidCall, tempDir } from '../helpers.js';
import { checkOrderCases } from './order-fixtures.js';


let tmp: ReturnType<typeof tempDir>;
// sort's long rows take the partition sort by default (order-part.test.ts): here they take runs and a merge
beforeAll(() => { process.env.NDMMAP_SORT_RUN_BYTES = '256'; process.env.NDMMAP_SORT_PARTITION = '0'; });
afterAll(() => { delete process.env.NDMMAP_SORT_RUN_BYTES; delete process.env.NDMMAP_SORT_PARTITION; });
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());


describe('runs and merge', () => {
  it('a merge cut into several output ranges (rows past 65536 elements): each range lands in its place', async () => {
    // 200,003 float64 and int32 values in runs of 1024: the merge is cut into parts that each write
    // their own slice (a part once wrote at the row's start: half the result zeros, unsorted)
    const n = 200_003;
    process.env.NDMMAP_SORT_RUN_BYTES = String(1024 * 40);
    try {
      for (const dt of ['float64', 'int32'] as const) {
        const a = createNpy(tmp.file(`big-${dt}.npy`), { dtype: dt, shape: [n] });
        await a.apply('(i * 7919) % 100003 - 50000 + (i % 3) * 0.25');
        const want = Array.from(a.typedArray() as ArrayLike<number>).map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        for (const threads of [1, 2]) {
          const s = await sort(a, { threads }) as NDResult;
          const i = await argsort(a, { threads }) as NDResult;
          for (let k = 0; k < n; k++) {
            if (s.data[k] !== want[k][0]) expect(`sort[${k}] = ${s.data[k]}`).toBe(`sort[${k}] = ${want[k][0]}`);
            if (Number(i.data[k]) !== want[k][1]) expect(`argsort[${k}] = ${i.data[k]}`).toBe(`argsort[${k}] = ${want[k][1]}`);
          }
        }
        a.close();
      }
    } finally {
      process.env.NDMMAP_SORT_RUN_BYTES = '256';
    }
  }, 120_000);

  it('every fixture case (rows of 6 to 300 elements in runs of 6 to 13)', async () => {
    await checkOrderCases();
  });

  it('a long row: the merged result equals the one-piece sort, bit for bit; progress names the passes', async () => {
    const a = createNpy(tmp.file('a.npy'), { dtype: '>f8', shape: [30000] });
    await apply(a, 'where(i % 97 == 5, nan, where(i % 89 == 1, -0.0, floor(sin(i * 12.9898) * 1000)))');
    const passes = new Set<string>();
    const merged = await sort(a, { threads: 2, onProgress: (p) => passes.add((p as { pass?: string }).pass ?? '') }) as NDResult;
    const mergedIdx = await argsort(a, { threads: 2 }) as NDResult;
    expect([...passes].sort()).toEqual(['merge', 'runs']);
    process.env.NDMMAP_SORT_RUN_BYTES = String(2 ** 30);
    const whole = await sort(a) as NDResult;
    const wholeIdx = await argsort(a) as NDResult;
    process.env.NDMMAP_SORT_RUN_BYTES = '256';
    const bytes = (r: NDResult): Buffer => Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
    expect(bytes(merged).equals(bytes(whole))).toBe(true);
    expect(bytes(mergedIdx).equals(bytes(wholeIdx))).toBe(true);
    a.close();
  });
});

describe('abort', () => {
  it('an aborted in-place sort leaves the file unchanged', async () => {
    process.env.NDMMAP_SORT_RUN_BYTES = String(2 ** 30);
    const a = createNpy(tmp.file('a.npy'), { dtype: 'int32', shape: [4000, 500] });
    await apply(a, '(i * 7919) % 1000');
    const before = Buffer.from(a.typedArray().slice().buffer);
    const e = await abortMidCall((signal, onProgress) => a.sort({ axis: 1, threads: 2, signal, onProgress }),
      () => { (a.typedArray() as Int32Array).set(new Int32Array(before.buffer, before.byteOffset, before.length / 4)); a.flush(); });
    expect(e).toMatchObject({ code: 'ABORT_ERR' });
    expect(Buffer.from(a.typedArray().slice().buffer).equals(before)).toBe(true);
    process.env.NDMMAP_SORT_RUN_BYTES = '256';
    a.close();
  });
});

describe('temporary file', () => {
  it('goes next to the file, so a broken TMPDIR does not matter; nothing is left behind', async () => {
    const fs = await import('node:fs');
    const a = createNpy(tmp.file('a.npy'), { dtype: 'float32', shape: [50, 40] });
    await apply(a, 'cos(i)');
    const want = await sort(a, { axis: 0 }) as NDResult;
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp.file('no/such/dir');
    try {
      await a.sort({ axis: 0 });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
    }
    expect(Buffer.from(a.typedArray().slice().buffer).equals(Buffer.from((want.data as Float32Array).buffer))).toBe(true);
    expect(fs.readdirSync(tmp.dir)).toEqual(['a.npy']);
    a.close();
  });

  it("a temporary directory that cannot be written, when the file's own cannot either: a clear error", async () => {
    // the file's directory is /proc/self (no new files there, even for root): the scratch falls back
    // to TMPDIR, which does not exist
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp.file('no/such/dir');
    const { scratch } = await import('../../dist/src/engine/convert.js');
    const { dtype } = await import('../../dist/src/dtype.js');
    try {
      expect(() => scratch(dtype('float32'), [10], '/proc/self/status')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    } finally {
      if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved;
    }
  });
});
