/**
 * The distributed tests' set-up: a real redis-server (scripts/local-redis.mjs) and `ndmmap worker`
 * processes, as users run them. When redis-server cannot be found the tests skip, saying why.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, ROOT } from '../cli/helpers.js';
// a plain .mjs shared with bench/distributed.mjs
import { findRedisServer, startRedis } from '../../scripts/local-redis.mjs';

export const REDIS_BIN: string | undefined = findRedisServer();
/** Why the distributed tests skip, or undefined when they run. */
export const SKIP_REASON = REDIS_BIN === undefined ? 'redis-server not found (Debian: apt-get install -y redis-server; .ci/run installs it)' : undefined;
if (SKIP_REASON) console.warn(`distributed tests skipped: ${SKIP_REASON}`);

export interface Redis { url: string; port: number; stop: () => Promise<void> }
export const redisServer = (): Promise<Redis> => startRedis(REDIS_BIN);

/** A running `ndmmap worker`, its output so far, and its exit. */
export interface WorkerProc { proc: ChildProcess; pid: number; log: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; ready: Promise<void> }

/** Start `ndmmap worker --redis URL ...args` (one engine thread unless args say otherwise). */
export function startWorker(url: string, ...args: string[]): WorkerProc {
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', url, ...(args.includes('--threads') ? [] : ['--threads', '1']), ...args], { cwd: ROOT });
  let out = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((r) => { onReady = r; });
  proc.stdout!.on('data', (d) => { out += d; });
  proc.stderr!.on('data', (d) => { out += d; if (out.includes('serving queue')) onReady(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('exit', (code, signal) => { onReady(); r({ code, signal }); }));
  return { proc, pid: proc.pid!, log: () => out, exited, ready };
}

/** Stop workers with SIGTERM and wait for them. */
export async function stopWorkers(ws: WorkerProc[]): Promise<void> {
  for (const w of ws) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
  await Promise.all(ws.map((w) => w.exited));
}
