// float16 reductions of pool-sized arrays in several layouts, and float32 dtype= sums of strided
// views (trust round two, item 4; trust/float16.json, made by make_trust_fixtures.py): a non-contiguous
// float16 sum must not stall in float16, partial sums must not overflow between chunks, nanvar must not
// depend on the layout, `initial` is rounded into the result dtype. Where the fixture holds the exact
// value (numpy's algorithm with exact sums), ndmmap is held to numpy within numpy's own distance from
// it (and to the exact value within that distance); elsewhere to numpy within a few ulps.
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type MemMap, type NDResult, reduce } from '../../dist/src/index.js';
import { roundHalf } from '../../dist/src/dtype.js';
import { manifest, parseValue, tempDir } from '../helpers.js';

interface Case {
  name: string; op: string; kwargs: Record<string, unknown>;
  gen: { dtype: string; shape: number[]; mod: number; step: number; offset?: number; set: [number, string][] };
  view: { slices?: string[]; transpose?: boolean };
  expected?: string[]; result_dtype?: string; result_shape?: number[]; exact?: string; error?: string;
}

const cases = manifest<Case[]>('trust', 'float16.json');
const tmp = tempDir('ndmmap-f16-trust-', { memory: true });
afterAll(() => tmp.remove());

const bases = new Map<string, MemMap>();
afterAll(() => { for (const m of bases.values()) m.close(); });

/** The case's array, made as numpy made it (the VM's float64 formula cast to the dtype), shared by cases. */
async function base(c: Case): Promise<MemMap> {
  const key = JSON.stringify(c.gen);
  let a = bases.get(key);
  if (a === undefined) {
    const g = c.gen;
    a = memmap(tmp.file(`b${bases.size}`), { dtype: g.dtype, mode: 'w+', shape: g.shape });
    await a.apply(`(i % ${g.mod}) * ${g.step.toExponential()} + ${(g.offset ?? 0).toExponential()}`);
    const flat = a.reshape([-1]);
    for (const [i, v] of g.set) flat.set([i], parseValue(v, '<f8') as number);
    bases.set(key, a);
  }
  let v = c.view.slices ? a.slice(...c.view.slices) : a;
  if (c.view.transpose) v = v.T;
  return v;
}

function ulp(x: number, rdt: string): number {
  const bits = rdt === '<f2' ? 10 : rdt === '<f4' ? 23 : 52;
  const min = rdt === '<f2' ? -14 : rdt === '<f4' ? -126 : -1022;
  return 2 ** (Math.max(Math.floor(Math.log2(Math.abs(x) || 1)), min) - bits);
}

/**
 * Ulps allowed: float16 results are numpy's algorithm step by step (1); float32 sums pairwise in
 * float32 as numpy's, merged differently (2); float64 results come from other summation orders than
 * numpy's (its own error is of that size): 16 for sums, 64 for variances (a float64 mean of float16
 * data leaves squared deviations summed by Chan's merge of chunk moments).
 */
const slack = (rdt: string, op: string): number => (rdt === '<f2' ? 1 : rdt === '<f4' ? 2 : /var|std/.test(op) ? 64 : 16);

const round = (x: number, rdt: string): number => (rdt === '<f2' ? roundHalf(x) : rdt === '<f4' ? Math.fround(x) : x);
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('float16 reductions against numpy (trust/float16.json)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const a = await base(c);
    const opts = { ...c.kwargs };
    if (c.error !== undefined) {
      await expect(reduce(c.op, a, opts)).rejects.toMatchObject({ message: expect.stringContaining(c.error.replace(/^\w+: /, '')) });
      return;
    }
    const r = await reduce(c.op, a, opts);
    const got = typeof r === 'object' && r !== null && 'data' in r ? [...(r as NDResult).data].map(Number) : [Number(r)];
    const rdt = c.result_dtype!;
    const want = c.expected!.map((s) => parseValue(s, rdt) as number);
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => {
      const w = want[i];
      expect(round(g, rdt), `[${i}] ${g} is a ${rdt} value`).toBe(g);
      if (c.exact !== undefined) {
        const e = parseValue(c.exact, '<f8') as number;
        const er = round(e, rdt);
        if (!Number.isFinite(er) || Number.isNaN(w)) { expect(same(g, Number.isFinite(w) ? er : w), `${g} vs numpy ${w}, exact ${e}`).toBe(true); return; }
        const k = slack(rdt, c.op);
        // numpy's buffered float16 sums (byte-swapped, cast or uncoalesced) round every 8192 elements:
        // ndmmap follows them, so it may be as far from the exact value as numpy is (and one ulp more)
        expect(Math.abs(g - e), `${g} vs the exact ${e} (numpy ${w})`).toBeLessThanOrEqual(Math.abs(w - e) + k * ulp(e, rdt));
        expect(Math.abs(g - w), `${g} vs numpy ${w} (exact ${e})`).toBeLessThanOrEqual(Math.abs(w - e) + k * ulp(e, rdt));
        return;
      }
      if (!Number.isFinite(w) || w === 0) { expect(same(g, w), `[${i}] ${g} vs numpy ${w}`).toBe(true); return; }
      expect(Math.abs(g - w), `[${i}] ${g} vs numpy ${w}`).toBeLessThanOrEqual(slack(rdt, c.op) * ulp(w, rdt));
    });
  });
});
