/**
 * `ndmmap submit` runs every mergeable command, not only the reductions: histogram, bincount, topk,
 * search and dot on 2 real workers give what the local command prints; quantiles are refused by name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdown } from '../../dist/src/index.js';
import { submit } from '../../dist/src/distributed/index.js';
import { FIX, expectError, ndmmap, ndmmapAsync, pool, tmpdir } from '../cli/helpers.js';
import { SKIP_REASON, type Redis, type WorkerProc, redisServer, startWorker, stopWorkers } from './helpers.js';

const dir = tmpdir();
const EMB = path.join(FIX, 'embed/a_float32_9x37.npy');
const Q = path.join(FIX, 'embed/q_float32_5x37.npy');
const V = path.join(FIX, 'embed/q_float32_1x37.npy');
const LABELS = path.join(FIX, 'dist/int16_labels.bin');
let redis: Redis;
let workers: WorkerProc[] = [];

beforeAll(async () => {
  if (SKIP_REASON) return;
  redis = await redisServer();
  workers = [startWorker(redis.url, '--settle', '0'), startWorker(redis.url, '--settle', '0')];
  await Promise.all(workers.map((w) => w.ready));
}, 60_000);
afterAll(async () => {
  await stopWorkers(workers);
  await redis?.stop();
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(SKIP_REASON !== undefined)('submit of the other mergeable commands', () => {
  it('histogram, bincount, topk, search and dot print what the local command prints', async () => {
    const vec = path.join(dir, 'v.npy');
    // a (37,) vector from the (1, 37) query fixture: the first row, as a .npy of its own
    const one = ndmmap(['info', V, '--json']);
    expect(one.status).toBe(0);
    fs.copyFileSync(V, vec);
    const cases: string[][] = [
      ['histogram', LABELS, '--dtype', 'int16', '--bins', '7', '--range', '0,20', '--shards', '3'],
      ['bincount', LABELS, '--dtype', 'int16', '--shards', '4', '--fan-in', '2'],
      ['topk', EMB, '--k', '2', '--axis', '0', '--shards', '3'],
      ['topk', EMB, '--k', '3', '--axis', 'none', '--shards', '2'],
      ['search', EMB, '--query', Q, '--k', '3', '--metric', 'cosine', '--shards', '3'],
      ['search', EMB, '--query', Q, '--k', '2', '--metric', 'l2', '--filter', 'i0 < 6', '--shards', '2'],
    ];
    const runs = await pool(cases, 2, async (args) => ({
      dist: await ndmmapAsync(['submit', '--redis', redis.url, ...args, '--json']),
      local: await ndmmapAsync([...args.filter((a, i) => !['--shards', '--fan-in'].includes(a) && !['--shards', '--fan-in'].includes(args[i - 1])), '--json']),
    }));
    runs.forEach(({ dist, local }, k) => {
      expect(dist.status, `${cases[k].join(' ')}: ${dist.stderr}`).toBe(0);
      expect(local.status, local.stderr).toBe(0);
      expect(dist.stdout, cases[k].join(' ')).toBe(local.stdout);
    });
  }, 180_000);

  it('the library: submit(\'dot\') and submit(\'histogram\') return what the local calls return', async () => {
    const v = new Float32Array(37).map((_, i) => (i % 5) - 2);
    const r = await submit('dot', EMB, { redis: redis.url, vector: v, shards: 3 }) as { shape: number[]; data: Float32Array };
    const { openNpy, dot, histogram } = await import('../../dist/src/index.js');
    const a = openNpy(EMB, { mode: 'r' });
    const local = await dot(a, v) as { shape: number[]; data: Float32Array };
    expect(r.shape).toEqual(local.shape);
    expect(Array.from(r.data)).toEqual(Array.from(local.data));
    const h = await submit('histogram', EMB, { redis: redis.url, bins: 5, range: [-2, 2], shards: 2 });
    const lh = await histogram(a, { bins: 5, range: [-2, 2] });
    expect(Array.from(h.counts)).toEqual(Array.from(lh.counts));
    a.close();
    await expect(submit('median', EMB, { redis: redis.url } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/quantiles do not shard; run on one machine/) });
    await expect(submit('histogram', EMB, { redis: redis.url, bins: 5 })).rejects.toMatchObject({ message: expect.stringMatching(/needs range/) });
  }, 60_000);

  it('the CLI refuses quantiles and flags an operation does not take, before Redis', () => {
    expectError(ndmmap(['submit', '--redis', 'redis://127.0.0.1:1', 'median', LABELS, '--dtype', 'int16']), 2, /submit median: quantiles do not shard; run on one machine/);
    expectError(ndmmap(['submit', '--redis', 'redis://127.0.0.1:1', 'histogram', LABELS, '--dtype', 'int16', '--ddof', '1']), 2, /--ddof is not an option of submit histogram/);
    expectError(ndmmap(['submit', '--redis', 'redis://127.0.0.1:1', 'sum', LABELS, '--dtype', 'int16', '--bins', '3']), 2, /--bins is not an option of submit sum/);
  });
});
