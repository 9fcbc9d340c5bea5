/**
 * Every command that reads rows shards the same way (issue 22): histogram, bincount, search, topk and
 * dot take --rows, --shard-index/--shards and the batch system's index (with --partial), and `merge`
 * of the parts gives the whole-file result; quantiles refuse shard flags by name. `merge` names the
 * file at fault and refuses an empty one; the error hints (a missing .npz is ENOENT, 'int16be'
 * suggests '>i2', 'np.sqrt' says to drop 'np.').
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIX, expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const NO_ENV = { JOB_COMPLETION_INDEX: '', NDMMAP_SHARDS: '', SLURM_ARRAY_TASK_ID: '', SLURM_ARRAY_TASK_COUNT: '' };
const EMB = path.join(FIX, 'embed/a_float32_9x37.npy');
const Q = path.join(FIX, 'embed/q_float32_5x37.npy');
const V = path.join(dir, 'v.npy');
const LABELS = path.join(FIX, 'dist/int16_labels.bin');

/** The parts of `args` over `n` shards by --shard-index, merged (each part a file, as a batch system leaves them). */
function sharded(args: string[], n: number, env: Record<string, string> = {}): { merged: string; files: string[] } {
  const files = Array.from({ length: n }, (_, i) => {
    const r = ndmmap([...args, '--shard-index', String(i), '--shards', String(n), '--partial'], { env: { ...NO_ENV, ...env } });
    expect(r.status, r.stderr).toBe(0);
    const f = path.join(dir, `${path.basename(args[1])}-${args[0]}-${i}.json`);
    fs.writeFileSync(f, r.stdout);
    return f;
  });
  const m = ndmmap(['merge', ...files, '--json']);
  expect(m.status, m.stderr).toBe(0);
  return { merged: m.stdout, files };
}

describe('uniform shards', () => {
  it('histogram, bincount, search, topk and dot: --shard-index/--shards parts merge to the whole run', () => {
    // a (37, 2) matrix for dot, from the fixture's first two queries transposed
    const q = ndmmap(['info', Q, '--json']);
    expect(q.status).toBe(0);
    const vals = new Float32Array(37 * 2).map((_, i) => ((i * 7) % 11) / 10 - 0.5);
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (37, 2), }";
    const pad = 64 - ((10 + header.length + 1) % 64);
    fs.writeFileSync(V, Buffer.concat([Buffer.from('\x93NUMPY\x01\x00', 'latin1'), Buffer.from(new Uint16Array([header.length + pad + 1]).buffer),
      Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1'), Buffer.from(vals.buffer)]));
    const cases: Array<[string[], number]> = [
      [['histogram', LABELS, '--dtype', 'int16', '--bins', '7', '--range', '0,20'], 3],
      [['bincount', LABELS, '--dtype', 'int16'], 4],
      [['search', EMB, '--query', Q, '--k', '3', '--metric', 'cosine'], 3],
      [['topk', EMB, '--k', '2', '--axis', '0'], 2],
      [['dot', EMB, '--vector', V], 3],
    ];
    for (const [args, n] of cases) {
      const whole = ndmmap([...args, '--json']);
      expect(whole.status, whole.stderr).toBe(0);
      expect(sharded(args, n).merged, args.join(' ')).toBe(whole.stdout);
      // --shard-index without --partial is --rows of that shard
      const one = ndmmap([...args, '--shard-index', '1', '--shards', String(n), '--json'], { env: NO_ENV });
      expect(one.status, one.stderr).toBe(0);
    }
  }, 300_000);

  it('the batch system\'s index (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID) picks a histogram\'s shard with --partial', () => {
    const base = ['histogram', LABELS, '--dtype', 'int16', '--bins', '5', '--range', '0,20', '--partial'];
    const k8s = JSON.parse(ndmmap(base, { env: { ...NO_ENV, JOB_COMPLETION_INDEX: '1', NDMMAP_SHARDS: '3' } }).stdout);
    const flags = JSON.parse(ndmmap([...base, '--shard-index', '1', '--shards', '3'], { env: NO_ENV }).stdout);
    expect(k8s.rows).toEqual(flags.rows);
    const slurm = JSON.parse(ndmmap(base, { env: { ...NO_ENV, SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '3' } }).stdout);
    expect(slurm).toEqual(flags);
  });

  it('quantiles refuse shard flags by name', () => {
    for (const cmd of ['median', 'quantile', 'nanpercentile']) {
      const q = cmd === 'median' ? [] : ['--q', '0.5'];
      expectError(ndmmap([cmd, LABELS, '--dtype', 'int16', ...q, '--shard-index', '0', '--shards', '2']), 2,
        new RegExp(`^ndmmap: ${cmd}: quantiles do not shard; run on one machine \\(--shard-index, --shards given`));
      expectError(ndmmap([cmd, LABELS, '--dtype', 'int16', ...q, '--partial']), 2, /quantiles do not shard; run on one machine/);
    }
  });

  it('merge names the file at fault and refuses an empty one', () => {
    const { files } = sharded(['histogram', LABELS, '--dtype', 'int16', '--bins', '4', '--range', '0,20'], 3);
    const empty = path.join(dir, 'failed-shard.json');
    fs.writeFileSync(empty, '');
    expectError(ndmmap(['merge', files[0], empty, files[2]]), 2, new RegExp(`^ndmmap: ${empty}: empty, not a partial state \\(did its shard fail\\?\\)`));
    const stray = path.join(dir, 'stray.json');
    fs.writeFileSync(stray, ndmmap(['sum', LABELS, '--dtype', 'int16', '--partial']).stdout);
    expectError(ndmmap(['merge', files[0], stray]), 2, new RegExp(`^ndmmap: ${stray}: a ndmmap-partial/\\d state, while ${files[0]} holds ndmmap-dist-partial/1 states`));
    const other = path.join(dir, 'other.json');
    fs.writeFileSync(other, ndmmap(['histogram', LABELS, '--dtype', 'int16', '--bins', '5', '--range', '0,20', '--rows', '0:10', '--partial']).stdout);
    expectError(ndmmap(['merge', files[0], other]), 2, new RegExp(`^ndmmap: ${other}: the bins of the partial histograms differ.*\\(a state of another call than ${files[0]}'s\\)`));
    const junk = path.join(dir, 'junk.json');
    fs.writeFileSync(junk, '{"a": 1}\n');
    expectError(ndmmap(['merge', junk]), 2, new RegExp(`^ndmmap: ${junk}: not an ndmmap partial state`));
    expectError(ndmmap(['merge', files[0], files[2]]), 2, new RegExp(`are missing .*\\(.*${path.basename(files[0])}|are missing.*${path.basename(files[2])}`));
  });

  it('hints: a missing .npz is ENOENT; int16be suggests >i2; np.sqrt says to drop np.', () => {
    expectError(ndmmap(['info', path.join(dir, 'missing.npz')]), 1, /^ndmmap: ENOENT: no such file or directory, open '.*missing\.npz'$/);
    expectError(ndmmap(['info', LABELS, '--dtype', 'int16be']), 2, /data type 'int16be' not understood \(did you mean '>i2'\?/);
    expectError(ndmmap(['info', LABELS, '--dtype', 'float32_le']), 2, /did you mean '<f4'\?/);
    expectError(ndmmap(['sum', LABELS, '--dtype', 'int16', '--expr', 'np.sqrt(x)']), 2, /unknown name 'np' at 0: drop the 'np\.' prefix/);
  });
});
