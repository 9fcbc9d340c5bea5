/**
 * `startWorker`: serve a BullMQ queue's shard and merge jobs until closed. A shard job checks that
 * its file is the one submitted (identity), reuses the state cached under its key or computes it
 * with `reducePartial`; a merge job combines its children's states with `combinePartials`. Every
 * state read from Redis is checked as `merge` checks states, and as belonging to the job.
 */
import os from 'node:os';
import { fail, show } from '../errors.js';
import { type PartialState, combinePartials, reducePartial } from '../engine/partial.js';
import { setThreads } from '../engine/pool.js';
import { checkBelongs, checkIdentity, checkUnchanged, fileIdentity, partialKey, settleMs, settled } from './identity.js';
import { type PathMap, mapPath, parsePathMap } from './open.js';
import { MappingCache } from './mappings.js';
import { CLOSE_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_QUEUE, checkTarget, connect, isConnectionError, load, redactUrl, within } from './redis.js';
import { type DistOp, distOp } from './ops.js';
import { type MergeJob, type PartialHeader, type ShardJob, checkMergeJob, checkShardJob, decodeOptions, failureReason, isPermanent } from './wire.js';

/** Options of `startWorker`. */
export interface WorkerOptions {
  /** Redis URL, `redis://[user:password@]host:port[/db]`. Required. */
  redis: string;
  /** Queue to serve; default `'ndmmap'`. */
  queue?: string;
  /** Jobs run at once (each uses the engine's threads); default 1. */
  concurrency?: number;
  /** Engine threads in this process (`setThreads`); default one per core. */
  threads?: number;
  /** `FROM=TO` entries: read jobs' paths under FROM from TO instead (mounts that differ between machines). */
  pathMap?: readonly string[];
  /** BullMQ's lock on a running job (ms; renewed at half of it); a killed worker's job is retried after it. Default 30 000. */
  lockDuration?: number;
  /** How often (ms) this worker looks for jobs whose worker died (BullMQ's stalled check); default 30 000. */
  stalledInterval?: number;
  /** Milliseconds to wait for Redis to answer at first; default 10 000. */
  connectTimeout?: number;
  /**
   * Milliseconds a file must have been left alone (mtime and ctime) before a shard's state is cached:
   * writes through a shared mapping to a page already dirty change no metadata until writeback.
   * Default: twice the kernel's writeback window, at least 60 000; 0 caches every state.
   */
  settle?: number;
  /**
   * Milliseconds `close()` lets running jobs finish while Redis answers; then they are abandoned (BullMQ
   * hands them to another worker once their lock expires). Default 30 000 (Kubernetes' grace period);
   * with Redis gone nothing can be reported, and close() takes at most a few seconds.
   */
  closeTimeout?: number;
  /** Where the worker reports failed jobs and Redis outages (one line each); default nowhere. */
  log?: (line: string) => void;
}

/** A running worker. */
export interface WorkerHandle {
  /** `host:pid`, as failure reasons name it. */
  readonly name: string;
  /** Stop taking jobs, let the running ones finish, disconnect. */
  close(): Promise<void>;
}

/** Times a job may lose its worker (killed, frozen) before it fails for good. */
const MAX_STALLS = 3;
/** How long `close()` lets running jobs finish by default (ms): Kubernetes' default grace period. */
const DEFAULT_CLOSE_MS = 30_000;
/** How long `close()` waits when Redis is gone (nothing can be reported to it). */
const GONE_MS = 1000;

/** The Redis commands the shard cache uses (an ioredis client; named structurally to keep ioredis out of the public types). */
interface CacheClient { get(key: string): Promise<string | null>; set(key: string, value: string, ex: 'EX', seconds: number): Promise<unknown> }
/** A job as `processJob` reads it (a BullMQ Job; structural for the same reason). */
interface JobLike { name: string; data: unknown; getChildrenValues(): Promise<Record<string, unknown>> }
interface Context { pathMap: PathMap; cache: CacheClient; name: string; settle?: number; files?: MappingCache }

/**
 * A shard: the file must be the one submitted when the shard starts and still be when it ends (the key
 * a state is cached under holds that identity, so a changed file never meets an old state); a state is
 * cached only for a file that had settled before the shard started.
 */
async function runShard(job: ShardJob, ctx: Context): Promise<unknown> {
  const file = mapPath(job.file, ctx.pathMap);
  const started = Date.now();
  checkIdentity(job.identity, fileIdentity(file, job.identity.headBytes), file);
  const key = partialKey(job);
  const op = distOp(job.op);
  if (job.cacheTtl > 0) {
    const raw = await ctx.cache.get(key);
    if (raw !== null) {
      let cached: unknown;
      try { cached = JSON.parse(raw); } catch { fail('ERR_NDMMAP_PARTIAL', `the cached state ${key} is not JSON`); }
      if (op !== undefined) return checkOpState(op, cached, job.rows, `the cached state ${key}`);
      const state = combinePartials([cached]);
      checkBelongs(state, job.header as PartialHeader, job.rows, `the cached state ${key}`);
      return state;
    }
  }
  const state = await (ctx.files ?? new MappingCache()).use(file, job.layout, job.identity, (a) => (op !== undefined ? op.partial(a, job.options as Record<string, unknown>, job.rows)
    : reducePartial(job.op, a, { ...decodeOptions(job.options), rows: job.rows })));
  checkUnchanged(job.identity, file);
  if (op === undefined) checkBelongs(state as PartialState, job.header as PartialHeader, job.rows, `the state this worker computed (another ndmmap version?)`);
  if (job.cacheTtl > 0 && settled(job.identity, ctx.settle ?? settleMs(), started)) await ctx.cache.set(key, JSON.stringify(state), 'EX', job.cacheTtl);
  return state;
}

async function runMerge(job: MergeJob, children: Record<string, unknown>): Promise<unknown> {
  const list = Object.values(children);
  if (list.length !== job.children) fail('ERR_NDMMAP_PARTIAL', `a merge job got ${list.length} child states, expected ${job.children}`);
  const op = distOp(job.header.op);
  if (op !== undefined) {
    // another operation's states are collected (in row order), and merged once by the submitter
    const states = list.flatMap((c) => (Array.isArray(c) ? c : [c]));
    for (const p of states) checkOpState(op, p, undefined, 'a child state');
    return states.sort((x, y) => (x as { rows: number[] }).rows[0] - (y as { rows: number[] }).rows[0]);
  }
  const state = combinePartials(list);
  checkBelongs(state, job.header as PartialHeader, job.rows, 'the merged state of the children');
  return state;
}

/** A state of `op` (for `rows`, when given): what a merge job checks before passing it up. @throws `ERR_NDMMAP_PARTIAL` */
function checkOpState(op: DistOp, p: unknown, rows: [number, number] | undefined, what: string): unknown {
  const r = (p as { rows?: unknown } | null)?.rows;
  if (!op.isState(p) || !Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isSafeInteger(x)))
    fail('ERR_NDMMAP_PARTIAL', `${what} is not a ${op.name} state: ${show(JSON.stringify(p)?.slice(0, 200))}`);
  if (rows !== undefined && (r[0] !== rows[0] || r[1] !== rows[1])) fail('ERR_NDMMAP_PARTIAL', `${what} covers rows ${show(r)}, expected ${show(rows)}`);
  return p;
}

/**
 * Run one job of the queue (what `startWorker`'s processor does), with errors as BullMQ failure
 * reasons: `CODE: message (worker NAME)`, unrecoverable when no retry can cure them.
 */
export async function processJob(job: JobLike, ctx: Context): Promise<unknown> {
  const { bullmq } = await load();
  try {
    if (job.name === 'shard') return await runShard(checkShardJob(job.data), ctx);
    if (job.name === 'merge') return await runMerge(checkMergeJob(job.data), await job.getChildrenValues());
    return fail('ERR_NDMMAP_PARTIAL', `unknown job kind ${show(job.name)} in an ndmmap queue`);
  } catch (err) {
    const { code, reason } = failureReason(err, ctx.name);
    throw isPermanent(code) ? new bullmq.UnrecoverableError(reason) : new Error(reason);
  }
}

function positive(v: unknown, name: string, dflt: number, max = 2 ** 31 - 1): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max) fail('ERR_OUT_OF_RANGE', `${name} must be an integer from 1 to ${max}, got ${show(v)}`);
  return v;
}

/**
 * BullMQ's close never ends while Redis is gone (it waits on commands that cannot complete), and its
 * lock-renewal and stalled-check timers would keep the process alive: stop them. (Private members of
 * BullMQ 6, reached with care: test/distributed/trust.test.ts fails if they stop being there.)
 */
function stopTimers(worker: object): void {
  const w = worker as { lockManager?: { close?: () => unknown }; stalledCheckStopper?: () => void };
  void Promise.resolve(w.lockManager?.close?.()).catch(() => {});
  w.stalledCheckStopper?.();
}

/**
 * Serve the queue's jobs until `close()`.
 * @throws `ERR_INVALID_ARG_VALUE`/`ERR_OUT_OF_RANGE` for options; `ERR_NDMMAP_REDIS` when Redis cannot
 *   be reached within `connectTimeout`.
 * @example const w = await startWorker({ redis: 'redis://queue-host:6379', concurrency: 2 }); process.once('SIGTERM', () => w.close());
 */
export async function startWorker(o: WorkerOptions): Promise<WorkerHandle> {
  if (o === null || typeof o !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object with at least redis, got ${show(o)}`);
  const { url, queue } = checkTarget(o.redis, o.queue ?? DEFAULT_QUEUE);
  const concurrency = positive(o.concurrency, 'concurrency', 1, 1024);
  const lockDuration = positive(o.lockDuration, 'lockDuration', 30_000);
  const stalledInterval = positive(o.stalledInterval, 'stalledInterval', 30_000);
  const timeout = positive(o.connectTimeout, 'connectTimeout', DEFAULT_CONNECT_TIMEOUT_MS, 3_600_000);
  const closeTimeout = positive(o.closeTimeout, 'closeTimeout', DEFAULT_CLOSE_MS, 3_600_000);
  const settle = o.settle === undefined ? undefined : o.settle === 0 ? 0 : positive(o.settle, 'settle', 0);
  const pathMap = parsePathMap(o.pathMap ?? []);
  if (o.threads !== undefined) setThreads(positive(o.threads, 'threads', 1, 256));
  const log = o.log ?? (() => {});
  const { bullmq } = await load();
  const where = `${redactUrl(url)} (queue '${queue}')`;
  const conn = await connect(url, timeout, {
    health: { down: (cause) => log(`Redis at ${where} unreachable: ${cause}; retrying`), up: () => log(`Redis at ${where} is back`) },
  });
  const name = `${os.hostname()}:${process.pid}`;
  const ctx: Context = { pathMap, cache: conn.client(), name, settle, files: new MappingCache() };
  const worker = new bullmq.Worker(queue, (job) => processJob(job, ctx), {
    connection: conn.client(), concurrency, lockDuration, stalledInterval, maxStalledCount: MAX_STALLS, name,
  });
  worker.on('failed', (job, err) => log(`job ${job?.id ?? '?'} (${job?.name ?? '?'}) failed: ${err.message}`));
  // lost connections are reported once per outage by `connect`; anything else once per message
  let lastError = '';
  worker.on('error', (err) => {
    if (isConnectionError(err) || err.message === lastError) return;
    lastError = err.message;
    log(`worker error: ${err.message}`);
  });
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    // running jobs may finish while Redis answers (their results must reach it); with Redis gone
    // they cannot report anything, so the wait is short — a worker always exits within seconds
    let finished = false;
    const graceful = worker.close().then(() => { finished = true; }, () => { finished = true; });
    const t0 = Date.now();
    while (!finished) {
      const waited = Date.now() - t0;
      if (waited >= closeTimeout || (waited >= GONE_MS && !conn.healthy())) break;
      await within(graceful, 100);
    }
    // dropping the sockets fails whatever BullMQ still waits on, so its close runs to the end (and
    // clears its timers): nothing is left to keep the process alive
    await conn.close();
    if (!finished && (await within(graceful.then(() => true), CLOSE_MS)) === undefined) stopTimers(worker);
    ctx.files!.closeAll();
  };
  return { name, close: () => (closing ??= close()) };
}
