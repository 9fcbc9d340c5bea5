/**
 * The process's worker pool: one lazy piscina pool, threads fixed (min = max, no idle teardown) so
 * each worker loads the addon once. Idle piscina workers are unref'd: the pool never keeps a
 * process alive.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { fail, show } from '../errors.js';

/** The built worker (Node 20 cannot load .ts workers): dist/workers/task.js. */
const WORKER = new URL('../../workers/task.js', import.meta.url);

let pool: Piscina | undefined;
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

/** The shared pool, started on first use. */
export function getPool(): Piscina {
  if (pool === undefined) {
    pool = new Piscina({
      filename: WORKER.href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
    });
  }
  return pool;
}

/** Stop the pool's workers; the next parallel call starts a new pool. */
export async function shutdown(): Promise<void> {
  const p = pool;
  pool = undefined;
  if (p !== undefined) await p.destroy();
}
