// cumsum, cumprod, nancumsum, nancumprod and diff against numpy (fixtures from
// test/fixtures/make_scan_fixtures.py): every dtype, axis None/0/1/-1, views (transposed, flipped
// with steps), big-endian and F-order files, dtype= and out= casts; integers also through the
// two-pass and the split-lines plans, which must stay exact.
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, createNpy, cumsum, diff, nancumsum, openNpy } from '../../dist/src/index.js';
import { SCAN_TUNING } from '../../dist/src/engine/scan/plan.js';
import { FIXTURES, manifest, parseValue, tempDir } from '../helpers.js';

interface Case {
  src: string; view: '' | 'T' | 'flip'; fn: string; axis: number | null | Record<string, number>; dtype: string | null; out: string | null;
  rdtype: string; shape: number[]; values: string[];
}
const CASES = manifest<Case[]>('scan');
const DEFAULT = { ...SCAN_TUNING };

let tmp: ReturnType<typeof tempDir>;
let made = 0;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => { tmp.remove(); Object.assign(SCAN_TUNING, DEFAULT); });
afterAll(() => Object.assign(SCAN_TUNING, DEFAULT));

const srcs = new Map<string, MemMap>();
function src(name: string): MemMap {
  if (!srcs.has(name)) srcs.set(name, openNpy(join(FIXTURES, 'scan', `src_${name}.npy`), { mode: 'r' }));
  return srcs.get(name)!;
}
afterAll(() => { for (const m of srcs.values()) m.close(); });

/** An element as a comparable key: bools as 0/1, -0 kept apart from 0, NaN as 'NaN'. */
function key(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint') return v.toString();
  return Object.is(v, -0) ? '-0' : String(v);
}

function view(m: MemMap, v: Case['view']): MemMap {
  return v === 'T' ? m.T : v === 'flip' ? m.slice('::-1', '::2') : m;
}

async function runCase(c: Case, threads?: number): Promise<{ dtype: string; shape: number[]; keys: string[] }> {
  const a = view(src(c.src), c.view);
  if (c.fn === 'diff') {
    const r = await diff(a, { ...(c.axis as object), threads }) as NDResult;
    return { dtype: r.dtype, shape: r.shape, keys: Array.from(r.data as ArrayLike<unknown>, key) };
  }
  const opts: Record<string, unknown> = { axis: c.axis, threads };
  if (c.dtype !== null) opts.dtype = c.dtype;
  if (c.out !== null) {
    const out = createNpy(tmp.file(`out-${++made}.npy`), { dtype: c.out, shape: c.shape });
    opts.out = out;
    const r = await (a as unknown as Record<string, (o: unknown) => Promise<MemMap>>)[c.fn](opts);
    expect(r).toBe(out);
    const keys = (r.toArray() as unknown[]).flat(9).map(key);
    r.close();
    return { dtype: c.out, shape: c.shape, keys };
  }
  const r = await (a as unknown as Record<string, (o: unknown) => Promise<NDResult>>)[c.fn](opts);
  return { dtype: r.dtype, shape: r.shape, keys: Array.from(r.data as ArrayLike<unknown>, key) };
}

function expected(c: Case): string[] {
  const str = c.rdtype === 'bool' ? '|b1' : `<${c.rdtype[0] === 'u' ? 'u' : c.rdtype[0] === 'f' ? 'f' : 'i'}${Number(c.rdtype.replace(/\D/g, '')) / 8}`;
  return c.values.map((s) => key(parseValue(s, str)));
}

const title = (c: Case): string => `${c.fn} ${c.src}${c.view ? ` view ${c.view}` : ''} axis ${JSON.stringify(c.axis)}${c.dtype ? ` dtype ${c.dtype}` : ''}${c.out ? ` out ${c.out}` : ''}`;

describe('numpy fixtures', () => {
  for (const fn of ['cumsum', 'cumprod', 'nancumsum', 'nancumprod', 'diff']) {
    it(`${fn}: every case equals numpy's, bit for bit (dtype, shape, values; NaN, -0.0, wrap-around)`, async () => {
      for (const c of CASES.filter((x) => x.fn === fn)) {
        const r = await runCase(c);
        expect(r.dtype, title(c)).toBe(c.out ?? c.rdtype);
        expect(r.shape, title(c)).toEqual(c.shape);
        expect(r.keys, title(c)).toEqual(expected(c));
      }
    });
  }

  it('integers and bools stay exact through the two-pass plan (segments of 3 elements) and split lines, 1 and 2 threads', async () => {
    Object.assign(SCAN_TUNING, { twoPassBytes: 1, segmentBytes: 3 * 8, blockBytes: 16, fewLines: 8 });
    const ints = CASES.filter((c) => c.fn.startsWith('cum') && !/float/.test(c.src + c.rdtype + (c.out ?? '')) && c.src !== 'be_f8');
    expect(ints.length).toBeGreaterThan(40);
    for (const threads of [1, 2]) {
      for (const c of ints) expect((await runCase(c, threads)).keys, `${title(c)} threads ${threads}`).toEqual(expected(c));
    }
  });
});

describe('cumsum edges', () => {
  it('empty and length-1 axes, 0-d arrays', async () => {
    const e = createNpy(tmp.file('e.npy'), { dtype: 'float64', shape: [0, 3] });
    expect(await e.cumsum()).toEqual({ shape: [0], dtype: 'float64', data: new Float64Array(0) });
    expect((await e.cumsum({ axis: 0 }) as NDResult).shape).toEqual([0, 3]);
    const one = createNpy(tmp.file('one.npy'), { dtype: 'int16', shape: [3, 1] });
    one.assign([[5], [-7], [9]]);
    expect(Array.from((await one.cumsum({ axis: 1 }) as NDResult).data as BigInt64Array)).toEqual([5n, -7n, 9n]);
    const z = createNpy(tmp.file('z.npy'), { dtype: 'float32', shape: [] });
    z.assign(-0);
    const r = await z.cumsum() as NDResult;
    expect(r.shape).toEqual([1]);
    expect(Object.is((r.data as Float32Array)[0], -0)).toBe(true);
  });

  it('nancumsum: NaN counts as +0.0 (numpy: [nan, -0.] -> [0., 0.], [-0., nan] -> [-0., 0.])', async () => {
    const a = createNpy(tmp.file('n.npy'), { dtype: 'float64', shape: [2] });
    a.assign([NaN, -0]);
    expect(Array.from((await nancumsum(a) as NDResult).data as Float64Array).map(key)).toEqual(['0', '0']);
    a.assign([-0, NaN]);
    expect(Array.from((await nancumsum(a) as NDResult).data as Float64Array).map(key)).toEqual(['-0', '0']);
  });

  it('writes a new .npy for a path out, numpy\'s result dtype', async () => {
    const r = await cumsum(src('int8'), { axis: 0, out: tmp.file('r.npy') }) as MemMap;
    expect(r.dtype.name).toBe('int64');
    const c = CASES.find((x) => x.fn === 'cumsum' && x.src === 'int8' && x.axis === 0 && x.view === '' && !x.dtype && !x.out)!;
    expect((r.toArray() as unknown[]).flat(9).map(key)).toEqual(expected(c));
    r.close();
  });
});
