/**
 * Every reduction under random float64 data full of ±inf, NaN, ±0.0, huge and tiny magnitudes, on the
 * inline and the pool path, whole and along an axis, against a plain JavaScript oracle of numpy's
 * special-value rules (the exact values are pinned by numpy-made fixtures elsewhere; here the point is
 * that no mix of special values breaks a rule): NaN and inf propagate the way numpy's loops propagate
 * them, extremes and indices are exact, counts are exact, sums and means of finite data are close to
 * a correctly rounded sum. The same holds for float16 data in every layout (C, transposed, reversed,
 * strided, byte-swapped), where numpy's float32 accumulators and its buffers decide the rounding.
 * Fixed seeds keep CI deterministic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, shutdown, type MemMap, type NDResult } from '../../dist/src/index.js';
import { numberToHalf, roundHalf } from '../../dist/src/dtype.js';

const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const dir = fs.mkdtempSync(path.join(base, 'ndmmap-rel-special-'));
afterAll(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SPECIAL = [Infinity, -Infinity, NaN, 0, -0, 1e308, -1e308, 5e-324, -5e-324, 1e-300, 2.5, -1];
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 5, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
);

/** Exact sum of finite doubles (Shewchuk), for "close to correctly rounded". */
function fsum(xs: number[]): number {
  const parts: number[] = [];
  for (let x of xs) {
    let i = 0;
    for (let y of parts) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) parts[i++] = lo;
      x = hi;
    }
    parts.length = i;
    parts.push(x);
  }
  return parts.reduce((a, b) => a + b, 0);
}

/** numpy's rules for one slice. */
const oracle: Record<string, (xs: number[]) => number | boolean | 'error'> = {
  sum: (xs) => (xs.some(Number.isNaN) || (xs.includes(Infinity) && xs.includes(-Infinity)) ? NaN : xs.includes(Infinity) ? Infinity : xs.includes(-Infinity) ? -Infinity : NaN),
  min: (xs) => (xs.length === 0 ? 'error' : xs.some(Number.isNaN) ? NaN : Math.min(...xs)),
  max: (xs) => (xs.length === 0 ? 'error' : xs.some(Number.isNaN) ? NaN : Math.max(...xs)),
  nanmin: (xs) => { const f = xs.filter((x) => !Number.isNaN(x)); return xs.length === 0 ? 'error' : f.length === 0 ? NaN : Math.min(...f); },
  nanmax: (xs) => { const f = xs.filter((x) => !Number.isNaN(x)); return xs.length === 0 ? 'error' : f.length === 0 ? NaN : Math.max(...f); },
  argmin: (xs) => { if (xs.length === 0) return 'error'; const n = xs.findIndex(Number.isNaN); if (n >= 0) return n; return xs.indexOf(Math.min(...xs)); },
  argmax: (xs) => { if (xs.length === 0) return 'error'; const n = xs.findIndex(Number.isNaN); if (n >= 0) return n; return xs.indexOf(Math.max(...xs)); },
  count_nonzero: (xs) => xs.filter((x) => x !== 0).length,
  any: (xs) => xs.some((x) => x !== 0),
  all: (xs) => xs.every((x) => x !== 0),
};

/** Compare one result with the oracle; sums/means/var/prod get their own class checks. */
function check(op: string, xs: number[], got: unknown, what = xs.length > 30 ? `${xs.length} values` : String(xs)): void {
  const finite = xs.every(Number.isFinite);
  if (op === 'sum' || op === 'mean') {
    if (!finite) { expect(Object.is(got, oracle.sum(xs)), `${op} of ${what} gave ${String(got)}`).toBe(true); return; }
    // scaled by 2^-100 (exact for everything but values far below the sum's last bit), so the exact
    // sum of huge values can be formed without overflowing: it is inf only when the real sum is
    const exact = fsum(xs.map((x) => x * 2 ** -100)) * 2 ** 100;
    const want = op === 'sum' ? exact : exact / xs.length;
    if (!Number.isFinite(want)) { expect(Number.isFinite(got as number)).toBe(false); return; }
    const scale = xs.reduce((a, x) => a + Math.abs(x), 0) / (op === 'mean' ? xs.length : 1);
    expect(Math.abs((got as number) - want), `${op} of ${what}`).toBeLessThanOrEqual(1e-13 * scale + 1e-300);
    return;
  }
  if (op === 'var' || op === 'std') {
    if (xs.length === 0) { expect(Number.isNaN(got as number)).toBe(true); return; }
    if (!finite) { expect(Number.isNaN(got as number), `${op} of ${what} gave ${String(got)}`).toBe(true); return; }
    expect((got as number) >= 0 || Number.isNaN(got as number)).toBe(true);
    return;
  }
  if (op === 'prod') {
    // numpy multiplies one factor after the other: JS doubles do exactly that (underflow to ±0 and
    // overflow to ±inf included); the engine may round differently only in the last bits
    const seq = xs.reduce((p, x) => p * x, 1);
    const g = got as number;
    if (Number.isNaN(seq) || !Number.isFinite(seq) || seq === 0) expect(Object.is(g, seq), `prod of ${what}: ${g}, sequentially ${seq}`).toBe(true);
    else expect(Math.abs(g - seq), `prod of ${what}`).toBeLessThanOrEqual(Math.abs(seq) * 1e-13);
    return;
  }
  const w = oracle[op](xs);
  if (typeof w === 'number' && Number.isNaN(w)) expect(Number.isNaN(got as number), `${op} of ${what}`).toBe(true);
  // which zero a min/max of mixed ±0.0 gives is not specified by numpy (its SIMD lanes decide)
  else if (w === 0 && !op.startsWith('arg') && op !== 'count_nonzero') expect(got === 0, `${op} of ${what}: ${String(got)}`).toBe(true);
  else expect(got, `${op} of ${what}`).toEqual(w);
}

const OPS = ['sum', 'mean', 'prod', 'var', 'std', 'min', 'max', 'nanmin', 'nanmax', 'argmin', 'argmax', 'count_nonzero', 'any', 'all'];
const METHOD: Record<string, string> = { count_nonzero: 'countNonzero' };

describe('special values in every reduction (fast-check, fixed seeds)', () => {
  it.each([['inline', false], ['pool', true]] as const)('%s path: whole array and rows, every rule holds', async (_, pool) => {
    let k = 0;
    await fc.assert(fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 24 }), async (row) => {
      // copies of the row make a pool-sized array (> 512 KiB) whose slices are known
      const repeat = pool ? Math.ceil(2 ** 16 / row.length) + 1 : 1;
      const xs = Array.from({ length: row.length * repeat }, (_, i) => row[i % row.length]);
      const file = path.join(dir, `r${k++}.f8`);
      fs.writeFileSync(file, new Uint8Array(Float64Array.from(xs).buffer));
      const a = memmap(file, { dtype: 'float64', mode: 'r' });
      const m = a.reshape([repeat, row.length]);
      try {
        for (const op of OPS) {
          const f = (x: typeof a) => (x as unknown as Record<string, (o?: object) => Promise<unknown>>)[METHOD[op] ?? op].bind(x);
          check(op, xs, await f(a)(), `${repeat} copies of ${row}`);
          const rows = (await f(m)({ axis: 1 })) as NDResult;
          check(op, row, op === 'argmin' || op === 'argmax' || op === 'count_nonzero' ? Number(rows.data[0]) : op === 'any' || op === 'all' ? rows.data[0] !== 0 : rows.data[0]);
          check(op, row, op === 'argmin' || op === 'argmax' || op === 'count_nonzero' ? Number(rows.data[rows.data.length - 1]) : op === 'any' || op === 'all' ? rows.data[rows.data.length - 1] !== 0 : rows.data[rows.data.length - 1]);
        }
      } finally {
        a.close();
        fs.rmSync(file);
      }
    }), { seed: 20261127, numRuns: pool ? 12 : 300 });
  });
});

// float16: values inside the range where no partial sum overflows (so the rules are the data's, not a
// buffer's), plus every special value; laid out in the ways numpy coalesces, buffers or byte-swaps.
const HALF_SPECIAL = [Infinity, -Infinity, NaN, 0, -0, 6e-8, -6e-8, 6.1e-5, 0.1, -2.5, 1000];
const half = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HALF_SPECIAL) },
  { weight: 5, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) },
).map(roundHalf);
type Grid = number[][];
const transpose = (g: Grid): Grid => (g.length === 0 ? [] : g[0].map((_, j) => g.map((r) => r[j])));
/** Each view as a MemMap view and as the same view of the values in JS (rows of columns). */
const VIEWS: [string, (m: MemMap) => MemMap, (g: Grid) => Grid][] = [
  ['C', (m) => m, (g) => g], ['T', (m) => m.T, transpose], ['[::-1]', (m) => m.slice('::-1'), (g) => [...g].reverse()],
  ['[:, ::-1]', (m) => m.slice(':', '::-1'), (g) => g.map((r) => [...r].reverse())],
  ['[::2]', (m) => m.slice('::2'), (g) => g.filter((_, i) => i % 2 === 0)],
  ['T[::-1]', (m) => m.T.slice('::-1'), (g) => transpose(g).reverse()], ['[:, 1:]', (m) => m.slice(':', '1:'), (g) => g.map((r) => r.slice(1))],
];
const ulp16 = (x: number): number => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(x) || 1)), -14) - 10);

/** numpy's float16 rules for a flat list of the values reduced (C order of the view). */
function checkHalf(op: string, xs: number[], got: number, what: string): void {
  expect(roundHalf(got), `${op} of ${what}: ${got} is a float16`).toBe(got);
  const nanSkip = op.startsWith('nan');
  const vals = nanSkip ? xs.filter((x) => !Number.isNaN(x)) : xs;
  if (op === 'max' || op === 'min' || op === 'nanmax' || op === 'nanmin') {
    const hi = op.endsWith('max');
    const w = vals.length === 0 ? NaN : !nanSkip && vals.some(Number.isNaN) ? NaN
      : vals.reduce((m, x) => (hi ? Math.max(m, x) : Math.min(m, x)), hi ? -Infinity : Infinity);
    if (Number.isNaN(w)) expect(Number.isNaN(got), `${op} of ${what}`).toBe(true);
    else expect(got === w, `${op} of ${what}: ${got} vs ${w}`).toBe(true);
    return;
  }
  const special = vals.some((x) => !Number.isFinite(x));
  if (op === 'sum' || op === 'nansum' || op === 'mean' || op === 'nanmean') {
    if (special) { expect(Object.is(got, oracle.sum(vals)), `${op} of ${what}: ${got}`).toBe(true); return; }
    const exact = fsum(vals) / (op.endsWith('mean') ? vals.length : 1);
    if (vals.length === 0) { expect(op.endsWith('mean') ? Number.isNaN(got) : got === 0).toBe(true); return; }
    const total = vals.reduce((a, x) => a + Math.abs(x), 0);
    // mean sums float16 in float32; nanmean (and sum, nansum) in float16, whose running sum can leave
    // the range on the way (numpy's buffers): a sum beyond it is inf
    if (op !== 'mean' && total >= 65504) {
      const s = roundHalf(op === 'nanmean' ? exact * vals.length : exact);
      if (!Number.isFinite(s)) expect(got, `${op} of ${what}`).toBe(s);
      return;
    }
    // numpy's buffers round the running float16 sum every 8192 elements (byte-swapped or uncoalesced
    // layouts): at most half an ulp of the result's scale per buffer, and one for the final rounding
    const scale = op.endsWith('mean') ? Math.abs(exact) + 50 : total;
    const slack = ulp16(scale) * (1 + Math.ceil(xs.length / 8192)) + ulp16(exact);
    expect(Math.abs(got - exact), `${op} of ${what}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(slack);
    return;
  }
  // var, std, nanvar, nanstd: NaN where numpy's is (an inf or NaN among the values, an empty nan slice), else >= 0
  if (special || vals.length === 0) expect(Number.isNaN(got), `${op} of ${what}: ${got}`).toBe(true);
  else expect(got >= 0, `${op} of ${what}: ${got}`).toBe(true);
}

const HALF_OPS = ['sum', 'mean', 'nansum', 'nanmean', 'max', 'min', 'nanmax', 'nanmin', 'var', 'std', 'nanvar', 'nanstd'];

describe('float16 in every layout and byte order (fast-check, fixed seeds)', () => {
  it.each([['inline', false], ['pool', true]] as const)('%s path: numpy\'s rules for every reduction', async (_, pool) => {
    let k = 0;
    await fc.assert(fc.asyncProperty(fc.array(half, { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 6 }),
      fc.constantFrom(...VIEWS), fc.boolean(), async (row, cols, [vname, view, jsView], swapped) => {
        // whole rows of `cols` columns, repeated to a pool-sized array when asked (> 512 KiB)
        const rows = Math.ceil(row.length / cols) * (pool ? Math.ceil(2 ** 18 / (row.length + cols)) : 1);
        const n = rows * cols;
        const xs = Array.from({ length: n }, (_, i) => row[i % row.length]);
        const file = path.join(dir, `h${k++}.f2`);
        const b = Buffer.alloc(n * 2);
        xs.forEach((x, i) => { if (swapped) b.writeUInt16BE(numberToHalf(x), 2 * i); else b.writeUInt16LE(numberToHalf(x), 2 * i); });
        fs.writeFileSync(file, b);
        const a = memmap(file, { dtype: swapped ? '>f2' : 'float16', mode: 'r', shape: [rows, cols] });
        try {
          const v = view(a);
          const grid: Grid = Array.from({ length: rows }, (_, i) => xs.slice(i * cols, (i + 1) * cols));
          const flat = jsView(grid).flat();
          expect(flat.length).toBe(v.size);
          const what = `${vname} of ${rows}x${cols}${swapped ? ' >f2' : ''} (${row.slice(0, 8).join(',')}${row.length > 8 ? '…' : ''})`;
          for (const op of HALF_OPS) {
            const call = (v as unknown as Record<string, () => Promise<number>>)[op].bind(v);
            if (flat.length === 0 && /max|min/.test(op)) { await expect(call()).rejects.toMatchObject({ code: 'ERR_NDMMAP_EMPTY' }); continue; }
            checkHalf(op, flat, await call(), what);
          }
        } finally {
          a.close();
          fs.rmSync(file);
        }
      }), { seed: 20261206, numRuns: pool ? 10 : 150 });
  });
});
