/**
 * numpy's printing, against strings numpy 2.4 printed (repr of arrays, print of scalars).
 */
import { describe, expect, it } from 'vitest';
import { arrayRepr } from '../dist/src/print/repr.js';
import { jsonScalar, textScalar } from '../dist/src/print/format.js';

const F = (a: number[]): Float64Array => new Float64Array(a);

describe('numpy repr', () => {
  it.each([
    [[3], 'float64', F([1.5, 2.25, 3]), 'array([1.5 , 2.25, 3.  ])'],
    [[2], 'float64', F([1e-5, 1.5]), 'array([1.0e-05, 1.5e+00])'],
    [[4], 'float64', F([1e-5, -1.5, NaN, -Infinity]), 'array([ 1.0e-05, -1.5e+00,      nan,     -inf])'],
    [[2], 'float32', F([Math.fround(0.1), Math.fround(0.2)]), 'array([0.1, 0.2], dtype=float32)'],
    [[2], 'float32', F([1e7, 1]), 'array([1.e+07, 1.e+00], dtype=float32)'],
    [[2000], 'float64', F([...Array(2000).keys()]), 'array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03], shape=(2000,))'],
    [[2], 'bool', new Uint8Array([1, 0]), 'array([ True, False])'],
    [[3], 'int32', new Int32Array([1, -20, 300]), 'array([  1, -20, 300], dtype=int32)'],
    [[0, 3], 'float64', F([]), 'array([], shape=(0, 3), dtype=float64)'],
  ] as const)('%j %s', (shape, dtype, data, want) => {
    expect(arrayRepr(shape, dtype, data)).toBe(want);
  });

  it('wraps at 75 columns and abridges 2-D arrays', () => {
    const r = arrayRepr([500, 3], 'int64', new BigInt64Array([...Array(1500).keys()].map(BigInt)));
    expect(r).toBe('array([[   0,    1,    2],\n       [   3,    4,    5],\n       [   6,    7,    8],\n       ...,\n'
      + '       [1491, 1492, 1493],\n       [1494, 1495, 1496],\n       [1497, 1498, 1499]], shape=(500, 3))');
  });
});

describe('scalars', () => {
  it.each([
    [65504, 'float16', '6.55e+04'], [Math.fround(0.1), 'float32', '0.1'], [Math.fround(1e-5), 'float32', '1e-05'],
    [1e16, 'float64', '1e+16'], [123456789012345.6, 'float64', '123456789012345.6'], [-0, 'float64', '-0.0'],
    [Math.fround(123456789), 'float32', '1.2345679e+08'], [Math.fround(0.0001), 'float32', '1e-04'], [1.5, 'float64', '1.5'],
    [NaN, 'float64', 'nan'], [-Infinity, 'float32', '-inf'], [7n, 'int64', '7'], [true, 'bool', 'True'],
  ] as const)('%s as %s prints %s', (v, dt, want) => {
    expect(textScalar(v, dt)).toBe(want);
  });

  it('encodes JSON scalars', () => {
    expect(jsonScalar(NaN, 'float64')).toBe('nan');
    expect(jsonScalar(Infinity, 'float64')).toBe('inf');
    expect(jsonScalar(-Infinity, 'float32')).toBe('-inf');
    expect(jsonScalar(2n ** 63n - 1n, 'int64')).toBe('9223372036854775807');
    expect(jsonScalar(42n, 'int64')).toBe(42);
    expect(jsonScalar(Math.fround(0.1), 'float32')).toBe(0.1);
  });
});
