/**
 * Exit statuses: 0 success, 2 usage (the arguments are wrong), 1 runtime (the file or the system is),
 * 130/143 interrupted by SIGINT/SIGTERM.
 */
import { exitStatusOf, interruptionOf } from './interrupt.js';

/** Exit status of a usage error. */
export const EXIT_USAGE = 2;
/** Exit status of a runtime error. */
export const EXIT_RUNTIME = 1;
/** Exit status of a command stopped by Ctrl-C after cleaning up (as a shell reports SIGINT: 128 + 2). */
export const EXIT_INTERRUPTED = 130;

/** Library codes that mean the user asked for something invalid. */
const USAGE_CODES = new Set([
  'ERR_NDMMAP_USAGE', 'ERR_NDMMAP_DTYPE', 'ERR_NDMMAP_SHAPE', 'ERR_NDMMAP_AXIS', 'ERR_NDMMAP_MODE',
  'ERR_NDMMAP_ORDER', 'ERR_NDMMAP_EXPR', 'ERR_NDMMAP_INDEX', 'ERR_NDMMAP_PARTIAL', 'ERR_OUT_OF_RANGE',
  'ERR_NDMMAP_OVERLAP',
]);

/**
 * The exit status for an error: 2 for usage codes (`ERR_NDMMAP_DTYPE`…, `ERR_INVALID_ARG_*`,
 * `ERR_OUT_OF_RANGE`, `ERR_PARSE_ARGS_*`), 128 + the signal for a call stopped by SIGINT/SIGTERM, 1 for
 * everything else (OS errors, `ERR_NDMMAP_SIZE`, `ERR_NDMMAP_NPY`).
 */
export function exitCodeFor(err: unknown): number {
  const sig = interruptionOf(err);
  if (sig !== undefined) return exitStatusOf(sig);
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return EXIT_RUNTIME;
  if (code === 'ABORT_ERR') return EXIT_INTERRUPTED;
  if (USAGE_CODES.has(code) || code.startsWith('ERR_INVALID_ARG_') || code.startsWith('ERR_PARSE_ARGS_')) return EXIT_USAGE;
  return EXIT_RUNTIME;
}

/** The one stderr line for an error: `ndmmap: <message>`, never a stack trace. */
export function errorLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return `ndmmap: ${msg.replace(/\s*\n\s*/g, ' ').trim()}`;
}

/**
 * Turn write errors on the output streams into one `ndmmap:` line and exit status 1: a stream with no
 * 'error' listener would crash the process with a stack trace (`> /dev/full`, a closed pipe). A
 * failing stderr has nowhere left to report to and is ignored.
 * @returns whether stdout has failed so far.
 */
export function watchOutput(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): { readonly failed: boolean } {
  const state = { failed: false };
  stderr.on('error', () => { /* nothing left to report to */ });
  stdout.on('error', (err: Error) => {
    if (state.failed) return;
    state.failed = true;
    if (!process.exitCode) process.exitCode = EXIT_RUNTIME;
    stderr.write(`ndmmap: cannot write the output: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  });
  return state;
}
