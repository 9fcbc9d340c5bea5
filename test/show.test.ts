// Error messages quote the offending value with show(): a long array, typed array or string form names
// its length and first items (a 1e6-element mask passed where a MemMap belongs printed every element,
// megabytes of message); short values print as before.
import { describe, expect, it } from 'vitest';
import { show } from '../dist/src/errors.js';
import { compress, memmap } from '../dist/src/index.js';
import { tempDir } from './helpers.js';

describe('show', () => {
  it('short values print in full, long ones are cut with their length', () => {
    expect(show([2, 3])).toBe('(2, 3)');
    expect(show([7])).toBe('(7,)');
    expect(show(new Uint8Array([1, 0, 1]))).toBe('1,0,1');
    expect(show(Array.from({ length: 20 }, (_, i) => i))).toBe('(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, … 20 items)');
    expect(show(new Float64Array(1_000_000))).toBe(`Float64Array(1000000) [${Array(16).fill('0').join(', ')}, …]`);
    const long = show({ toString: () => 'x'.repeat(5000) });
    expect(long.length).toBeLessThan(260);
    expect(long.endsWith('… (5000 characters)')).toBe(true);
  });
  it('a mask given where the array belongs: a short message', async () => {
    const tmp = tempDir('ndmmap-show-');
    try {
      const a = memmap(tmp.file('a.f4'), { dtype: 'float32', mode: 'w+', shape: [4, 3] });
      const mask = new Uint8Array(1_000_000);
      const e = (await compress(mask as never, a, { axis: 0 }).then(() => ({}), (err: unknown) => err)) as { code?: string; message: string };
      expect(e.code).toBe('ERR_INVALID_ARG_TYPE');
      expect(e.message.length).toBeLessThan(200);
      expect(e.message).toContain('Uint8Array(1000000)');
      a.close();
    } finally { tmp.remove(); }
  });
});
