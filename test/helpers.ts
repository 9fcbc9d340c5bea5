// Shared by the test files: fixture manifests, numpy's value strings as JS values, temp files.
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** statfs f_type of tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A manifest (`cases.json`) of one fixture folder. */
export function manifest<T>(folder: string, name = 'cases.json'): T {
  return JSON.parse(readFileSync(join(FIXTURES, folder, name), 'utf8')) as T;
}

/**
 * One fixture value string as ndmmap returns it: bools as booleans, 64-bit ints as bigint, other
 * ints and floats as numbers ('nan', 'inf', '-0.0' included; float16/32 were widened exactly).
 */
export function parseValue(s: string, dtypeStr: string): number | bigint | boolean {
  const kind = dtypeStr.at(-2)!;
  const size = Number(dtypeStr.at(-1));
  if (kind === 'b') {
    if (s !== 'True' && s !== 'False') throw new Error(`not a bool: ${s}`);
    return s === 'True';
  }
  if (kind === 'i' || kind === 'u') return size === 8 ? BigInt(s) : Number(s);
  if (s === 'nan') return NaN;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

/** Flatten nested arrays (C order). */
export function flat(v: unknown): unknown[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}

/**
 * Where `tempDir(…, { memory: true })` goes: a tmpfs when the machine has one (Linux's /dev/shm) with
 * room for the largest of these files' temp files (2 GiB free: a container's default /dev/shm is 64 MiB,
 * where a write past it would be ENOSPC), else the temp directory.
 */
export const MEMORY_TMP = ((): string => {
  try {
    accessSync('/dev/shm', constants.W_OK);
    const s = statfsSync('/dev/shm');
    return s.type === TMPFS_MAGIC && s.bavail * s.bsize >= 2 ** 31 ? '/dev/shm' : tmpdir();
  } catch { return tmpdir(); }
})();

/**
 * A fresh temp directory and a function to remove it. `memory`: in a tmpfs, for files whose tests create
 * and flush thousands of small files and are not about the disk (on this machine's disk creating, msyncing
 * and removing them took 3/4 of such a file's time); tests of disk behaviour (ENOSPC, page state,
 * durability, sparse reads of GiBs) keep the default.
 */
export function tempDir(prefix = 'ndmmap-test-', { memory = false } = {}): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(memory ? MEMORY_TMP : tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Catch what `fn` throws (fails the test if it does not throw). */
export function caught(fn: () => unknown): { code?: string; message: string; name: string; syscall?: string; path?: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; message: string; name: string };
  }
  throw new Error('expected a throw');
}

/**
 * An abort from a call's first progress report, landing while the call runs: `start(signal,
 * onProgress)` again (after `undo(result)`) when the call finished first — on a busy machine every
 * block can be done before the first report reaches this thread, and only the final report (all
 * bytes done) comes. Returns what the aborted call rejected with.
 */
export async function abortMidCall<T>(
  start: (signal: AbortSignal, onProgress: (p: { doneBytes: number; totalBytes: number }) => void) => Promise<T>,
  undo: (result: T) => unknown, when = (p: { doneBytes: number; totalBytes: number }): boolean => p.doneBytes < p.totalBytes, tries = 20,
): Promise<{ code?: string; name?: string; message?: string }> {
  for (let k = 1; ; k++) {
    const c = new AbortController();
    const r = await start(c.signal, (p) => { if (when(p)) c.abort(); })
      .then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }));
    if (!r.ok) return r.e as { code?: string };
    await undo(r.v);
    if (k >= tries) throw new Error(`the call finished before its first progress report, ${tries} times`);
  }
}

/**
 * Equal in a way toEqual agrees with: primitives by Object.is, arrays and typed arrays of one class
 * element by element, plain objects key by key; anything else is "not known equal". (An array's named
 * properties besides its elements are not looked at: the arrays compared are results and their copies.)
 */
function strictlyEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const tag = Object.prototype.toString.call(a);
  if (Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView))) {
    const x = a as ArrayLike<unknown>, y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i]) && !strictlyEqual(x[i], y[i])) return false;
    return true;
  }
  if (tag !== '[object Object]' || Object.getOwnPropertySymbols(a).length + Object.getOwnPropertySymbols(b).length > 0) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && strictlyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * `expect(got, what).toEqual(want)`, checked by a plain loop first: vitest's deep equality walks an array
 * of 100,000 elements slowly (most of some files' time). Only when the loop cannot tell them equal does
 * toEqual run, so a failure reads as toEqual's.
 */
export function expectEqual(got: unknown, want: unknown, what?: string): void {
  if (!strictlyEqual(got, want)) expect(got, what).toEqual(want);
}

/** The rows along `axis` of a C-order array of `shape` (null: the flattened array) as lists of flat positions. */
export function rowsOf(shape: readonly number[], axis: number | null): number[][] {
  const size = shape.reduce((p, x) => p * x, 1);
  if (size === 0) return [];
  if (axis === null) return [Array.from({ length: size }, (_, i) => i)];
  const ax = axis < 0 ? axis + shape.length : axis;
  const inner = shape.slice(ax + 1).reduce((p, x) => p * x, 1), n = shape[ax];
  const rows: number[][] = [];
  for (let o = 0; o < size / (n * inner); o++)
    for (let k = 0; k < inner; k++) rows.push(Array.from({ length: n }, (_, j) => (o * n + j) * inner + k));
  return rows;
}
