// Axis-0 reductions whose row kernels take groups of up to 512 rows (native/reduce: GroupRows()):
// results do not depend on the grouping. Checked against numpy's outer-axis loop written out in JS
// (a running float32 sum per column, as numpy's float32 axis-0 sum; exact extremes, counts and
// integer sums) on arrays of 1500 and 3000 rows (several groups, partial last groups), with NaN, ±inf and -0.0 among the values, and on 1 and 2 threads.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type NDResult } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-rows-groups-');
afterAll(() => tmp.remove());

/** A deterministic value stream (LCG): the same data on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

type Typed = Float32Array | Int16Array | Uint8Array;

function column(t: Typed, n: number, w: number, j: number): number[] {
  const c: number[] = [];
  for (let i = 0; i < n; i++) c.push(t[i * w + j]);
  return c;
}

/** numpy's answers per column, the outer-axis loop written out. */
const expected: Record<string, (c: number[], f32: boolean) => number> = {
  sum: (c, f32) => c.reduce((s, x) => (f32 ? Math.fround(s + x) : s + x), 0),
  nansum: (c, f32) => c.reduce((s, x) => (Number.isNaN(x) ? s : f32 ? Math.fround(s + x) : s + x), 0),
  max: (c) => c.reduce((m, x) => (Number.isNaN(m) || Number.isNaN(x) ? NaN : x > m ? x : m)),
  nanmin: (c) => { const r = c.filter((x) => !Number.isNaN(x)); return r.length ? r.reduce((m, x) => (x < m ? x : m)) : NaN; },
};

function make(kind: 'float32' | 'int16' | 'uint8', n: number, w: number, seed: number): { file: string; t: Typed } {
  const rnd = lcg(seed);
  const t = kind === 'float32' ? new Float32Array(n * w) : kind === 'int16' ? new Int16Array(n * w) : new Uint8Array(n * w);
  for (let k = 0; k < n * w; k++) {
    const u = rnd();
    if (kind === 'float32') {
      const specials = [NaN, Infinity, -Infinity, -0, 0];
      t[k] = u < 0.0005 ? specials[Math.floor(rnd() * 5)] : (rnd() - 0.5) * 2 ** Math.floor(rnd() * 20 - 10);
    } else if (kind === 'int16') t[k] = u < 0.1 ? 0 : Math.floor(rnd() * 65536) - 32768;
    else t[k] = u < 0.1 ? 0 : Math.floor(rnd() * 256);
  }
  // one column stays NaN-free, one is all NaN (nanmin's all-NaN column is NaN, with a warning in numpy)
  if (kind === 'float32') for (let i = 0; i < n; i++) { t[i * w] = Math.fround(i * 0.1); t[i * w + 1] = NaN; }
  const file = tmp.file(`${kind}-${n}x${w}.bin`);
  fs.writeFileSync(file, Buffer.from(t.buffer));
  return { file, t };
}

describe('row groups of any size give the outer-axis loop bits', () => {
  // one block each (under 4 MiB): blocks merge their states in float64, which is not numpy's float32 loop
  const shapes: [number, number][] = [[1500, 37], [3000, 300]];
  for (const kind of ['float32', 'int16', 'uint8'] as const) {
    for (const [n, w] of shapes) {
      it(`${kind} ${n}x${w}`, async () => {
        const { file, t } = make(kind, n, w, n + w);
        const a = memmap(file, { dtype: kind, mode: 'r', shape: [n, w] });
        try {
          const ops = kind === 'float32' ? ['sum', 'nansum', 'max', 'nanmin'] : ['sum', 'max'];
          for (const op of ops) {
            const got: number[][] = [];
            for (const threads of [1, 2]) {
              const r = (await a[op as 'sum']({ axis: 0, threads })) as NDResult;
              got.push([...r.data].map(Number));
            }
            for (let j = 0; j < w; j++) {
              const want = expected[op](column(t, n, w, j), kind === 'float32');
              expect(Object.is(got[0][j], want) || (want === 0 && got[0][j] === 0 && op !== 'sum'), `${op}[${j}] ${got[0][j]} vs ${want}`).toBe(true);
              expect(Object.is(got[1][j], got[0][j]), `${op}[${j}] 2 threads`).toBe(true);
            }
          }
        } finally {
          a.close();
        }
      });
    }
  }
});
