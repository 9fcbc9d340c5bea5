/**
 * Faults with a real redis-server and real worker processes: a worker SIGKILLed mid-shard (BullMQ's
 * stalled-job check hands the shard to another worker; the result has the same bits), SIGTERM (the
 * running shard finishes, exit 0), a file missing on the worker (the submit fails with that worker's
 * ENOENT, no hang), a file that differs there (ERR_NDMMAP_PARTIAL), unreachable or silent Redis
 * (ERR_NDMMAP_REDIS within the timeout, exit 1), and hostile states from a rogue worker.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdown } from '../../dist/src/index.js';
import { submit } from '../../dist/src/distributed/index.js';
import { processJob } from '../../dist/src/distributed/worker.js';
import { expectError, ndmmap, ndmmapAsync, tmpdir, type Run } from '../cli/helpers.js';
// a plain .mjs shared with bench/distributed.mjs
import { freePort } from '../../scripts/local-redis.mjs';
import { SKIP_REASON, type Redis, type WorkerProc, redisServer, startWorker, stopWorkers } from './helpers.js';

const dir = tmpdir();
const SLOW = path.join(dir, 'slow.f8');
const N = 6 * 2 ** 20; // 48 MiB: 3 shards of ~0.5 s each on one thread with the expression below
const L = ['--dtype', 'float64', '--shape', `${N}`];
const EXPR = ['--expr', 'exp(sin(x)) * sqrt(abs(x)) + log1p(abs(x)) + cos(x) ** 3'];
const FAST = ['--lock-duration', '2000', '--stalled-interval', '1000'];
let redis: Redis;
const workers: WorkerProc[] = [];
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  const a = new Float64Array(N);
  for (let i = 0; i < N; i++) a[i] = Math.sin(i * 0.001) * 3;
  fs.writeFileSync(SLOW, new Uint8Array(a.buffer));
  if (!SKIP_REASON) redis = await redisServer();
}, 60_000);
afterAll(async () => {
  await stopWorkers(workers);
  for (const c of closers) await c().catch(() => {});
  await redis?.stop();
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

function worker(...args: string[]): WorkerProc {
  const w = startWorker(redis.url, ...args);
  workers.push(w);
  return w;
}
function bull<T extends { close: () => Promise<unknown> }>(x: T): T {
  closers.push(() => x.close());
  return x;
}
async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 25))) {
    const v = await f();
    if (v !== undefined) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}
function connection(): IORedis {
  const c = new IORedis(redis.url, { maxRetriesPerRequest: null });
  c.on('error', () => {}); // the test's own clients outlive nothing; reconnect noise is not a result
  return c;
}
/** The bits a clean run gives: the 3 shards as an array job, merged. */
function cleanRun(): string {
  const parts = [0, 1, 2].map((i) => ndmmap(['sum', SLOW, ...L, ...EXPR, '--shard-index', String(i), '--shards', '3', '--partial']).stdout);
  return ndmmap(['merge', '--fan-in', '16', '--json'], { input: parts.join('') }).stdout;
}

describe.skipIf(SKIP_REASON !== undefined)('faults', () => {
  it('a worker SIGKILLed mid-shard: the shard runs again elsewhere (stalled-job check), same bits', async () => {
    const q = 'kill';
    const queue = bull(new Queue(q, { connection: connection() }));
    const events = bull(new QueueEvents(q, { connection: connection() }));
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const a = worker('--queue', q, ...FAST);
    await a.ready;
    const run = ndmmapAsync(['submit', '--redis', redis.url, '--queue', q, 'sum', SLOW, ...L, ...EXPR, '--shards', '3', '--json']);
    const victim = await until('a running shard', async () => (await queue.getActive()).find((j) => j.name === 'shard'));
    a.proc.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    worker('--queue', q, ...FAST);
    const r: Run = await run;
    expect(r.status, r.stderr).toBe(0);
    expect(stalled).toContain(victim.id);
    expect(r.stdout).toBe(cleanRun());
    const local = JSON.parse(ndmmap(['sum', SLOW, ...L, ...EXPR, '--json']).stdout).result;
    expect(Math.abs(JSON.parse(r.stdout).result - local)).toBeLessThanOrEqual(1e-12 * Math.abs(local));
  }, 120_000);

  it('SIGTERM lets the running shard finish, then the worker exits 0', async () => {
    const q = 'term';
    const queue = bull(new Queue(q, { connection: connection() }));
    const events = bull(new QueueEvents(q, { connection: connection() }));
    await events.waitUntilReady();
    const completed: string[] = [];
    events.on('completed', ({ jobId }) => completed.push(jobId));
    const c = worker('--queue', q, ...FAST);
    await c.ready;
    const run = ndmmapAsync(['submit', '--redis', redis.url, '--queue', q, 'sum', SLOW, ...L, ...EXPR, '--rows-per-shard', String(N), '--json']);
    const job = await until('a running shard', async () => (await queue.getActive()).find((j) => j.name === 'shard'));
    c.proc.kill('SIGTERM');
    expect(await c.exited).toEqual({ code: 0, signal: null });
    expect(c.log()).toMatch(/SIGTERM, finishing the running jobs/);
    await until('the shard\'s completion', async () => (completed.includes(job.id!) ? true : undefined), 5000);
    worker('--queue', q, ...FAST); // someone must run the root merge
    const r = await run;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(ndmmap(['sum', SLOW, ...L, ...EXPR, '--json']).stdout); // one shard: the local bits
  }, 120_000);

  it('a file missing on the worker fails the submit with that worker\'s ENOENT (after its retries), not a hang', async () => {
    const w = worker('--queue', 'missing', '--path-map', `${dir}=/nonexistent-ndmmap${dir}`);
    await w.ready;
    const t0 = Date.now();
    const r = await ndmmapAsync(['submit', '--redis', redis.url, '--queue', 'missing', 'mean', SLOW, ...L, '--shards', '4']);
    expectError(r, 1, new RegExp(`^ndmmap: ENOENT: no such file or directory, open '/nonexistent-ndmmap${dir}/slow.f8' \\(worker ${os.hostname()}:${w.pid}\\)$`));
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(ndmmap(['submit', '--redis', redis.url, '--queue', 'missing', 'mean', SLOW, ...L, '--attempts', '1', '--json']).stderr).toMatch(/ENOENT/);
  }, 60_000);

  it('a file that differs on the worker (a copy: inode, ctime; mtime, size) is ERR_NDMMAP_PARTIAL', async () => {
    const other = fs.mkdtempSync(path.join(dir, 'other-'));
    const copy = path.join(other, 'slow.f8');
    fs.copyFileSync(SLOW, copy);
    fs.utimesSync(copy, new Date(), new Date(Date.now() - 86_400_000));
    const w = worker('--queue', 'differs', '--path-map', `${dir}=${other}`);
    await w.ready;
    const sub = (): Run => ndmmap(['submit', '--redis', redis.url, '--queue', 'differs', 'max', SLOW, ...L, '--shards', '2']);
    expectError(sub(), 2, /slow\.f8 differs from the file the job was submitted on: inode \d+, expected \d+ \(another file at this path\), modified .*, expected .*, changed .* \(worker /);
    fs.appendFileSync(copy, Buffer.alloc(8));
    expectError(sub(), 2, /differs from the file the job was submitted on: .*size 50331656 bytes, expected 50331648/);
  }, 60_000);

  it('unreachable or silent Redis: ERR_NDMMAP_REDIS within the timeout, exit 1, for submit and worker', async () => {
    const port = await freePort();
    const silent = net.createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const quiet = (silent.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      expectError(await ndmmapAsync(['submit', '--redis', `redis://127.0.0.1:${port}`, 'sum', SLOW, ...L]), 1, /^ndmmap: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/?: .*ECONNREFUSED/);
      expectError(await ndmmapAsync(['worker', '--redis', `redis://:secret@127.0.0.1:${port}`]), 1, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
      expect(Date.now() - t0).toBeLessThan(15_000);
      const t1 = Date.now();
      expectError(await ndmmapAsync(['submit', '--redis', `redis://127.0.0.1:${quiet}`, '--connect-timeout', '1', 'sum', SLOW, ...L]), 1, /cannot reach Redis .*(no answer within 1 s|timeout)/i);
      expect(Date.now() - t1).toBeLessThan(10_000);
      // checked before any connection: usage errors stay usage errors
      expectError(ndmmap(['submit', '--redis', 'http://x', 'sum', SLOW, ...L]), 2, /must start with redis:\/\//);
      expectError(ndmmap(['submit', '--redis', `redis://127.0.0.1:${port}`, 'sum', SLOW, ...L, '--axis', '3']), 2, /axis 3 is out of bounds/);
      expectError(ndmmap(['submit', 'sum', SLOW, ...L]), 2, /--redis URL is required/);
    } finally {
      silent.close();
    }
  }, 60_000);

  it('hostile states from a rogue worker are refused by the merge job, as merge refuses them', async () => {
    const good = JSON.parse(ndmmap(['sum', SLOW, ...L, '--rows', '0:10', '--partial']).stdout);
    const cases: Array<[string, (job: Job) => unknown, RegExp]> = [
      ['junk', () => 'junk', /not an ndmmap partial state/],
      ['another op', (job) => ({ ...good, op: 'prod', rows: job.data.rows }), /disagree|not a state of this job/],
      ['other rows', () => good, /missing|overlap|covers rows/],
      ['bad slots', (job) => ({ ...good, rows: job.data.rows, state: [[1e308, 'x', 0]] }), /expected a number/],
    ];
    for (const [name, forge, want] of cases) {
      const q = `rogue-${name.replace(/ /g, '-')}`;
      const cache = connection();
      closers.push(async () => cache.disconnect());
      const rogue = bull(new Worker(q, async (job) => (job.name === 'shard' ? forge(job) : processJob(job, { pathMap: [], cache, name: 'test' })), { connection: connection() }));
      await rogue.waitUntilReady();
      await expect(submit('mean', SLOW, { redis: redis.url, queue: q, layout: { dtype: 'float64' }, shards: 3, fanIn: 2 }), name)
        .rejects.toMatchObject({ code: 'ERR_NDMMAP_PARTIAL', message: expect.stringMatching(want) });
      await rogue.close();
    }
  }, 60_000);
});
