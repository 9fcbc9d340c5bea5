/**
 * The expression language under random input: random text is either a parse error
 * (ERR_NDMMAP_EXPR) or a program that runs; generated well-formed expressions give exactly the
 * float64 results of the same arithmetic in JS, and generated int8 expressions numpy's wrapping
 * results (a model that wraps after every operation), and sin/cos/tan of huge computed arguments stay
 * within 2 ulp of V8's fdlibm on every path. Nothing is ever executed as code: a global
 * canary and trapped eval/Function prove it. Fixed seeds keep CI deterministic.
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

let x: MemMap, y: MemMap, out: MemMap, x8: MemMap, y8: MemMap, out8: MemMap;
/** A typed-array var for the token soup. */
const MU = Object.assign(new Float64Array(XS.length).map((_, i) => i / 3), { shape: [XS.length] });
const X8 = [0, 1, -1, 127, -128, 7, -7, 100, -100, 3, 64, -64, 2, -2, 126, -127];
const Y8 = [3, -3, 0, -1, 1, 7, 2, -128, 127, 5, -5, 8, 9, -9, 0, 1];


beforeAll(() => {
  x = memmap(path.join(dir, 'x.f8'), { dtype: 'float64', mode: 'w+', shape: XS.length });
  y = memmap(path.join(dir, 'y.f8'), { dtype: 'float64', mode: 'w+', shape: YS.length });
  out = memmap(path.join(dir, 'out.f8'), { dtype: 'float64', mode: 'w+', shape: XS.length });
  x.assign(XS);
  y.assign(YS);
  x8 = memmap(path.join(dir, 'x.i1'), { dtype: 'int8', mode: 'w+', shape: X8.length });
  y8 = memmap(path.join(dir, 'y.i1'), { dtype: 'int8', mode: 'w+', shape: Y8.length });
  out8 = memmap(path.join(dir, 'out.i1'), { dtype: 'int8', mode: 'w+', shape: X8.length });
  x8.assign(X8);
  y8.assign(Y8);
});
afterAll(async () => {
  for (const m of [x, y, out, x8, y8, out8]) m?.close();
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

/** numpy's int8 arithmetic: every operation wraps to [-128, 127]; // and % by 0 give 0; shifts past 7 give 0 or -1. */
const wrap8 = (v: number): number => ((((v + 128) % 256) + 256) % 256) - 128;
const INT8_OPS: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => wrap8(a + b), '-': (a, b) => wrap8(a - b), '*': (a, b) => wrap8(a * b),
  '//': (a, b) => (b === 0 ? 0 : wrap8(Math.floor(a / b))), '%': (a, b) => (b === 0 ? 0 : wrap8(a - Math.floor(a / b) * b)),
  '&': (a, b) => wrap8(a & b), '|': (a, b) => wrap8(a | b), '^': (a, b) => wrap8(a ^ b),
  '<<': (a, b) => (b < 0 || b > 7 ? 0 : wrap8(a << b)), '>>': (a, b) => (b < 0 || b > 7 ? (a < 0 ? -1 : 0) : a >> b),
};

/** int8 expressions: a literal (0..100, a weak Python int) only ever next to an array operand. */
const { int8Expr } = fc.letrec<{ int8Expr: Gen; arr: Gen }>((tie) => ({
  arr: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constant<Gen>({ text: 'x', f: (a) => a }),
    fc.constant<Gen>({ text: 'y', f: (_a, b) => b }),
    fc.tuple(fc.constantFrom(...Object.keys(INT8_OPS)), tie('arr'), tie('arr')).map(([op, a, b]): Gen => ({
      text: `(${a.text} ${op} ${b.text})`, f: (u, v) => INT8_OPS[op](a.f(u, v), b.f(u, v)),
    })),
    fc.tuple(fc.constantFrom(...Object.keys(INT8_OPS)), tie('arr'), fc.integer({ min: 0, max: 100 }), fc.boolean())
      .map(([op, a, n, left]): Gen => ({
        text: left ? `(${n} ${op} ${a.text})` : `(${a.text} ${op} ${n})`,
        f: left ? (u, v) => INT8_OPS[op](n, a.f(u, v)) : (u, v) => INT8_OPS[op](a.f(u, v), n),
      })),
    tie('arr').map((a): Gen => ({ text: `(-${a.text})`, f: (u, v) => wrap8(-a.f(u, v)) })),
    tie('arr').map((a): Gen => ({ text: `(~${a.text})`, f: (u, v) => ~a.f(u, v) })),
    tie('arr').map((a): Gen => ({ text: `abs(${a.text})`, f: (u, v) => wrap8(Math.abs(a.f(u, v))) })),
  ),
  int8Expr: tie('arr'),
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

  it('generated int8 expressions wrap after every operation, as numpy does', async () => {
    await fc.assert(fc.asyncProperty(int8Expr, async (g) => {
      await x8.apply(g.text, { y: y8, out: out8 });
      const got = out8.toArray() as number[];
      for (let i = 0; i < X8.length; i++) {
        const want = g.f(X8[i], Y8[i]);
        if (got[i] !== want) throw new Error(`${g.text} at x=${X8[i]}, y=${Y8[i]}: got ${got[i]}, want ${want}`);
      }
    }), { seed: 0xe5, numRuns: RUNS });
  });

  it('sin, cos and tan of computed values of any magnitude, every path, within 2 ulp of V8 (fdlibm, exact reduction)', async () => {
    // huge arguments (random mantissas up to 1e308, next to multiples of pi/2), through x * 1.0 so the
    // VM computes the argument into a stack slot, on 1 element, a block, in place and into float32
    const huge = fc.oneof(
      fc.tuple(fc.double({ min: 1, max: 10, noNaN: true }), fc.integer({ min: 0, max: 307 }), fc.boolean())
        .map(([m, e, neg]) => (neg ? -1 : 1) * m * 10 ** e),
      fc.tuple(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: -2, max: 2 })).map(([k, d]) => {
        const v = k * (Math.PI / 2);
        return d === 0 ? v : d > 0 ? v * (1 + d * Number.EPSILON) : v / (1 - d * Number.EPSILON);
      }),
    );
    const ulp = (v: number): number => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v) || 1)), -1022) - 52);
    const near = (g: number, w: number, k: number): boolean => (Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= k * ulp(w));
    await fc.assert(fc.asyncProperty(fc.array(huge, { minLength: 1, maxLength: 40 }), fc.constantFrom('sin', 'cos', 'tan'), async (vals, fn) => {
      const f = { sin: Math.sin, cos: Math.cos, tan: Math.tan }[fn];
      const n = vals.length;
      const src = memmap(path.join(dir, 'huge.f8'), { dtype: 'float64', mode: 'w+', shape: [n] });
      const o64 = memmap(path.join(dir, 'huge-o.f8'), { dtype: 'float64', mode: 'w+', shape: [n] });
      const o32 = memmap(path.join(dir, 'huge-o.f4'), { dtype: 'float32', mode: 'w+', shape: [n] });
      try {
        (src.typedArray() as Float64Array).set(vals);
        await src.apply(`${fn}(x * 1.0)`, { out: o64, flush: false });
        await src.apply(`${fn}(x * 1.0)`, { out: o32, flush: false });
        const g64 = o64.typedArray() as Float64Array, g32 = o32.typedArray() as Float32Array;
        for (let i = 0; i < n; i++) {
          const w = f(vals[i]);
          if (!near(g64[i], w, 2)) throw new Error(`${fn}(${vals[i]}): ${g64[i]}, V8 ${w}`);
          if (!Object.is(g32[i], Math.fround(g64[i])) && !(Number.isNaN(g32[i]) && Number.isNaN(g64[i]))) throw new Error(`${fn}(${vals[i]}) into float32: ${g32[i]} vs ${g64[i]}`);
        }
        // one element at a time (the block is a single lane), then in place
        const one = memmap(path.join(dir, 'huge-1.f8'), { dtype: 'float64', mode: 'w+', shape: [1] });
        one.set([0], vals[0]);
        await one.apply(`${fn}(x * 1.0)`, { flush: false });
        if (!near(one.get(0) as number, f(vals[0]), 2)) throw new Error(`${fn}(${vals[0]}) of a 1-element array: ${String(one.get(0))}`);
        one.close();
        await src.apply(`${fn}(x * 1.0)`, { flush: false });
        const t = src.typedArray() as Float64Array;
        for (let i = 0; i < n; i++) if (!near(t[i], f(vals[i]), 2)) throw new Error(`${fn}(${vals[i]}) in place: ${t[i]}`);
      } finally {
        for (const m of [src, o64, o32]) m.close();
      }
    }), { seed: 0xe6, numRuns: 200 });
  });

  const TOKENS = ['x', 'y', '1', '2.5', '1e3', '.5', '+', '-', '*', '/', '//', '%', '**', '(', ')', ',', '<', '==', ' ',
    'sqrt', 'where', 'clip', 'min', 'abs', 'pi', 'nan', 'inf', 'e', 'process', 'globalThis', 'constructor', '__proto__',
    'eval', 'require', '.', '[', ']', ';', '=', '"', "'", '`', '$', '{', '}', '\\', '\n', 'globalThis.__ndmmapCanary=1', '\u0000', 'é',
    '&', '|', '^', '~', '<<', '>>', '0xff', '0b101', '0o7', '1_000', '2**70', 'True', 'False', 'i', 'i0', 'i1', 'mu', 'k',
    'int8', 'uint64', 'float32', 'float16', 'bool', 'arctan2', 'hypot', 'sign', 'isnan', 'round', 'minimum', 'expm1',
    'arccosh', '__import__', 'this', 'toString', 'valueOf', 'prototype', 'Symbol', '@', '!', 'not', 'and', 'lambda'];

  it('random token soup: ERR_NDMMAP_EXPR or a program that runs', async () => {
    const stats = { compiled: 0, rejected: 0 };
    await fc.assert(fc.asyncProperty(fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }), fc.boolean(), async (toks, twoInputs) => {
      const text = toks.join('');
      let program;
      const vars = twoInputs ? { x: F8, y: F8, mu: F8, k: 3 } : { x: F8, mu: F8, k: 2.5 };
      try {
        program = compileExpr(text, { vars, ndim: 1, target: F8 });
      } catch (e) {
        if (!(e instanceof NdmmapError) || e.code !== 'ERR_NDMMAP_EXPR') throw new Error(`${JSON.stringify(text)} threw ${String(e)}`);
        stats.rejected++;
        return;
      }
      stats.compiled++;
      expect(program.code).toBeInstanceOf(Uint8Array);
      // it compiled: it must run (through the public API) without throwing or crashing
      const run = x.apply(text, twoInputs ? { y, out, vars: { mu: MU, k: 3 } } : { out, vars: { mu: MU, k: 2.5 } });
      // numpy's run-time ValueError (an integer to a negative power) is the one error data can cause
      await run.catch((e: { code?: string }) => { if (e.code !== 'ERR_NDMMAP_VALUE') throw e; });
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
