// Views by numpy's basic indexing: integer indices, negative indices and steps, '...', transpose,
// reshape; views never copy, so writes through them reach the parent and the file.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memmap, type MemMap } from '../dist/src/index.js';
import { caught, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let a: MemMap; // float64 (4, 6), a[i, j] = 10 i + j
let f: string;
beforeEach(() => {
  tmp = tempDir();
  f = tmp.file('v.f8');
  a = memmap(f, { dtype: 'float64', mode: 'w+', shape: [4, 6] });
  a.assign(Array.from({ length: 4 }, (_, i) => Array.from({ length: 6 }, (_, j) => 10 * i + j)));
});
afterEach(() => { a.close(); tmp.remove(); });

/** The same indexing on a plain nested array, Python style, for one axis. */
const pyRange = (n: number, start: number | null, stop: number | null, step: number): number[] => {
  const out: number[] = [];
  const norm = (v: number | null, d: number, lo: number, hi: number) => (v === null ? d : Math.min(Math.max(v < 0 ? v + n : v, lo), hi));
  if (step > 0) for (let i = norm(start, 0, 0, n); i < norm(stop, n, 0, n); i += step) out.push(i);
  else for (let i = norm(start, n - 1, -1, n - 1); i > norm(stop, -1, -1, n - 1); i += step) out.push(i);
  return out;
};
const grid = (rows: number[], cols: number[]) => rows.map((i) => cols.map((j) => 10 * i + j));

describe('slice()', () => {
  it('an integer index drops the axis; negative counts from the end', () => {
    expect(a.slice(1).shape).toEqual([6]);
    expect(a.slice(1).toArray()).toEqual([10, 11, 12, 13, 14, 15]);
    expect(a.slice(-1).toArray()).toEqual([30, 31, 32, 33, 34, 35]);
    expect(a.slice(null, -2).toArray()).toEqual([4, 14, 24, 34]);
    expect(a.slice(2, -1).shape).toEqual([]);
    expect(a.slice(2, -1).toArray()).toBe(25);
    expect(a.get(-1, -6)).toBe(30);
  });

  it.each([
    ['::-1', null, null, -1],
    ['5:1:-2', 5, 1, -2],
    ['1:10:2', 1, 10, 2],
    ['-2:', -2, null, 1],
    [':-1', null, -1, 1],
    ['::-3', null, null, -3],
    ['-1:-7:-1', -1, -7, -1],
    ['3:3', 3, 3, 1],
  ] as const)("'%s' on the columns is Python's slicing", (text, start, stop, step) => {
    const v = a.slice(':', text);
    const cols = pyRange(6, start, stop, step);
    expect(v.shape).toEqual([4, cols.length]);
    expect(v.toArray()).toEqual(grid([0, 1, 2, 3], cols));
    // the object form means the same
    expect(a.slice(null, { start, stop, step }).toArray()).toEqual(v.toArray());
  });

  it("'::-1' flips rows without copying, and numpy's strides show it", () => {
    const v = a.slice('::-1');
    expect(v.toArray()).toEqual(grid([3, 2, 1, 0], [0, 1, 2, 3, 4, 5]));
    expect(v.strides).toEqual([-48, 8]);
    expect(v.slice('::-1').toArray()).toEqual(a.toArray());
    expect(v.slice('5:1:-2', '5:1:-2').toArray()).toEqual([[5, 3]]); // rows clamp to 3 of the flip: row 0
    expect(a.slice('3:0:-2', '5:1:-2').toArray()).toEqual(grid([3, 1], [5, 3]));
  });

  it("'...' stands for the remaining axes", () => {
    expect(a.slice('...', 2).toArray()).toEqual([2, 12, 22, 32]);
    expect(a.slice(1, '...').toArray()).toEqual([10, 11, 12, 13, 14, 15]);
    expect(a.slice('...').toArray()).toEqual(a.toArray());
    expect(a.slice(1, '...', 2).toArray()).toBe(12);
  });

  it('refuses bad indices with ERR_NDMMAP_INDEX', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => a.slice(4), /^index 4 is out of bounds for axis 0 with size 4$/],
      [() => a.slice(0, -7), /^index -7 is out of bounds for axis 1 with size 6$/],
      [() => a.slice('::0'), /^slice step cannot be zero$/],
      [() => a.slice(0, 0, 0), /^too many indices for array: array is 2-dimensional, but 3 were indexed$/],
      [() => a.slice('...', '...'), /single ellipsis/],
      [() => a.slice('1:a'), /^invalid slice '1:a': slice indices must be integers$/],
      [() => a.slice(1.5), /^only integers and slices are valid indices, got 1.5$/],
      [() => a.get(4, 0), /^index 4 is out of bounds for axis 0 with size 4$/],
      [() => a.get(0), /^expected 2 indices for a 2-d array, got 1$/],
    ];
    for (const [fn, msg] of bad) {
      const e = caught(fn);
      expect(e.code).toBe('ERR_NDMMAP_INDEX');
      expect(e.message).toMatch(msg);
    }
  });
});

describe('transpose() and T', () => {
  it('reverse the axes by default and permute them when asked', () => {
    const t = a.T;
    expect(t.shape).toEqual([6, 4]);
    expect(t.strides).toEqual([8, 48]);
    expect(t.order).toBe('F');
    expect(t.get(5, 3)).toBe(35);
    expect(a.transpose(1, 0).toArray()).toEqual(t.toArray());
    expect(a.transpose(0, 1).toArray()).toEqual(a.toArray());
    const e = caught(() => a.transpose(0, 0));
    expect(e.code).toBe('ERR_NDMMAP_AXIS');
    expect(e.message).toBe("axes don't match array: (0, 0)");
    expect(caught(() => a.transpose(2, 0)).code).toBe('ERR_NDMMAP_AXIS');
  });
});

describe('reshape()', () => {
  it('reshapes a contiguous view, with one -1', () => {
    expect(a.reshape([3, -1]).shape).toEqual([3, 8]);
    expect(a.reshape(-1).toArray()).toEqual(Array.from({ length: 24 }, (_, k) => 10 * Math.floor(k / 6) + (k % 6)));
    expect(a.reshape([2, 2, 6]).get(1, 1, 5)).toBe(35);
    // an F reshape of the F-contiguous transpose
    expect(a.T.reshape([24], 'F').toArray()).toEqual(a.reshape(-1).toArray());
    // a row slice is still contiguous
    expect(a.slice('1:3').reshape([3, 4]).toArray()).toEqual([[10, 11, 12, 13], [14, 15, 20, 21], [22, 23, 24, 25]]);
  });

  it('refuses to copy: non-contiguous views and wrong sizes are ERR_NDMMAP_RESHAPE', () => {
    const bad: [() => unknown, string][] = [
      [() => a.T.reshape([24]), 'cannot reshape a view that is not C-contiguous without copying'],
      [() => a.slice(':', '::2').reshape([12]), 'cannot reshape a view that is not C-contiguous without copying'],
      [() => a.slice('::-1').reshape([24]), 'cannot reshape a view that is not C-contiguous without copying'],
      [() => a.reshape([5, 5]), 'cannot reshape array of size 24 into shape (5, 5)'],
      [() => a.reshape([-1, -1]), 'can only specify one unknown dimension'],
      [() => a.reshape([7, -1]), 'cannot reshape array of size 24 into shape (7, -1)'],
    ];
    for (const [fn, msg] of bad) {
      const e = caught(fn);
      expect(e.code).toBe('ERR_NDMMAP_RESHAPE');
      expect(e.message).toBe(msg);
    }
  });
});

describe('reshape() with a typed-array shape', () => {
  it.each([
    ['Int32Array', new Int32Array([6, 4]), [6, 4]],
    ['Int32Array with -1', new Int32Array([-1, 3]), [8, 3]],
    ['BigInt64Array with -1', new BigInt64Array([2n, -1n, 2n]), [2, 6, 2]],
  ])('%s', (_, shape, want) => {
    const v = a.reshape(shape as never);
    expect(v.shape).toEqual(want);
    expect(v.get(...want.map((n) => n - 1))).toBe(35);
  });
});

describe('writes through views', () => {
  it('reach the parent, other views and the file', () => {
    const col = a.slice(':', -1);          // a[:, -1]
    const flipped = a.slice('::-1', '::-2'); // a[::-1, ::-2]
    col.set(0, 1000);
    expect(a.get(0, 5)).toBe(1000);
    expect(flipped.get(3, 0)).toBe(1000);
    flipped.set([0, 1], -3);               // a[3, 3]
    expect(a.get(3, 3)).toBe(-3);
    a.T.set([2, 1], 0.5);                  // a[1, 2]
    a.reshape(-1).set(23, 77);             // a[3, 5]
    a.flush();
    const bytes = fs.readFileSync(f);
    const at = (i: number, j: number) => bytes.readDoubleLE((i * 6 + j) * 8);
    expect([at(0, 5), at(3, 3), at(1, 2), at(3, 5)]).toEqual([1000, -3, 0.5, 77]);
  });

  it('assign() takes a scalar, a nested array, a typed array or another MemMap', () => {
    a.slice(0).assign(-1);
    expect(a.slice(0).toArray()).toEqual([-1, -1, -1, -1, -1, -1]);
    a.slice('1:3', '::-2').assign([[1, 2, 3], [4, 5, 6]]);
    expect(a.slice(1).toArray()).toEqual([10, 3, 12, 2, 14, 1]);
    expect(a.slice(2).toArray()).toEqual([20, 6, 22, 5, 24, 4]);
    a.slice(':', 0).assign(new Float64Array([9, 8, 7, 6]));
    expect(a.slice(':', 0).toArray()).toEqual([9, 8, 7, 6]);
    const g = memmap(tmp.file('g.i2'), { dtype: 'int16', mode: 'w+', shape: [6, 4] });
    g.assign(Array.from({ length: 6 }, (_, i) => [i, -i, 100 + i, 7]));
    a.assign(g.T); // int16 into float64, transposed
    expect(a.slice(2).toArray()).toEqual([100, 101, 102, 103, 104, 105]);
    a.slice(0).assign(a.slice(1)); // MemMap into a view of the same file
    expect(a.slice(0).toArray()).toEqual([0, -1, -2, -3, -4, -5]);
    g.close();
  });

  it('assign() refuses shapes that do not match, writing nothing', () => {
    const before = a.toArray();
    const bad: [unknown, string][] = [
      [[[1, 2]], 'could not broadcast input array into shape (4, 6)'],
      // array sources go through the native copy since issue 20: numpy's broadcasting and its text
      [new Float64Array(5), 'could not broadcast input array from shape (5,) into shape (4,6)'],
      [a.T, 'could not broadcast input array from shape (6,4) into shape (4,6)'],
    ];
    for (const [v, msg] of bad) {
      const e = caught(() => a.assign(v as never));
      expect(e.code).toBe('ERR_NDMMAP_SHAPE');
      expect(e.message).toBe(msg);
    }
    expect(a.toArray()).toEqual(before);
    // a cast failure part way: numpy casts the whole input before storing anything
    const small = memmapU8();
    const e = caught(() => small.slice('0:3').assign([1, 300, 2]));
    expect(e.code).toBe('ERR_OUT_OF_RANGE');
    expect(e.message).toBe('Python integer 300 out of bounds for uint8');
    expect(small.toArray()).toEqual([0, 0, 0, 0]);
  });
});

let u8: MemMap | undefined;
function memmapU8(): MemMap {
  u8 = memmap(tmp.file('u8.bin'), { dtype: 'uint8', mode: 'w+', shape: [4] });
  return u8;
}
afterEach(() => { u8?.close(); u8 = undefined; });

describe('typedArray()', () => {
  it('is a zero-copy window over contiguous views only', () => {
    const t = a.typedArray() as Float64Array;
    expect(t).toBeInstanceOf(Float64Array);
    expect(t.length).toBe(24);
    t[7] = -8;
    expect(a.get(1, 1)).toBe(-8);
    const row = a.slice(2).typedArray(1, 4) as Float64Array;
    expect([...row]).toEqual([21, 22, 23]);
    expect([...(a.T.typedArray(0, 3) as Float64Array)]).toEqual([0, 1, 2]); // memory order
    const e = caught(() => a.slice(':', 0).typedArray());
    expect(e.code).toBe('ERR_NDMMAP_LAYOUT');
    expect(e.message).toBe('typedArray() needs a contiguous view');
    const r = caught(() => a.typedArray(3, 25));
    expect(r.code).toBe('ERR_OUT_OF_RANGE');
    expect(r.message).toBe('range must satisfy 0 <= start <= stop <= 24, got 3, 25');
  });
});
