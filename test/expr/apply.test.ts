/**
 * End-to-end kernel tests: a real mapped file, operand descriptors as src/ builds them, `native.apply`,
 * and numpy's results from test/fixtures/expr/cases.json (made by make_expr_fixtures.py).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dtype, isSwapped, readScalar } from '../../dist/src/dtype.js';
import { compileExpr } from '../../dist/src/expr/index.js';
import { MAP_SHARED, native } from '../../dist/src/native.js';

interface Arr { dtype: string; base: string; offset: number; strides: number[] }
interface Case {
  name: string; expr: string; shape: number[]; x: Arr; y?: Arr; out?: Arr;
  inplace?: boolean; expected: string; tol: number;
}

const fixtures = JSON.parse(
  fs.readFileSync(new URL('../fixtures/expr/cases.json', import.meta.url), 'utf8'),
) as { numpy: string; cases: Case[] };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-expr-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const ALIGN = 8; // keeps every base buffer aligned like numpy's, though the kernel needs no alignment

/** Lay the case's buffers out in one file, run the program, and return [actual, expected] out bases. */
function run(c: Case): [Buffer, Buffer, string] {
  const parts = [c.x, c.y, c.out].map((a) => (a ? Buffer.from(a.base, 'base64') : Buffer.alloc(0)));
  if (c.out) parts[2].fill(0);
  const pos: number[] = [];
  let len = 0;
  for (const p of parts) {
    pos.push(len);
    len += Math.ceil(p.length / ALIGN) * ALIGN;
  }
  const file = Buffer.alloc(len);
  parts.forEach((p, i) => p.copy(file, pos[i]));
  const f = path.join(dir, `${c.name.replace(/\W+/g, '_')}.bin`);
  fs.writeFileSync(f, file);
  const fd = fs.openSync(f, 'r+');
  const id = native.map(fd, MAP_SHARED, 0, len);
  fs.closeSync(fd);
  const operand = (a: Arr | undefined, at: number) =>
    a ? new Float64Array([id, dtype(a.dtype).code, isSwapped(dtype(a.dtype)) ? 1 : 0, at + a.offset, ...a.strides])
      : new Float64Array([-1]);
  const outArr = c.inplace ? c.x : c.out!;
  const prog = compileExpr(c.expr, {
    inputs: c.y ? [dtype(c.x.dtype), dtype(c.y.dtype)] : [dtype(c.x.dtype)],
    target: dtype(outArr.dtype),
  });
  try {
    native.apply(prog.code, prog.consts, new Float64Array(c.shape), operand(c.x, pos[0]), operand(c.y, pos[1]),
      operand(outArr, c.inplace ? pos[0] : pos[2]));
  } finally {
    native.unmap(id);
  }
  const back = fs.readFileSync(f);
  const at = c.inplace ? pos[0] : pos[2];
  const size = parts[c.inplace ? 0 : 2].length;
  return [back.subarray(at, at + size), Buffer.from(c.expected, 'base64'), outArr.dtype];
}

/** Element-by-element comparison; NaNs match whatever their sign or payload, -0 and 0 differ. */
function compare(actual: Buffer, expected: Buffer, dt: string, tol: number): string[] {
  const d = dtype(dt);
  const va = new DataView(actual.buffer, actual.byteOffset, actual.length);
  const ve = new DataView(expected.buffer, expected.byteOffset, expected.length);
  const bad: string[] = [];
  for (let i = 0; i * d.itemsize < expected.length; i++) {
    const a = readScalar(va, i * d.itemsize, d);
    const e = readScalar(ve, i * d.itemsize, d);
    let ok: boolean;
    if (typeof a === 'number' && typeof e === 'number') {
      ok = (Number.isNaN(a) && Number.isNaN(e)) || Object.is(a, e) ||
        (tol > 0 && Math.abs(a - e) <= tol * Math.max(Math.abs(a), Math.abs(e)));
    } else {
      ok = a === e;
    }
    if (!ok) bad.push(`[${i}] got ${String(a)}, numpy ${String(e)}`);
  }
  return bad;
}

describe(`apply against numpy ${fixtures.numpy}`, () => {
  it('has the fixtures', () => expect(fixtures.cases.length).toBeGreaterThan(40));
  for (const c of fixtures.cases) {
    it(`${c.name}: ${c.expr}`, () => {
      const [actual, expected, dt] = run(c);
      expect(actual.length).toBe(expected.length);
      expect(compare(actual, expected, dt, c.tol)).toEqual([]);
    });
  }
});
