// The reduction vocabulary against numpy (reduce2/cases.json, made by make_reduce2_fixtures.py): every
// reduction × dtype × byte order × layout × view × axis (None, int, negative, tuples, ()) × keepdims ×
// dtype= × where= × initial= × ddof × expressions, empty arrays, all-NaN slices, ±inf, -0.0, ties, and
// numpy's errors. Floats are compared within the rounding of the accumulator numpy used (documented
// below); everything else exactly.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDUCE_NAMES, memmap, reduce, type MemMap, type NDResult } from '../../dist/src/index.js';
import { roundHalf } from '../../dist/src/dtype.js';
import { FIXTURES, manifest, parseValue } from '../helpers.js';

interface Operand { file: string; dtype: string; shape: number[]; order: 'C' | 'F'; offset?: number }
interface Case {
  id: string; file: string; dtype: string; shape: number[]; order: 'C' | 'F'; offset: number;
  view: (number | string)[] | null; transpose: boolean; op: string;
  kwargs: { axis: number | number[] | null; keepdims?: boolean; dtype?: string; ddof?: number; initial?: string; where?: Operand };
  expr: { text: string; y: Operand | null } | null;
  result_dtype: string | null; result_shape: number[] | null; expected: string[] | 'error';
  error_type?: string; error?: string; zero_sign_tie?: boolean;
}

const cases = manifest<Case[]>('reduce2');
const dir = join(FIXTURES, 'reduce2');

/**
 * Where ndmmap knowingly differs from numpy, with the reason and how many cases it covers. These cases
 * still run: each must pass, or fail for its stated reason — the counts are pinned, so fixing one (or
 * breaking another) is noticed.
 */
const KNOWN: { re: RegExp; why: string; max: number }[] = [
];

const open = (o: Operand): MemMap => memmap(join(dir, o.file), { dtype: o.dtype, shape: o.shape, order: o.order, offset: o.offset ?? 0, mode: 'r' });

function operand(c: Case, o: Operand): MemMap {
  let a = open(o);
  if (c.view !== null) a = a.slice(...c.view.map((v) => (typeof v === 'number' ? v : v)));
  if (c.transpose) a = a.T;
  return a;
}

function initialOf(s: string): number | bigint {
  if (/^-?\d+$/.test(s)) return Number.isSafeInteger(Number(s)) ? Number(s) : BigInt(s);
  return parseValue(s, '<f8') as number;
}

const ulp = (x: number, bits: number): number => 2 ** (Math.floor(Math.log2(Math.abs(x) || 2 ** -1074)) - bits);

/**
 * How far a float result may be from numpy's: a few units in the last place of the result dtype, more
 * for var/std (numpy squares and sums in the narrow type, the kernel in float64) and for float16/float32
 * sums along outer axes of big slices (numpy rounds every addition).
 */
function close(got: number, want: number, dt: string, op: string): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  if (want === 0) return Math.abs(got) <= (dt === '<f8' ? 1e-300 : 1e-30) || Object.is(got, want);
  const bits = dt === '<f2' ? 10 : dt === '<f4' ? 23 : 52;
  const slack = /var|std/.test(op) ? (dt === '<f8' ? 2 ** 12 : 2 ** 6) : dt === '<f8' ? 2 ** 8 : 2 ** 4;
  return Math.abs(got - want) <= slack * ulp(want, bits);
}

async function run(c: Case): Promise<void> {
  const a = operand(c, c);
  const opts: Record<string, unknown> = { axis: c.kwargs.axis };
  if (c.kwargs.keepdims !== undefined) opts.keepdims = c.kwargs.keepdims;
  if (c.kwargs.dtype !== undefined) opts.dtype = c.kwargs.dtype;
  if (c.kwargs.ddof !== undefined) opts.ddof = c.kwargs.ddof;
  if (c.kwargs.initial !== undefined) opts.initial = initialOf(c.kwargs.initial);
  if (c.kwargs.where !== undefined) opts.where = open(c.kwargs.where);
  if (c.expr !== null) {
    opts.expr = c.expr.text;
    if (c.expr.y !== null) opts.y = operand(c, c.expr.y);
  }
  try {
    if (c.expected === 'error') {
      let err: { code?: string; message?: string } | undefined;
      try { await reduce(c.op, a, opts); } catch (e) { err = e as typeof err; }
      expect(err, `${c.id}: numpy raised ${c.error_type}: ${c.error}`).toBeDefined();
      expect(err!.code, `${c.id}: ${err!.message}`).toMatch(/^ERR_/);
      return;
    }
    const r = await reduce(c.op, a, opts);
    const rdt = c.result_dtype!;
    let got: unknown[];
    if (typeof r === 'object' && r !== null && 'data' in (r as object)) {
      const nd = r as NDResult;
      expect(nd.shape, `${c.id} shape`).toEqual(c.result_shape);
      got = [...nd.data];
    } else {
      expect(c.result_shape, `${c.id}: a scalar`).toEqual([]);
      got = [r];
    }
    const want = c.expected.map((v) => parseValue(v, rdt));
    expect(got.length, `${c.id} length`).toBe(want.length);
    got.forEach((g, i) => {
      const w = want[i];
      if (typeof w === 'number' && rdt.includes('f')) {
        const gn = Number(g);
        if (rdt === '<f4') expect(Math.fround(gn), `${c.id}[${i}] is a float32`).toBe(gn);
        if (rdt === '<f2') expect(roundHalf(gn), `${c.id}[${i}] is a float16`).toBe(gn);
        if (w === 0 && !c.zero_sign_tie) { expect(Object.is(gn, w) || Math.abs(gn) > 0, `${c.id}[${i}] zero sign`).toBe(true); }
        expect(close(gn, w, rdt, c.op), `${c.id}[${i}]: ${gn} vs numpy ${w}`).toBe(true);
        return;
      }
      const norm = (v: unknown): string => (typeof v === 'boolean' ? String(+v) : String(v));
      expect(norm(g), `${c.id}[${i}]`).toBe(norm(w));
    });
  } finally {
    a.close();
  }
}

const known = (c: Case) => KNOWN.find((k) => k.re.test(c.id));

describe('reductions match numpy (reduce2/cases.json)', () => {
  const checked = cases.filter((c) => known(c) === undefined);
  it.each(checked.map((c) => [c.id, c]))('%s', async (_, c) => { await run(c); });

  it('covers every reduction; the known differences fail only where stated, no more often than pinned', async () => {
    expect([...new Set(cases.map((c) => c.op))].sort()).toEqual([...REDUCE_NAMES].sort());
    expect(checked.length).toBeGreaterThan(7000);
    const failed = new Map<string, string[]>();
    for (const c of cases.filter((x) => known(x) !== undefined)) {
      try { await run(c); } catch { const k = known(c)!.why; failed.set(k, [...(failed.get(k) ?? []), c.id]); }
    }
    for (const k of KNOWN) expect((failed.get(k.why) ?? []).length, `${k.why}: ${failed.get(k.why)?.join(', ')}`).toBeLessThanOrEqual(k.max);
  });
});
