// A sum of the 2 GiB float64 file through BullMQ at submit's default shard size (a local redis-server,
// 2 `ndmmap worker` processes of 1 engine thread each) vs the local 2-thread sum, in the same run; and
// the queue's costs on a 64-row file (nothing to compute): per submit (a 1-shard run) and per job (what
// each of the 69 jobs of a 64-shard run adds: (T64 − T1) ÷ (69 − 2)).
// Needs redis-server (run.mjs skips this file without it). Shard states are not cached (cacheTtl 0).
// BENCH_SHARDS (a shard count instead of the default cut), BENCH_CONCURRENCY, BENCH_WORKER_THREADS vary
// the set-up for a look; the table uses the defaults.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, DIR, ROOT, dataFile, gbps, memmap, time } from './common.mjs';
import { startRedis } from '../scripts/local-redis.mjs';

const { submit } = await import(path.join(ROOT, 'dist/src/distributed/index.js'));
/** undefined: submit's default cut (about one shard per DEFAULT_SUBMIT_SHARD_BYTES), what users get. */
const SHARDS = process.env.BENCH_SHARDS === undefined ? undefined : Number(process.env.BENCH_SHARDS);
const WORKERS = 2;
/** Each worker: 1 engine thread, 1 job at a time, so the workers have the local run's 2 threads between them. */
const THREADS = process.env.BENCH_WORKER_THREADS ?? '1';
const CONCURRENCY = process.env.BENCH_CONCURRENCY ?? '1';
/** Jobs a flow of n shards runs with fan-in 16: the leaves, the merge nodes, the root. */
const jobsFor = (n) => { let jobs = n + 1, level = n; while (level > 16) { level = Math.ceil(level / 16); jobs += level; } return jobs; };

function startWorker(url) {
  const p = spawn(process.execPath, [path.join(ROOT, 'dist/src/cli.js'), 'worker', '--redis', url, '--threads', THREADS, '--concurrency', CONCURRENCY], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const ready = new Promise((resolve, reject) => {
    p.stderr.on('data', (d) => { err += d; if (err.includes('serving queue')) resolve(); });
    p.on('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
  return { p, ready, exited: new Promise((r) => p.on('exit', r)) };
}

export async function run() {
  const file = await dataFile('f8.bin');
  const tiny = path.join(DIR, 'tiny-64.f8');
  fs.writeFileSync(tiny, new Uint8Array(new Float64Array(64).map((_, i) => i).buffer));
  const redis = await startRedis();
  const workers = Array.from({ length: WORKERS }, () => startWorker(redis.url));
  const a = memmap(file, { dtype: 'float64', mode: 'r' });
  try {
    await Promise.all(workers.map((w) => w.ready));
    const o = { redis: redis.url, layout: { dtype: 'float64' }, cacheTtl: 0 };
    let shards = 0; // the cut submit made (reported by its progress), for the row's name
    const big = { ...o, shards: SHARDS, onProgress: (p) => { shards = p.totalShards; } };
    const t = await time({
      'local 2 threads': () => a.sum({ threads: 2 }),
      'bullmq': () => submit('sum', file, big),
    });
    const small = await time({
      'tiny 64 shards': () => submit('sum', tiny, { ...o, shards: 64 }),
      'tiny 1 shard': () => submit('sum', tiny, { ...o, shards: 1 }),
    }, 5);
    return [{
      op: `sum, ${shards} shard${shards === 1 ? '' : 's'}${SHARDS === undefined ? ' (default)' : ''}, ${WORKERS} workers × ${THREADS} thread${THREADS === '1' ? '' : 's'}${CONCURRENCY === '1' ? '' : ` × ${CONCURRENCY} jobs`}`,
      bullmq: gbps(BYTES, t.bullmq), local2: gbps(BYTES, t['local 2 threads']),
      job_ms: ((small['tiny 64 shards'] - small['tiny 1 shard']) * 1000) / (jobsFor(64) - jobsFor(1)),
      submit_ms: small['tiny 1 shard'] * 1000,
    }];
  } finally {
    a.close();
    for (const w of workers) w.p.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await redis.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
