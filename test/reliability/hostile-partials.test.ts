/**
 * Hostile partial states (the JSON that sharded runs exchange, e.g. through files): mutated states
 * given to mergePartials either merge or throw an NdmmapError (ERR_NDMMAP_PARTIAL, or
 * ERR_NDMMAP_DTYPE for a dtype name that is not one) — never a TypeError or a hang.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NdmmapError, memmap, mergePartials, reduce, reducePartial, shutdown, type NDResult, type PartialState } from '../../dist/src/index.js';
import { tmpDir, writeF8 } from './helpers.js';

const dir = tmpDir('partials');
const OPS = ['sum', 'prod', 'mean', 'min', 'max', 'var', 'std', 'argmin', 'argmax', 'nansum', 'nanmean', 'nanmin', 'nanargmax', 'nanvar', 'any', 'all', 'count_nonzero', 'ptp'] as const;
const states: PartialState[][] = [];
/** The whole-array result of each state pair's op and axis (same index as `states`). */
const wholes: { op: string; axis: number | null; value: unknown }[] = [];

beforeAll(async () => {
  const f = path.join(dir, 'p.f8');
  writeF8(f, 60, (i) => Math.cos(i) * 3);
  const a = memmap(f, { dtype: 'float64', mode: 'r', shape: [12, 5] });
  for (const op of OPS) {
    for (const axis of [null, 0, 1]) {
      states.push([await reducePartial(op, a, { axis, rows: [0, 5] }), await reducePartial(op, a, { axis, rows: [5, 12] })]);
      wholes.push({ op, axis, value: await reduce(op, a, { axis }) });
    }
  }
  a.close();
});
afterAll(async () => {
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

const junk = fc.oneof(
  fc.constantFrom(null, true, 0, -1, 1e308, NaN, 'nan', 'inf', '-0', '', 'x', '99999999999999999999999', [], {}, [1, 2], { format: 'x' }),
  fc.integer(), fc.double(), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 }),
);

/** Replace one value reached by `path` choices with `v` (or delete it), in a deep copy. */
function mutate(list: PartialState[], picks: number[], v: unknown, del: boolean): unknown {
  const root = JSON.parse(JSON.stringify(list)) as unknown;
  let node = root as Record<string, unknown> | unknown[];
  for (let d = 0; d < picks.length; d++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[picks[d] % keys.length];
    const child = (node as Record<string, unknown>)[k];
    if (d === picks.length - 1 || child === null || typeof child !== 'object') {
      if (del && !Array.isArray(node)) delete (node as Record<string, unknown>)[k];
      else (node as Record<string, unknown>)[k] = v;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return root;
}

describe('hostile partial states', () => {
  it('mutated states merge or throw ERR_NDMMAP_PARTIAL / ERR_NDMMAP_DTYPE', () => {
    const seen = { merged: 0, rejected: 0 };
    fc.assert(fc.property(fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), junk, fc.boolean(), fc.boolean(),
      (which, picks, v, del, reverse) => {
        const base = states[which % states.length];
        const list = mutate(reverse ? [...base].reverse() : base, picks, v, del);
        try {
          mergePartials(list as unknown[]);
          seen.merged++;
        } catch (e) {
          if (!(e instanceof NdmmapError) || !['ERR_NDMMAP_PARTIAL', 'ERR_NDMMAP_DTYPE'].includes(e.code))
            throw new Error(`${JSON.stringify(list).slice(0, 300)} threw ${String(e)}`, { cause: e });
          seen.rejected++;
        }
      }), { seed: 0x9a47, numRuns: 1000 });
    console.log(`hostile partials: ${JSON.stringify(seen)}`);
    expect(seen.rejected).toBeGreaterThan(100);
  });

  it('shapes that would allocate the impossible, or hold nulls, are ERR_NDMMAP_PARTIAL before any allocation', () => {
    for (const bad of [[1, 2 ** 32], [1, null], [2 ** 40, 2 ** 40], [-1, 5], [1.5, 5], 'x', Array(65).fill(1)]) {
      for (const axis of [null, [0], [1]]) {
        const [a, b] = states[0].map((p) => ({ ...p, arrayShape: bad, options: { ...p.options, axis } }));
        let err: unknown;
        try { mergePartials([a, b]); } catch (e) { err = e; }
        expect(err, `shape ${JSON.stringify(bad)}`).toBeInstanceOf(NdmmapError);
        expect((err as NdmmapError).code).toBe('ERR_NDMMAP_PARTIAL');
      }
    }
  });

  it('unmutated states merge to the whole-array result', async () => {
    expect(states.length).toBe(OPS.length * 3);
    const nums = (v: unknown): number[] => (typeof v === 'object' && v !== null ? [...(v as NDResult).data].map(Number) : [Number(v)]);
    for (const [i, list] of states.entries()) {
      const { op, axis, value } = wholes[i];
      const merged = mergePartials(list);
      // extremes, indices and logic are exact; float sums differ only by the merge's reassociation
      if (/min|max|arg|any|all|count|ptp/.test(op)) { expect(merged, `${op} axis=${axis}`).toEqual(value); continue; }
      const [x, y] = [nums(merged), nums(value)];
      expect(x.length, `${op} axis=${axis}`).toBe(y.length);
      const tol = 1e-12 * (/var|std/.test(op) ? 1e3 : 1);
      const off = x.filter((v, k) => !(Number.isFinite(y[k]) ? Math.abs(v - y[k]) <= tol * Math.max(1, Math.abs(y[k])) : Object.is(v, y[k])));
      expect(off, `${op} axis=${axis}: ${x} vs ${y}`).toEqual([]);
    }
  });
});
