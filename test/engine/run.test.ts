// Running reductions on the pool: results independent of the thread count and of the run, progress,
// abort, `out`, and a process that uses the pool still exits by itself.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memmap, setThreads, shutdown, warmup, type MemMap, type NDResult } from '../../dist/src/index.js';
import { lastPoolCall } from '../../dist/src/engine/run.js';
import { poolReady } from '../../dist/src/engine/pool.js';
import { FIXTURES, tempDir } from '../helpers.js';

// Workers started from here on hold back after their first block until the call's other thread has
// joined (src/engine/execute.cts), so the two-thread runs compared below really use both threads.
process.env.NDMMAP_TEST_SPREAD = '1';
const tmp = tempDir('ndmmap-run-', { memory: true });
let big: MemMap;      // 40 MiB float64, 1-D
let big2d: MemMap;    // the same bytes as (5 * 2^18, 4) C
const N = 5 * 2 ** 20;

beforeAll(async () => {
  // the pool's threads started and joined first: on a loaded machine the calling thread otherwise
  // runs every block of the first calls before a worker wakes (workers 0, 50 times in a row once)
  await warmup();
  const f = tmp.file('big.f8');
  big = memmap(f, { dtype: 'float64', mode: 'w+', shape: [N] });
  const t = big.typedArray() as Float64Array;
  // deterministic, wide-ranging values: sums of these round differently in every order
  let s = 12345;
  for (let i = 0; i < N; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    t[i] = ((s / 2 ** 32) - 0.3) * 10 ** ((i % 7) - 2);
  }
  big.flush();
  big2d = memmap(f, { dtype: 'float64', mode: 'r', shape: [N / 4, 4] });
});
afterAll(async () => {
  big.close();
  big2d.close();
  await shutdown();
  tmp.remove();
});

/** f() on two threads, again until both threads ran blocks of it (one may take all on a busy machine). */
async function onTwo<T>(f: () => Promise<T>): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const r = await f();
    const ran = lastPoolCall();
    expect(ran.blocks).toBeGreaterThan(2);
    if (ran.workers === 2 || Date.now() > until) { expect(ran.workers).toBe(2); return r; }
  }
}

describe('determinism', () => {
  it.each(['sum', 'mean', 'var', 'std', 'min', 'argmax'] as const)('%s over 40 MiB is bit-identical for 1 and 2 threads and across runs', async (op) => {
    const one = await big[op]({ threads: 1 });
    const two = await onTwo(() => big[op]({ threads: 2 }));
    const again = await onTwo(() => big[op]({ threads: 2 }));
    expect(Object.is(one, two)).toBe(true);
    expect(Object.is(two, again)).toBe(true);
    expect(typeof one).toBe('number');
    expect(Number.isFinite(one as number)).toBe(true);
  });

  it('sum of 40 MiB is accurate to a few ulps of sum|x| against a compensated reference', async () => {
    const t = big.typedArray() as Float64Array;
    // Neumaier over the whole array in index order: error ~ 2u * sum|x|
    let s = 0, c = 0, abs = 0;
    for (let i = 0; i < t.length; i++) {
      const x = t[i]; const u = s + x;
      c += Math.abs(s) >= Math.abs(x) ? (s - u) + x : (x - u) + s; s = u; abs += Math.abs(x);
    }
    const got = (await big.sum()) as number;
    expect(Math.abs(got - (s + c))).toBeLessThanOrEqual(4 * 2 ** -53 * abs);
  });

  it.each([0, 1])('axis %s over a 40 MiB 2-D view: same bytes for 1 and 2 threads', async (axis) => {
    for (const op of ['sum', 'var', 'argmin'] as const) {
      const one = (await big2d[op]({ axis, threads: 1 })) as NDResult;
      const two = (await onTwo(() => big2d[op]({ axis, threads: 2 }))) as NDResult;
      expect(two.shape).toEqual(one.shape);
      expect(Buffer.from(two.data.buffer).equals(Buffer.from(one.data.buffer))).toBe(true);
    }
  });

  it('a flipped strided view sums the same for 1 and 2 threads', async () => {
    const v = big2d.slice('::-3', '::-1');
    expect(Object.is(await v.sum({ threads: 1 }), await v.sum({ threads: 2 }))).toBe(true);
    const e = (await v.argmax({ threads: 2 })) as number;
    // argmax is a flat C-order index into the view
    const all = v.toArray() as number[][];
    let best = -Infinity, bi = -1;
    all.flat().forEach((x, i) => { if (x > best) { best = x; bi = i; } });
    expect(e).toBe(bi);
  });

  it('the 1001x7 C and F fixture files (same logical data) agree, and are thread-independent', async () => {
    const open = (order: 'C' | 'F') => memmap(join(FIXTURES, 'reduce', `f8_1001x7_${order}.bin`), { dtype: 'float64', shape: [1001, 7], order, mode: 'r' });
    const cm = open('C'), fm = open('F');
    expect(cm.toArray()).toEqual(fm.toArray());
    for (const axis of [null, 0, 1]) {
      for (const op of ['sum', 'mean', 'std', 'argmin', 'max'] as const) {
        const rc = await cm[op]({ axis, threads: 1 });
        const rf = await fm[op]({ axis, threads: 1 });
        expect(await cm[op]({ axis, threads: 2 })).toEqual(rc);
        expect(await fm[op]({ axis, threads: 2 })).toEqual(rf);
        const a = axis === null ? [rc as number] : [...(rc as NDResult).data];
        const b = axis === null ? [rf as number] : [...(rf as NDResult).data];
        a.forEach((x, i) => {
          if (typeof x === 'bigint' || op === 'argmin' || op === 'max') expect(b[i]).toEqual(x);
          // the two files are read in different orders: the float64 tolerance of the numpy comparison
          else expect(Math.abs((x as number) - (b[i] as number))).toBeLessThanOrEqual(1e-12 * Math.abs(x as number));
        });
      }
    }
    cm.close();
    fm.close();
  });
});

describe('progress, abort and out', () => {
  it('onProgress is monotone and ends at totalBytes', async () => {
    // A call this short (a few ms) may finish before the first block's report is delivered: then the
    // final report is the only one. Calls long enough to show progress are checked in big.test.ts.
    const seen: { doneBytes: number; totalBytes: number }[] = [];
    await big.sum({ onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i].doneBytes).toBeGreaterThan(seen[i - 1].doneBytes);
    expect(seen.every((p) => p.totalBytes === N * 8)).toBe(true);
    expect(seen.at(-1)!.doneBytes).toBe(N * 8);
    // small calls run inline and still report
    const small: number[] = [];
    await big.slice(':100').sum({ onProgress: (p) => small.push(p.doneBytes) });
    expect(small.at(-1)).toBe(800);
  });

  it('a signal aborted before the call rejects with AbortError / ABORT_ERR', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(big.sum({ signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' });
    await expect(big.slice(':10').max({ signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
  });

  it('aborting while running rejects with AbortError, and the pool keeps working', async () => {
    const ac = new AbortController();
    let reports = 0;
    // Abort as soon as the call has returned its promise (its blocks are queued or running): racing the
    // call against the next turn of the event loop was lost on a fast CI machine (the whole call, a few ms
    // on one thread, settled first). No report may follow the abort.
    const p = big.var({ signal: ac.signal, threads: 1, onProgress: () => { reports++; ac.abort(); } });
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(reports).toBeLessThanOrEqual(1);
    expect(Object.is(await big.var({ threads: 1 }), await big.var({ threads: 2 }))).toBe(true);
  });

  it('out: writes an axis reduction into a MemMap of the right shape and dtype', async () => {
    const out = memmap(tmp.file('out.f8'), { dtype: 'float64', mode: 'w+', shape: [4] });
    const r = await big2d.sum({ axis: 0, out });
    expect(r).toBe(out);
    const plain = (await big2d.sum({ axis: 0 })) as NDResult;
    expect(out.toArray()).toEqual([...plain.data]);
    const onDisk = fs.readFileSync(tmp.file('out.f8'));
    expect([0, 1, 2, 3].map((k) => onDisk.readDoubleLE(8 * k))).toEqual([...plain.data]);
    const wrongShape = memmap(tmp.file('o2.f8'), { dtype: 'float64', mode: 'w+', shape: [5] });
    await expect(big2d.sum({ axis: 0, out: wrongShape })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE', message: 'output parameter has the wrong shape: expected (4,), got (5,)' });
    const wrongType = memmap(tmp.file('o3.f4'), { dtype: 'float32', mode: 'w+', shape: [4] });
    const wrongKind = memmap(tmp.file('o3.i8'), { dtype: 'int64', mode: 'w+', shape: [4] });
    // numpy's reduce takes any out dtype: the float sum is cast (truncated) into int64
    await big2d.sum({ axis: 0, out: wrongKind });
    expect(wrongKind.toArray()).toEqual([...plain.data].map((v) => BigInt(Math.trunc(v))));
    // numpy casts a float result into another float type
    await big2d.sum({ axis: 0, out: wrongType });
    expect(wrongType.toArray()).toEqual([...plain.data].map(Math.fround));
    wrongKind.close();
    await expect(big2d.sum({ out })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE', message: 'output parameter for reduction operation sum has the wrong number of dimensions: Found 1 but expected 0' });
    const ro = memmap(tmp.file('out.f8'), { dtype: 'float64', mode: 'r' });
    await expect(big2d.sum({ axis: 0, out: ro })).rejects.toMatchObject({ code: 'ERR_NDMMAP_READONLY' });
    for (const m of [out, wrongShape, wrongType, ro]) m.close();
  });

  it('refuses bad options with their codes', async () => {
    await expect(big.sum({ threads: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: 'threads must be an integer from 1 to 256, got 0' });
    await expect(big.sum({ axis: 1 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS', message: 'axis 1 is out of bounds for array of dimension 1' });
    await expect(big.var({ ddof: NaN })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: 'ddof must be a number, got NaN' });
    await expect(big.sum({ onProgress: 3 as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: 'onProgress must be a function' });
  });
});

describe('a starting pool', () => {
  it('the first calls of a new pool run blocks on the calling thread until a worker joins: same bits', async () => {
    const want = await big.sum({ threads: 1 });
    const wantAxis = (await big2d.argmin({ axis: 0, threads: 1 })) as NDResult;
    for (let round = 0; round < 3; round++) {
      setThreads(2); // a new pool: its threads start with the next call
      expect(poolReady()).toBe(false);
      expect(Object.is(await big.sum(), want)).toBe(true);
      const ran = lastPoolCall();
      expect(ran.blocks).toBe(10);
      expect(ran.workers).toBeLessThanOrEqual(2); // 0 when this thread ran every block first
      expect([...((await big2d.argmin({ axis: 0 })) as NDResult).data]).toEqual([...wantAxis.data]);
    }
  });

  it('warmup() starts every thread of the pool and resolves when they are up', async () => {
    setThreads(2);
    expect(poolReady()).toBe(false);
    await warmup();
    expect(poolReady()).toBe(true);
    await warmup(); // again: nothing to start
    const two = await big.sum({ threads: 2 });
    expect(Object.is(two, await big.sum({ threads: 1 }))).toBe(true);
    await shutdown();
    expect(poolReady()).toBe(false);
  });
});

describe('process exit', () => {
  it('a script that sums a > 1 MiB file on the pool exits by itself', () => {
    const f = tmp.file('exit.f8');
    fs.writeFileSync(f, Buffer.alloc(2 * 2 ** 20 + 8 * 1000));
    const script = tmp.file('exit.mjs');
    const index = pathToFileURL(join(process.cwd(), 'dist', 'src', 'index.js')).href;
    fs.writeFileSync(script, `import { memmap } from ${JSON.stringify(index)};
const a = memmap(${JSON.stringify(f)}, { dtype: 'float64', mode: 'r' });
console.log(String(await a.sum()) + ' ' + a.size);
`);
    const r = spawnSync(process.execPath, [script], { timeout: 10_000, encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`0 ${(2 * 2 ** 20 + 8000) / 8}`);
  });
});
