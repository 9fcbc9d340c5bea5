/**
 * The native side must refuse malformed programs and descriptors from JS with a clear error, never
 * crash: bytecode is type-checked slot by slot, operands are checked against the program's header,
 * every block against its mapping or buffer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtype } from '../../dist/src/dtype.js';
import { compileExpr, OP } from '../../dist/src/expr/index.js';
import { MAP_SHARED, native } from '../../dist/src/native.js';

const N = 600; // more than half a block, so runs are not row tiles
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-expr-v-'));
let id = -1;
beforeAll(() => {
  const f = path.join(dir, 'v.bin');
  fs.writeFileSync(f, Buffer.from(new Float64Array(2 * N).map((_, i) => i).buffer));
  const fd = fs.openSync(f, 'r+');
  id = native.map(fd, MAP_SHARED, 0, 16 * N);
  fs.closeSync(fd);
});
afterAll(() => {
  native.unmap(id);
  fs.rmSync(dir, { recursive: true, force: true });
});

const F8 = dtype('f8').code, I8 = dtype('i8').code, F4 = dtype('f4').code, B = dtype('?').code;
/** A 1-d descriptor: out then operands, each [source, dtype, swap, position, stride]. */
const desc = (ops: number[][], n = N) => Float64Array.from([1, ops.length, n, id, F8, 0, 8 * N, 8, ...ops.flat()]);
const X = [0, F8, 0, 0, 8];
const run = (code: number[], consts: number[] = [], ops = [X]) =>
  native.apply(Uint8Array.from(code), Float64Array.from(consts), desc(ops.map((o) => (o === X ? [id, ...X.slice(1)] : o))));
const result = () => {
  const b = fs.readFileSync(path.join(dir, 'v.bin'));
  return new Float64Array(b.buffer.slice(b.byteOffset + 8 * N, b.byteOffset + 16 * N));
};
const H = [2, 1, F8]; // version, one float64 operand

describe('native program validation', () => {
  it('runs a well-formed program', () => {
    run([...H, OP.LOAD, 0, OP.CONST, F8, 0, 0, OP.MUL, F8], [3]);
    expect(result()[N - 1]).toBe(3 * (N - 1));
  });

  it.each([
    ['empty code', []],
    ['header only', [2, 1, F8]],
    ['unknown version', [1, 1, F8, OP.LOAD, 0]],
    ['more operands than the descriptor', [2, 2, F8, F8, OP.LOAD, 0]],
    ['more than 32 operands', [2, 33, ...Array(33).fill(F8), OP.LOAD, 0]],
    ['an operand dtype out of range', [2, 1, 12, OP.LOAD, 0]],
    ['an operand dtype that is not the data\'s', [2, 1, F4, OP.LOAD, 0]],
    ['unknown opcode', [...H, OP.LOAD, 0, 99, F8]],
    ['opcode 0', [...H, 0]],
    ['LOAD of a missing operand', [...H, OP.LOAD, 1]],
    ['const index out of range', [...H, OP.CONST, F8, 1, 0]],
    ['truncated const', [...H, OP.CONST, F8, 0]],
    ['a const of no dtype', [...H, OP.CONST, 12, 0, 0]],
    ['stack underflow', [...H, OP.LOAD, 0, OP.ADD, F8]],
    ['unary on empty stack', [...H, OP.NEG, F8]],
    ['ternary underflow', [...H, OP.LOAD, 0, OP.LOAD, 0, OP.WHERE, F8]],
    ['two results', [...H, OP.LOAD, 0, OP.LOAD, 0]],
    ['an op over the wrong dtype', [...H, OP.LOAD, 0, OP.NEG, I8]],
    ['an op a dtype does not have (int DIV)', [...H, OP.LOAD, 0, OP.CAST, F8, I8, OP.LOAD, 0, OP.CAST, F8, I8, OP.DIV, I8]],
    ['a float op on bool (SIN)', [...H, OP.LOAD, 0, OP.CAST, F8, B, OP.SIN, B]],
    ['a cast from the wrong dtype', [...H, OP.LOAD, 0, OP.CAST, I8, F8]],
    ['where with a non-bool condition', [...H, OP.LOAD, 0, OP.LOAD, 0, OP.LOAD, 0, OP.WHERE, F8]],
    ['a mixed comparison of the wrong dtypes', [...H, OP.LOAD, 0, OP.LOAD, 0, OP.LT, 12]],
    ['a type code past the mixed ones', [...H, OP.LOAD, 0, OP.LOAD, 0, OP.LT, 14]],
    ['missing type byte', [...H, OP.LOAD, 0, OP.NEG]],
    ['stack deeper than 1024', [...H, ...Array(1025).fill([OP.LOAD, 0]).flat(), ...Array(1024).fill([OP.ADD, F8]).flat()]],
  ])('refuses %s', (_name, code) => {
    expect(() => run(code as number[], [1])).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_BAD_PROGRAM' }));
  });

  it('accepts a stack of exactly 1024', () => {
    run([...H, ...Array(1024).fill([OP.LOAD, 0]).flat(), ...Array(1023).fill([OP.ADD, F8]).flat()]);
    expect(result()[10]).toBe(10240);
  });

  it('refuses reading an operand the descriptor leaves absent', () => {
    expect(() => run([...H, OP.LOAD, 0], [], [[-1, F8, 0, 0, 0]])).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_BAD_PROGRAM' }));
    run([...H, OP.CONST, F8, 0, 0], [7], [[-1, F8, 0, 0, 0]]); // an operand it never reads may be absent
    expect(result()[3]).toBe(7);
  });

  it('survives random programs: well-typed ones run, the rest are refused', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const unary = [OP.NEG, OP.ABS, OP.SQRT, OP.SIN, OP.FLOOR, OP.ISNAN, OP.INVERT, OP.SQUARE];
    const binary = [OP.ADD, OP.DIV, OP.POW, OP.LT, OP.SHL, OP.FLOORDIV, OP.MOD, OP.ARCTAN2];
    const type = () => (rand(2) === 0 ? F8 : rand(14));
    const unit = (): number[] => {
      switch (rand(7)) {
        case 0: return [OP.LOAD, rand(4) === 0 ? 1 : 0];
        case 1: return [OP.CONST, type(), rand(4), 0];
        case 2: return [OP.CAST, rand(2) === 0 ? F8 : rand(13), rand(12)];
        case 3: return [unary[rand(unary.length)], type()];
        case 4: return [binary[rand(binary.length)], type()];
        case 5: return [rand(2) === 0 ? OP.WHERE : OP.CLIP, type()];
        default: return [rand(256)];
      }
    };
    let ran = 0;
    for (let t = 0; t < 3000; t++) {
      const body = [OP.LOAD, 0, ...Array.from({ length: rand(8) }, unit).flat()];
      try {
        run([...H, ...body], [2, -1, 0.5]);
        ran++;
      } catch (e) {
        expect(['ERR_NDMMAP_BAD_PROGRAM', 'ERR_NDMMAP_VALUE']).toContain((e as { code: string }).code);
      }
    }
    expect(ran).toBeGreaterThan(100);
  });

  it('runs a program compiled with 300 constants', () => {
    const text = 'x + ' + Array.from({ length: 300 }, (_, i) => `float64(${i + 1})`).join('+');
    const p = compileExpr(text, { inputs: [dtype('f8')] });
    native.apply(p.code, p.consts, desc([X.map((v, k) => (k === 0 ? id : v))]));
    expect(result()[7]).toBe(7 + 300 * 301 / 2);
  });

  it('does nothing for an empty shape but still validates', () => {
    native.apply(Uint8Array.from([...H, OP.LOAD, 0]), new Float64Array(0), desc([[id, F8, 0, 0, 8]], 0));
    expect(() => native.apply(Uint8Array.from([...H, 99]), new Float64Array(0), desc([[id, F8, 0, 0, 8]], 0)))
      .toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_BAD_PROGRAM' }));
  });

  it('refuses an integer to a negative power found in the data (numpy\'s ValueError)', () => {
    const p = compileExpr('x ** y', { inputs: [dtype('i8'), dtype('i8')] });
    const ints = [-1, -2, I8, 0, 0, 1]; // an index operand: -1, 0, 1, … as the exponent
    expect(() => native.apply(p.code, p.consts, Float64Array.from([1, 2, N, id, I8, 0, 8 * N, 8, -2, I8, 0, 3, 0, ...ints.slice(0, 0), -2, I8, 0, -1, 1])))
      .toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_VALUE', message: 'Integers to negative integer powers are not allowed.' }));
  });
});

describe('native descriptor checks', () => {
  const prog = compileExpr('x * 2', { inputs: [dtype('f8')] });
  const apply = (d: number[], buffers?: ArrayBufferView[]) => native.apply(prog.code, prog.consts, Float64Array.from(d), buffers);

  // Descriptors are built when the test runs: the mapping id exists only after beforeAll.
  it.each([
    ['too short', () => [1], 'ERR_INVALID_ARG_VALUE'],
    ['a wrong length', () => [1, 1, N, id, F8, 0, 8 * N, 8], 'ERR_INVALID_ARG_VALUE'],
    ['a negative dim', () => [1, 1, -1, id, F8, 0, 8 * N, 8, id, F8, 0, 0, 8], 'ERR_OUT_OF_RANGE'],
    ['more than 64 dims', () => [65, 1, ...Array(65).fill(1), id, F8, 0, 0, ...Array(65).fill(8), id, F8, 0, 0, ...Array(65).fill(8)], 'ERR_INVALID_ARG_VALUE'],
    ['a block past the mapping', () => [1, 1, N, id, F8, 0, 8 * N + 8, 8, id, F8, 0, 0, 8], 'ERR_OUT_OF_RANGE'],
    ['a block before the mapping', () => [1, 1, N, id, F8, 0, 8 * N, 8, id, F8, 0, 8 * N, -16], 'ERR_OUT_OF_RANGE'],
    ['an index operand as the output', () => [1, 1, N, -2, I8, 0, 0, 1, id, F8, 0, 0, 8], 'ERR_INVALID_ARG_VALUE'],
    ['a buffer as the output', () => [1, 1, N, -3, F8, 0, 0, 8, id, F8, 0, 0, 8], 'ERR_INVALID_ARG_VALUE'],
    ['a missing buffer', () => [1, 1, N, id, F8, 0, 8 * N, 8, -3, F8, 0, 0, 8], 'ERR_INVALID_ARG_VALUE'],
    ['a closed mapping', () => [1, 1, N, 987654, F8, 0, 0, 8, id, F8, 0, 0, 8], 'ERR_NDMMAP_CLOSED'],
    ['fractional fields', () => [1, 1, N, id, F8, 0, 0.5, 8, id, F8, 0, 0, 8], 'ERR_INVALID_ARG_VALUE'],
  ])('refuses %s', (_name, d, code) => {
    expect(() => apply((d as () => number[])())).toThrow(expect.objectContaining({ code }));
  });

  it('refuses a buffer too small for its block', () => {
    expect(() => apply([1, 1, N, id, F8, 0, 8 * N, 8, -3, F8, 0, 0, 8], [new Float64Array(N - 1)]))
      .toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', message: 'block lies outside the buffer' }));
    apply([1, 1, N, id, F8, 0, 8 * N, 8, -3, F8, 0, 0, 8], [new Float64Array(N).fill(4)]);
    expect(result()[N - 1]).toBe(8);
  });

  it('refuses index values that could overflow int64', () => {
    const p = compileExpr('float64(i)', { vars: { x: dtype('f8') }, ndim: 1 });
    expect(() => native.apply(p.code, p.consts, Float64Array.from([1, 2, N, id, F8, 0, 8 * N, 8, -1, F8, 0, 0, 0, -2, I8, 0, 0, 2 ** 53 - 1])))
      .toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    native.apply(p.code, p.consts, Float64Array.from([1, 2, N, id, F8, 0, 8 * N, 8, -1, F8, 0, 0, 0, -2, I8, 0, 1000, 3]));
    expect(result()[5]).toBe(1015);
  });
});

describe('0-d operands', () => {
  it('evaluates a single element', () => {
    const p = compileExpr('x * 10 + 1', { inputs: [dtype('f8')] });
    native.apply(p.code, p.consts, Float64Array.from([0, 1, id, F8, 0, 8 * N, id, F8, 0, 8 * 5]));
    expect(result()[0]).toBe(51);
  });
});
