/**
 * SIGINT and SIGTERM during a command that writes a file. Killing the process at once would leave
 * whatever the workers had written — a valid-looking `.npy` with half its values — so the first
 * signal aborts the running call instead (blocks stop at their next boundary, about 4 MiB of work),
 * and the command cleans up and exits 128 + the signal's number. A second signal cleans up and exits
 * at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import { NdmmapError } from '../errors.js';

/** The reason a signal gives its abort: the CLI's exit status and message come from it. */
export interface Interruption { readonly signal: NodeJS.Signals }

/**
 * Abort `signal` on SIGINT/SIGTERM until `dispose()`; `cleanup` runs before a second signal exits.
 * @example const stop = onInterrupt(() => fs.rmSync(out, { force: true }));
 */
export function onInterrupt(cleanup: () => void): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (!ac.signal.aborted) {
      ac.abort({ signal: sig } satisfies Interruption);
      return;
    }
    try { cleanup(); } finally { process.exit(exitStatusOf(sig)); }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    dispose: () => { process.off('SIGINT', handler); process.off('SIGTERM', handler); },
  };
}

/** 128 + the signal's number, as a shell reports a death by that signal (SIGINT 130, SIGTERM 143). */
export function exitStatusOf(sig: NodeJS.Signals): number {
  return 128 + (os.constants.signals[sig] ?? 0);
}

/** The signal behind an error, if an {@link onInterrupt} abort is in its chain of causes. */
export function interruptionOf(err: unknown): NodeJS.Signals | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const sig = (e as Partial<Interruption>).signal;
    if (typeof sig === 'string' && sig in os.constants.signals) return sig;
  }
  return undefined;
}

/**
 * The error of a command whose write failed or was interrupted, after removing `created` — the output
 * file the command created (or truncated): what it holds is no result, a valid-looking header over
 * missing values at worst. An interrupted call is named by its signal; an output written in place
 * keeps the share written (`written: 60%`).
 */
export function failedWrite(err: unknown, created: string | undefined): unknown {
  const sig = interruptionOf(err);
  if (created === undefined && sig === undefined) return err;
  const e = err as Partial<NdmmapError> & { cause?: unknown };
  const cause = e.partial === true ? (e.cause as { message?: unknown } | undefined) : e;
  let message = sig !== undefined ? `interrupted by ${sig}` : String(cause?.message ?? err);
  if (created !== undefined) {
    fs.rmSync(created, { force: true });
    message += `; removed '${created}', which this command had created`;
  } else if (e.partial === true) {
    message += `; the output is partly written (written: ${Math.floor((e.written ?? 0) * 100)}%)`;
  }
  return new NdmmapError(typeof e.code === 'string' ? e.code : 'ERR_NDMMAP_WORKER', message, { syscall: e.syscall, path: e.path, cause: err });
}
