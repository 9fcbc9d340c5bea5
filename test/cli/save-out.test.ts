/**
 * `--out` on every command whose result is an array: np.save's bytes (test/fixtures/save/cli, made by
 * make_save_fixtures.py from numpy's own results), the README recipe with no Python, and bad --out
 * refused before anything is read or written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIX, expectError, ndmmap, tmpdir } from './helpers.js';

const CLI_FIX = path.join(FIX, 'save/cli');
const fix = (name: string): string => path.join(CLI_FIX, `${name}.npy`);
const EMB = fix('emb');

let dir: string;
beforeEach(() => { dir = tmpdir(); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * float32 results numpy computes in float32 arithmetic (std, BLAS sdot) where ndmmap is more accurate
 * (README "The engine"): the header must be np.save's byte for byte, the values within a few ulps.
 */
const NEAR = new Set(['sd', 'dot', 'z']);
const ULPS = 4;

function expectNear(written: string, name: string): void {
  const a = fs.readFileSync(written);
  const b = fs.readFileSync(fix(name));
  expect(a.length).toBe(b.length);
  expect(a.subarray(0, 128).equals(b.subarray(0, 128))).toBe(true); // these headers are 128 bytes
  const x = new Int32Array(a.buffer.slice(a.byteOffset + 128, a.byteOffset + a.length));
  const y = new Int32Array(b.buffer.slice(b.byteOffset + 128, b.byteOffset + b.length));
  expect(x.every((v, i) => Math.abs(v - y[i]) <= ULPS), `${written}: float32 values within ${ULPS} ulps of numpy's`).toBe(true);
}

/** Run and expect np.save's file for each `[written, fixture]`, with nothing printed. */
function expectSaved(args: string[], files: [string, string][]): void {
  const r = ndmmap([...args, '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('');
  for (const [written, name] of files) {
    if (NEAR.has(name)) expectNear(written, name);
    else expect(fs.readFileSync(written).equals(fs.readFileSync(fix(name))), `${written} vs ${name}`).toBe(true);
  }
  const leftover = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  expect(leftover).toEqual([]);
}

describe('--out writes np.save\'s file', () => {
  it('reductions with --axis, keepdims, and without an axis (a 0-d file of numpy\'s dtype)', () => {
    const o = (n: string): string => path.join(dir, `${n}.npy`);
    expectSaved(['mean', EMB, '--axis', '0', '--out', o('mu')], [[o('mu'), 'mu']]);
    expectSaved(['std', EMB, '--axis', '0', '--out', o('sd')], [[o('sd'), 'sd']]);
    expectSaved(['sum', EMB, '--out', o('sum')], [[o('sum'), 'sum']]);
    expectSaved(['max', EMB, '--axis', '0', '--keepdims', '--out', o('max0')], [[o('max0'), 'max0']]);
    expectSaved(['argmax', EMB, '--axis', '1', '--out', o('argmax1')], [[o('argmax1'), 'argmax1']]);
  });

  it('median, quantile, bincount, dot', () => {
    const o = (n: string): string => path.join(dir, `${n}.npy`);
    expectSaved(['median', EMB, '--axis', '0', '--out', o('median0')], [[o('median0'), 'median0']]);
    expectSaved(['quantile', EMB, '--q', '0.25,0.75', '--axis', '0', '--out', o('quantile0')], [[o('quantile0'), 'quantile0']]);
    expectSaved(['bincount', fix('ints'), '--out', o('bincount')], [[o('bincount'), 'bincount']]);
    expectSaved(['dot', EMB, '--vector', fix('query'), '--out', o('dot')], [[o('dot'), 'dot']]);
  });

  it('histogram, search and topk take a PREFIX and write two files', () => {
    const p = (n: string): string => path.join(dir, n);
    expectSaved(['histogram', EMB, '--bins', '4', '--out', p('hist')], [[p('hist.counts.npy'), 'hist.counts'], [p('hist.edges.npy'), 'hist.edges']]);
    expectSaved(['search', EMB, '--query', fix('query'), '--k', '3', '--out', p('search')],
      [[p('search.indices.npy'), 'search.indices'], [p('search.scores.npy'), 'search.scores']]);
    expectSaved(['topk', EMB, '--k', '2', '--out', p('topk')], [[p('topk.values.npy'), 'topk.values'], [p('topk.indices.npy'), 'topk.indices']]);
  });

  it('--json says what was written', () => {
    const r = ndmmap(['mean', EMB, '--axis', '0', '--out', path.join(dir, 'mu.npy'), '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ out: path.join(dir, 'mu.npy'), shape: [4], dtype: 'float32' });
    const h = ndmmap(['histogram', EMB, '--bins', '4', '--out', path.join(dir, 'h'), '--json']);
    expect(JSON.parse(h.stdout)).toEqual({
      counts: { out: path.join(dir, 'h.counts.npy'), shape: [4], dtype: 'int64' },
      edges: { out: path.join(dir, 'h.edges.npy'), shape: [5], dtype: 'float32' },
    });
  });

  it('the README recipe: standardise columns with no Python', () => {
    const f = (n: string): string => path.join(dir, n);
    expectSaved(['mean', EMB, '--axis', '0', '--out', f('mu.npy')], []);
    expectSaved(['std', EMB, '--axis', '0', '--out', f('sd.npy')], []);
    expectSaved(['apply', EMB, '--expr', '(x - mu) / sd', '--var', `mu=${f('mu.npy')}`, '--var', `sd=${f('sd.npy')}`, '--out', f('z.npy')], [[f('z.npy'), 'z']]);
  });
});

describe('a bad --out is refused before anything is read or written', () => {
  it.each([
    [['mean', EMB, '--axis', '0', '--out', 'mu.f4'], /mean: --out must name a \.npy file, got 'mu\.f4'/],
    [['histogram', EMB, '--out', 'h.npy'], /histogram: --out takes a PREFIX and writes PREFIX\.counts\.npy and PREFIX\.edges\.npy/],
    [['search', EMB, '--query', fix('query'), '--out', 's.npy'], /PREFIX\.indices\.npy and PREFIX\.scores\.npy/],
    [['sum', EMB, '--rows', '0:4', '--partial', '--out', 'x.npy'], /--out saves the result; --partial prints a state/],
    [['median', 'missing.npy', '--out', 'x.f8'], /median: --out must name a \.npy file/],
  ])('%j', (args, message) => {
    const r = ndmmap(args);
    expectError(r, 2, message);
  });

  it('a result that cannot be saved leaves the old file as it was', () => {
    const target = path.join(dir, 'mu.npy');
    fs.writeFileSync(target, 'old');
    expectError(ndmmap(['mean', path.join(dir, 'missing.npy'), '--axis', '0', '--out', target]), 1, /ENOENT/);
    expect(fs.readFileSync(target, 'utf8')).toBe('old');
    fs.mkdirSync(path.join(dir, 'd.npy'));
    expectError(ndmmap(['mean', EMB, '--axis', '0', '--out', path.join(dir, 'd.npy')]), 1, /not a regular file/);
    expect(fs.readdirSync(dir).sort()).toEqual(['d.npy', 'mu.npy']);
  });
});
