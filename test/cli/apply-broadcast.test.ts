/**
 * `ndmmap apply FILE` in place with a --var of leading length-1 dims (trust round two, item 16): numpy's
 * `x[...] = x - mu` with x of shape (3,) and mu of shape (1, 3) drops the leading 1 and writes x.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createNpy, openNpy } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';
import { ndmmap } from './helpers.js';

const tmp = tempDir('ndmmap-cli-bcast-');
afterAll(() => tmp.remove());

describe('apply in place broadcasts vars as numpy assigns', () => {
  it('x of (3,) minus mu of (1, 3) in place; (2, 3) is refused with numpy\'s text, FILE unchanged', () => {
    const x = createNpy(tmp.file('x.npy'), { dtype: 'float64', shape: [3] });
    (x.typedArray() as Float64Array).set([1, 2, 3]);
    x.close();
    const mu = createNpy(tmp.file('mu.npy'), { dtype: 'float32', shape: [1, 3] });
    (mu.typedArray() as Float32Array).set([0.5, 1, 1.5]);
    mu.close();
    const r = ndmmap(['apply', tmp.file('x.npy'), '--expr', 'x - mu', '--var', `mu=${tmp.file('mu.npy')}`, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const back = openNpy(tmp.file('x.npy'), { mode: 'r' });
    expect(back.toArray()).toEqual([0.5, 1, 1.5]);
    back.close();
    const wide = createNpy(tmp.file('w.npy'), { dtype: 'float64', shape: [2, 3] });
    wide.close();
    const before = fs.readFileSync(tmp.file('x.npy'));
    const bad = ndmmap(['apply', tmp.file('x.npy'), '--expr', 'x - w', '--var', `w=${tmp.file('w.npy')}`]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/could not broadcast input array from shape \(2,3\) into shape \(3,\)/);
    expect(fs.readFileSync(tmp.file('x.npy')).equals(before)).toBe(true);
  });
});
