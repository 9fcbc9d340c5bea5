/**
 * A progress bar with bytes, throughput and ETA on stderr, never wider than the terminal, fed by the engine's `onProgress`. Shown only on a TTY,
 * only for calls over `PROGRESS_MIN_BYTES`, never with --json or --quiet; it never writes to stdout.
 */

/** Calls smaller than this finish before a bar would be worth reading. */
export const PROGRESS_MIN_BYTES = 256 * 2 ** 20;
/** Redraw at most this often, so a fast call does not spend its time painting. */
const REDRAW_MS = 100;
/** The widest bar; narrower terminals get a shorter one, or none. */
const BAR_WIDTH = 30;
/** Width assumed when the stream does not say (not a TTY, or a test double). */
const DEFAULT_COLUMNS = 80;

/** Bytes as people read them: `512 B`, `3.2 MB`, `1.07 GB` (decimal units, as GB/s). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n / 1000, u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/** Seconds as `m:ss` (or `h:mm:ss`). */
function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * The bar's text for a point in a call (no carriage return), at most `columns - 1` characters so the
 * terminal never wraps it: label, bar, percent, bytes done/total, rate, ETA — the bar shrinks first,
 * then the ETA, the rate and the bytes are left out.
 */
export function renderBar(label: string, done: number, total: number, seconds: number, columns = DEFAULT_COLUMNS): string {
  const frac = total > 0 ? Math.min(done / total, 1) : 1;
  const rate = seconds > 0 ? done / seconds : 0;
  const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
  const parts = [
    `${formatBytes(done)}/${formatBytes(total)}`,
    `${(rate / 1e9).toFixed(2)} GB/s`,
    `ETA ${rate > 0 && done < total ? clock((total - done) / rate) : done >= total ? '0:00' : '--:--'}`,
  ];
  const max = Math.max(1, columns - 1);
  for (let keep = parts.length; keep >= 0; keep--) {
    const tail = [pct, ...parts.slice(0, keep)].join('  ');
    const room = max - label.length - tail.length - 4; // ' [' + '] '
    if (room >= 10) {
      const width = Math.min(BAR_WIDTH, room);
      const fill = Math.round(frac * width);
      return `${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${tail}`;
    }
    if (label.length + 1 + tail.length <= max) return `${label} ${tail}`;
  }
  return pct.trim().slice(0, max);
}

/** What a progress callback is given. */
export interface ProgressEvent { doneBytes: number; totalBytes: number }

/** A stream a bar can draw on (process.stderr, or a test double). */
export interface BarStream { isTTY?: boolean; columns?: number; write(s: string): unknown }

/** After 100%, the call still flushes (msync): the bar says so once it has waited this long. */
const FLUSH_AFTER_MS = 250;
/** How often the flush line's seconds are redrawn. */
const FLUSH_REDRAW_MS = 1000;

/** Options of `progressBar`. */
export interface BarOptions {
  /** Calls at most this large draw nothing (default `PROGRESS_MIN_BYTES`). */
  minBytes?: number;
  /**
   * The bytes one pass covers, shown as the total: the engine counts each operand's bytes (an in-place
   * `apply` reads and writes the same file), the reader thinks of the file once.
   */
  passBytes?: number;
}

/**
 * Make an `onProgress` callback drawing on `stream` when it is a TTY and `enabled`, plus `done()` to
 * clear the line. Each draw clears to the end of the line (no characters left from a longer one);
 * once the pass is complete and the call has not returned, the line says it is flushing, with the
 * seconds so far. Returns no callback when the bar is off.
 * @example const p = progressBar('sum', process.stderr, !json && !quiet); await reduce('sum', a, { onProgress: p.onProgress }); p.done();
 */
export function progressBar(label: string, stream: BarStream, enabled: boolean, options: BarOptions | number = {}):
  { onProgress?: (e: ProgressEvent) => void; done: () => void } {
  if (!enabled || !stream.isTTY) return { done: () => {} };
  const { minBytes = PROGRESS_MIN_BYTES, passBytes } = typeof options === 'number' ? { minBytes: options } : options;
  const t0 = performance.now();
  let last = -Infinity;
  let drawn = false;
  let flushTimer: NodeJS.Timeout | undefined;
  const draw = (text: string): void => { drawn = true; stream.write(`\r${text}\x1b[K`); };
  const flushing = (bytes: number, since: number): void => {
    const secs = Math.round((performance.now() - since) / 1000);
    const text = `${label}: 100% of ${formatBytes(bytes)} done, flushing to disk${secs > 0 ? ` ${secs} s` : ''}`;
    draw(text.slice(0, Math.max(1, (stream.columns ?? DEFAULT_COLUMNS) - 1)));
    flushTimer = setTimeout(() => flushing(bytes, since), FLUSH_REDRAW_MS);
    flushTimer.unref?.();
  };
  return {
    onProgress: ({ doneBytes, totalBytes }) => {
      if (totalBytes <= minBytes) return;
      const now = performance.now();
      if (now - last < REDRAW_MS && doneBytes < totalBytes) return;
      last = now;
      const scale = passBytes !== undefined && totalBytes > 0 ? passBytes / totalBytes : 1;
      const text = renderBar(label, doneBytes * scale, totalBytes * scale, (now - t0) / 1000, stream.columns);
      draw(text);
      if (doneBytes >= totalBytes && flushTimer === undefined) {
        const since = now;
        flushTimer = setTimeout(() => flushing(totalBytes * scale, since), FLUSH_AFTER_MS);
        flushTimer.unref?.();
      }
    },
    done: () => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}

/**
 * The one line `apply` and `create` print when done (unless --quiet): what was written, its bytes
 * and the rate. `what` is e.g. `created data.npy` or `wrote out.f8 (x * 2 of in.f8)`.
 * @example summaryLine('created a.npy', 'float32', [1000, 128], 512000, 0.25) // 'created a.npy: float32 (1000, 128), 512.00 kB in 0.25 s (0.00 GB/s)'
 */
export function summaryLine(what: string, dtype: string, shape: readonly number[], bytes: number, seconds: number): string {
  const rate = seconds > 0 ? (bytes / seconds / 1e9).toFixed(2) : '-';
  return `${what}: ${dtype} (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), ${formatBytes(bytes)} in ${seconds.toFixed(2)} s (${rate} GB/s)`;
}
