/**
 * `ndmmap submit` on a real redis-server with 2 `ndmmap worker` processes: results equal the local
 * run (integers and arg* bit-identical, floats within tolerance) for sum, mean, var, argmax, axis
 * reductions and a 64-shard job, which also gives the same bits as `merge --fan-in 16` of the same
 * shards run as an array job; the library's submit returns what the local call returns; shard states
 * are cached under their key and reused.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDUCE_NAMES, createNpy, memmap, reduce, shutdown } from '../../dist/src/index.js';
import { submit } from '../../dist/src/distributed/index.js';
import { CLI, expectError, ndmmap, ndmmapAsync, pool, tmpdir } from '../cli/helpers.js';
import { SKIP_REASON, type Redis, type WorkerProc, redisServer, startWorker, stopWorkers } from './helpers.js';

const dir = tmpdir();
const F8 = path.join(dir, 'a.f8'), I4 = path.join(dir, 'a.i4'), NPY = path.join(dir, 'a.npy');
const ROWS = 20_000, COLS = 8;
const LF8 = ['--dtype', 'float64', '--shape', `${ROWS},${COLS}`], LI4 = ['--dtype', 'int32', '--shape', `${ROWS},${COLS}`];
let redis: Redis;
let workers: WorkerProc[] = [];

beforeAll(async () => {
  let s = 7;
  const next = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
  const f = new Float64Array(ROWS * COLS).map(() => next() - 0.5);
  const i = new Int32Array(ROWS * COLS).map(() => Math.floor(next() * 2 ** 32) - 2 ** 31);
  fs.writeFileSync(F8, new Uint8Array(f.buffer));
  fs.writeFileSync(I4, new Uint8Array(i.buffer));
  const n = createNpy(NPY, { dtype: 'float32', shape: [3001, 5] });
  (n.typedArray() as Float32Array).set(f.subarray(0, 3001 * 5));
  n.close();
  if (SKIP_REASON) return;
  redis = await redisServer();
  workers = [startWorker(redis.url, '--settle', '0'), startWorker(redis.url, '--settle', '0')]; // files written just now: cache them all the same
  await Promise.all(workers.map((w) => w.ready));
});
afterAll(async () => {
  try {
    await stopWorkers(workers);
    for (const w of workers) expect(await w.exited, w.log()).toEqual({ code: 0, signal: null });
  } finally {
    await redis?.stop();
    await shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const json = (stdout: string): unknown => JSON.parse(stdout).result;
function close(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (typeof a !== 'number' || typeof b !== 'number') return a === b;
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1);
}

describe.skipIf(SKIP_REASON !== undefined)('submit on 2 workers', () => {
  const CASES: Array<{ args: string[]; exact: boolean }> = [
    { args: ['sum', I4, ...LI4, '--shards', '7'], exact: true },
    { args: ['mean', F8, ...LF8, '--shards', '5'], exact: false },
    { args: ['var', F8, ...LF8, '--ddof', '1', '--shards', '9', '--fan-in', '2'], exact: false },
    { args: ['argmax', F8, ...LF8, '--rows-per-shard', '3000'], exact: true },
    { args: ['sum', F8, ...LF8, '--axis', '0', '--shards', '6', '--fan-in', '4'], exact: false },
    { args: ['mean', I4, ...LI4, '--axis', '1', '--shards', '4'], exact: true },
    { args: ['max', F8, ...LF8, '--axis', '0', '--keepdims', '--shards', '3'], exact: true },
    { args: ['sum', F8, ...LF8, '--shards', '64'], exact: false },
  ];

  it('gives the local result: sum, mean, var, argmax, axis reductions, 64 shards', async () => {
    const runs = await pool(CASES, 2, async ({ args }) => {
      const local = args.filter((a, i) => !['--shards', '--fan-in', '--rows-per-shard'].includes(a) && !['--shards', '--fan-in', '--rows-per-shard'].includes(args[i - 1]));
      return { dist: await ndmmapAsync(['submit', '--redis', redis.url, ...args, '--json']), local: await ndmmapAsync([...local, '--json']) };
    });
    runs.forEach(({ dist, local }, k) => {
      expect(dist.status, `${CASES[k].args.join(' ')}: ${dist.stderr}`).toBe(0);
      expect(dist.stderr).toBe('');
      const [d, l] = [json(dist.stdout), json(local.stdout)];
      if (CASES[k].exact) expect(d, CASES[k].args.join(' ')).toEqual(l);
      else expect(close(d, l), `${CASES[k].args.join(' ')}: ${JSON.stringify(d).slice(0, 200)} vs ${JSON.stringify(l).slice(0, 200)}`).toBe(true);
    });
  }, 180_000);

  it('BullMQ gives the same bits as the same shards run as an array job and merged with the same --fan-in', async () => {
    const parts = await pool(Array.from({ length: 24 }, (_, i) => i), 2, (i) => ndmmapAsync(['var', F8, ...LF8, '--shard-index', String(i), '--shards', '24', '--partial']));
    const files = parts.map((p, i) => { expect(p.status, p.stderr).toBe(0); const f = path.join(dir, `p${i}.json`); fs.writeFileSync(f, p.stdout); return f; });
    const merged = ndmmap(['merge', '--fan-in', '4', ...files, '--json']);
    const dist = ndmmap(['submit', '--redis', redis.url, 'var', F8, ...LF8, '--shards', '24', '--fan-in', '4', '--json']);
    expect(dist.status, dist.stderr).toBe(0);
    expect(dist.stdout).toBe(merged.stdout);
    // and again: a fixed layout is deterministic (this time the shards come from the cache)
    expect(ndmmap(['submit', '--redis', redis.url, 'var', F8, ...LF8, '--shards', '24', '--fan-in', '4', '--json']).stdout).toBe(dist.stdout);
  }, 180_000);

  it('the library returns the local call\'s value (bigint, NDResult, a .npy), with progress', async () => {
    const a = memmap(I4, { dtype: 'int32', mode: 'r', shape: [ROWS, COLS] });
    const seen: number[] = [];
    const total = await submit('sum', I4, { redis: redis.url, layout: { dtype: 'int32', shape: [ROWS, COLS] }, shards: 4, onProgress: (p) => { seen.push(p.doneShards); expect(p.totalShards).toBe(4); } });
    expect(total).toBe(await a.sum());
    expect(typeof total).toBe('bigint');
    expect(seen.at(-1)).toBe(4);
    expect(await submit('min', I4, { redis: redis.url, layout: { dtype: 'int32', shape: [ROWS, COLS] }, axis: 1, shards: 3 })).toEqual(await a.min({ axis: 1 }));
    a.close();
    const n = (await import('../../dist/src/index.js')).openNpy(NPY, { mode: 'r' });
    const local = await n.mean({ axis: 0 }) as { dtype: string; data: Float32Array };
    const dist = await submit('mean', NPY, { redis: redis.url, axis: 0, shards: 5 }) as { dtype: string; shape: number[]; data: Float32Array };
    expect(dist.dtype).toBe(local.dtype);
    expect(dist.shape).toEqual([5]);
    dist.data.forEach((v, i) => expect(Math.abs(v - local.data[i])).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(local.data[i]), 1)));
    n.close();
  }, 120_000);

  it('runs every reduction of the registry as the local call does', async () => {
    const layout = { dtype: 'float64', shape: [ROWS, COLS] };
    const a = memmap(F8, { ...layout, mode: 'r' });
    try {
      const flat = (r: unknown): unknown[] => (r !== null && typeof r === 'object' && 'data' in r ? Array.from((r as { data: ArrayLike<unknown> }).data) : [r]);
      for (const name of REDUCE_NAMES) {
        const l = flat(await reduce(name, a));
        const d = flat(await submit(name, F8, { redis: redis.url, layout, shards: 3, fanIn: 2 }));
        expect(d.length, name).toBe(l.length);
        d.forEach((v, i) => expect(typeof v === 'number' && typeof l[i] === 'number' ? Math.abs(v - (l[i] as number)) <= 1e-12 * Math.max(Math.abs(l[i] as number), 1) : v === l[i], `${name}: ${String(v)} vs ${String(l[i])}`).toBe(true));
      }
    } finally {
      a.close();
    }
  }, 180_000);

  it('an abort (or Ctrl-C on the CLI) rejects with ABORT_ERR and removes the queued jobs', async () => {
    const io = new IORedis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('nobody-serves-this', { connection: io });
    try {
      const ac = new AbortController();
      const run = submit('sum', F8, { redis: redis.url, queue: 'nobody-serves-this', layout: { dtype: 'float64' }, shards: 20, fanIn: 4, signal: ac.signal });
      const t0 = Date.now();
      while ((await queue.getWaitingCount()) < 20 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
      expect(await queue.getWaitingCount()).toBe(20);
      ac.abort();
      await expect(run).rejects.toMatchObject({ code: 'ABORT_ERR', name: 'AbortError' });
      const counts = await queue.getJobCounts();
      expect(Object.values(counts).every((n) => n === 0), JSON.stringify(counts)).toBe(true);
      const cli = spawn(process.execPath, [CLI, 'submit', '--redis', redis.url, '--queue', 'nobody-serves-this', 'sum', F8, ...LF8, '--shards', '5']);
      let stderr = '';
      cli.stderr.on('data', (d) => { stderr += d; });
      const exit = new Promise<number | null>((r) => cli.on('exit', r));
      while ((await queue.getWaitingCount()) < 5) await new Promise((r) => setTimeout(r, 20));
      cli.kill('SIGINT');
      expect(await exit).toBe(130);
      expect(stderr).toBe('ndmmap: submit: interrupted; the queued jobs were removed\n');
      expect(Object.values(await queue.getJobCounts()).every((n) => n === 0)).toBe(true);
      // a flow wiped from Redis (FLUSHALL, a restart without persistence) fails the submit, no hang
      const lost = submit('sum', F8, { redis: redis.url, queue: 'nobody-serves-this', layout: { dtype: 'float64' }, shards: 3 });
      while ((await queue.getWaitingCount()) < 3) await new Promise((r) => setTimeout(r, 20));
      await queue.obliterate({ force: true });
      await expect(lost).rejects.toMatchObject({ code: 'ERR_NDMMAP_WORKER', message: expect.stringMatching(/is gone from Redis/) });
    } finally {
      await queue.close();
      io.disconnect();
    }
  }, 60_000);

  it('caches each shard\'s state under its key; a hostile cached state fails the submit as merge would', async () => {
    const io = new IORedis(redis.url);
    try {
      const args = ['submit', '--redis', redis.url, 'prod', I4, ...LI4, '--shards', '3', '--json'];
      const first = ndmmap(args);
      expect(first.status, first.stderr).toBe(0);
      const keys = await io.keys('ndmmap:partial:*');
      const mine: string[] = [];
      for (const k of keys) { const p = JSON.parse((await io.get(k))!); if (p.op === 'prod' && p.dtype === 'int32') mine.push(k); }
      expect(mine.length).toBe(3);
      expect(await io.ttl(mine[0])).toBeGreaterThan(3000);
      expect(ndmmap(args).stdout).toBe(first.stdout); // the same partials, from the cache
      // a state changed in Redis is refused, not merged
      const p = JSON.parse((await io.get(mine[0]))!);
      await io.set(mine[0], JSON.stringify({ ...p, state: [['not a number']] }), 'KEEPTTL');
      expectError(ndmmap(args), 2, /^ndmmap: (the cached state ndmmap:partial:\w+ .*|expected an integer in a partial state, got 'not a number') \(worker /);
      await io.set(mine[0], JSON.stringify({ ...p, rows: [0, 5] }), 'KEEPTTL');
      expectError(ndmmap(args), 2, /covers rows \(0, 5\), expected|row ranges overlap|are missing/);
      await io.set(mine[0], 'garbage', 'KEEPTTL');
      expectError(ndmmap(args), 2, /is not JSON/);
      // --cache-ttl 0 neither reads nor writes the cache
      expect(ndmmap([...args, '--cache-ttl', '0']).stdout).toBe(first.stdout);
    } finally {
      io.disconnect();
    }
  }, 120_000);
});
