/**
 * Distributed runs that must not lie or hang (issue 17, items 5, 9 and 15b), on real redis-servers
 * and `ndmmap worker` processes:
 * - a file changed with its mtime restored (`touch -r`), or through a shared mapping whose page was
 *   already dirty, is never answered from the shard cache; a change while a job runs fails the job
 *   with ERR_NDMMAP_PARTIAL;
 * - an AbortSignal aborted at any point settles the call; a CLI submit with no worker warns after a
 *   few seconds naming the queue and gives up after --timeout;
 * - Redis killed: submit() honours AbortSignal.timeout, the CLI its first Ctrl-C, a worker exits within
 *   a few seconds of SIGTERM; a dead or restarted Redis and malformed events print one line each.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis as IORedis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memmap, shutdown } from '../../dist/src/index.js';
import { submit } from '../../dist/src/distributed/index.js';
import { CLI, ROOT, ndmmap, tmpdir } from '../cli/helpers.js';
import { SKIP_REASON, type Redis, type WorkerProc, redisServer, startWorker, stopWorkers } from './helpers.js';

const dir = tmpdir();
const N = 1 << 17; // 1 MiB of float64
const F = path.join(dir, 'f.f8');
const SLOW = path.join(dir, 'slow.f8');
const NS = 4 * 2 ** 20;
const EXPR = 'exp(sin(x)) * sqrt(abs(x)) + log1p(abs(x)) + cos(x) ** 3';
let redis: Redis;
const workers: WorkerProc[] = [];

beforeAll(async () => {
  fs.writeFileSync(F, new Uint8Array(Float64Array.from({ length: N }, (_, i) => i % 1000).buffer));
  fs.writeFileSync(SLOW, new Uint8Array(Float64Array.from({ length: NS }, (_, i) => Math.sin(i)).buffer));
  if (!SKIP_REASON) redis = await redisServer();
}, 60_000);
afterAll(async () => {
  await stopWorkers(workers);
  await redis?.stop();
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

function worker(url: string, ...args: string[]): WorkerProc {
  const w = startWorker(url, ...args);
  workers.push(w);
  return w;
}
const localSum = (file: string): number => Number(JSON.parse(ndmmap(['sum', file, '--dtype', 'f8', '--json']).stdout).result);
const sub = (queue: string, o: Record<string, unknown> = {}): Promise<unknown> =>
  submit('sum', F, { redis: redis.url, queue, layout: { dtype: 'float64' }, shards: 2, ...o });
/** Settles within `ms`, or says it hung. */
const within = <T>(p: Promise<T>, ms: number): Promise<T | 'hung'> =>
  Promise.race([p, new Promise<'hung'>((r) => setTimeout(() => r('hung'), ms))]);
function spawnCli(args: string[]): { proc: ChildProcess; out: () => string; done: Promise<{ code: number | null; signal: string | null; ms: number }> } {
  const t0 = Date.now();
  const proc = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
  let out = '';
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; });
  const done = new Promise<{ code: number | null; signal: string | null; ms: number }>((r) => proc.on('exit', (code, signal) => r({ code, signal, ms: Date.now() - t0 })));
  return { proc, out: () => out, done };
}
async function until(what: string, f: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 25))) if (await f()) return;
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(SKIP_REASON !== undefined)('a changed file is never answered from the cache (17.5)', () => {
  it('a write past the first 4 KiB with the mtime restored (touch -r) gives the new sum', async () => {
    await worker(redis.url, '--queue', 'touch', '--settle', '0').ready;
    const stamp = Math.floor(Date.now() / 1000) - 3600; // whole seconds: restored exactly
    fs.utimesSync(F, stamp, stamp);
    const before = await sub('touch');
    expect(before).toBe(localSum(F));
    const mtime = fs.statSync(F, { bigint: true }).mtimeNs;
    const fd = fs.openSync(F, 'r+');
    fs.writeSync(fd, new Float64Array([1e6]), 0, 8, 100_000 * 8);
    fs.closeSync(fd);
    fs.utimesSync(F, stamp, stamp); // touch -r, cp -p, rsync -t
    expect(fs.statSync(F, { bigint: true }).mtimeNs).toBe(mtime);
    const after = await sub('touch');
    expect(after).toBe(localSum(F));
    expect(after).not.toBe(before);
  }, 60_000);

  it('a write through a shared mapping whose page is already dirty gives the new sum', async () => {
    await worker(redis.url, '--queue', 'dirty').ready;
    const m = memmap(F, { dtype: 'float64', mode: 'r+' });
    try {
      m.set([3000], 5); // dirties the page (and sets the mtime)
      expect(await sub('dirty')).toBe(localSum(F));
      const mtime = fs.statSync(F, { bigint: true }).mtimeNs;
      m.set([3001], 7e5); // the same page, already dirty: no fault, no new mtime
      expect(fs.statSync(F, { bigint: true }).mtimeNs).toBe(mtime);
      expect(await sub('dirty')).toBe(localSum(F));
    } finally {
      m.close();
    }
  }, 60_000);

  it('a change while a job runs fails it with ERR_NDMMAP_PARTIAL naming the file', async () => {
    const q = 'during';
    await worker(redis.url, '--queue', q).ready;
    const conn = new IORedis(redis.url);
    try {
      const run = submit('sum', SLOW, { redis: redis.url, queue: q, layout: { dtype: 'float64' }, shards: 2, expr: EXPR }).catch((e: unknown) => e);
      await until('a running shard', async () => (await conn.llen(`bull:${q}:active`)) > 0);
      const fd = fs.openSync(SLOW, 'r+');
      fs.writeSync(fd, new Float64Array([3]), 0, 8, 8 * (NS - 1));
      fs.closeSync(fd);
      const err = await within(run, 30_000);
      // the running shard's end check sees the change, or (when that shard ended before the write landed,
      // on a loaded machine) the next shard's start check: either way the job fails naming the file
      expect(err).toMatchObject({ code: 'ERR_NDMMAP_PARTIAL', message: expect.stringMatching(/slow\.f8 (changed while the job ran|differs from the file the job was submitted on)/) });
    } finally {
      conn.disconnect();
    }
  }, 60_000);
});

describe.skipIf(SKIP_REASON !== undefined)('submit with no worker settles (17.9)', () => {
  it('an AbortSignal aborted within 50 ms, at any point, rejects with ABORT_ERR', async () => {
    for (const ms of [0, 5, 20, 50, 150]) {
      const t0 = Date.now();
      const r = await within(sub(`nobody-${ms}`, { signal: AbortSignal.timeout(ms) }).catch((e: unknown) => e), 5000);
      expect(r, `aborted after ${ms} ms`).toMatchObject({ code: 'ABORT_ERR', name: 'AbortError' });
      expect(Date.now() - t0).toBeLessThan(4000);
    }
  }, 60_000);

  it('the CLI warns after a few seconds, naming the queue, and gives up at --timeout; a malformed event is one line', async () => {
    const c = spawnCli(['submit', '--redis', redis.url, '--queue', 'nobdy', 'sum', F, '--dtype', 'f8', '--timeout', '7']);
    const conn = new IORedis(redis.url);
    // the submitter reads events from the stream's end when it starts: inject once its jobs are queued
    await until('the jobs to be queued', async () => (await conn.llen('bull:nobdy:wait')) > 0);
    await conn.xadd('bull:nobdy:events', '*', 'event', 'completed', 'jobId', 'x', 'returnvalue', '{not json');
    conn.disconnect();
    const end = await c.done;
    expect(end.code).toBe(1);
    expect(end.ms).toBeLessThan(12_000);
    const lines = c.out().trim().split('\n');
    expect(lines, c.out()).toHaveLength(3);
    expect(lines[0]).toMatch(/^ndmmap submit: a malformed event on queue 'nobdy' \(.*JSON.*\); following the job by polling$/);
    expect(lines[1]).toMatch(/^ndmmap submit: no worker has taken a job of queue 'nobdy' on redis:\/\/127\.0\.0\.1:\d+\/? after \d s \(0 workers listen on it\)/);
    expect(lines[2]).toMatch(/^ndmmap: submit: no result within 7 s from queue 'nobdy'/);
  }, 30_000);
});

describe.skipIf(SKIP_REASON !== undefined)('Redis killed or restarted (17.15b)', () => {
  it('submit() honours AbortSignal.timeout with Redis gone', async () => {
    const r = await redisServer();
    const t0 = Date.now();
    const run = submit('sum', F, { redis: r.url, queue: 'gone', layout: { dtype: 'float64' }, signal: AbortSignal.timeout(3000) }).catch((e: unknown) => e);
    await new Promise((ok) => setTimeout(ok, 800));
    await r.stop();
    expect(await within(run, 10_000)).toMatchObject({ code: 'ABORT_ERR' });
    expect(Date.now() - t0).toBeLessThan(7000);
  }, 30_000);

  it('the CLI submit stops at the first Ctrl-C with Redis gone', async () => {
    const r = await redisServer();
    const c = spawnCli(['submit', '--redis', r.url, '--queue', 'gone2', 'sum', F, '--dtype', 'f8']);
    try {
      const conn = new IORedis(r.url);
      try {
        await until('the jobs to be queued', async () => (await conn.llen('bull:gone2:wait')) > 0);
      } finally {
        conn.disconnect();
      }
      await r.stop();
      await new Promise((ok) => setTimeout(ok, 300));
      c.proc.kill('SIGINT');
      const end = await within(c.done, 8000);
      expect(end).toMatchObject({ code: 130 });
      expect((end as { ms: number }).ms).toBeLessThan(15_000);
      expect(c.out()).toMatch(/^ndmmap submit: lost Redis \(.*\); waiting for it to come back \(queue 'gone2' on redis:.*\)\nndmmap: submit: interrupted; the queued jobs were removed\n$/);
    } finally {
      // a submit that waits for Redis never exits on its own: a failed step must not leave it (or Redis) running
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
      await r.stop();
    }
  }, 30_000);

  it('a worker prints one line when Redis goes and one when it is back, and exits within seconds of SIGTERM with Redis gone', async () => {
    const r = await redisServer();
    const w = worker(r.url, '--queue', 'restart');
    await w.ready;
    await r.stop();
    await until('the worker to see Redis go', () => /Redis .* unreachable/.test(w.log()));
    await new Promise((ok) => setTimeout(ok, 2000)); // reconnect attempts go on: no more lines
    const again = await startRedisOn(r.port);
    try {
      await until('the worker to see Redis back', () => /Redis .* is back/.test(w.log()));
      await again.stop();
      await until('the worker to see Redis go again', () => (w.log().match(/unreachable/g) ?? []).length === 2);
      const t0 = Date.now();
      w.proc.kill('SIGTERM');
      const end = await within(w.exited, 10_000);
      if (end === 'hung') w.proc.kill('SIGKILL');
      expect(end).toEqual({ code: 0, signal: null });
      expect(Date.now() - t0).toBeLessThan(6000);
      const lines = w.log().trim().split('\n');
      expect(lines.filter((l) => /unreachable/.test(l))).toHaveLength(2);
      expect(lines.filter((l) => /is back/.test(l))).toHaveLength(1);
      expect(lines.every((l) => l.startsWith('ndmmap worker')), w.log()).toBe(true);
    } finally {
      await again.stop();
    }
  }, 60_000);
});

/** A redis-server on a given port (a restart of one that was stopped). */
async function startRedisOn(port: number): Promise<Redis> {
  const bin = (await import('../../scripts/local-redis.mjs')).findRedisServer()!;
  const d = fs.mkdtempSync(path.join(dir, 'redis-'));
  const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', d, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  const url = `redis://127.0.0.1:${port}`;
  await until('redis to answer', async () => {
    const c = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {});
    try { await c.connect(); return (await c.ping()) === 'PONG'; } catch { return false; } finally { c.disconnect(); }
  });
  return { url, port, stop: async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); await exited; } };
}
