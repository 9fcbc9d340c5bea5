/**
 * The expression language under random input: random text is either a parse error
 * (ERR_NDMMAP_EXPR) or a program that runs; generated well-formed expressions give exactly the
 * float64 results of the same arithmetic in JS. Nothing is ever executed as code: a global canary and
 * trapped eval/Function prove it. Fixed seeds keep CI deterministic.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NdmmapError, dtype, memmap, shutdown, type MemMap } from '../../dist/src/index.js';
import { compileExpr } from '../../dist/src/expr/index.js';
import { trapEvaluators } from './helpers.js';

const RUNS = 1000;
const F8 = dtype('float64');
// tmpfs when there is one: apply() msyncs its output, which on a disk costs a write per run.
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const dir = fs.mkdtempSync(path.join(base, 'ndmmap-rel-expr-'));

/** Inputs that stress IEEE corners: signed zeros, NaN, infinities, subnormals, huge and tiny values. */
const XS = [0, -0, 1, -1, 2.5, -3.75, NaN, Infinity, -Infinity, 1e308, -1e-308, 5e-324, 0.1, 7, -7, 1e16];
const YS = [3, -2, 0, -0, NaN, 0.5, -Infinity, Infinity, 1e-300, -1e300, 2, -1, 0.3, 13, -13, 1];

let x: MemMap, y: MemMap, out: MemMap;


beforeAll(() => {
  x = memmap(path.join(dir, 'x.f8'), { dtype: 'float64', mode: 'w+', shape: XS.length });
  y = memmap(path.join(dir, 'y.f8'), { dtype: 'float64', mode: 'w+', shape: YS.length });
  out = memmap(path.join(dir, 'out.f8'), { dtype: 'float64', mode: 'w+', shape: XS.length });
  x.assign(XS);
  y.assign(YS);
});
afterAll(async () => {
  for (const m of [x, y, out]) m?.close();
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

trapEvaluators();

/** A generated expression: its text (fully parenthesised) and its value per element, in JS doubles. */
interface Gen { text: string; f: (x: number, y: number) => number }

const { expr } = fc.letrec<{ expr: Gen; leaf: Gen }>((tie) => ({
  leaf: fc.oneof(
    fc.constant<Gen>({ text: 'x', f: (a) => a }),
    fc.constant<Gen>({ text: 'y', f: (_a, b) => b }),
    fc.integer({ min: 0, max: 1000 }).map((n): Gen => ({ text: String(n), f: () => n })),
    fc.constantFrom(0.5, 0.25, 1.5, 1e-3, 2.75, 1e10).map((n): Gen => ({ text: String(n), f: () => n })),
    fc.constant<Gen>({ text: 'pi', f: () => Math.PI }),
    fc.constant<Gen>({ text: 'inf', f: () => Infinity }),
    fc.constant<Gen>({ text: 'nan', f: () => NaN }),
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    fc.tuple(fc.constantFrom('+', '-', '*', '/'), tie('expr'), tie('expr')).map(([op, a, b]): Gen => ({
      text: `(${a.text} ${op} ${b.text})`,
      f: op === '+' ? (u, v) => a.f(u, v) + b.f(u, v) : op === '-' ? (u, v) => a.f(u, v) - b.f(u, v)
        : op === '*' ? (u, v) => a.f(u, v) * b.f(u, v) : (u, v) => a.f(u, v) / b.f(u, v),
    })),
    tie('expr').map((a): Gen => ({ text: `(-${a.text})`, f: (u, v) => -a.f(u, v) })),
    tie('expr').map((a): Gen => ({ text: `abs(${a.text})`, f: (u, v) => Math.abs(a.f(u, v)) })),
    tie('expr').map((a): Gen => ({ text: `sqrt(${a.text})`, f: (u, v) => Math.sqrt(a.f(u, v)) })),
    fc.tuple(fc.constantFrom('<', '<=', '>', '>=', '==', '!='), tie('expr'), tie('expr'), tie('expr'), tie('expr'))
      .map(([op, a, b, c, d]): Gen => ({
        text: `where(${a.text} ${op} ${b.text}, ${c.text}, ${d.text})`,
        f: (u, v) => {
          const p = a.f(u, v), q = b.f(u, v);
          const t = op === '<' ? p < q : op === '<=' ? p <= q : op === '>' ? p > q : op === '>=' ? p >= q : op === '==' ? p === q : p !== q;
          return t ? c.f(u, v) : d.f(u, v);
        },
      })),
  ),
}));

const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || (a === 0 && b === 0);

describe('expression language under random input', () => {
  it('generated expressions compute exactly what float64 arithmetic gives', async () => {
    await fc.assert(fc.asyncProperty(expr, async (g) => {
      await x.apply(g.text, { y, out });
      const got = out.typedArray() as Float64Array;
      for (let i = 0; i < XS.length; i++) {
        const want = g.f(XS[i], YS[i]);
        if (!same(got[i], want)) throw new Error(`${g.text} at x=${XS[i]}, y=${YS[i]}: got ${got[i]}, want ${want}`);
      }
    }), { seed: 0xe1, numRuns: RUNS });
  });

  const TOKENS = ['x', 'y', '1', '2.5', '1e3', '.5', '+', '-', '*', '/', '//', '%', '**', '(', ')', ',', '<', '==', ' ',
    'sqrt', 'where', 'clip', 'min', 'abs', 'pi', 'nan', 'inf', 'e', 'process', 'globalThis', 'constructor', '__proto__',
    'eval', 'require', '.', '[', ']', ';', '=', '"', "'", '`', '$', '{', '}', '\\', '\n', 'globalThis.__ndmmapCanary=1', '\u0000', 'é'];

  it('random token soup: ERR_NDMMAP_EXPR or a program that runs', async () => {
    const stats = { compiled: 0, rejected: 0 };
    await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }), fc.boolean(), async (toks, twoInputs) => {
      const text = toks.join('');
      let program;
      try {
        program = compileExpr(text, { inputs: twoInputs ? [F8, F8] : [F8], target: F8 });
      } catch (e) {
        if (!(e instanceof NdmmapError) || e.code !== 'ERR_NDMMAP_EXPR') throw new Error(`${JSON.stringify(text)} threw ${String(e)}`);
        stats.rejected++;
        return;
      }
      stats.compiled++;
      expect(program.code).toBeInstanceOf(Uint8Array);
      // it compiled: it must run (through the public API) without throwing or crashing
      await x.apply(text, twoInputs ? { y, out } : { out });
    }), { seed: 0xe2, numRuns: RUNS });
    console.log(`expression token soup: ${JSON.stringify(stats)}`);
    expect(stats.compiled).toBeGreaterThan(10);
    expect(stats.rejected).toBeGreaterThan(100);
  });

  it('random strings (any unicode): only ERR_NDMMAP_EXPR, never another exception', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      try {
        compileExpr(text, { inputs: [F8, F8], target: F8 });
      } catch (e) {
        if (!(e instanceof NdmmapError) || e.code !== 'ERR_NDMMAP_EXPR') throw new Error(`${JSON.stringify(text)} threw ${String(e)}`);
      }
    }), { seed: 0xe3, numRuns: RUNS });
  });

  it('mutated valid expressions: a deleted, duplicated or swapped character never escapes the error contract', () => {
    const mutated = fc.tuple(expr, fc.nat(), fc.nat(), fc.constantFrom('delete', 'dup', 'swap', 'insert'), fc.constantFrom(...TOKENS))
      .map(([g, i, j, kind, tok]) => {
        const s = g.text;
        const a = i % (s.length + 1), b = j % (s.length + 1);
        if (kind === 'delete') return s.slice(0, a) + s.slice(a + 1);
        if (kind === 'dup') return s.slice(0, a) + s.slice(a, b) + s.slice(a);
        if (kind === 'insert') return s.slice(0, a) + tok + s.slice(a);
        const c = [...s]; [c[a], c[b]] = [c[b], c[a]]; return c.join('');
      });
    fc.assert(fc.property(mutated, (text) => {
      try {
        compileExpr(text, { inputs: [F8, F8], target: F8 });
      } catch (e) {
        if (!(e instanceof NdmmapError) || e.code !== 'ERR_NDMMAP_EXPR') throw new Error(`${JSON.stringify(text)} threw ${String(e)}`);
      }
    }), { seed: 0xe4, numRuns: RUNS });
  });
});
