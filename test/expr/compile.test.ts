import { describe, expect, it } from 'vitest';
import { dtype } from '../../dist/src/dtype.js';
import { NdmmapError } from '../../dist/src/errors.js';
import { compileExpr, FORMAT_VERSION, OP } from '../../dist/src/expr/index.js';
import { memmap } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const f8 = dtype('f8');
const code = (t: string): number => dtype(t).code;
const body = (text: string, vars: Record<string, string>) => {
  const p = compileExpr(text, { vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, dtype(v)])) });
  return [...p.code.subarray(2 + p.operands.length)];
};

describe('compileExpr: numpy result dtypes (the full table is types.test.ts)', () => {
  it.each([
    ['x * 2 + 1', ['f8'], 'float64'],
    ['x * 2.5', ['f4'], 'float32'],
    ['x * 2 + 1', ['i1'], 'int8'],
    ['x / 2', ['i1'], 'float64'],
    ['x // 2 % 3 - abs(x) + min(x, y) + max(x, 1) + clip(x, 0, 9) + where(x > y, x, y)', ['i2', 'u1'], 'int16'],
    ['sqrt(x)', ['i2'], 'float32'],
    ['sin(x)', ['u1'], 'float16'],
    ['x + y', ['u8', 'i8'], 'float64'],
    ['x < y', ['u8', 'i8'], 'bool'],
    ['x & y | ~x', ['?', '?'], 'bool'],
    ['x << 3', ['u2'], 'uint16'],
    ['float32(x) * 2', ['f8'], 'float32'],
    ['2 + 3', ['f8'], 'int64'],
    ['x * sin(1)', ['f4'], 'float64'],
  ])('%s over %j is %s', (text, inputs, dt) => {
    expect(compileExpr(text, { inputs: inputs.map((d) => dtype(d)) }).dtype).toBe(dt);
  });
});

describe('compileExpr: bytecode', () => {
  it('emits the documented format: a header naming each operand\'s dtype, typed instructions', () => {
    const p = compileExpr('1 + x', { inputs: [f8] });
    expect([...p.code]).toEqual([FORMAT_VERSION, 1, code('f8'), OP.CONST, code('f8'), 0, 0, OP.LOAD, 0, OP.ADD, code('f8')]);
    expect([...p.consts]).toEqual([1]);
    expect(p.operands).toEqual(['x']);
    expect(p.names).toEqual(['x']);
    expect(p.text).toBe('1 + x');
  });

  it('casts operands explicitly to the loop numpy picks', () => {
    expect(body('x + y', { x: 'i1', y: 'u1' })).toEqual([
      OP.LOAD, 0, OP.CAST, code('i1'), code('i2'), OP.LOAD, 1, OP.CAST, code('u1'), code('i2'), OP.ADD, code('i2')]);
    expect(body('x / 2', { x: 'i1' })).toEqual([OP.LOAD, 0, OP.CAST, code('i1'), code('f8'), OP.CONST, code('f8'), 0, 0, OP.DIV, code('f8')]);
  });

  it('uses numpy\'s exact int64/uint64 comparison loops', () => {
    expect(body('x < y', { x: 'i8', y: 'u8' })).toEqual([OP.LOAD, 0, OP.LOAD, 1, OP.LT, 12]);
    expect(body('x < y', { x: 'u8', y: 'i4' })).toEqual([OP.LOAD, 0, OP.LOAD, 1, OP.CAST, code('i4'), code('i8'), OP.LT, 13]);
  });

  it('orders operands for every arity', () => {
    expect(body('where(x, -y, sqrt(x))', { x: 'f8', y: 'f8' })).toEqual([
      OP.LOAD, 0, OP.CAST, code('f8'), code('?'), OP.LOAD, 1, OP.NEG, code('f8'), OP.LOAD, 0, OP.SQRT, code('f8'), OP.WHERE, code('f8')]);
  });

  it('takes numpy 2\'s fast paths for a float array to a Python power: 2 square, 0.5 sqrt, -1 reciprocal', () => {
    expect(body('x ** 2', { x: 'f8' })).toEqual([OP.LOAD, 0, OP.SQUARE, code('f8')]);
    expect(body('x ** 0.5', { x: 'f4' })).toEqual([OP.LOAD, 0, OP.SQRT, code('f4')]);
    expect(body('x ** -1', { x: 'f2' })).toEqual([OP.LOAD, 0, OP.RECIP, code('f2')]);
    expect(body('x ** 2.0', { x: 'f8' })).toEqual([OP.LOAD, 0, OP.CONST, code('f8'), 0, 0, OP.POW, code('f8')]);
    expect(body('x ** 2', { x: 'i8' })).toEqual([OP.LOAD, 0, OP.CONST, code('i8'), 0, 0, OP.POW, code('i8')]);
  });

  it('folds operations between Python numbers as Python does', () => {
    const p = compileExpr('x * (7 // 2) + 2 ** -1', { inputs: [f8] });
    expect([...p.consts]).toEqual([3, 0.5]);
    expect(compileExpr('x + (True + True)', { inputs: [dtype('i1')] }).dtype).toBe('int8');
  });

  it('shares repeated constants of one dtype', () => {
    const p = compileExpr('x * 2 + 2 - 3 + 2.0', { inputs: [f8] });
    expect([...p.consts]).toEqual([2, 3]);
  });

  it('encodes integer constants as exact int64 bits', () => {
    const p = compileExpr('x - 9007199254740993 + 9223372036854775807', { inputs: [dtype('i8')] });
    expect([...new BigInt64Array(p.consts.buffer)]).toEqual([9007199254740993n, 9223372036854775807n]);
    const u = compileExpr('x + 18446744073709551615', { inputs: [dtype('u8')] });
    expect([...new BigUint64Array(u.consts.buffer)]).toEqual([18446744073709551615n]);
  });

  it('uses 16-bit constant indexes', () => {
    const text = 'x + ' + Array.from({ length: 300 }, (_, i) => `float64(${i + 1})`).join('+');
    const p = compileExpr(text, { inputs: [f8] });
    expect(p.consts.length).toBe(300);
  });

  it('appends the index variables it reads as int64 operands', () => {
    const p = compileExpr('sin(i * 1e-6) + i1', { vars: { x: f8 }, ndim: 2 });
    expect(p.operands).toEqual(['x', 'i', 'i1']);
    expect([...p.code.subarray(0, 5)]).toEqual([FORMAT_VERSION, 3, code('f8'), code('i8'), code('i8')]);
    expect(p.names.sort()).toEqual(['i', 'i1']);
  });

  it('keeps Python-number vars weak: an int leaves int8 alone, a float does not', () => {
    expect(compileExpr('x * k', { vars: { x: dtype('i1'), k: 3 } }).dtype).toBe('int8');
    expect(compileExpr('x * k', { vars: { x: dtype('i1'), k: 2.5 } }).dtype).toBe('float64');
    expect(compileExpr('x * k', { vars: { x: dtype('i1'), k: 3n } }).dtype).toBe('int8');
  });

  it('is plain structured-cloneable data', () => {
    const p = compileExpr('min(x, y) * 2', { inputs: [f8, dtype('>i4')] });
    expect(structuredClone(p)).toEqual(p);
  });

  it.each([[[]], [[f8, f8, f8]]])('refuses %j inputs', (inputs) => {
    expect(() => compileExpr('x', { inputs })).toThrow(NdmmapError);
    expect(() => compileExpr('x', { inputs })).toThrow(/takes 1 or 2 inputs/);
  });

  it('refuses a target or var that is not a DType', () => {
    expect(() => compileExpr('x', { inputs: [f8], target: 'f8' as never })).toThrow(expect.objectContaining({
      code: 'ERR_INVALID_ARG_TYPE', message: "inputs and target must be DType objects, got 'f8'",
    }));
    expect(() => compileExpr('x', { vars: { x: 'f8' as never } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it.each([['sin'], ['True'], ['False'], ['i'], ['i3'], ['1x'], ['a-b']])('refuses the var name %j', (name) => {
    expect(() => compileExpr('x', { vars: { x: f8, [name]: f8 } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('lets a var take a constant\'s name: numexpr has no constants (its own test reads b*c+d*e)', () => {
    const p = compileExpr('b*c+d*e', { vars: { b: f8, c: f8, d: f8, e: dtype('i1') } });
    expect(p.operands).toEqual(['b', 'c', 'd', 'e']);
    expect(compileExpr('pi + nan + inf', { vars: { pi: dtype('i1'), nan: dtype('i1'), inf: dtype('i1') } }).dtype).toBe('int8');
    expect(compileExpr('x * pi', { vars: { x: dtype('f4') } }).dtype).toBe('float32'); // unbound: still the constant
  });

  it('reports numpy\'s type and range errors with ERR_NDMMAP_EXPR and the position', () => {
    const t = (text: string, d: string) => () => compileExpr(text, { inputs: [dtype(d)] });
    expect(t('x + 300', 'i1')).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_EXPR', message: 'at 2: Python integer 300 out of bounds for int8' }));
    expect(t('x & 1', 'f4')).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_EXPR', message: expect.stringMatching(/^at 2: ufunc 'bitwise_and' not supported/) }));
    expect(t('x ** -1', 'i4')).toThrow(expect.objectContaining({ message: 'at 2: Integers to negative integer powers are not allowed.' }));
    expect(t('x - x', '?')).toThrow(expect.objectContaining({ message: expect.stringMatching(/numpy boolean subtract/) }));
    expect(t('x + 1 // 0', 'f8')).toThrow(expect.objectContaining({ message: 'at 6: integer division or modulo by zero' }));
    expect(t('x + y', 'f8')).toThrow(expect.objectContaining({ message: expect.stringMatching(/'y' at 4 needs a second input/) }));
  });

  it('checks a bare Python-number result against the target (numpy\'s out[...] = 300)', () => {
    expect(() => compileExpr('300', { inputs: [f8], target: dtype('i1') })).toThrow(expect.objectContaining({
      code: 'ERR_NDMMAP_EXPR', message: 'the result: Python integer 300 out of bounds for int8',
    }));
    // a Python float into an integer array is int(value) first, then the same check
    expect(compileExpr('2.5', { inputs: [f8], target: dtype('i1') }).dtype).toBe('int8');
    expect(() => compileExpr('300.5', { inputs: [f8], target: dtype('u1') })).toThrow(expect.objectContaining({
      code: 'ERR_NDMMAP_EXPR', message: 'the result: Python integer 300 out of bounds for uint8',
    }));
    expect(() => compileExpr('nan', { inputs: [f8], target: dtype('i8') })).toThrow(expect.objectContaining({ message: 'the result: cannot convert float NaN to integer' }));
    expect(compileExpr('2.5', { inputs: [f8], target: dtype('f4') }).dtype).toBe('float32');
  });
});

describe('compileExpr: long flat expressions (left-deep trees)', () => {
  // 'x+x+…+x' parses to a left-deep tree 4500 nodes deep; it needs only 2 VM stack slots, and
  // compiling it must not recurse once per node (that ran out of JS stack: a RangeError).
  const N = 4500;
  const text = 'x' + '+x'.repeat(N - 1);

  it.each([['f8', 'float64'], ['i4', 'int32'], ['u8', 'uint64']] as const)('compiles over %s in %s', (dt, t) => {
    expect(text.length).toBe(2 * N - 1);
    const p = compileExpr(text, { inputs: [dtype(dt)] });
    expect(p.dtype).toBe(t);
    const want = [FORMAT_VERSION, 1, code(dt), OP.LOAD, 0];
    for (let i = 1; i < N; i++) want.push(OP.LOAD, 0, OP.ADD, code(dt));
    expect([...p.code]).toEqual(want);
  });

  it('runs: apply gives 4500 * x (float64 and int32 arrays, int32 wrapping as numpy)', async () => {
    const tmp = tempDir();
    try {
      const f = memmap(tmp.file('f.f8'), { dtype: 'float64', mode: 'w+', shape: [10] });
      f.assign(Array.from({ length: 10 }, (_, i) => i - 2.5));
      await f.apply(text);
      expect(f.toArray()).toEqual(Array.from({ length: 10 }, (_, i) => N * (i - 2.5)));
      const g = memmap(tmp.file('g.i4'), { dtype: 'int32', mode: 'w+', shape: [2, 3] });
      g.assign([[1, -2, 3], [400, 0, -477218]]);
      await g.apply(text);
      expect(g.toArray()).toEqual([[N, -2 * N, 3 * N], [400 * N, 0, (-477218 * N) | 0]]);
      f.close(); g.close();
    } finally {
      tmp.remove();
    }
  });

  it('nesting is still bounded: 200 nested parentheses are ERR_NDMMAP_EXPR', () => {
    expect(() => compileExpr('('.repeat(201) + 'x' + ')'.repeat(201), { inputs: [f8] }))
      .toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_EXPR', message: expect.stringMatching(/nests deeper than 200 levels/) }));
  });
});
