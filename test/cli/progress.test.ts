/**
 * The progress bar: drawn only on a TTY and only past the size threshold; never on stdout.
 */
import { describe, expect, it } from 'vitest';
import { PROGRESS_MIN_BYTES, progressBar, renderBar } from '../../dist/src/cli/progress.js';

function stream(isTTY: boolean): { isTTY: boolean; out: string[]; write(s: string): void } {
  return { isTTY, out: [], write(s: string) { this.out.push(s); } };
}

describe('progress bar', () => {
  it('draws percent and throughput on a TTY for big calls, and clears its line', () => {
    const s = stream(true);
    const bar = progressBar('sum', s, true);
    bar.onProgress!({ doneBytes: PROGRESS_MIN_BYTES, totalBytes: 2 * PROGRESS_MIN_BYTES });
    bar.onProgress!({ doneBytes: 2 * PROGRESS_MIN_BYTES, totalBytes: 2 * PROGRESS_MIN_BYTES });
    bar.done();
    expect(s.out.join('')).toMatch(/sum \[#+ *\] +50% .*GB\/s/);
    expect(s.out.at(-1)).toBe('\r\x1b[K');
  });

  it('clears to the end of the line at every draw (no characters left from a longer line)', () => {
    const s = stream(true);
    const bar = progressBar('sum', s, true);
    bar.onProgress!({ doneBytes: PROGRESS_MIN_BYTES, totalBytes: 4 * PROGRESS_MIN_BYTES });
    expect(s.out.at(-1)).toMatch(/^\r.*\x1b\[K$/);
    bar.done();
  });

  it('shows the flush phase after 100% until the call returns', async () => {
    const s = stream(true);
    const bar = progressBar('apply', s, true);
    bar.onProgress!({ doneBytes: 2 * PROGRESS_MIN_BYTES, totalBytes: 2 * PROGRESS_MIN_BYTES });
    await new Promise((r) => setTimeout(r, 1400));
    expect(s.out.join('')).toMatch(/\rapply: 100% of 537 MB done, flushing to disk( 1 s)?\x1b\[K/);
    bar.done();
    const n = s.out.length;
    await new Promise((r) => setTimeout(r, 1100));
    expect(s.out.length).toBe(n); // done() stops the flush line's redraws
    expect(s.out.at(-1)).toBe('\r\x1b[K');
  });

  it('counts the bytes of one pass: an in-place apply of a 4 GB file shows 4 GB, not 8', () => {
    const s = stream(true);
    const bar = progressBar('apply', s, true, { passBytes: 4e9 });
    bar.onProgress!({ doneBytes: 4e9, totalBytes: 8e9 }); // x read and written: the engine counts both
    bar.onProgress!({ doneBytes: 8e9, totalBytes: 8e9 });
    bar.done();
    expect(s.out.join('')).toMatch(/ 50%  2.00 GB\/4.00 GB [\s\S]*100%  4.00 GB\/4.00 GB /);
  });

  it('stays silent off a TTY, when disabled, and for small calls', () => {
    for (const [tty, on, total] of [[false, true, 2 ** 40], [true, false, 2 ** 40], [true, true, 1024]] as const) {
      const s = stream(tty);
      const bar = progressBar('sum', s, on);
      bar.onProgress?.({ doneBytes: total, totalBytes: total });
      bar.done();
      expect(s.out).toEqual([]);
    }
  });

  it('renders a full bar with bytes done/total, rate and ETA', () => {
    expect(renderBar('x', 10, 10, 1)).toBe(`x [${'#'.repeat(30)}] 100%  10 B/10 B  0.00 GB/s  ETA 0:00`);
    expect(renderBar('sum', 1.5e9, 6e9, 0.5, 100)).toBe(`sum [${'#'.repeat(8)}${' '.repeat(22)}]  25%  1.50 GB/6.00 GB  3.00 GB/s  ETA 0:02`);
    expect(renderBar('sum', 0, 6e9, 0, 100)).toMatch(/  0%  0 B\/6.00 GB  0.00 GB\/s  ETA --:--$/);
  });

  it('never wraps: at most columns - 1 characters at any width, the bar shrinking first', () => {
    for (let columns = 1; columns <= 160; columns++) {
      for (const [label, done, total] of [['nanargmax', 1.5e9, 6e9], ['count_nonzero', 123456789012, 987654321098]] as const) {
        const line = renderBar(label, done, total, 3.7, columns);
        expect(line.length, `${columns} columns: ${line}`).toBeLessThanOrEqual(Math.max(1, columns - 1));
        if (columns >= 5) expect(line).toMatch(/\d+%/);
      }
    }
    expect(renderBar('sum', 1.5e9, 6e9, 0.5, 60)).toMatch(/^sum \[#+ *\]  25%  1.50 GB\/6.00 GB  3.00 GB\/s  ETA 0:02$/);
  });

  it('draws within the stream\'s width', () => {
    const s = { ...stream(true), columns: 40 };
    const bar = progressBar('sum', s, true);
    bar.onProgress!({ doneBytes: PROGRESS_MIN_BYTES, totalBytes: 4 * PROGRESS_MIN_BYTES });
    const drawn = s.out.join('').replace('\r', '').replace('\x1b[K', ''); // the clear-to-end-of-line escape takes no column
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.length).toBeLessThanOrEqual(39);
  });
});
