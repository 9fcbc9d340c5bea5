/**
 * Tearing the pool down at any moment never aborts the process: the worker entry is CommonJS, so a
 * pool destroyed while a worker is still loading cannot hit the ESM loader (which aborted with SIGABRT
 * in about 1 run in 100–300). The CLI, setThreads in a loop, shutdown() right after a call, and
 * terminate() of a user worker thread that used the pool.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ndmmapAsync, pool } from '../cli/helpers.js';
import { expectClean, lastJson, runChild, tmpDir, writeF8 } from '../reliability/helpers.js';

const dir = tmpDir('teardown');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'one-mib.f8');
writeF8(file, 2 ** 17, (i) => i % 7); // 1 MiB: the pool path

describe('pool teardown', () => {
  it('`ndmmap sum FILE --threads 1 --json` 500 times: every run exits 0 with the right answer', async () => {
    const want = Array.from({ length: 2 ** 17 }, (_, i) => i % 7).reduce((a, b) => a + b, 0);
    const runs = await pool(Array.from({ length: 500 }, (_, i) => i), 4, () =>
      ndmmapAsync(['sum', file, '--dtype', 'f8', '--threads', '1', '--json'], { process: true }));
    const bad = runs.filter((r) => r.status !== 0 || JSON.parse(r.stdout).result !== want);
    expect(bad.map((r) => `${r.status} ${r.stderr.slice(0, 200)}`)).toEqual([]);
  }, 300_000);

  it('setThreads in a loop, shutdown() right after calls, terminate() of a user worker that used the pool', () => {
    const r = runChild(dir, 'teardown', `
      import { Worker } from 'node:worker_threads';
      import { memmap, setThreads, shutdown } from '$DIST/src/index.js';
      const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r' });
      const want = await a.sum();
      let right = 0;
      for (let i = 0; i < 100; i++) {
        setThreads(1 + (i % 2));
        if ((await a.sum()) === want) right++;
        if (i % 3 === 0) await shutdown();
      }
      // shutdown racing a pool that is still starting its workers
      for (let i = 0; i < 50; i++) { const p = a.sum(); await shutdown(); if ((await p) === want) right++; }
      let terminated = 0;
      for (let i = 0; i < 30; i++) {
        const w = new Worker(\`
          import { memmap } from '$DIST/src/index.js';
          import { parentPort } from 'node:worker_threads';
          const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r' });
          parentPort.postMessage(await a.sum());
        \`, { eval: true, type: 'module' });
        await new Promise((res) => w.once('message', res));
        await w.terminate();
        terminated++;
      }
      a.close();
      await shutdown();
      console.log(JSON.stringify({ right, terminated }));
    `, { timeout: 240_000 });
    expectClean(r);
    expect(lastJson(r)).toEqual({ right: 150, terminated: 30 });
  }, 300_000);
});
