// dot, search and topk/argtopk against numpy (embed/cases.json, made by make_embed_fixtures.py): exact
// data, so every score must match numpy's to the bit — float16/32/64, int8…uint64, bool, big-endian,
// F order, views, n-d, ties, NaN rows, zero rows, filters; the same on every instruction set and for
// any thread count; numpy's errors, raised before any worker runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { argtopk, createNpy, dot, type MemMap, type NDResult, openNpy, search, topk } from '../../dist/src/index.js';
import { FIXTURES, manifest, parseValue, tempDir } from '../helpers.js';

interface DotCase { id: string; a: string; view: string | null; v: string; expected_dtype?: string; expected_shape?: number[]; expected?: string[]; error?: string }
interface SearchCase { id: string; a: string; q: string; k: number; metric: 'dot' | 'cosine' | 'l2'; filter: string | null; score_dtype: string; indices: string[]; scores: string[] }
interface TopKCase { id: string; a: string; k: number; axis: number | null; largest: boolean; values_dtype: string; shape: number[]; values: string[]; indices: string[] }
const cases = manifest<{ dot: DotCase[]; search: SearchCase[]; topk: TopKCase[] }>('embed');
const dir = join(FIXTURES, 'embed');
const open = (f: string): MemMap => openNpy(join(dir, f), { mode: 'r' });
const STR: Record<string, string> = { bool: '|b1', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8', float16: '<f2', float32: '<f4', float64: '<f8' };

/** A fixture's value strings as ndmmap returns them (bools as 0/1 in result arrays). */
const expectedOf = (vals: string[], dt: string): unknown[] => vals.map((s) => { const v = parseValue(s, STR[dt]); return typeof v === 'boolean' ? Number(v) : v; });
const same = (got: ArrayLike<unknown>, want: unknown[]): boolean => got.length === want.length && want.every((w, i) => Object.is(got[i], w));

function view(a: MemMap, v: string | null): MemMap {
  if (v === null) return a;
  return a.slice(...v.replace(/^\[|\]$/g, '').split(',').map((s) => s.trim()));
}

describe('dot: numpy a @ v', () => {
  for (const c of cases.dot) {
    it(c.id, async () => {
      const a = view(open(c.a), c.view);
      const v = open(c.v);
      try {
        if (c.error !== undefined) {
          await expect(dot(a, v)).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE', message: c.error });
          return;
        }
        const r = await dot(a, v);
        const want = expectedOf(c.expected!, c.expected_dtype!);
        if (c.expected_shape!.length === 0) {
          expect(typeof r === 'boolean' ? Number(r) : r).toStrictEqual(want[0]);
          return;
        }
        const nd = r as NDResult;
        expect(nd.dtype).toBe(c.expected_dtype);
        expect(nd.shape).toEqual(c.expected_shape);
        expect([...nd.data]).toStrictEqual(want);
        // the same through a typed array, where the vector's dtype has one
        if (v.ndim === 1 && v.size > 0 && !['float16', 'bool'].includes(v.dtype.name)) {
          const r2 = (await a.dot(v.typedArray())) as NDResult;
          expect(same(r2.data, want)).toBe(true);
        }
      } finally {
        a.close();
        v.close();
      }
    });
  }

  it('writes into an out MemMap with same_kind casting, and refuses what numpy refuses', async () => {
    const tmp = tempDir();
    try {
      const a = open('a_float32_9x37.npy');
      const v = open('v_float32_37.npy');
      const want = (await dot(a, v)) as NDResult;
      const out = createNpy(tmp.file('o.npy'), { dtype: 'float64', shape: [9] });
      expect(await dot(a, v, { out })).toBe(out);
      expect(out.toArray()).toEqual([...want.data]);
      const bad = createNpy(tmp.file('i.npy'), { dtype: 'int32', shape: [9] });
      await expect(dot(a, v, { out: bad })).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE', message: "Cannot cast ufunc 'matmul' output from dtype('float32') to dtype('int32') with casting rule 'same_kind'" });
      const wrong = createNpy(tmp.file('w.npy'), { dtype: 'float32', shape: [8] });
      await expect(dot(a, v, { out: wrong })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
      for (const m of [a, v, out, bad, wrong]) m.close();
    } finally {
      tmp.remove();
    }
  });

  it('takes { data, shape } matrices and plain numbers (numpy default int64/float64)', async () => {
    const a = open('a_float32_9x37.npy');
    const m = open('m_float32_37x3.npy');
    const want = (await dot(a, m)) as NDResult;
    const r = (await dot(a, { data: m.typedArray(), shape: [37, 3] })) as NDResult;
    expect(same(r.data, [...want.data])).toBe(true);
    const ints = (await dot(a, new Array(37).fill(1))) as NDResult;
    expect(ints.dtype).toBe('float64'); // float32 @ int64 -> float64
    const rowSums = (await a.sum({ axis: 1, dtype: 'float64' })) as NDResult;
    expect([...ints.data]).toEqual([...rowSums.data]);
    a.close();
    m.close();
  });

  it('refuses bad vectors with clear errors', async () => {
    const a = open('a_float32_9x37.npy');
    await expect(dot(a, 'x' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(dot(a, ['a'] as never)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    await expect(dot(a, { data: new Float32Array(37 * 65), shape: [37, 65] })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(dot(a, { data: new Float32Array(10), shape: [37, 3] })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    a.close();
    await expect(dot(a, new Float32Array(37))).rejects.toMatchObject({ code: 'ERR_NDMMAP_CLOSED' });
  });
});

async function runSearch(c: SearchCase): Promise<{ indices: NDResult; scores: NDResult }> {
  const a = open(c.a);
  const q = open(c.q);
  const filter = c.filter === null ? undefined : open(c.filter);
  try {
    return await search(a, q, { k: c.k, metric: c.metric, filter });
  } finally {
    a.close();
    q.close();
    filter?.close();
  }
}

describe('search: numpy brute force', () => {
  for (const c of cases.search) {
    it(c.id, async () => {
      const r = await runSearch(c);
      expect(r.scores.dtype).toBe(c.score_dtype);
      expect([...r.indices.data]).toStrictEqual(expectedOf(c.indices, 'int64'));
      expect(same(r.scores.data, expectedOf(c.scores, c.score_dtype))).toBe(true);
    });
  }

  it('refuses bad input before any worker runs', async () => {
    const a = open('s_float32_200x37.npy');
    const q = new Float32Array(37);
    await expect(search(a, new Float32Array(5))).rejects.toMatchObject({
      code: 'ERR_NDMMAP_SHAPE', message: 'matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 5 is different from 37)' });
    await expect(search(a, q, { k: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: 'k must be in 1..200 (the number of rows), got 0' });
    await expect(search(a, q, { k: 201 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(search(a, q, { k: 1.5 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(search(a, q, { metric: 'euclid' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: "metric must be one of 'dot', 'cosine', 'l2', got 'euclid'" });
    await expect(search(a, ['x'] as never)).rejects.toMatchObject({ code: 'ERR_NDMMAP_DTYPE' });
    await expect(search(a, q, { kk: 1 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(search(a, { data: new Float32Array(37 * 65), shape: [65, 37] })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    const flat = a.reshape([-1]);
    await expect(search(flat, q)).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    const wrongFilter = open('a_bool_9x37.npy');
    await expect(search(a, q, { filter: wrongFilter })).rejects.toMatchObject({ code: 'ERR_NDMMAP_SHAPE' });
    wrongFilter.close();
    a.close();
  });
});

describe('topk / argtopk: numpy stable sort', () => {
  for (const c of cases.topk) {
    it(c.id, async () => {
      const a = open(c.a);
      try {
        const r = await a.topk(c.k, { axis: c.axis, largest: c.largest });
        expect(r.values.shape).toEqual(c.shape);
        expect(r.values.dtype).toBe(c.values_dtype);
        expect([...r.indices.data]).toStrictEqual(expectedOf(c.indices, 'int64'));
        expect(same(r.values.data, expectedOf(c.values, c.values_dtype))).toBe(true);
        const idx = await argtopk(a, c.k, { axis: c.axis, largest: c.largest });
        expect([...idx.data]).toStrictEqual([...r.indices.data]);
      } finally {
        a.close();
      }
    });
  }

  it('refuses a bad k or axis', async () => {
    const a = open('t_float32_6x50.npy');
    await expect(topk(a, 0)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: 'k must be in 1..50 (the length of the axis), got 0' });
    await expect(topk(a, 7, { axis: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(topk(a, 1, { axis: 2 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_AXIS' });
    await expect(topk(a, 1, { largest: 'yes' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    a.close();
  });
});

// Larger than the inline limit, so the pool runs it: blocks on two threads, merged.
describe('pool runs', () => {
  const tmp = tempDir('ndmmap-embed-');
  afterAll(() => tmp.remove());
  const N = 40_000, D = 24;
  let s = 7;
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2 ** 31; return Math.floor((s / 2 ** 31) * 33) - 16; };
  const vals = Float32Array.from({ length: N * D }, () => rnd() / 4);
  for (let d = 0; d < D; d++) vals[31_000 * D + d] = vals[5 * D + d]; // a tie across blocks
  const file = tmp.file('emb.npy');
  const m = createNpy(file, { dtype: 'float32', shape: [N, D] });
  m.typedArray().set(vals);
  m.flush();
  m.close();
  const q = Float32Array.from(vals.subarray(5 * D, 6 * D));

  function reference(metric: 'dot' | 'l2', k: number): number[] {
    const sc = new Float64Array(N);
    for (let r = 0; r < N; r++) {
      let t = 0;
      for (let d = 0; d < D; d++) t += metric === 'dot' ? vals[r * D + d] * q[d] : (vals[r * D + d] - q[d]) ** 2;
      sc[r] = metric === 'dot' ? t : Math.fround(Math.sqrt(t));
    }
    const order = [...sc.keys()].sort((x, y) => (metric === 'dot' ? sc[y] - sc[x] : sc[x] - sc[y]) || x - y);
    return order.slice(0, k);
  }

  it('search on 1 and 2 threads equals the brute-force reference', async () => {
    const a = openNpy(file, { mode: 'r' });
    for (const metric of ['dot', 'l2'] as const) {
      const want = reference(metric, 25);
      for (const threads of [1, 2]) {
        const r = await a.search(q, { k: 25, metric, threads });
        expect(r.indices.data.length).toBe(25);
        expect([...r.indices.data].map(Number)).toEqual(want);
      }
    }
    a.close();
  });

  it('dot and topk on the pool equal the inline results', async () => {
    const a = openNpy(file, { mode: 'r' });
    const scores = (await a.dot(q, { threads: 2 })) as NDResult;
    for (let r = 0; r < N; r += 997) {
      let t = 0;
      for (let d = 0; d < D; d++) t += vals[r * D + d] * q[d];
      expect(scores.data[r]).toBe(t);
    }
    const flatTop = await topk(a, 30, { axis: null, threads: 2 });
    const one = await topk(a, 30, { axis: null, threads: 1 });
    expect([...flatTop.indices.data]).toEqual([...one.indices.data]);
    const byCol = await topk(a, 5, { axis: 0, largest: false, threads: 2 });
    for (let d = 0; d < D; d++) {
      const col = Array.from({ length: N }, (_, r) => r).sort((x, y) => vals[x * D + d] - vals[y * D + d] || x - y);
      expect([...byCol.indices.data].filter((_, i) => i % D === d).map(Number)).toEqual(col.slice(0, 5));
    }
    a.close();
  });
});

// Exact data: numpy's answers on every instruction set the machine has (NDMMAP_ISA forces a lower one).
describe('instruction sets', () => {
  const DIST = new URL('../../dist/', import.meta.url).pathname;
  const script = `
    import { openNpy, search, dot, shutdown } from '${DIST}src/index.js';
    import { native } from '${DIST}src/native.js';
    const dir = ${JSON.stringify(dir)};
    const cases = ${JSON.stringify({ dot: cases.dot.filter((c) => c.error === undefined && c.view === null), search: cases.search })};
    const out = { isa: native.contract.isa, dot: [], search: [] };
    const open = (f) => openNpy(dir + '/' + f, { mode: 'r' });
    for (const c of cases.dot) { const a = open(c.a), v = open(c.v); const r = await dot(a, v); out.dot.push(typeof r === 'object' ? [...r.data].map(String) : [String(r)]); a.close(); v.close(); }
    for (const c of cases.search) {
      const a = open(c.a), q = open(c.q), f = c.filter ? open(c.filter) : undefined;
      const r = await search(a, q, { k: c.k, metric: c.metric, filter: f });
      out.search.push([[...r.indices.data].map(String), [...r.scores.data].map(String)]);
      a.close(); q.close(); f?.close();
    }
    await shutdown();
    console.log(JSON.stringify(out));`;
  for (const isa of ['baseline', 'avx2']) {
    it(`${isa} gives numpy's answers`, () => {
      const p = spawnSync(process.execPath, ['--input-type=module'], { input: script, env: { ...process.env, NDMMAP_ISA: isa }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      expect(p.status, p.stderr).toBe(0);
      const out = JSON.parse(p.stdout) as { isa: string; dot: string[][]; search: string[][][] };
      expect(out.isa === isa || (isa === 'avx2' && out.isa === 'baseline')).toBe(true);
      const dots = cases.dot.filter((c) => c.error === undefined && c.view === null);
      dots.forEach((c, i) => {
        const want = expectedOf(c.expected!, c.expected_dtype!).map((x) => String(x));
        expect(out.dot[i], c.id).toEqual(want);
      });
      cases.search.forEach((c, i) => {
        expect(out.search[i][0], c.id).toEqual(expectedOf(c.indices, 'int64').map(String));
        expect(out.search[i][1], c.id).toEqual(expectedOf(c.scores, c.score_dtype).map(String));
      });
    });
  }
});
