// Element types: parsing like np.dtype, numpy's casting for `a[i] = value`, float16 rounding and
// big-endian storage, seen through memmap get/set and the file's bytes.
import fs from 'node:fs';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dtype, memmap } from '../dist/src/index.js';
import { caught, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

describe('dtype()', () => {
  it.each([
    ['float64', 'float64', '<f8'], ['<f8', 'float64', '<f8'], ['d', 'float64', '<f8'], ['>i4', 'int32', '>i4'],
    ['B', 'uint8', '|u1'], ['|u1', 'uint8', '|u1'], ['?', 'bool', '|b1'], ['e', 'float16', '<f2'], ['>f2', 'float16', '>f2'],
    ['=i8', 'int64', '<i8'], ['l', 'int64', '<i8'], ['uint', 'uint64', '<u8'], ['float', 'float64', '<f8'], ['>u1', 'uint8', '|u1'],
  ])('%s is %s (%s)', (spec, name, str) => {
    const d = dtype(spec);
    expect(d.name).toBe(name);
    expect(d.str).toBe(str);
  });

  it.each([
    ['complex256', ' (ndmmap maps complex64 and complex128)'], ['<c32', ' (ndmmap maps complex64 and complex128)'],
    ['<float64', ''], ['f3', ''], ['object', ''], ['', ''],
  ])('refuses %j with ERR_NDMMAP_DTYPE', (spec, hint) => {
    const e = caught(() => dtype(spec));
    expect(e.code).toBe('ERR_NDMMAP_DTYPE');
    expect(e.message).toBe(`data type '${spec}' not understood${hint}`);
  });
});

describe("String(dtype) is numpy's str(dtype); inspect is numpy's repr", () => {
  // [spec, str(np.dtype(spec)), repr(np.dtype(spec))] from numpy 2.4.
  const NUMPY: [string, string, string][] = [
    ['float64', 'float64', "dtype('float64')"], ['<f8', 'float64', "dtype('float64')"], ['>f8', '>f8', "dtype('>f8')"],
    ['=f8', 'float64', "dtype('float64')"], ['|u1', 'uint8', "dtype('uint8')"], ['u1', 'uint8', "dtype('uint8')"],
    ['>u1', 'uint8', "dtype('uint8')"], ['<i2', 'int16', "dtype('int16')"], ['>i2', '>i2', "dtype('>i2')"],
    ['=i4', 'int32', "dtype('int32')"], ['?', 'bool', "dtype('bool')"], ['>?', 'bool', "dtype('bool')"],
    ['<e', 'float16', "dtype('float16')"], ['>e', '>f2', "dtype('>f2')"], ['>i8', '>i8', "dtype('>i8')"],
    ['<u8', 'uint64', "dtype('uint64')"], ['>u8', '>u8', "dtype('>u8')"], ['>b1', 'bool', "dtype('bool')"],
    ['float16', 'float16', "dtype('float16')"], ['>f4', '>f4', "dtype('>f4')"], ['int8', 'int8', "dtype('int8')"],
    ['>i1', 'int8', "dtype('int8')"], ['d', 'float64', "dtype('float64')"], ['>d', '>f8', "dtype('>f8')"],
    ['H', 'uint16', "dtype('uint16')"], ['>H', '>u2', "dtype('>u2')"],
  ];
  it.each(NUMPY)('%s: String %s, inspect %s', (spec, str, repr) => {
    const d = dtype(spec);
    expect(String(d)).toBe(str);
    expect(`${d}`).toBe(str);
    expect(d + '').toBe(str);
    expect(d.toString()).toBe(str);
    expect(inspect(d)).toBe(repr);
  });

  it('a MemMap\'s dtype prints the same', () => {
    const a = memmap(tmp.file('s.i2'), { dtype: '>i2', mode: 'w+', shape: [2] });
    expect(`${a.dtype}`).toBe('>i2');
    a.close();
  });

  it('stays plain frozen data: own fields only, structured-cloneable, JSON as before', () => {
    const d = dtype('>i2');
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.keys(d)).toEqual(['name', 'code', 'itemsize', 'kind', 'byteorder', 'str']);
    expect(Object.getOwnPropertySymbols(d)).toEqual([]);
    const c = structuredClone(d);
    expect(c).toEqual({ name: 'int16', code: d.code, itemsize: 2, kind: 'i', byteorder: '>', str: '>i2' });
    expect(dtype(c)).toBe(d);
    expect(JSON.stringify(d)).toBe(`{"name":"int16","code":${d.code},"itemsize":2,"kind":"i","byteorder":">","str":">i2"}`);
  });
});

describe("set(): numpy's casting for a[i] = value", () => {
  it('integers: out of bounds is ERR_OUT_OF_RANGE with numpy message; floats truncate toward zero', () => {
    const a = memmap(tmp.file('u8'), { dtype: 'uint8', mode: 'w+', shape: [4] });
    const e = caught(() => a.set(0, 300));
    expect(e.code).toBe('ERR_OUT_OF_RANGE');
    expect(e.message).toBe('Python integer 300 out of bounds for uint8');
    expect(caught(() => a.set(0, -1)).message).toBe('Python integer -1 out of bounds for uint8');
    a.set(0, 3.7);
    a.set(1, 255.9);
    a.set(2, true);
    a.set(3, 7n);
    expect(a.toArray()).toEqual([3, 255, 1, 7]);
    a.close();
    const i = memmap(tmp.file('i4'), { dtype: 'int32', mode: 'w+', shape: [3] });
    i.set(0, -3.7);
    i.set(1, 2 ** 31 - 1);
    expect(caught(() => i.set(2, 2 ** 31)).message).toBe('Python integer 2147483648 out of bounds for int32');
    expect(i.toArray()).toEqual([-3, 2 ** 31 - 1, 0]);
    i.close();
  });

  it('NaN and infinity into an integer type are errors and write nothing', () => {
    const a = memmap(tmp.file('i2'), { dtype: 'int16', mode: 'w+', shape: [2] });
    a.set(0, 5);
    const nan = caught(() => a.set(0, NaN));
    expect(nan.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(nan.message).toBe('cannot convert float NaN to integer');
    const inf = caught(() => a.set(0, -Infinity));
    expect(inf.code).toBe('ERR_OUT_OF_RANGE');
    expect(inf.message).toBe('cannot convert float infinity to integer');
    const str = caught(() => a.set(0, '1' as never));
    expect(str.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(a.get(0)).toBe(5);
    a.close();
  });

  it('64-bit integers are bigint in and out, with full range', () => {
    const a = memmap(tmp.file('i8'), { dtype: 'int64', mode: 'w+', shape: [3] });
    a.set(0, -(2n ** 63n));
    a.set(1, 2n ** 63n - 1n);
    a.set(2, 12.9);
    expect(a.toArray()).toEqual([-(2n ** 63n), 2n ** 63n - 1n, 12n]);
    expect(caught(() => a.set(0, 2n ** 63n)).message).toBe('Python integer 9223372036854775808 out of bounds for int64');
    a.close();
    const u = memmap(tmp.file('u8'), { dtype: 'uint64', mode: 'w+', shape: [1] });
    u.set(0, 2n ** 64n - 1n);
    expect(u.get(0)).toBe(2n ** 64n - 1n);
    u.close();
  });

  it('bool stores 0/1 and reads booleans; float32 rounds like numpy', () => {
    const b = memmap(tmp.file('b1'), { dtype: 'bool', mode: 'w+', shape: [3] });
    b.set(0, 5);
    b.set(1, 0.0);
    b.set(2, -0.5);
    expect(b.toArray()).toEqual([true, false, true]);
    b.close();
    expect([...fs.readFileSync(tmp.file('b1'))]).toEqual([1, 0, 1]);
    const f = memmap(tmp.file('f4'), { dtype: 'float32', mode: 'w+', shape: [3] });
    f.set(0, 0.1);
    f.set(1, 1e40);
    f.set(2, -0);
    expect(f.get(0)).toBe(Math.fround(0.1));
    expect(f.get(1)).toBe(Infinity);
    expect(Object.is(f.get(2), -0)).toBe(true);
    f.close();
  });
});

describe('float16', () => {
  it('round-trips through the file with round-to-nearest-even', () => {
    const a = memmap(tmp.file('f2'), { dtype: 'float16', mode: 'w+', shape: [9] });
    const inputs = [0.1, 65504, 65519.99, 65520, 2 ** -24, 2 ** -25, 3 * 2 ** -25, NaN, -0];
    // float16 values numpy stores for these (np.float16(x) from the double)
    const want = [0.0999755859375, 65504, 65504, Infinity, 2 ** -24, 0, 2 ** -23, NaN, -0];
    inputs.forEach((x, i) => a.set(i, x));
    const got = a.toArray() as number[];
    got.forEach((g, i) => expect(Object.is(g, want[i]), `${inputs[i]} -> ${g}`).toBe(true));
    a.flush();
    const bytes = fs.readFileSync(tmp.file('f2'));
    expect(bytes.readUInt16LE(0)).toBe(0x2e66);
    expect(bytes.readUInt16LE(2)).toBe(0x7bff);
    expect(bytes.readUInt16LE(6)).toBe(0x7c00);
    expect(bytes.readUInt16LE(16)).toBe(0x8000);
    a.close();
  });

  it('every non-NaN half bit pattern survives get -> set unchanged', () => {
    const n = 0x10000;
    const a = memmap(tmp.file('all.f2'), { dtype: 'uint16', mode: 'w+', shape: [n] });
    const t = a.typedArray() as Uint16Array;
    for (let h = 0; h < n; h++) t[h] = h;
    const h16 = memmap(tmp.file('all.f2'), { dtype: 'float16', mode: 'r+' });
    const b = memmap(tmp.file('out.f2'), { dtype: 'float16', mode: 'w+', shape: [n] });
    for (let h = 0; h < n; h++) b.set(h, h16.get(h) as number);
    const u = memmap(tmp.file('out.f2'), { dtype: 'uint16', mode: 'r' });
    let mismatches = 0;
    for (let h = 0; h < n; h++) {
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (!isNaN && u.get(h) !== h) mismatches++;
    }
    expect(mismatches).toBe(0);
    for (const m of [a, h16, b, u]) m.close();
  });
});

describe('big-endian', () => {
  it('reads and writes >i4, >f8 and >f2 in big-endian byte order', () => {
    const f = tmp.file('be');
    const a = memmap(f, { dtype: '>i4', mode: 'w+', shape: [2] });
    a.set(0, 0x01020304);
    a.set(1, -2);
    a.flush();
    expect([...fs.readFileSync(f)]).toEqual([1, 2, 3, 4, 0xff, 0xff, 0xff, 0xfe]);
    expect(a.toArray()).toEqual([0x01020304, -2]);
    expect(caught(() => a.typedArray()).code).toBe('ERR_NDMMAP_LAYOUT');
    a.close();
    const d = memmap(f, { dtype: '>f8', mode: 'w+', shape: [1] });
    d.set(0, 1.5);
    d.flush();
    expect(fs.readFileSync(f).readDoubleBE(0)).toBe(1.5);
    d.close();
    const h = memmap(f, { dtype: '>f2', mode: 'w+', shape: [1] });
    h.set(0, 0.1);
    h.flush();
    expect(fs.readFileSync(f).readUInt16BE(0)).toBe(0x2e66);
    expect(h.get(0)).toBe(0.0999755859375);
    h.close();
  });
});
