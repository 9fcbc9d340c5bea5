// The distribution commands: quantile/percentile/median and nan* print numpy's values, histogram a
// bar chart fitted to the width (or numpy's arrays with --json), bincount; shards merged equal the
// whole; bad command lines fail with one 'ndmmap:' line.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIX, expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const F8 = path.join(FIX, 'dist/float64_many.bin');
const LAB = path.join(FIX, 'dist/int32_labels.bin');
const cases = JSON.parse(fs.readFileSync(path.join(FIX, 'dist/cases.json'), 'utf8')) as {
  cases: { data: string; fn: string; q: unknown; kwargs: Record<string, unknown>; values?: string[] }[];
  histogram: { data: string; fn: string; kwargs: Record<string, unknown>; values?: string[]; edges?: string[] }[];
};
const json = (r: { stdout: string }): unknown => JSON.parse(r.stdout);

describe('ndmmap quantile, median, histogram, bincount', () => {
  it('quantile and median print numpy values (float64_many against numpy-made fixtures)', () => {
    const want = cases.cases.find((c) => c.data === 'float64_nan' && c.fn === 'nanquantile' && Array.isArray(c.q) && c.kwargs.method === 'hazen' && c.kwargs.axis === undefined)!;
    const r = ndmmap(['nanquantile', path.join(FIX, 'dist/float64_nan.bin'), '--dtype', 'f8', '--shape', '4,9', '--q', (want.q as number[]).join(','), '--method', 'hazen', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ result: want.values!.map(Number) });
    const med = cases.cases.find((c) => c.data === 'float64_rnd' && c.fn === 'median' && c.kwargs.axis === 1)!;
    const m = ndmmap(['median', path.join(FIX, 'dist/float64_rnd.bin'), '--dtype', 'f8', '--shape', '6,11', '--axis', '1', '--json']);
    expect(json(m)).toEqual({ result: med.values!.map(Number) });
    const one = ndmmap(['median', F8, '--dtype', 'f8']);
    expect(one.stdout.trim()).toMatch(/^-?\d+\.\d+(e-?\d+)?$/);
  });

  it('histogram --json gives numpy arrays; on a terminal a chart fitted to the width', () => {
    const want = cases.histogram.find((c) => c.data === 'float64_many' && c.fn === 'histogram' && c.kwargs.bins === 7)!;
    const r = ndmmap(['histogram', F8, '--dtype', 'f8', '--bins', '7', '--range', '-1.5,2.25', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ counts: want.values!.map(Number), edges: want.edges!.map(Number) });
    const chart = ndmmap(['histogram', F8, '--dtype', 'f8', '--bins', '7', '--range', '-1.5,2.25']);
    const lines = chart.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatch(/^\[-1\.5, -0\.964286\)\s+\d+\s+█*/);
    expect(lines[6]).toMatch(/2\.25\]/);
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    const counts = want.values!.map(Number);
    const top = lines[counts.indexOf(Math.max(...counts))];
    expect([...top].filter((ch) => ch === '█').length).toBeGreaterThan(40);
  });

  it('bincount prints numpy counts', () => {
    const want = cases.histogram.find((c) => c.data === 'int32_labels' && c.fn === 'bincount' && c.kwargs.minlength === 12)!;
    const r = ndmmap(['bincount', LAB, '--dtype', 'i4', '--minlength', '12', '--json']);
    expect(json(r)).toEqual({ result: want.values!.map(Number) });
  });

  it('histogram and bincount shards merge into the whole; other bins are ERR_NDMMAP_PARTIAL', () => {
    const part = (args: string[], rows: string, name: string): string => {
      const r = ndmmap([...args, '--rows', rows, '--partial']);
      expect(r.status, r.stderr).toBe(0);
      const f = path.join(dir, name);
      fs.writeFileSync(f, r.stdout);
      return f;
    };
    const h = ['histogram', F8, '--dtype', 'f8', '--bins', '9', '--range', '-2,2'];
    const files = [part(h, '0:1234', 'a'), part(h, '1234:4000', 'b'), part(h, '4000:', 'c')];
    expect(json(ndmmap(['merge', ...files, '--json']))).toEqual(json(ndmmap([...h, '--json'])));
    const b = ['bincount', LAB, '--dtype', 'i4'];
    const bf = [part(b, '0:7', 'd'), part(b, '7:40', 'e')];
    expect(json(ndmmap(['merge', ...bf, '--json']))).toEqual(json(ndmmap([...b, '--json'])));
    const other = part(['histogram', F8, '--dtype', 'f8', '--bins', '8', '--range', '-2,2'], '1234:', 'f');
    expectError(ndmmap(['merge', files[0], other]), 2, /bins of the partial histograms differ/);
    expectError(ndmmap(['merge', files[0], files[2]]), 2, /rows 1234:4000 are missing/);
  });

  it('string --bins, --weights with --weights-dtype (counts in its dtype), weighted quantiles (more.json fixtures)', () => {
    const more = JSON.parse(fs.readFileSync(path.join(FIX, 'dist/more.json'), 'utf8')) as {
      files: Record<string, { dtype: string; shape: number[] }>;
      quantile: { data: string; fn: string; q: unknown; kwargs: Record<string, unknown>; values?: string[]; error?: string; out?: string }[];
      histogram: { data: string; fn: string; kwargs: Record<string, unknown>; values?: string[]; edges?: string[]; dtype?: string; error?: string }[];
    };
    const fix = (name: string): string[] => [path.join(FIX, `dist/${name}.bin`), '--dtype', more.files[name].dtype, '--shape', more.files[name].shape.join(',')];
    const auto = more.histogram.find((c) => c.data === 'float64_many' && c.fn === 'histogram' && c.kwargs.bins === 'fd' && c.kwargs.range === undefined)!;
    const r = ndmmap(['histogram', ...fix('float64_many'), '--bins', 'fd', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toEqual({ counts: auto.values!.map(Number), edges: auto.edges!.map(Number) });
    const w8 = more.histogram.find((c) => c.data === 'm_h_x' && c.kwargs.weights === 'm_h_w_int8' && c.kwargs.bins === 3)!;
    const h = ndmmap(['histogram', ...fix('m_h_x'), '--bins', '3', '--weights', path.join(FIX, 'dist/m_h_w_int8.bin'), '--weights-dtype', 'int8', '--json']);
    expect(h.status, h.stderr).toBe(0);
    expect(w8.dtype).toBe('int8');
    expect(json(h)).toEqual({ counts: w8.values!.map(Number), edges: w8.edges!.map(Number) });
    const wq = more.quantile.find((c) => c.data === 'm_wq_f64' && c.fn === 'quantile' && Array.isArray(c.q) && c.kwargs.weights === 'm_w_i16' && c.kwargs.axis === 1 && !c.kwargs.keepdims)!;
    const q = ndmmap(['quantile', ...fix('m_wq_f64'), '--q', (wq.q as number[]).join(','), '--method', 'inverted_cdf', '--axis', '1',
      '--weights', path.join(FIX, 'dist/m_w_i16.bin'), '--weights-dtype', 'int16', '--json']);
    expect(q.status, q.stderr).toBe(0);
    const got = (json(q) as { result: number[][] }).result.flat();
    expect(got).toEqual(wq.values!.map(Number));
    expectError(ndmmap(['histogram', ...fix('float64_many'), '--bins', 'nope']), 2, /'nope' is not a valid estimator for `bins`/);
    expectError(ndmmap(['quantile', ...fix('m_wq_f64'), '--q', '0.5', '--weights', path.join(FIX, 'dist/m_w_f64.bin')]), 2, /Only method 'inverted_cdf' supports weights/);
    expectError(ndmmap(['bincount', LAB, '--dtype', 'i4', '--weights-dtype', 'f4']), 2, /--weights-dtype needs --weights/);
  });

  it('bad command lines: one ndmmap: line and numpy-like text', () => {
    expectError(ndmmap(['quantile', F8, '--dtype', 'f8']), 2, /--q is required/);
    expectError(ndmmap(['quantile', F8, '--dtype', 'f8', '--q', '2']), 2, /Quantiles must be in the range \[0, 1\]/);
    expectError(ndmmap(['quantile', F8, '--dtype', 'f8', '--q', '0.5', '--method', 'nope']), 2, /'nope' is not a valid method/);
    expectError(ndmmap(['histogram', F8, '--dtype', 'f8', '--bins', '0']), 2, /`bins` must be positive/);
    expectError(ndmmap(['histogram', F8, '--dtype', 'f8', '--partial']), 2, /needs range/);
    expectError(ndmmap(['bincount', F8, '--dtype', 'f8']), 2, /Cannot cast array data from dtype\('float64'\)/);
    expectError(ndmmap(['median', F8, '--dtype', 'f8', '--q', '0.5']), 2, /not options of median/);
  });
});
