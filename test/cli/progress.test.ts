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

  it('stays silent off a TTY, when disabled, and for small calls', () => {
    for (const [tty, on, total] of [[false, true, 2 ** 40], [true, false, 2 ** 40], [true, true, 1024]] as const) {
      const s = stream(tty);
      const bar = progressBar('sum', s, on);
      bar.onProgress?.({ doneBytes: total, totalBytes: total });
      bar.done();
      expect(s.out).toEqual([]);
    }
  });

  it('renders a full bar', () => {
    expect(renderBar('x', 10, 10, 1)).toBe(`x [${'#'.repeat(30)}] 100%  0.00 GB/s`);
  });
});
