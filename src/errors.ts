/**
 * The one error class of ndmmap. Like Node's own `fs` errors, OS failures keep the OS name as
 * `code` (`ENOENT`, `EACCES`) with `syscall` and `path`; ndmmap's own failures use `ERR_*` codes.
 */
import type { NdmmapErrorCode } from './api-types.js';

export class NdmmapError extends Error {
  /** Machine-readable reason: an errno name or one of the `ERR_*` codes in the README (`ERROR_CODES`). */
  readonly code: NdmmapErrorCode;
  /** The system call that failed, for OS errors. */
  readonly syscall?: string;
  /** The file concerned, when there is one. */
  readonly path?: string;
  /** `apply`/`fill`: the call failed after its first block started, so its output may be partly written. */
  readonly partial?: boolean;
  /** With `partial`: the share (0 to 1) of the output in blocks that finished before the failure. */
  readonly written?: number;

  constructor(code: string, message: string, extra: { syscall?: string; path?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'NdmmapError';
    this.code = code as NdmmapErrorCode; // test/types.test.ts checks every code thrown in src/ is listed
    if (extra.syscall !== undefined) this.syscall = extra.syscall;
    if (extra.path !== undefined) this.path = extra.path;
  }
}

/** Throw an `NdmmapError` with `code`; `message` says what was expected, then what came. */
export function fail(code: string, message: string, extra?: { syscall?: string; path?: string; cause?: unknown }): never {
  throw new NdmmapError(code, message, extra);
}

/** Show a user value in a message the way numpy would quote it. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  // a long array or typed array (a mask, indices) names its length and first items, not every item
  if (Array.isArray(v)) {
    if (v.length > SHOW_ITEMS) return `(${v.slice(0, SHOW_ITEMS).map(show).join(', ')}, … ${v.length} items)`;
    return `(${v.map(show).join(', ')}${v.length === 1 ? ',' : ''})`;
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && (v as unknown as ArrayLike<unknown>).length > SHOW_ITEMS) {
    const t = v as unknown as ArrayLike<unknown>;
    const head = Array.from({ length: SHOW_ITEMS }, (_, i) => String(t[i])).join(', ');
    return `${v.constructor.name}(${t.length}) [${head}, …]`;
  }
  let s: string;
  try {
    s = String(v);
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > SHOW_CHARS ? `${s.slice(0, SHOW_CHARS)}… (${s.length} characters)` : s;
}
/** Items of an array, characters of any other value, that an error message quotes. */
const SHOW_ITEMS = 16;
const SHOW_CHARS = 200;

/**
 * Re-attach `path` to an OS error from the addon or `fs`, keeping `code` and `syscall`.
 */
export function osError(err: unknown, path: string): NdmmapError {
  const e = err as { code?: string; syscall?: string; message?: string };
  if (e instanceof NdmmapError && (e.path !== undefined || !/^E[A-Z]+$/.test(e.code))) return e;
  const code = typeof e?.code === 'string' ? e.code : 'EIO';
  const msg = String(e?.message ?? err).replace(/, '.*'$/, '');
  return new NdmmapError(code, msg.includes(path) ? msg : `${msg}, '${path}'`, { syscall: e?.syscall, path, cause: err });
}
