/**
 * The process's worker pool: one lazy piscina pool, threads fixed (min = max, no idle teardown) so
 * each worker loads the addon once. Idle piscina workers are unref'd: the pool never keeps a
 * process alive.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { fail, show } from '../errors.js';
import { type WarmupTask } from './tasks.cjs';

/** The built worker, CommonJS (dist/workers/task.cjs): workers never go through the ESM loader. */
const WORKER = new URL('../../workers/task.cjs', import.meta.url);

let pool: Piscina | undefined;
/** Has a thread of the current pool run a task yet? (Until then calls also run blocks themselves.) */
let ready = false;
/** Tasks posted and not yet settled, including those of calls that already rejected (abort, failure). */
const inflight = new Set<Promise<unknown>>();
let threads = os.availableParallelism();

/** Threads the pool runs (default `os.availableParallelism()`). */
export function poolThreads(): number {
  return threads;
}

/**
 * Set the default thread count for parallel calls; the pool is rebuilt on next use.
 * @throws `ERR_OUT_OF_RANGE` unless 1 ≤ n ≤ 256.
 */
export function setThreads(n: number): void {
  threads = checkThreads(n);
  void shutdown();
}

export function checkThreads(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 256)
    fail('ERR_OUT_OF_RANGE', `threads must be an integer from 1 to 256, got ${show(n)}`);
  return n;
}

/** Have the pool's threads started (a thread ran a task, or warmup() resolved)? */
export function poolReady(): boolean {
  return ready && pool !== undefined;
}

/** A thread of the pool ran a task: it is up. */
export function markPoolReady(): void {
  if (pool !== undefined) ready = true;
}

/**
 * What callers use of the pool. Declared here so no public `.d.ts` imports piscina's types (with
 * `skipLibCheck: false` and a CommonJS tsconfig, a consumer would compile piscina's declarations).
 */
export interface PoolHandle {
  run(task: unknown, options?: { signal?: AbortSignal | null }): Promise<any>;
  readonly threads: readonly unknown[];
}

/** The shared pool, started on first use. */
export function getPool(): PoolHandle {
  if (pool === undefined) {
    ready = false;
    pool = new Piscina({
      filename: WORKER.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
    });
    // Failures outside a task (a worker dying between tasks) reach no caller; piscina replaces the
    // worker. Without a listener the 'error' event would kill the process.
    pool.on('error', () => {});
  }
  return pool;
}

/**
 * Start the worker pool now and resolve once every worker has loaded the engine, so that the first
 * parallel call of a service does not pay for starting threads (tens of ms on a quiet machine, far
 * more on a busy one). Optional: the pool otherwise starts with the first call over 512 KiB. Started
 * workers do not keep the process alive.
 * @example await warmup(); // once, while the service starts
 */
export async function warmup(): Promise<void> {
  const n = threads;
  const task: WarmupTask = { kind: 'warmup', control: new SharedArrayBuffer(4), threads: n };
  await Promise.all(Array.from({ length: n }, () => runOnPool(task)));
  markPoolReady();
}

/** Run one task on the pool, tracked so shutdown() can let it finish. */
export function runOnPool<T>(task: unknown): Promise<T> {
  const p = getPool().run(task) as Promise<T>;
  inflight.add(p);
  const settle = (): void => { inflight.delete(p); };
  p.then(settle, settle);
  return p;
}

/** Stop the pool's workers; the next parallel call starts a new pool. */
export async function shutdown(): Promise<void> {
  const p = pool;
  pool = undefined;
  if (p === undefined) return;
  // Blocks of aborted or failed calls may still be running (they stop at the next block): destroying
  // the pool under them made piscina emit 'error' for their late replies.
  await Promise.allSettled([...inflight]);
  await p.destroy();
}
