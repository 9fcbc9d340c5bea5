/**
 * apply over real files against numpy (test/fixtures/expr/layouts.json, made by make_layouts.py):
 * views, byte orders, broadcasting between x, y, vars (memmaps, typed arrays, result objects, numbers)
 * and the output, index variables in every layout, and numpy's errors for shapes that do not broadcast.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type MemMap } from '../../dist/src/index.js';
import { manifest } from '../helpers.js';

interface ArrSpec { dtype: string; shape: number[]; order: 'C' | 'F'; index: (number | string)[]; transpose: boolean; fill: string }
type VarSpec = (ArrSpec & { kind: 'memmap' }) | { kind: 'typed'; dtype: string; shape: number[]; fill: string } |
  { kind: 'result'; dtype: string; shape: number[]; values: number[] } | { kind: 'number'; value: string; int: boolean };
interface Case { name: string; expr: string; x: ArrSpec; y: ArrSpec | null; out: ArrSpec | null; vars: Record<string, VarSpec>; expected?: string; error?: string }

const { numpy, cases } = manifest<{ numpy: string; cases: Case[] }>('expr', 'layouts.json');
const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const dir = fs.mkdtempSync(path.join(base, 'ndmmap-layouts-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CLASSES: Record<string, new (b: ArrayBuffer) => ArrayBufferView> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, float32: Float32Array, float64: Float64Array,
};

let files = 0;
/** The spec's base array in a new file, and the view of it. */
function open(s: ArrSpec): { file: string; view: MemMap; base: MemMap } {
  const file = path.join(dir, `a${files++}.bin`);
  fs.writeFileSync(file, Buffer.from(s.fill, 'base64'));
  const whole = memmap(file, { dtype: s.dtype, shape: s.shape, order: s.order, mode: 'r+' });
  let view = s.index.length > 0 ? whole.slice(...s.index) : whole;
  if (s.transpose) view = view.T;
  return { file, view, base: whole };
}

function varOf(v: VarSpec): unknown {
  switch (v.kind) {
    case 'memmap': return open(v).view;
    case 'typed': return Object.assign(new CLASSES[v.dtype](new Uint8Array(Buffer.from(v.fill, 'base64')).buffer), { shape: v.shape });
    case 'result': return { data: Float32Array.from(v.values), shape: v.shape, dtype: v.dtype };
    case 'number': return Number(v.value);
  }
}

describe(`apply over layouts against numpy ${numpy}`, () => {
  for (const c of cases) {
    it(`${c.name}: ${c.expr}`, async () => {
      const x = open(c.x);
      const out = c.out === null ? undefined : open(c.out);
      const y = c.y === null ? undefined : open(c.y).view;
      const vars = Object.fromEntries(Object.entries(c.vars).map(([k, v]) => [k, varOf(v)]));
      const target = out ?? x;
      const before = fs.readFileSync(target.file);
      const run = x.view.apply(c.expr, { ...(y ? { y } : {}), vars, ...(out ? { out: out.view } : {}) });
      if (c.error !== undefined) {
        await expect(run).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE', message: c.error.trim() });
        expect(fs.readFileSync(target.file)).toEqual(before); // nothing written
        return;
      }
      await run;
      expect(fs.readFileSync(target.file).toString('base64')).toBe(c.expected);
    });
  }
});
