/**
 * numpy's values for `out[...] = expr` (test/fixtures/expr/values.json, made by make_values.py): every
 * operator over every dtype pair class and Python numbers, every function over every dtype, the casts,
 * where/clip, per-operation rounding and wraparound chains, constants, and numpy's errors. Results
 * must equal numpy's bit for bit (NaN payloads aside), except for the functions numpy does not round
 * correctly: there ndmmap must be within 1 ulp of the exact value (mpmath).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap } from '../../dist/src/index.js';
import { manifest } from '../helpers.js';
import { type Fixture, typedSet, ulpsFrom, valueAt } from './values-helpers.js';

const fx = manifest<Fixture>('expr', 'values.json');
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const dir = fs.mkdtempSync(path.join(base, 'ndmmap-values-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sets = new Map(Object.entries(fx.sets).map(([k, s]) => [k, typedSet(s)]));
/** Worst ulp distance from the exact value per function, ndmmap's and numpy's, for the report below. */
const worst = new Map<string, { ours: number; numpy: number }>();

async function run(c: Fixture['cases'][number], file: string): Promise<string[]> {
  const vars = Object.fromEntries(Object.entries(c.inputs).map(([k, s]) => [k, sets.get(s)!]));
  if (c.error !== undefined) {
    const out = memmap(file, { dtype: 'float64', mode: 'w+', shape: [fx.n] });
    const err = await out.apply(c.expr, { vars }).then(() => undefined, (e: { code: string; message: string }) => e);
    out.close();
    // numpy's negative integer powers are refused at compile time for a constant exponent, while
    // running for data (ERR_NDMMAP_VALUE); every other numpy error is a compile error here.
    const ok = err !== undefined && err.message.includes(c.error[1]) &&
      (err.code === 'ERR_NDMMAP_EXPR' || (err.code === 'ERR_NDMMAP_VALUE' && /negative integer powers/.test(c.error[1])));
    const typeError = err?.code === 'ERR_NDMMAP_EXPR' && c.error[0].endsWith('TypeError');
    if (!ok && !typeError) return [`numpy raised ${c.error.join(': ')}; ndmmap ${err ? `${err.code}: ${err.message}` : 'did not'}`];
    return [];
  }
  const out = memmap(file, { dtype: c.dtype!, mode: 'w+', shape: c.shape! });
  await out.apply(c.expr, { vars });
  out.close();
  const got = fs.readFileSync(file);
  const want = Buffer.from(c.expected!, 'base64');
  const exact = c.exact === undefined ? undefined : new Float64Array(new Uint8Array(Buffer.from(c.exact, 'base64')).buffer);
  const bad: string[] = [];
  const fn = /^(\w+)\(/.exec(c.expr)?.[1] ?? (c.expr.includes('**') ? 'power' : c.expr);
  for (let i = 0; i * (c.dtype === 'bool' ? 1 : Number(/\d+$/.exec(c.dtype!)![0]) / 8) < want.length; i++) {
    const g = valueAt(got, c.dtype!, i), w = valueAt(want, c.dtype!, i);
    if (exact !== undefined && typeof g === 'number' && Number.isFinite(exact[2 * i])) {
      const e = ulpsFrom(g, exact[2 * i], exact[2 * i + 1], c.dtype!);
      const ws = ulpsFrom(w as number, exact[2 * i], exact[2 * i + 1], c.dtype!);
      const k = `${fn} ${c.dtype}`;
      const prev = worst.get(k) ?? { ours: 0, numpy: 0 };
      worst.set(k, { ours: Math.max(prev.ours, e), numpy: Math.max(prev.numpy, ws) });
      if (!(e < 1)) bad.push(`[${i}] ${g} is ${e.toFixed(3)} ulp from the exact ${exact[2 * i]} (numpy ${w})`);
      continue;
    }
    const same = typeof g === 'number' && typeof w === 'number' ? Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)) : g === w;
    if (!same) bad.push(`[${i}] got ${String(g)}, numpy ${String(w)}`);
  }
  return bad;
}

describe(`apply against numpy ${fx.numpy}`, () => {
  it('has the fixtures', () => expect(fx.cases.length).toBeGreaterThan(2500));
  // One test per fixture group (an operator, a function, chains…), each running all its cases.
  const groups = new Map<string, Fixture['cases']>();
  for (const c of fx.cases) {
    const g = c.group;
    groups.set(g, [...(groups.get(g) ?? []), c]);
  }
  let n = 0;
  for (const [g, cs] of groups) {
    it(`${g} (${cs.length} cases)`, async () => {
      const bad: string[] = [];
      for (const c of cs) {
        const problems = await run(c, path.join(dir, `v${n++}.bin`));
        if (problems.length > 0) bad.push(`${c.name}: ${c.expr} over ${JSON.stringify(c.inputs)}: ${problems.slice(0, 4).join('; ')}`);
      }
      expect(bad).toEqual([]);
    });
  }
  it('reports the worst ulp distance from the exact value, ndmmap and numpy', () => {
    const rows = [...worst].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k.padEnd(18)} ndmmap ${v.ours.toFixed(3)}  numpy ${v.numpy.toFixed(3)}`);
    console.log(`ulp from exact (mpmath), worst over the fixtures:\n${rows.join('\n')}`);
    for (const v of worst.values()) expect(v.ours).toBeLessThan(1);
  });
});
