/**
 * `startWorker`: serve a BullMQ queue's shard and merge jobs until closed. A shard job checks that
 * its file is the one submitted (identity), reuses the state cached under its key or computes it
 * with `reducePartial`; a merge job combines its children's states with `combinePartials`. Every
 * state read from Redis is checked as `merge` checks states, and as belonging to the job.
 */
import os from 'node:os';
import type { Job } from 'bullmq';
import { fail, show } from '../errors.js';
import { type PartialState, combinePartials, reducePartial } from '../engine/partial.js';
import { setThreads } from '../engine/pool.js';
import { checkBelongs, checkIdentity, fileIdentity, partialKey } from './identity.js';
import { type PathMap, mapPath, openShardFile, parsePathMap } from './open.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_QUEUE, type RedisClient, checkTarget, connect, load } from './redis.js';
import { type MergeJob, type ShardJob, checkMergeJob, checkShardJob, decodeOptions, failureReason, isPermanent } from './wire.js';

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
  /** Where the worker reports failed jobs (one line each); default nowhere. */
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

interface Context { pathMap: PathMap; cache: RedisClient; name: string }

async function runShard(job: ShardJob, ctx: Context): Promise<PartialState> {
  const key = partialKey(job);
  if (job.cacheTtl > 0) {
    const raw = await ctx.cache.get(key);
    if (raw !== null) {
      let cached: unknown;
      try { cached = JSON.parse(raw); } catch { fail('ERR_NDMMAP_PARTIAL', `the cached state ${key} is not JSON`); }
      const state = combinePartials([cached]);
      checkBelongs(state, job.header, job.rows, `the cached state ${key}`);
      return state;
    }
  }
  const file = mapPath(job.file, ctx.pathMap);
  checkIdentity(job.identity, fileIdentity(file, job.identity.headBytes), file);
  const a = openShardFile(file, job.layout);
  let state: PartialState;
  try {
    state = await reducePartial(job.op, a, { ...decodeOptions(job.options), rows: job.rows });
  } finally {
    a.close();
  }
  checkBelongs(state, job.header, job.rows, `the state this worker computed (another ndmmap version?)`);
  if (job.cacheTtl > 0) await ctx.cache.set(key, JSON.stringify(state), 'EX', job.cacheTtl);
  return state;
}

async function runMerge(job: MergeJob, children: Record<string, unknown>): Promise<PartialState> {
  const list = Object.values(children);
  if (list.length !== job.children) fail('ERR_NDMMAP_PARTIAL', `a merge job got ${list.length} child states, expected ${job.children}`);
  const state = combinePartials(list);
  checkBelongs(state, job.header, job.rows, 'the merged state of the children');
  return state;
}

/**
 * Run one job of the queue (what `startWorker`'s processor does), with errors as BullMQ failure
 * reasons: `CODE: message (worker NAME)`, unrecoverable when no retry can cure them.
 */
export async function processJob(job: Pick<Job, 'name' | 'data' | 'getChildrenValues'>, ctx: Context): Promise<PartialState> {
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
  const pathMap = parsePathMap(o.pathMap ?? []);
  if (o.threads !== undefined) setThreads(positive(o.threads, 'threads', 1, 256));
  const { bullmq } = await load();
  const conn = await connect(url, timeout);
  const name = `${os.hostname()}:${process.pid}`;
  const ctx: Context = { pathMap, cache: conn.client(), name };
  const worker = new bullmq.Worker(queue, (job) => processJob(job, ctx), {
    connection: conn.client(), concurrency, lockDuration, stalledInterval, maxStalledCount: MAX_STALLS, name,
  });
  worker.on('failed', (job, err) => o.log?.(`job ${job?.id ?? '?'} (${job?.name ?? '?'}) failed: ${err.message}`));
  worker.on('error', (err) => o.log?.(`worker error: ${err.message}`));
  await worker.waitUntilReady();
  let closing: Promise<void> | undefined;
  return {
    name,
    close: () => (closing ??= worker.close().finally(() => conn.close())),
  };
}
