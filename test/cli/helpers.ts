/**
 * Driving the built binary (dist/src/cli.js) as a child process, as users run it.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const CLI = path.join(ROOT, 'dist/src/cli.js');
export const FIX = path.join(ROOT, 'test/fixtures');

export interface Run { status: number | null; stdout: string; stderr: string }

/** Run `ndmmap ...args` synchronously. */
export function ndmmap(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', input: opts.input, env: { ...process.env, ...opts.env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run `ndmmap ...args` without blocking, so many runs overlap. */
export function ndmmapAsync(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
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

/** A fresh temporary directory. */
export function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-cli-'));
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
