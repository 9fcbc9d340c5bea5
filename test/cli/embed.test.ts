/**
 * `ndmmap dot | topk | search` as users run them: numpy's answers (embed/cases.json), --json, --out,
 * shards with `--rows --partial` merged by `ndmmap merge`, and the error contract.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIX, expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const E = (f: string): string => path.join(FIX, 'embed', f);
interface SearchCase { id: string; a: string; q: string; k: number; metric: string; filter: string | null; indices: string[]; scores: string[] }
const cases = JSON.parse(fs.readFileSync(E('cases.json'), 'utf8')) as { search: SearchCase[]; dot: { id: string; expected: string[] }[] };
const num = (s: string): number | string => (s === 'nan' ? 'nan' : Number(s));

describe('ndmmap search', () => {
  for (const id of ['float32/Q5/cosine/k10', 'float32/Q1/l2/k10', 'float16/Q5/dot/k200', 'filter/f_few_200.npy/dot']) {
    it(`${id} --json equals numpy`, () => {
      const c = cases.search.find((x) => x.id === id)!;
      const args = ['search', E(c.a), '--query', E(c.q), '--k', String(c.k), '--metric', c.metric, '--json'];
      if (c.filter !== null) args.push('--filter', E(c.filter));
      const r = ndmmap(args);
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { indices: unknown; scores: unknown };
      expect((out.indices as unknown[]).flat()).toEqual(c.indices.map(Number));
      const got = (out.scores as unknown[]).flat() as (number | string)[];
      // float32 scores print with their own shortest digits; compare as float32
      expect(got.map((x) => (typeof x === 'number' ? Math.fround(x) : x))).toEqual(c.scores.map(num).map((x) => (typeof x === 'number' ? Math.fround(x) : x)));
    });
  }

  it('prints rank, index and score lines', () => {
    const r = ndmmap(['search', E('s_float32_200x37.npy'), '--query', E('q_float32_1x37.npy'), '--k', '3']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('rank  index  score');
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
  });

  it('4 shards with --rows --partial merged by ndmmap merge equal the whole run', () => {
    const base = ['search', E('s_float32_200x37.npy'), '--query', E('q_float32_5x37.npy'), '--k', '7', '--metric', 'l2'];
    const whole = ndmmap([...base, '--json']);
    const files = ['0:3', '3:90', '90:91', '91:'].map((rows, i) => {
      const r = ndmmap([...base, '--rows', rows, '--partial']);
      expect(r.status, r.stderr).toBe(0);
      const f = path.join(dir, `s${i}.json`);
      fs.writeFileSync(f, r.stdout);
      return f;
    });
    const merged = ndmmap(['merge', ...files.reverse(), '--json']);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
    expectError(ndmmap(['merge', files[0], files[1], '--json']), 2, /missing from the partial states/);
  });

  it('refuses bad arguments with one error line', () => {
    expectError(ndmmap(['search', E('s_float32_200x37.npy')]), 2, /--query Q.npy is required/);
    expectError(ndmmap(['search', E('s_float32_200x37.npy'), '--query', E('q_float32_1x37.npy'), '--metric', 'manhattan']), 2, /metric must be one of/);
    expectError(ndmmap(['search', E('s_float32_200x37.npy'), '--query', E('q_float32_1x37.npy'), '--k', '0']), 2, /k must be in 1\.\.200/);
    expectError(ndmmap(['search', E('s_float32_200x37.npy'), '--query', E('v_float32_5.npy')]), 2, /mismatch in its core dimension 0/);
    expectError(ndmmap(['search', path.join(dir, 'missing.npy'), '--query', E('q_float32_1x37.npy')]), 1, /ENOENT/);
  });
});

describe('ndmmap topk', () => {
  it('--axis none --json gives values and flat indices; --smallest; shards merge', () => {
    const base = ['topk', E('t_float32_6x50.npy'), '--k', '5', '--axis', 'none'];
    const r = ndmmap([...base, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { values: unknown[]; indices: number[] };
    expect(out.values[0]).toBe('inf'); // the +inf at [4, 3]
    expect(out.indices[0]).toBe(4 * 50 + 3);
    const files = ['0:2', '2:6'].map((rows, i) => {
      const p = ndmmap([...base, '--rows', rows, '--partial']);
      expect(p.status, p.stderr).toBe(0);
      const f = path.join(dir, `t${i}.json`);
      fs.writeFileSync(f, p.stdout);
      return f;
    });
    expect(ndmmap(['merge', ...files, '--json']).stdout).toBe(r.stdout);
    const s = ndmmap(['topk', E('t_int8_6x50.npy'), '--k', '2', '--smallest', '--json']);
    expect((JSON.parse(s.stdout) as { values: number[][] }).values[0]).toEqual([-128, -128]);
    expectError(ndmmap(['topk', E('t_int8_6x50.npy')]), 2, /--k K is required/);
    expectError(ndmmap(['topk', E('t_int8_6x50.npy'), '--k', '51']), 2, /k must be in 1\.\.50/);
  });
});

describe('ndmmap dot', () => {
  it('prints numpy a @ v, or writes it to --out', () => {
    const r = ndmmap(['dot', E('a_int8_9x37.npy'), '--vector', E('v_int8_37.npy'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { result: number[] }).result).toEqual(cases.dot.find((c) => c.id === 'int8/wrap')!.expected.map(Number));
    const out = path.join(dir, 'scores.npy');
    const w = ndmmap(['dot', E('a_float32_9x37.npy'), '--vector', E('m_float32_37x3.npy'), '--out', out, '--json']);
    expect(w.status, w.stderr).toBe(0);
    expect(JSON.parse(w.stdout)).toEqual({ out, shape: [9, 3], dtype: 'float32' });
    const back = ndmmap(['dot', E('a_float32_9x37.npy'), '--vector', E('m_float32_37x3.npy'), '--json']);
    const again = ndmmap(['max', out, '--axis', '-1', '--json']);
    const rows = (JSON.parse(back.stdout) as { result: number[][] }).result;
    expect((JSON.parse(again.stdout) as { result: number[] }).result).toEqual(rows.map((r) => Math.max(...r)));
    expectError(ndmmap(['dot', E('a_float32_9x37.npy')]), 2, /--vector V.npy is required/);
    expectError(ndmmap(['dot', E('a_float32_9x37.npy'), '--vector', E('v_float32_5.npy')]), 2, /size 5 is different from 37/);
  });
});

describe('ndmmap search --filter EXPR (issue 17, item 11)', () => {
  it('creates nothing in TMPDIR, and works with a TMPDIR that is missing or a file', async () => {
    const tmp = fs.mkdtempSync(path.join(dir, 'tmpdir-'));
    const created: string[] = [];
    const watcher = fs.watch(tmp, (_, name) => { if (name !== null) created.push(String(name)); });
    const args = ['search', E('s_float32_200x37.npy'), '--query', E('q_float32_1x37.npy'), '--k', '5', '--filter', 'i0 % 3 == 1', '--json'];
    const want = ndmmap(['search', E('s_float32_200x37.npy'), '--query', E('q_float32_1x37.npy'), '--k', '5', '--json']);
    const r = ndmmap(args, { env: { TMPDIR: tmp } });
    await new Promise((res) => setTimeout(res, 100));
    watcher.close();
    expect(r.status, r.stderr).toBe(0);
    expect(created).toEqual([]);
    expect(fs.readdirSync(tmp)).toEqual([]);
    const kept = (JSON.parse(r.stdout) as { indices: number[] }).indices;
    expect(kept.every((i) => i % 3 === 1)).toBe(true);
    expect(want.status).toBe(0);
    const notDir = path.join(dir, 'tmp-is-a-file');
    fs.writeFileSync(notDir, '');
    for (const bad of [path.join(dir, 'no', 'such'), notDir]) {
      const b = ndmmap(args, { env: { TMPDIR: bad } });
      expect(b.status, b.stderr).toBe(0);
      expect(b.stdout).toBe(r.stdout);
    }
  });
});
