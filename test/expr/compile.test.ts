import { describe, expect, it } from 'vitest';
import { dtype } from '../../dist/src/dtype.js';
import { NdmmapError } from '../../dist/src/errors.js';
import { compileExpr, FORMAT_VERSION, MODE, OP } from '../../dist/src/expr/index.js';
import { emit } from '../../dist/src/expr/compile.js';
import { parse } from '../../dist/src/expr/parse.js';
import { memmap } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const f8 = dtype('f8');
const mode = (text: string, inputs: string[], target: string) =>
  compileExpr(text, { inputs: inputs.map((d) => dtype(d)), target: dtype(target) }).mode;

describe('compileExpr: compute mode', () => {
  it.each([
    ['x * 2 + 1', ['f8'], 'f8', 'float64'],
    ['x * 2 + 1', ['f4'], 'i4', 'float64'],
    ['x * 2 + 1', ['i4'], 'f8', 'float64'],
    ['x * 2 + 1', ['i4'], 'i4', 'int64'],
    ['x // 2 % 3 - abs(x) + min(x, y) + max(x, 1) + clip(x, 0, 9) + where(x > y, x, y)', ['i2', 'u1'], 'i8', 'int64'],
    ['floor(x) + ceil(x) + round(x)', ['i8'], 'i8', 'int64'],
    ['x ** 3', ['i8'], 'i8', 'int64'],
    ['x ** -1', ['i8'], 'i8', 'float64'],
    ['x ** y', ['i8', 'i8'], 'i8', 'float64'],
    ['x / 2', ['i8'], 'i8', 'float64'],
    ['sqrt(x)', ['i8'], 'i8', 'float64'],
    ['x + 1.0', ['i8'], 'i8', 'float64'],
    ['x + pi', ['i8'], 'i8', 'float64'],
    ['x + 1', ['?'], 'u1', 'int64'],
    ['x + 1', ['u8'], 'u8', 'uint64'],
    ['x + y', ['u8', 'u1'], 'i8', 'uint64'],
    ['x + y', ['u8', 'i1'], 'u8', 'float64'],
    ['x + 9223372036854775808', ['i8'], 'i8', 'float64'],
    ['x + 9223372036854775808', ['u8'], 'u8', 'uint64'],
    ['x + 18446744073709551616', ['u8'], 'u8', 'float64'],
  ])('%s over %j into %s is %s', (text, inputs, target, m) => expect(mode(text, inputs, target)).toBe(m));
});

describe('compileExpr: bytecode', () => {
  it('emits the documented format', () => {
    const p = compileExpr('1 + x', { inputs: [f8], target: f8 });
    expect([...p.code]).toEqual([FORMAT_VERSION, MODE.float64, OP.CONST, 0, 0, OP.X, OP.ADD]);
    expect([...p.consts]).toEqual([1]);
    expect(p.usesY).toBe(false);
    expect(p.text).toBe('1 + x');
  });

  it('orders operands for every arity', () => {
    const p = compileExpr('where(x, -y, sqrt(x))', { inputs: [f8, f8], target: f8 });
    expect([...p.code.subarray(2)]).toEqual([OP.X, OP.Y, OP.NEG, OP.X, OP.SQRT, OP.WHERE]);
    expect(p.usesY).toBe(true);
  });

  it('uses numpy\'s square and sqrt fast paths for **2 and **0.5', () => {
    const code = (t: string, d = f8) => [...compileExpr(t, { inputs: [d], target: d }).code.subarray(2)];
    expect(code('x ** 2')).toEqual([OP.X, OP.SQUARE]);
    expect(code('x ** 2.0')).toEqual([OP.X, OP.SQUARE]);
    expect(code('x ** 0.5')).toEqual([OP.X, OP.SQRT]);
    expect(code('x ** 3')).toEqual([OP.X, OP.CONST, 0, 0, OP.POW]);
    expect(code('x ** 2', dtype('i8'))).toEqual([OP.X, OP.SQUARE]);
  });

  it('shares repeated constants', () => {
    const p = compileExpr('x * 2 + 2 - 3 + 2.0', { inputs: [f8], target: f8 });
    expect([...p.consts]).toEqual([2, 3]);
  });

  it('encodes integer-mode constants as exact int64 bits', () => {
    const p = compileExpr('x - 9007199254740993 + 9223372036854775807', { inputs: [dtype('i8')], target: dtype('i8') });
    expect([...new BigInt64Array(p.consts.buffer)]).toEqual([9007199254740993n, 9223372036854775807n]);
    const u = compileExpr('x + 18446744073709551615', { inputs: [dtype('u8')], target: dtype('u8') });
    expect([...new BigUint64Array(u.consts.buffer)]).toEqual([18446744073709551615n]);
  });

  it('uses 16-bit constant indexes', () => {
    const text = Array.from({ length: 300 }, (_, i) => `${i + 1}`).join('+');
    const p = compileExpr(text, { inputs: [f8], target: f8 });
    expect(p.consts.length).toBe(300);
    expect([...p.code.slice(-3)]).toEqual([299 & 0xff, 299 >> 8, OP.ADD]);
  });

  it('is plain structured-cloneable data', () => {
    const p = compileExpr('min(x, y) * 2', { inputs: [f8, dtype('>i4')], target: dtype('i2') });
    expect(structuredClone(p)).toEqual(p);
  });

  it.each([[[]], [[f8, f8, f8]]])('refuses %j inputs', (inputs) => {
    expect(() => compileExpr('x', { inputs, target: f8 })).toThrow(NdmmapError);
    expect(() => compileExpr('x', { inputs, target: f8 })).toThrow(/takes 1 or 2 inputs/);
  });

  it('refuses a target that is not a DType', () => {
    expect(() => compileExpr('x', { inputs: [f8], target: 'f8' as never })).toThrow(expect.objectContaining({
      code: 'ERR_INVALID_ARG_TYPE', message: "inputs and target must be DType objects, got 'f8'",
    }));
  });

  it('reports parse errors with ERR_NDMMAP_EXPR', () => {
    expect(() => compileExpr('x + y', { inputs: [f8], target: f8 })).toThrow(expect.objectContaining({
      code: 'ERR_NDMMAP_EXPR', message: expect.stringMatching(/'y' at 4 needs a second input/),
    }));
  });
});

describe('compileExpr: long flat expressions (left-deep trees)', () => {
  // 'x+x+…+x' parses to a left-deep tree 4500 nodes deep; it needs only 2 VM stack slots, and
  // compiling it must not recurse once per node (that ran out of JS stack: a RangeError).
  const N = 4500;
  const text = 'x' + '+x'.repeat(N - 1);

  it.each([['f8', 'float64'], ['i4', 'int64'], ['u8', 'uint64']] as const)('compiles over %s in %s mode, to 2 stack slots', (dt, m) => {
    expect(text.length).toBe(2 * N - 1);
    const p = compileExpr(text, { inputs: [dtype(dt)], target: dtype(dt) });
    expect(p.mode).toBe(m);
    const want = [FORMAT_VERSION, MODE[m], OP.X];
    for (let i = 1; i < N; i++) want.push(OP.X, OP.ADD);
    expect([...p.code]).toEqual(want);
    expect(emit(parse(text), m).stack).toBe(2);
  });

  it('runs: apply gives 4500 * x (float64 and int32 arrays)', async () => {
    const tmp = tempDir();
    try {
      const f = memmap(tmp.file('f.f8'), { dtype: 'float64', mode: 'w+', shape: [10] });
      f.assign(Array.from({ length: 10 }, (_, i) => i - 2.5));
      await f.apply(text);
      expect(f.toArray()).toEqual(Array.from({ length: 10 }, (_, i) => N * (i - 2.5)));
      const g = memmap(tmp.file('g.i4'), { dtype: 'int32', mode: 'w+', shape: [2, 3] });
      g.assign([[1, -2, 3], [400, 0, -477218]]);
      await g.apply(text);
      expect(g.toArray()).toEqual([[N, -2 * N, 3 * N], [400 * N, 0, -477218 * N]]);
      f.close(); g.close();
    } finally {
      tmp.remove();
    }
  });

  it('nesting is still bounded: 200 nested parentheses are ERR_NDMMAP_EXPR', () => {
    expect(() => compileExpr('('.repeat(201) + 'x' + ')'.repeat(201), { inputs: [f8], target: f8 }))
      .toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_EXPR', message: expect.stringMatching(/nests deeper than 200 levels/) }));
  });
});
