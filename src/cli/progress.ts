/**
 * A progress bar with throughput on stderr, fed by the engine's `onProgress`. Shown only on a TTY,
 * only for calls over `PROGRESS_MIN_BYTES`, never with --json or --quiet; it never writes to stdout.
 */

/** Calls smaller than this finish before a bar would be worth reading. */
export const PROGRESS_MIN_BYTES = 256 * 2 ** 20;
/** Redraw at most this often, so a fast call does not spend its time painting. */
const REDRAW_MS = 100;
const BAR_WIDTH = 30;

/** What a progress callback is given. */
export interface ProgressEvent { doneBytes: number; totalBytes: number }

/** The bar's text for a point in a call (no carriage return). */
export function renderBar(label: string, done: number, total: number, seconds: number): string {
  const frac = total > 0 ? Math.min(done / total, 1) : 1;
  const fill = Math.round(frac * BAR_WIDTH);
  const rate = seconds > 0 ? done / seconds / 1e9 : 0;
  return `${label} [${'#'.repeat(fill)}${' '.repeat(BAR_WIDTH - fill)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${rate.toFixed(2)} GB/s`;
}

/** A stream a bar can draw on (process.stderr, or a test double). */
export interface BarStream { isTTY?: boolean; write(s: string): unknown }

/**
 * Make an `onProgress` callback drawing on `stream` when it is a TTY and `enabled`, plus `done()` to
 * clear the line. Returns no callback when the bar is off.
 * @example const p = progressBar('sum', process.stderr, !json && !quiet); await reduce('sum', a, { onProgress: p.onProgress }); p.done();
 */
export function progressBar(label: string, stream: BarStream, enabled: boolean, minBytes = PROGRESS_MIN_BYTES):
  { onProgress?: (e: ProgressEvent) => void; done: () => void } {
  if (!enabled || !stream.isTTY) return { done: () => {} };
  const t0 = performance.now();
  let last = -Infinity;
  let drawn = false;
  return {
    onProgress: ({ doneBytes, totalBytes }) => {
      if (totalBytes <= minBytes) return;
      const now = performance.now();
      if (now - last < REDRAW_MS && doneBytes < totalBytes) return;
      last = now;
      drawn = true;
      stream.write(`\r${renderBar(label, doneBytes, totalBytes, (now - t0) / 1000)}`);
    },
    done: () => { if (drawn) stream.write('\r\x1b[K'); },
  };
}
