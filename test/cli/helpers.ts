/**
 * Driving the CLI. `ndmmap(args)` runs dist/src/cli/main.js's `main(args)` in a worker thread of this
 * process (no process start-up, no module loading: a run costs what the command costs), with stdout,
 * stderr and the exit status captured as a child process would give them. A real process of the built
 * binary (dist/src/cli.js), as users run it, when the test needs one: `{ process: true }`, stdin
 * (`input`), or an environment variable read at load time (the addon's, the test hooks').
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { MEMORY_TMP } from '../helpers.js';

export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const CLI = path.join(ROOT, 'dist/src/cli.js');
export const FIX = path.join(ROOT, 'test/fixtures');

export interface Run { status: number | null; stdout: string; stderr: string }

/** How to run: `process` forces a child process; `input` is its stdin; `env` adds to (or, undefined, removes from) the environment. */
export interface RunOptions { input?: string; env?: NodeJS.ProcessEnv; process?: boolean }

/** Variables the CLI reads when a command runs (so a run in this process can set them for the call). */
const CALL_TIME_ENV = /^(JOB_COMPLETION_INDEX|NDMMAP_SHARDS|SLURM_ARRAY_TASK_\w+|TMPDIR|NDMMAP_DEMO_SIZE_MIB)$/;
const inProcess = (opts: RunOptions): boolean =>
  !opts.process && opts.input === undefined && Object.keys(opts.env ?? {}).every((k) => CALL_TIME_ENV.test(k));

let cli: { worker: Worker; port: MessagePort; next: number; waiting: Map<number, (r: Run) => void> } | undefined;
/** The worker thread running the CLI, started on first use; it never keeps the test process alive. */
function cliWorker(): NonNullable<typeof cli> {
  if (cli !== undefined) return cli;
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./cli-worker.mjs', import.meta.url), {
    workerData: { main: new URL('../../dist/src/cli/main.js', import.meta.url).href, port: port2 }, transferList: [port2],
  });
  worker.unref();
  const c = { worker, port: port1, next: 0, waiting: new Map<number, (r: Run) => void>() };
  worker.on('message', (r: Run & { id: number }) => { c.waiting.get(r.id)?.({ status: r.status, stdout: r.stdout, stderr: r.stderr }); c.waiting.delete(r.id); });
  cli = c;
  return c;
}

/** Run `ndmmap ...args` synchronously (in this process's CLI worker unless `opts` needs a real process). */
export function ndmmap(args: string[], opts: RunOptions = {}): Run {
  if (inProcess(opts)) {
    const c = cliWorker();
    const sab = new SharedArrayBuffer(4);
    c.worker.postMessage({ id: c.next++, args, env: opts.env, sab });
    // 5 minutes: a hung command fails the test instead of blocking it forever
    if (Atomics.wait(new Int32Array(sab), 0, 0, 300_000) === 'timed-out') throw new Error(`ndmmap ${args.join(' ')}: no answer in 300 s`);
    const r = receiveMessageOnPort(c.port)!.message as Run;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', input: opts.input, env: { ...process.env, ...opts.env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run `ndmmap ...args` without blocking (runs in the CLI worker queue up; real processes overlap). */
export function ndmmapAsync(args: string[], opts: RunOptions = {}): Promise<Run> {
  if (inProcess(opts)) {
    const c = cliWorker();
    const id = c.next++;
    return new Promise((resolve) => { c.waiting.set(id, resolve); c.worker.postMessage({ id, args, env: opts.env }); });
  }
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Map `items` through `fn` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]); } };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** A fresh temporary directory, in memory where the machine has a tmpfs: the CLI tests are not about the disk (test/reliability is). */
export function tmpdir(): string {
  return fs.mkdtempSync(path.join(MEMORY_TMP, 'ndmmap-cli-'));
}

/** The error contract: exit status, one `ndmmap: ` line on stderr, no stack, nothing on stdout. */
export function expectError(r: Run, status: number, match?: RegExp): void {
  const lines = r.stderr.trimEnd().split('\n');
  if (r.status !== status || lines.length !== 1 || !lines[0].startsWith('ndmmap: ') || /^\s+at /m.test(r.stderr) || r.stdout !== '' || (match && !match.test(lines[0])))
    throw new Error(`expected exit ${status} with one 'ndmmap:' line${match ? ` matching ${match}` : ''}, got ${r.status}: ${JSON.stringify(r)}`);
}

/** Layout flags for a fixture case. */
export function layoutArgs(c: { dtype: string; shape: number[]; offset: number; order: string }): string[] {
  return [`--dtype=${c.dtype}`, `--shape=${c.shape.join(',')}`, `--offset=${c.offset}`, `--order=${c.order}`];
}
