// Products along axis 0 (the tiled loop's lane-wise rows, native/reduce/reduce_prod_rows.inc) against
// numpy (trust/prod_rows.json, make_trust_fixtures.py prod_rows()): mid-column overflow and flush to
// zero, up-then-down columns, zeros of both signs, inf * 0 = NaN, NaN (skipped by nanprod), negative
// factors, float32 rounding of each step, byte-swapped and cast values, gradual ramps (each column
// saturating at its own row: the lanes stop at a fold and go on), 77 columns (two lane blocks of
// 32, one of 8, five left over). Within one block each column is numpy's sequential product, bit for
// bit; across blocks the partial products merge (1e-12 / float32 ulps of numpy), and 1 and 2 threads
// give the same bits.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { dtype, memmap, type NDResult } from '../../dist/src/index.js';
import { manifest, parseValue, tempDir } from '../helpers.js';

interface Case {
  name: string; dtype: string; shape: [number, number]; ramp: number; set: [number, number, string][]; op: 'prod' | 'nanprod';
  kwargs: { dtype?: string }; exact: boolean; result_dtype: string; expected: string[];
}

const cases = manifest<Case[]>('trust', 'prod_rows.json');
const tmp = tempDir('ndmmap-prod-rows-');
afterAll(() => tmp.remove());

/** The generator's formula (make_trust_fixtures.py prod_rows), element by element, then the overrides. */
function build(c: Case, file: string): void {
  const dt = dtype(c.dtype);
  const [n, w] = c.shape;
  const buf = Buffer.alloc(n * w * dt.itemsize);
  const le = dt.byteorder !== '>';
  const put = (k: number, v: number): void => {
    const at = k * dt.itemsize;
    if (dt.name === 'float64') { if (le) buf.writeDoubleLE(v, at); else buf.writeDoubleBE(v, at); }
    else if (dt.name === 'float32') buf.writeFloatLE(v, at);
    else buf.writeInt16LE(v, at);
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < w; j++) {
      if (c.ramp) {
        const g = (i * 131 + j * 71 + ((i * j) % 17)) % 1024;
        const t = ((i * 7 + j * 3) % 23) - 11 + c.ramp * ((j % 5) - 2);
        put(i * w + j, ((i * 5 + j * 3) % 7 === 0 ? -1 : 1) * (1 + g / 1024) * 2 ** t);
        continue;
      }
      const act = (i + j) % 8 === 0;
      const h = act ? (i * 131 + j * 71 + ((i * j) % 17)) % 1024 : 0;
      const s = act && (i * 13 + j * 7) % 9 < 4 ? -1 : 0;
      const sign = (i * 5 + j * 3) % 7 === 0 ? -1 : 1;
      put(i * w + j, dt.name === 'int16' ? sign * (1 + (h % 3)) : sign * (1 + h / 1024) * 2 ** s);
    }
  }
  for (const [i, j, v] of c.set) put(i * w + j, parseValue(v, '<f8') as number);
  fs.writeFileSync(file, buf);
}

const same = (g: number, w: number): boolean => Object.is(g, w);

describe('products along axis 0 against numpy (trust/prod_rows.json)', () => {
  it.each(cases.map((c, k) => [`${c.op} ${c.name} ${c.shape.join('x')}${c.kwargs.dtype ? ` dtype=${c.kwargs.dtype}` : ''}`, c, k] as const))('%s', async (_, c, k) => {
    const file = tmp.file(`p${k}.bin`);
    build(c, file);
    const a = memmap(file, { dtype: c.dtype, shape: c.shape, mode: 'r' });
    try {
      const want = c.expected.map((s) => parseValue(s, c.result_dtype) as number);
      const runs: number[][] = [];
      for (const threads of [1, 2]) {
        const r = (await a[c.op]({ axis: 0, threads, ...c.kwargs })) as NDResult;
        runs.push([...r.data].map(Number));
      }
      runs[1].forEach((g, i) => expect(same(g, runs[0][i]), `[${i}] 2 threads ${g} vs 1 thread ${runs[0][i]}`).toBe(true));
      const tol = c.result_dtype === '<f4' ? 2 ** -20 : 1e-12;
      runs[0].forEach((g, i) => {
        const w = want[i];
        if (c.exact || Number.isNaN(w) || !Number.isFinite(w) || w === 0) expect(same(g, w), `[${i}] ${g} vs numpy ${w}`).toBe(true);
        else expect(Math.abs(g - w), `[${i}] ${g} vs numpy ${w}`).toBeLessThanOrEqual(Math.abs(w) * tol);
      });
    } finally {
      a.close();
      fs.rmSync(file);
    }
  });

  it('covers one block and several, every special kind', () => {
    const bytes = (c: Case): number => c.shape[0] * c.shape[1] * dtype(c.dtype).itemsize;
    expect(cases.some((c) => !c.exact && bytes(c) > 8 * 2 ** 20)).toBe(true);
    expect(cases.some((c) => c.exact && bytes(c) > 512 * 1024)).toBe(true);
    for (const s of ['inf', 'nan', '0.0', '-0.0']) expect(cases.some((c) => c.expected.includes(s)), s).toBe(true);
  });
});
