/**
 * Index-driven shards, as batch systems run them: `--shard-index I --shards N`, Kubernetes Indexed
 * Jobs (JOB_COMPLETION_INDEX) and Slurm arrays (SLURM_ARRAY_TASK_ID/COUNT/MIN/STEP) select the rows,
 * and `merge --fan-in F` (and `merge --partial`) of the parts gives the whole-file result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIX, expectError, ndmmap, ndmmapAsync, pool, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SRC = path.join(FIX, 'reduce/f8_1001x7_F.bin');
const L = ['--dtype', '<f8', '--shape', '1001,7', '--order', 'F'];
const NO_ENV = { JOB_COMPLETION_INDEX: '', NDMMAP_SHARDS: '', SLURM_ARRAY_TASK_ID: '', SLURM_ARRAY_TASK_COUNT: '', SLURM_ARRAY_TASK_MIN: '', SLURM_ARRAY_TASK_STEP: '' };
const rowsOf = (stdout: string): number[] => JSON.parse(stdout).rows;
/** numpy's rows of shard i of n: floor(i * 1001 / n). */
const cut = (i: number, n: number): number[] => [Math.floor((i * 1001) / n), Math.floor(((i + 1) * 1001) / n)];

describe('index-driven shards', () => {
  it('--shard-index I --shards N and --rows-per-shard R select the right rows', () => {
    expect(rowsOf(ndmmap(['sum', SRC, ...L, '--shard-index', '3', '--shards', '8', '--partial'], { env: NO_ENV }).stdout)).toEqual(cut(3, 8));
    expect(rowsOf(ndmmap(['sum', SRC, ...L, '--shard-index', '2', '--rows-per-shard', '400', '--partial'], { env: NO_ENV }).stdout)).toEqual([800, 1001]);
    // without --partial the shard is reduced to its value, like --rows
    const v = ndmmap(['max', SRC, ...L, '--shard-index', '1', '--shards', '4', '--json']);
    expect(v.stdout).toBe(ndmmap(['max', SRC, ...L, '--rows', cut(1, 4).join(':'), '--json']).stdout);
  });

  it('Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with --shards or NDMMAP_SHARDS', () => {
    const run = (env: Record<string, string>, ...more: string[]): string => ndmmap(['mean', SRC, ...L, '--partial', ...more], { env: { ...NO_ENV, ...env } }).stdout;
    expect(rowsOf(run({ JOB_COMPLETION_INDEX: '5' }, '--shards', '16'))).toEqual(cut(5, 16));
    expect(rowsOf(run({ JOB_COMPLETION_INDEX: '0', NDMMAP_SHARDS: '3' }))).toEqual(cut(0, 3));
    expect(rowsOf(run({ JOB_COMPLETION_INDEX: '2', NDMMAP_SHARDS: '3' }))).toEqual(cut(2, 3));
    // flags win over the environment; --rows turns it off
    expect(rowsOf(run({ JOB_COMPLETION_INDEX: '2', NDMMAP_SHARDS: '3' }, '--shard-index', '0', '--shards', '2'))).toEqual(cut(0, 2));
    expect(rowsOf(run({ JOB_COMPLETION_INDEX: '2', NDMMAP_SHARDS: '3' }, '--rows', '0:10'))).toEqual([0, 10]);
    // without --partial a task's variables never cut a plain run
    const plain = ndmmap(['sum', SRC, ...L, '--json'], { env: { ...NO_ENV, JOB_COMPLETION_INDEX: '2', NDMMAP_SHARDS: '3' } });
    expect(plain.stdout).toBe(ndmmap(['sum', SRC, ...L, '--json'], { env: NO_ENV }).stdout);
  });

  it('Slurm arrays: SLURM_ARRAY_TASK_ID relative to _MIN and _STEP, count from SLURM_ARRAY_TASK_COUNT', () => {
    const run = (env: Record<string, string>, ...more: string[]): string => ndmmap(['var', SRC, ...L, '--partial', ...more], { env: { ...NO_ENV, ...env } }).stdout;
    expect(rowsOf(run({ SLURM_ARRAY_TASK_ID: '7', SLURM_ARRAY_TASK_COUNT: '10' }))).toEqual(cut(7, 10));
    expect(rowsOf(run({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '10', SLURM_ARRAY_TASK_MIN: '1' }))).toEqual(cut(0, 10));
    expect(rowsOf(run({ SLURM_ARRAY_TASK_ID: '6', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_STEP: '2' }))).toEqual(cut(3, 4));
    expect(rowsOf(run({ SLURM_ARRAY_TASK_ID: '4' }, '--rows-per-shard', '200'))).toEqual([800, 1000]);
  });

  it('refuses variables and flags that do not name one shard', () => {
    const run = (env: Record<string, string>, ...more: string[]) => ndmmap(['sum', SRC, ...L, ...more], { env: { ...NO_ENV, ...env } });
    expectError(run({ JOB_COMPLETION_INDEX: '1' }, '--partial'), 2, /give the shard count with --shards/);
    expectError(run({ JOB_COMPLETION_INDEX: 'x', NDMMAP_SHARDS: '2' }, '--partial'), 2, /JOB_COMPLETION_INDEX must be an integer, got 'x'/);
    expectError(run({ JOB_COMPLETION_INDEX: '3', NDMMAP_SHARDS: '3' }, '--partial'), 2, /JOB_COMPLETION_INDEX: shard index must be from 0 to 2, got 3/);
    expectError(run({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' }, '--partial'), 2, /not in the array/);
    expectError(run({ SLURM_ARRAY_TASK_ID: '3' }, '--partial'), 2, /without SLURM_ARRAY_TASK_COUNT/);
    expectError(run({}, '--shards', '4', '--partial'), 2, /need --shard-index/);
    expectError(run({}, '--shard-index', '1'), 2, /needs --shards N/);
    expectError(run({}, '--shard-index', '1', '--shards', '2', '--rows', '0:5'), 2, /not both/);
    expectError(run({}, '--shard-index', '1', '--shards', '2', '--rows-per-shard', '5'), 2, /not both/);
    expectError(run({}, '--shard-index', '-1', '--shards', '2'), 2, /at least 0/);
  });

  it('merge --fan-in F of 40 index-driven parts gives the whole-file result; --partial combines a run', async () => {
    for (const op of ['sum', 'argmin', 'std']) {
      const parts = await pool(Array.from({ length: 40 }, (_, i) => i), 2, (i) =>
        ndmmapAsync([op, SRC, ...L, '--shard-index', String(i), '--shards', '40', '--partial']));
      const files = parts.map((p, i) => { expect(p.status, p.stderr).toBe(0); const f = path.join(dir, `${op}-${i}.json`); fs.writeFileSync(f, p.stdout); return f; });
      const whole = JSON.parse(ndmmap([op, SRC, ...L, '--json']).stdout).result;
      const tree = ndmmap(['merge', '--fan-in', '4', ...[...files].reverse(), '--json']);
      expect(tree.status, tree.stderr).toBe(0);
      const t = JSON.parse(tree.stdout).result;
      if (op === 'argmin') expect(t).toBe(whole);
      else expect(Math.abs(t - whole)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(whole), 1));
      // the same tree, run again, or as two half merges (--partial) and a last one: the same bits
      expect(ndmmap(['merge', '--fan-in', '4', ...files, '--json']).stdout).toBe(tree.stdout);
      const half = [files.slice(0, 20), files.slice(20)].map((g, k) => {
        const f = path.join(dir, `${op}-half${k}.json`);
        fs.writeFileSync(f, ndmmap(['merge', '--partial', ...g]).stdout);
        return f;
      });
      expect(JSON.parse(fs.readFileSync(half[1], 'utf8')).rows).toEqual([cut(20, 40)[0], 1001]);
      const two = JSON.parse(ndmmap(['merge', ...half, '--json']).stdout).result;
      expect(op === 'argmin' ? two === whole : Math.abs(two - whole) <= 1e-12 * Math.max(Math.abs(whole), 1)).toBe(true);
    }
    expectError(ndmmap(['merge', '--fan-in', '1', path.join(dir, 'sum-0.json')]), 2, /--fan-in must be at least 2/);
    expectError(ndmmap(['merge', '--partial', path.join(dir, 'sum-0.json'), path.join(dir, 'sum-2.json')]), 2, /missing/);
  }, 120_000);
});
