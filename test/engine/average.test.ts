// numpy's np.average (trust/average.json, made by make_trust_fixtures.py): no weights, weights of a's
// shape and along axes (numpy transposes them for a reversed axis tuple), returned=True, keepdims, every
// result dtype, numpy's errors. Weights are given as MemMaps and as JS memory.
import { afterAll, describe, expect, it } from 'vitest';
import { average, dtype, memmap, type MemMap, type NDResult } from '../../dist/src/index.js';
import { manifest, parseValue, tempDir } from '../helpers.js';

interface Arr { dtype: string; shape: number[]; values: string[] }
interface Case { name: string; a: Arr; weights: Arr | null; kwargs: Record<string, unknown>; avg?: Arr; scl?: Arr; error?: string }

const cases = manifest<Case[]>('trust', 'average.json');
const tmp = tempDir('ndmmap-average-');
afterAll(() => tmp.remove());

function file(name: string, a: Arr): MemMap {
  const m = memmap(tmp.file(name), { dtype: a.dtype, mode: 'w+', shape: a.shape });
  const strides = a.shape.map((_, d) => a.shape.slice(d + 1).reduce((x, y) => x * y, 1));
  a.values.forEach((s, i) => {
    const v = parseValue(s, dtype(a.dtype).str);
    m.set(a.shape.map((_, d) => Math.floor(i / strides[d]) % a.shape[d]), typeof v === 'boolean' ? +v : v);
  });
  return m;
}

function js(a: Arr): { data: ArrayBufferView; shape: number[]; dtype: string } {
  const dt = dtype(a.dtype);
  const v = a.values.map((s) => parseValue(s, dt.str));
  if (dt.name === 'int64') return { data: BigInt64Array.from(v as bigint[]), shape: a.shape, dtype: 'int64' };
  const T = dt.name === 'bool' ? Uint8Array : dt.name === 'float64' ? Float64Array : Float32Array;
  return { data: T.from(v, Number), shape: a.shape, dtype: dt.name };
}

const ulp = (x: number, d: string): number => 2 ** (Math.floor(Math.log2(Math.abs(x) || 1)) - (d === 'float16' ? 10 : d === 'float32' ? 23 : 52));

function check(got: unknown, want: Arr, what: string): void {
  const vals = typeof got === 'object' && got !== null && 'data' in (got as object) ? [...(got as NDResult).data].map(Number) : [Number(got)];
  if (typeof got === 'object') {
    expect((got as NDResult).shape, `${what} shape`).toEqual(want.shape);
    expect((got as NDResult).dtype, `${what} dtype`).toBe(want.dtype);
  } else expect(want.shape, `${what}: a scalar`).toEqual([]);
  const w = want.values.map((s) => Number(parseValue(s, dtype(want.dtype).str)));
  expect(vals.length).toBe(w.length);
  vals.forEach((g, i) => expect(Math.abs(g - w[i]) <= 2 * ulp(w[i], want.dtype) || Object.is(g, w[i]), `${what}[${i}] ${g} vs numpy ${w[i]}`).toBe(true));
}

describe("numpy's average (trust/average.json)", () => {
  it.each(cases.map((c, k) => [c.name, c, k] as const))('%s', async (_, c, k) => {
    const a = file(`a${k}`, c.a);
    const opened = [a];
    try {
      for (const form of c.weights === null ? ['none'] : ['memmap', 'js']) {
        const opts: Record<string, unknown> = { ...c.kwargs };
        if (form === 'memmap') { const w = file(`w${k}`, c.weights!); opened.push(w); opts.weights = w; }
        if (form === 'js') opts.weights = js(c.weights!);
        const p = average(a, opts);
        if (c.error !== undefined) {
          await expect(p).rejects.toMatchObject({ message: expect.stringContaining(c.error.replace(/^\w+: /, '')) });
          continue;
        }
        const r = await p;
        if (c.scl !== undefined) {
          const [avg, scl] = r as [unknown, unknown];
          check(avg, c.avg!, `${form} avg`);
          check(scl, c.scl, `${form} scl`);
        } else check(r, c.avg!, `${form} avg`);
      }
    } finally {
      for (const m of opened) m.close();
    }
  });
});
