// numpy's `out[...] = expr` where round two of the trust issue found ndmmap differing (trust/apply.json,
// made by make_trust_fixtures.py): numpy scalars and Python numbers assigned into integer arrays (numpy's
// setitem raises OverflowError/ValueError where an array would be cast; a 0-d array is cast), an
// integer to a negative power with an empty output (numpy raises only per element), vars with leading
// length-1 dims written in place, and clip of a Python number (a strong int64/float64 array).
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { dtype, memmap, type MemMap } from '../../dist/src/index.js';
import { manifest, parseValue, tempDir } from '../helpers.js';

interface Arr { dtype: string; shape: number[]; values: string[] }
interface Case {
  name: string; expr: string; vars: Record<string, Arr>; out: { dtype: string; shape: number[] } | null; inplace: string | null;
  expected?: string[]; result_dtype?: string; error?: string;
}

const cases = manifest<Case[]>('trust', 'apply.json');
const tmp = tempDir('ndmmap-apply-trust-');
afterAll(() => tmp.remove());

/** The values as numbers (bools 0/1, 64-bit integers as numbers: the fixtures' are small). */
const flatValues = (a: Arr): number[] => a.values.map((s) => (s === 'True' ? 1 : s === 'False' ? 0 : Number(parseValue(s, '<f8'))));

/** A MemMap holding the array (written element by element through set). */
function file(name: string, a: Arr): MemMap {
  const m = memmap(tmp.file(name), { dtype: a.dtype, mode: 'w+', shape: a.shape });
  const vs = flatValues(a);
  const strides = a.shape.map((_, d) => a.shape.slice(d + 1).reduce((x, y) => x * y, 1));
  vs.forEach((v, i) => m.set(a.shape.map((_, d) => Math.floor(i / strides[d]) % a.shape[d]), dtype(a.dtype).itemsize === 8 && dtype(a.dtype).kind !== 'f' ? BigInt(v) : v));
  return m;
}

/** The array as JS memory: `{ data, shape, dtype }`. */
function js(a: Arr): { data: ArrayBufferView; shape: number[]; dtype: string } {
  const vs = flatValues(a);
  const dt = dtype(a.dtype);
  const make: Record<string, (v: number[]) => ArrayBufferView> = {
    float64: (v) => Float64Array.from(v), float32: (v) => Float32Array.from(v), float16: (v) => Float32Array.from(v),
    int8: (v) => Int8Array.from(v), uint8: (v) => Uint8Array.from(v), int16: (v) => Int16Array.from(v), uint16: (v) => Uint16Array.from(v),
    int32: (v) => Int32Array.from(v), uint32: (v) => Uint32Array.from(v), int64: (v) => BigInt64Array.from(v, BigInt),
    uint64: (v) => BigUint64Array.from(v, BigInt), bool: (v) => Uint8Array.from(v, Number),
  };
  return { data: make[dt.name](vs), shape: a.shape, dtype: dt.name };
}

describe("numpy's out[...] = expr (trust/apply.json)", () => {
  it.each(cases.map((c, k) => [c.name, c, k] as const))('%s', async (_, c, k) => {
    const opened: MemMap[] = [];
    try {
      const x = c.vars.x !== undefined ? file(`x${k}`, c.vars.x) : undefined;
      if (x) opened.push(x);
      const out = c.inplace !== null ? (c.inplace === 'x' ? x! : undefined)! : memmap(tmp.file(`o${k}`), { dtype: c.out!.dtype, mode: 'w+', shape: c.out!.shape });
      if (out !== x) opened.push(out);
      const vars = Object.fromEntries(Object.entries(c.vars).filter(([n]) => n !== 'x').map(([n, a]) => [n, js(a)]));
      const a = x ?? out;
      const before = fs.readFileSync(tmp.file(c.inplace === 'x' ? `x${k}` : `o${k}`));
      const p = a.apply(c.expr, { vars, out: out === a ? undefined : out });
      if (c.error !== undefined) {
        const message = c.error.replace(/^\w+: /, '');
        const code = /could not broadcast/.test(message) ? 'ERR_NDMMAP_SHAPE' : 'ERR_NDMMAP_EXPR';
        await expect(p).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
        expect(fs.readFileSync(tmp.file(c.inplace === 'x' ? `x${k}` : `o${k}`)).equals(before), 'nothing written').toBe(true);
        return;
      }
      await p;
      const got = out.toArray();
      const flat = Array.isArray(got) ? (got as unknown[]).flat(8) : [got];
      const want = c.expected!.map((s) => parseValue(s, c.result_dtype!));
      expect(flat.map(String)).toEqual(want.map(String));
    } finally {
      for (const m of opened) m.close();
    }
  });
});
