// openNpy(path, { dtype }): the file's dtype is checked against the one asked for (and typed by it)
// before anything is mapped — a float64 file asked for as float32 is ERR_NDMMAP_DTYPE, not a
// Float32Array view of float64 bytes.
import { describe, expect, it } from 'vitest';
import { createNpy, openNpy } from '../dist/src/index.js';
import { tempDir } from './helpers.js';

describe('openNpy with a dtype', () => {
  it('opens a file of that dtype, refuses another (naming both), byte order only when spelled', () => {
    const t = tempDir();
    try {
      const f8 = t.file('a.npy');
      createNpy(f8, { dtype: 'float64', shape: [3] }).close();
      const be = t.file('b.npy');
      createNpy(be, { dtype: '>i2', shape: [2] }).close();
      const a = openNpy(f8, { mode: 'r', dtype: 'float64' });
      expect(a.typedArray()).toBeInstanceOf(Float64Array);
      a.close();
      expect(openNpy(f8, { mode: 'r', dtype: '<f8' }).dtype.name).toBe('float64');
      expect(() => openNpy(f8, { mode: 'r', dtype: 'float32' })).toThrow(expect.objectContaining({
        code: 'ERR_NDMMAP_DTYPE', path: f8, message: `${f8} holds float64 data, not float32 (the dtype option)`,
      }));
      expect(openNpy(be, { mode: 'r', dtype: 'int16' }).dtype.str).toBe('>i2');
      expect(openNpy(be, { mode: 'r', dtype: '>i2' }).dtype.str).toBe('>i2');
      expect(() => openNpy(be, { mode: 'r', dtype: '<i2' })).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_DTYPE', message: expect.stringMatching(/holds >i2 data, not <i2/) }));
      expect(() => openNpy(f8, { mode: 'r', dtype: 'flaot64' as never })).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_DTYPE' }));
    } finally {
      t.remove();
    }
  });
});
