/**
 * The native side must refuse malformed programs from JS with ERR_NDMMAP_BAD_PROGRAM, never crash.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dtype } from '../../dist/src/dtype.js';
import { compileExpr, OP } from '../../dist/src/expr/index.js';
import { MAP_SHARED, native } from '../../dist/src/native.js';

const N = 600; // more than two blocks
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

const x = () => new Float64Array([id, dtype('f8').code, 0, 0, 8]);
const none = () => new Float64Array([-1]);
const out = () => new Float64Array([id, dtype('f8').code, 0, 8 * N, 8]);
const shape = new Float64Array([N]);
const run = (code: number[], consts: number[] = [], y = none()) =>
  native.apply(Uint8Array.from(code), Float64Array.from(consts), shape, x(), y, out());
const result = () => {
  const b = fs.readFileSync(path.join(dir, 'v.bin'));
  return new Float64Array(b.buffer.slice(b.byteOffset + 8 * N, b.byteOffset + 16 * N));
};

describe('native program validation', () => {
  it('runs a well-formed program', () => {
    run([1, 0, OP.X, OP.CONST, 0, 0, OP.MUL], [3]);
    expect(result()[N - 1]).toBe(3 * (N - 1));
  });

  it.each([
    ['empty code', []],
    ['header only', [1, 0]],
    ['unknown version', [2, 0, OP.X]],
    ['unknown mode', [1, 3, OP.X]],
    ['unknown opcode', [1, 0, OP.X, 99]],
    ['opcode 0', [1, 0, 0]],
    ['const index out of range', [1, 0, OP.CONST, 1, 0]],
    ['truncated const', [1, 0, OP.CONST, 0]],
    ['stack underflow', [1, 0, OP.X, OP.ADD]],
    ['unary on empty stack', [1, 0, OP.NEG]],
    ['ternary underflow', [1, 0, OP.X, OP.X, OP.WHERE]],
    ['two results', [1, 0, OP.X, OP.X]],
    ['y absent', [1, 0, OP.Y]],
    ['int-mode division', [1, 1, OP.X, OP.X, OP.DIV]],
    ['int-mode sqrt', [1, 2, OP.X, OP.SQRT]],
    ['stack deeper than 1024', [1, 0, ...Array(1025).fill(OP.X), ...Array(1024).fill(OP.ADD)]],
  ])('refuses %s', (_name, code) => {
    expect(() => run(code as number[], [1])).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_BAD_PROGRAM' }));
  });

  it('accepts a stack of exactly 1024', () => {
    run([1, 0, ...Array(1024).fill(OP.X), ...Array(1023).fill(OP.ADD)]);
    expect(result()[10]).toBe(10240);
  });

  it('refuses x when x is absent', () => {
    expect(() => native.apply(Uint8Array.from([1, 0, OP.X]), new Float64Array(0), shape, none(), none(), out()))
      .toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_BAD_PROGRAM' }));
  });

  it('survives random bytes', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let ran = 0;
    for (let t = 0; t < 3000; t++) {
      const body = Array.from({ length: 1 + rand(12) }, () => (rand(3) === 0 ? rand(256) : [1, 3, 10, 22, 32, 46, 64, 65][rand(8)]));
      try {
        run([1, rand(3), ...body], [2, -1, 0.5]);
        ran++;
      } catch (e) {
        expect((e as { code: string }).code).toBe('ERR_NDMMAP_BAD_PROGRAM');
      }
    }
    expect(ran).toBeGreaterThan(0);
  });

  it('runs a program compiled with 300 constants', () => {
    const text = 'x + ' + Array.from({ length: 300 }, (_, i) => `${i + 1}`).join('+');
    const p = compileExpr(text, { inputs: [dtype('f8')], target: dtype('f8') });
    native.apply(p.code, p.consts, shape, x(), none(), out());
    expect(result()[7]).toBe(7 + 300 * 301 / 2);
  });

  it('does nothing for an empty shape but still validates', () => {
    native.apply(Uint8Array.from([1, 0, OP.X]), new Float64Array(0), new Float64Array([0]), x(), none(), out());
    expect(() => native.apply(Uint8Array.from([1, 0, 99]), new Float64Array(0), new Float64Array([0]), x(), none(), out()))
      .toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_BAD_PROGRAM' }));
  });
});

describe('0-d operands', () => {
  it('evaluates a single element', () => {
    const scalar = (pos: number) => new Float64Array([id, dtype('f8').code, 0, pos]);
    const p = compileExpr('x * 10 + 1', { inputs: [dtype('f8')], target: dtype('f8') });
    native.apply(p.code, p.consts, new Float64Array(0), scalar(8 * 5), none(), scalar(8 * N));
    expect(result()[0]).toBe(51);
  });
});
