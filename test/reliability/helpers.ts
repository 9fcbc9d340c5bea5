/**
 * Shared by the reliability suite: temp files, byte hashes, and child processes for anything that
 * could kill the process (a segfault or SIGBUS in a child fails one test instead of killing vitest).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';

/** The built package, for child scripts (they run outside vitest and import plain JS). */
export const DIST = new URL('../../dist/', import.meta.url).pathname;

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ndmmap-rel-${tag}-`));
}

/** sha256 of the file's bytes plus its size: what "unchanged" means in these tests. */
export function fingerprint(file: string): string {
  if (!fs.existsSync(file)) return 'absent';
  const b = fs.readFileSync(file);
  return `${b.length}:${crypto.createHash('sha256').update(b).digest('hex')}`;
}

/** A file of `n` float64 values 0, 1, 2, … */
export function writeF8(file: string, n: number, f: (i: number) => number = (i) => i): void {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  fs.writeFileSync(file, new Uint8Array(a.buffer));
}

/**
 * Run `body` (an ES module's text; `$DIST` is replaced by the dist/ path) in a fresh node process.
 * `shell` wraps the command, e.g. `ulimit -f 64; exec`. It runs in `dir`: the core file of a child
 * killed on purpose (core dumps are on in CI) lands there, not in the repository.
 */
export function runChild(dir: string, name: string, body: string, opts: { env?: Record<string, string>; shell?: string; args?: string[]; timeout?: number } = {}): SpawnSyncReturns<string> {
  const file = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(file, body.replaceAll('$DIST', DIST));
  const env = { ...process.env, ...opts.env };
  const args = [...(opts.args ?? []), file];
  const timeout = opts.timeout ?? 60_000;
  if (opts.shell !== undefined) {
    const cmd = `${opts.shell} ${[process.execPath, ...args].map((a) => `'${a}'`).join(' ')}`;
    // stdin not a socket: bash run with a socket on stdin and SHLVL < 2 sources /etc/bash.bashrc (Debian)
    return spawnSync('bash', ['-c', cmd], { cwd: dir, env, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  return spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8', timeout });
}

/** A readable description of how a child ended, for assertion messages. */
export function describeExit(r: SpawnSyncReturns<string>): string {
  return `status=${r.status} signal=${r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Assert the child exited by itself with status 0 (no signal: no segfault, no SIGBUS). */
export function expectClean(r: SpawnSyncReturns<string>): void {
  if (r.status !== 0 || r.signal !== null) throw new Error(`child did not exit cleanly: ${describeExit(r)}`);
}

/** The JSON a child printed on its last line. */
export function lastJson<T = Record<string, unknown>>(r: SpawnSyncReturns<string>): T {
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

declare global { var __ndmmapCanary: unknown }

/**
 * For the tests of the current suite: `eval` and `Function` throw if anything reaches them, and after
 * each test the global canary is untouched and Object.prototype unpolluted.
 */
export function trapEvaluators(): void {
  let savedEval: typeof globalThis.eval;
  let savedFunction: FunctionConstructor;
  beforeEach(() => {
    globalThis.__ndmmapCanary = undefined;
    savedEval = globalThis.eval;
    savedFunction = globalThis.Function;
    globalThis.eval = (() => { throw new Error('eval called'); }) as typeof eval;
    globalThis.Function = function () { throw new Error('Function called'); } as unknown as FunctionConstructor;
  });
  afterEach(() => {
    globalThis.eval = savedEval;
    globalThis.Function = savedFunction;
    expect(globalThis.__ndmmapCanary).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
}
