// Reductions against numpy: every case of reduce/cases.json (values, result dtype and shape, errors),
// with float tolerances derived from numpy's own rounding error, and the precision traps.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dtype, memmap, type NDResult } from '../../dist/src/index.js';
import { roundHalf } from '../../dist/src/dtype.js';
import { FIXTURES, flat, manifest, parseValue } from '../helpers.js';

interface ReduceCase {
  file: string; dtype: string; shape: number[]; order: 'C' | 'F'; offset: number;
  op: 'sum' | 'prod' | 'mean' | 'min' | 'max' | 'var' | 'std' | 'argmin' | 'argmax';
  axis: number | null; ddof: number | null; result_dtype: string | null; result_shape: number[] | null;
  expected: string[] | 'error'; error?: string; exact?: string;
}
const cases = manifest<ReduceCase[]>('reduce');
const open = (c: ReduceCase) =>
  memmap(join(FIXTURES, 'reduce', c.file), { dtype: c.dtype, shape: c.shape, order: c.order, offset: c.offset, mode: 'r' });
const label = (c: ReduceCase) => `${c.file} ${c.op} axis=${c.axis}${c.ddof ? ` ddof=${c.ddof}` : ''}`;

/** The input values behind each output, from toArray() (C order), as doubles. */
function groupsOf(values: unknown[], shape: number[], axis: number | null): number[][] {
  const num = (v: unknown) => (typeof v === 'boolean' ? +v : Number(v));
  if (axis === null) return [values.map(num)];
  const ax = axis < 0 ? axis + shape.length : axis;
  const inner = shape.slice(ax + 1).reduce((a, n) => a * n, 1);
  const n = shape[ax];
  const outer = values.length / (n * inner || 1);
  const out: number[][] = [];
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) out.push(Array.from({ length: n }, (_, k) => num(values[(o * n + k) * inner + i])));
  return out;
}

const U32 = 2 ** -24; // unit roundoff of float32
const ulpHalf = (x: number) => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(x))), -14) - 10);

/**
 * How far our float result may be from numpy's. We accumulate in float64 and merge with Neumaier, so
 * nearly all of the difference is numpy's own rounding error:
 * - float64 (and int mean/var/std): numpy's error is a few ulps here; 1e-12 relative.
 * - float32 sum/mean: numpy adds in float32, strided rows one after another, so its error is bounded
 *   by gamma_n = n * u * sum|x| (u = 2^-24), plus rounding the result.
 * - float32 var/std: numpy's deviations, squares and sums are float32: n * u relative to the result.
 * - float16: numpy's sums go through float32 and round once (1/2 ulp each way); var/std round the
 *   deviations and squares to float16 too (2^-10 relative on the sum of squares): 2 float16 ulps.
 */
function tolerance(c: ReduceCase, expected: number, xs: number[]): number {
  const n = xs.length;
  const absSum = xs.reduce((s, x) => s + Math.abs(x), 0);
  const rd = c.result_dtype!;
  if (rd === '<f4') {
    if (c.op === 'sum') return n * U32 * absSum + U32 * Math.abs(expected);
    if (c.op === 'mean') return (n * U32 * absSum) / n + U32 * Math.abs(expected);
    return n * U32 * Math.abs(expected);
  }
  if (rd === '<f2') return c.op === 'var' || c.op === 'std' ? 2 * ulpHalf(expected) : ulpHalf(expected);
  return 1e-12 * Math.abs(expected);
}

const EXACT_OPS = new Set(['min', 'max', 'argmin', 'argmax']);

describe('reductions match numpy (reduce/cases.json)', () => {
  it.each(cases.map((c) => [label(c), c]))('%s', async (_, c) => {
    const a = open(c);
    const opts = { axis: c.axis, ...(c.ddof === null ? {} : { ddof: c.ddof }) };
    try {
      if (c.expected === 'error') {
        await expect(a[c.op](opts)).rejects.toMatchObject({ code: 'ERR_NDMMAP_EMPTY', message: c.error });
        return;
      }
      const r = await a[c.op](opts);
      const rname = dtype(c.result_dtype!).name;
      let got: unknown[];
      if (c.axis === null) {
        // scalars: bigint for int64/uint64 sums and products, boolean for bool min/max; arg* give a number index
        const kind = typeof r;
        if (c.op === 'argmin' || c.op === 'argmax') expect(kind).toBe('number');
        else if (rname === 'int64' || rname === 'uint64') expect(kind).toBe('bigint');
        else if (rname === 'bool') expect(kind).toBe('boolean');
        else expect(kind).toBe('number');
        got = [r];
      } else {
        const nd = r as NDResult;
        expect(nd.dtype).toBe(rname);
        expect(nd.shape).toEqual(c.result_shape);
        got = [...nd.data];
      }
      const want = c.expected.map((v) => parseValue(v, c.result_dtype!));
      expect(got).toHaveLength(want.length);
      const xs = c.result_dtype!.includes('f') && !EXACT_OPS.has(c.op) ? groupsOf(flat(a.toArray()), c.shape, c.axis) : [];
      got.forEach((g, i) => {
        let w = want[i];
        if (c.axis !== null && typeof g !== 'bigint') {
          // NDResult data: bools as 0/1, int64 arg* as bigint
          if (typeof w === 'boolean') w = +w;
        }
        if (typeof w === 'bigint' || typeof w === 'boolean' || EXACT_OPS.has(c.op) || !c.result_dtype!.includes('f')) {
          const gv = (c.op === 'argmin' || c.op === 'argmax') && typeof g === 'number' ? BigInt(g) : g;
          expect(gv, `${label(c)} [${i}]`).toEqual(w);
          return;
        }
        const gn = g as number;
        const wn = w as number;
        if (Number.isNaN(wn) || !Number.isFinite(wn)) { expect(Object.is(gn, wn), `${label(c)} [${i}]: ${gn}`).toBe(true); return; }
        if (c.result_dtype === '<f4') expect(Math.fround(gn), 'a float32 value').toBe(gn);
        if (c.result_dtype === '<f2') expect(roundHalf(gn), 'a float16 value').toBe(gn);
        if (wn === 0) { expect(Object.is(gn, wn), `${label(c)} [${i}] signed zero`).toBe(true); return; }
        const tol = tolerance(c, wn, xs[i] ?? []);
        expect(Math.abs(gn - wn), `${label(c)} [${i}]: ${gn} vs numpy ${wn}, tol ${tol}`).toBeLessThanOrEqual(tol);
      });
    } finally {
      a.close();
    }
  });

  const traps = cases.filter((c) => c.exact !== undefined);
  it.each(traps.map((c) => [label(c), c]))('precision trap %s: no further from the exact value than numpy', async (_, c) => {
    const a = open(c);
    const got = (await a[c.op]({ axis: c.axis })) as number;
    a.close();
    const exact = Number(c.exact);
    const numpy = Number((c.expected as string[])[0]);
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(Math.abs(numpy - exact));
  });

  it('covers every op, the error cases and the traps', () => {
    expect(new Set(cases.map((c) => c.op)).size).toBe(9);
    expect(cases.filter((c) => c.expected === 'error').length).toBeGreaterThan(20);
    expect(traps).toHaveLength(4);
  });
});

describe('edge shapes', () => {
  it('a 0-d view reduces to its element; zero outputs need no identity (numpy returns an empty array)', async () => {
    const { tempDir } = await import('../helpers.js');
    const tmp = tempDir();
    const a = memmap(tmp.file('z.f8'), { dtype: 'float64', mode: 'w+', shape: [3, 4] });
    a.assign([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    const z = a.slice(1, 2);
    expect([await z.sum(), await z.argmax(), await z.mean(), await z.var(), await z.min()]).toEqual([7, 0, 7, 0, 7]);
    const none = a.slice('0:0'); // shape (0, 4)
    expect(await none.min({ axis: 1 })).toEqual({ shape: [0], dtype: 'float64', data: new Float64Array(0) });
    await expect(none.min({ axis: 0 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_EMPTY', message: 'zero-size array to reduction operation minimum which has no identity' });
    expect([...((await none.sum({ axis: 0 })) as NDResult).data]).toEqual([0, 0, 0, 0]);
    expect([...((await a.argmax({ axis: 0 })) as NDResult).data]).toEqual([2n, 2n, 2n, 2n]);
    expect(await a.T.argmin()).toBe(0);
    a.close();
    tmp.remove();
  });
});
