/**
 * `ndmmap apply`: validation before any file is created, then the writes themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectError, ndmmap, tmpdir } from './helpers.js';
import { createNpy, openNpy } from '../../dist/src/index.js';

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

  it('refuses a missing --expr, --out naming FILE in another layout, and a file shorter than --shape, without changing it', () => {
    const src = f8File('src2.f8', [1, 2, 3]);
    expectError(ndmmap(['apply', src, '--dtype', 'f8']), 2, /--expr is required/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x', '--out', src, '--out-dtype', 'f4']), 2, /is FILE .* another layout/);
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

  it('takes --var files and numbers, broadcasts them, and writes --out with the broadcast shape and --out-dtype', () => {
    const src = f8File('src5.f8', [1, 2, 3, 4, 5, 6]);
    const mu = path.join(dir, 'mu5.npy');
    const m = createNpy(mu, { dtype: 'float32', shape: [3] });
    m.assign([0.5, 1, 1.5]);
    m.close();
    const out = path.join(dir, 'out5.npy');
    const r = ndmmap(['apply', src, '--dtype', 'f8', '--shape', '-1,3', '--expr', '(x - mu) * k + i', '--var', 'mu=' + mu, '--var', 'k=2', '--out', out, '--out-dtype', 'float32']);
    expect(r.status, r.stderr).toBe(0);
    const o = openNpy(out, { mode: 'r' });
    expect([o.shape, o.dtype.name]).toEqual([[2, 3], 'float32']);
    expect(o.toArray()).toEqual([[1, 3, 5], [10, 12, 14]]); // (x - mu) * 2 + i
    o.close();
  });

  it('keeps numpy\'s types for --var numbers: 3 is a Python int (int8 stays int8), 3.0 a Python float', () => {
    const src = path.join(dir, 'src6.i1');
    fs.writeFileSync(src, Buffer.from(new Int8Array([100, -100, 7]).buffer));
    const out = path.join(dir, 'out6.npy');
    expect(ndmmap(['apply', src, '--dtype', 'i1', '--expr', 'x * k // 3', '--var', 'k=3', '--out', out, '--out-dtype', 'f8']).status).toBe(0);
    const o = openNpy(out, { mode: 'r' });
    expect(o.toArray()).toEqual([14, -15, 7]); // int8: 300 wraps to 44, 44 // 3 = 14 (numpy)
    o.close();
    expect(ndmmap(['apply', src, '--dtype', 'i1', '--expr', 'x * k // 3', '--var', 'k=3.0', '--out', out, '--out-dtype', 'f8']).status).toBe(0);
    const p = openNpy(out, { mode: 'r' });
    expect(p.toArray()).toEqual([100, -100, 7]);
    p.close();
  });

  it('refuses bad --var, shapes that do not broadcast, --out-dtype without --out; nothing created', () => {
    const src = f8File('src7.f8', [1, 2, 3, 4]);
    const out = path.join(dir, 'out7.f8');
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', 'v', '--out', out]), 2, /NAME=FILE or NAME=NUMBER/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', 'v=1', '--var', 'v=2', '--out', out]), 2, /given twice/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', 'v=' + src, '--out', out]), 2, /must be a \.npy/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', 'v=missing.npy', '--out', out]), 1, /ENOENT|no such file/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', 'sin=1', '--out', out]), 2, /taken by a function/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + mu', '--out', out]), 2, /unknown name 'mu'/);
    const v5 = path.join(dir, 'v5.npy');
    createNpy(v5, { dtype: 'float64', shape: [5] }).close();
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', 'v=' + v5, '--out', out]), 2,
      /operands could not be broadcast together with shapes \(4,\) \(5,\)/);
    const v24 = path.join(dir, 'v24.npy');
    createNpy(v24, { dtype: 'float64', shape: [2, 4] }).close();
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x + v', '--var', 'v=' + v24]), 2, /could not broadcast input array from shape \(2,4\) into shape \(4,\)/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x', '--out-dtype', 'f4']), 2, /--out-dtype needs --out/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x', '--out', out, '--out-dtype', 'f9']), 2, /not understood/);
    expectError(ndmmap(['apply', src, '--dtype', 'f8', '--expr', 'x & 1', '--out', out]), 2, /bitwise_and/);
    expect(fs.existsSync(out)).toBe(false);
    expect(read(src)).toEqual([1, 2, 3, 4]);
  });

  it('infers one -1 dim of --shape from the file size (numpy\'s reshape rule)', () => {
    const src = f8File('src8.f8', Array.from({ length: 12 }, (_, i) => i));
    expect(JSON.parse(ndmmap(['info', src, '--dtype', 'f8', '--shape', '-1,4', '--json']).stdout).shape).toEqual([3, 4]);
    expect(JSON.parse(ndmmap(['sum', src, '--dtype', 'f8', '--shape', '2,-1', '--axis', '1', '--json']).stdout).result).toEqual([15, 51]);
    expectError(ndmmap(['info', src, '--dtype', 'f8', '--shape', '-1,5']), 2, /cannot reshape array of size 12 into shape \(-1,5\)/);
    expectError(ndmmap(['info', src, '--dtype', 'f8', '--shape', '-1,-1']), 2, /only specify one unknown dimension/);
    expectError(ndmmap(['info', src, '--dtype', 'f8', '--shape', '-2,6']), 2, /shape must be integers/);
    expectError(ndmmap(['info', src, '--dtype', 'f8', '--shape', '-1,0']), 2, /cannot reshape/);
    expectError(ndmmap(['info', src, '--dtype', 'f8', '--offset', '4', '--shape', '-1']), 1, /not a whole number/);
    expectError(ndmmap(['create', path.join(dir, 'c.f8'), '--dtype', 'f8', '--shape', '-1,4']), 2, /no file size to infer it from/);
    expect(fs.existsSync(path.join(dir, 'c.f8'))).toBe(false);
  });
});
