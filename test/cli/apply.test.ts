/**
 * `ndmmap apply`: validation before any file is created, then the writes themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function f8File(name: string, values: number[]): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, Buffer.from(new Float64Array(values).buffer));
  return f;
}
const read = (f: string, skip = 0): number[] => { const b = fs.readFileSync(f).subarray(skip); return [...new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length))]; };

describe('apply', () => {
  it('checks the expression before creating --out (exit 2, nothing created)', () => {
    const src = f8File('src1.f8', [1, 2, 3]);
    const out = path.join(dir, 'out1.f8');
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x +', '--out', out]), 2);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'frob(x)', '--out', out]), 2);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + y', '--out', out]), 2);
    expect(fs.existsSync(out)).toBe(false);
    expect(read(src)).toEqual([1, 2, 3]);
  });

  it('refuses a missing --expr, --out naming FILE, and a file shorter than --shape, without changing it', () => {
    const src = f8File('src2.f8', [1, 2, 3]);
    expectError(ndmmap(['apply', src, '--dtype', 'f8']), 2, /--expr is required/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x', '--out', src]), 2, /FILE itself/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--shape', '10', '--expr', 'x * 2']), 1, /greater than file size/);
    expect(fs.statSync(src).size).toBe(24);
  });

  it('writes --out with the input dtype and shape', () => {
    const src = f8File('src3.f8', [1, 2, 3, 4]);
    const out = path.join(dir, 'out3.npy');
    const r = ndmmap(['apply', src, '--dtype', 'f8', '--shape', '2,2', '--expr', 'x * 2 + 1', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(ndmmap(['info', out, '--json']).stdout)).toMatchObject({ shape: [2, 2], dtype: 'float64' });
    expect(read(out, 128)).toEqual([3, 5, 7, 9]);
    expect(read(src)).toEqual([1, 2, 3, 4]);
  });

  it('applies in place', () => {
    const src = f8File('src4.f8', [1, 4, 9]);
    const r = ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'sqrt(x)']);
    expect(r.status, r.stderr).toBe(0);
    expect(read(src)).toEqual([1, 2, 3]);
  });
});
