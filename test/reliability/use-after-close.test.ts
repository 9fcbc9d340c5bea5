/**
 * Use after close() is an error, never a crash: every scenario runs in a child process, so a segfault
 * or SIGBUS shows up as a failed test (a signal) instead of killing the test runner.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClean, fingerprint, lastJson, runChild, tmpDir, writeF8 } from './helpers.js';

const dir = tmpDir('close');
afterAll(() => { if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true }); });

/** 1 MiB of float64: above the inline threshold (512 KiB), so reductions go to the pool. */
const N = 131072;

describe('use after close', () => {
  it('every main-thread accessor throws ERR_NDMMAP_CLOSED; typed arrays keep their length over zeros, writes to them never reach the file', () => {
    const file = path.join(dir, 'main.f8');
    writeF8(file, N);
    const before = fingerprint(file);
    const r = runChild(dir, 'main', `
      import { memmap, shutdown } from '$DIST/src/index.js';
      import { native } from '$DIST/src/native.js';
      const out = {};
      const base = native.liveMappings();
      const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r+', shape: [${N / 8}, 8] });
      const view = a.slice('1:5', '::2');
      const flat = a.reshape(-1);
      const ta = flat.typedArray();
      const sub = ta.subarray(10, 20);
      const dv = new DataView(ta.buffer);
      a.close();
      a.close(); // twice is a no-op
      // the arrays keep their length (native code may still be using them) over anonymous zeros
      out.taLength = ta.length; out.subLength = sub.length; out.dvRead = (() => { try { return dv.getFloat64(8); } catch { return 'threw'; } })();
      ta[0] = 1; sub[3] = 7; out.taRead = ta[5]; out.taWritten = ta[0];
      const sync = {
        get: () => a.get(0, 0), viewGet: () => view.get(0, 0), set: () => a.set([0, 0], 1), viewSet: () => view.set([0, 0], 1),
        toArray: () => view.toArray(), typedArray: () => flat.typedArray(), slice: () => a.slice(0), transpose: () => a.transpose(),
        reshape: () => a.reshape(-1), assign: () => view.assign(3), flush: () => a.flush(), T: () => a.T,
      };
      for (const [k, f] of Object.entries(sync)) { try { f(); out[k] = 'no error'; } catch (e) { out[k] = e.code; } }
      const calls = { sum: () => a.sum(), viewMean: () => view.mean({ axis: 0 }), apply: () => flat.apply('x + 1'), fill: () => a.fill(0), argmax: () => a.argmax({ axis: 1 }) };
      for (const [k, f] of Object.entries(calls)) { try { await f(); out[k] = 'resolved'; } catch (e) { out[k] = e.code; } }
      out.closed = a.closed && view.closed;
      out.live = native.liveMappings() - base;
      await shutdown();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    const out = lastJson(r);
    expect(out).toMatchObject({ taLength: N, subLength: 10, dvRead: 0, taRead: 0, taWritten: 1, closed: true, live: 0 });
    expect(fingerprint(file)).toBe(before);
    for (const k of ['get', 'viewGet', 'set', 'viewSet', 'toArray', 'typedArray', 'slice', 'transpose', 'reshape', 'assign', 'flush', 'T',
      'sum', 'viewMean', 'apply', 'fill', 'argmax']) expect(out[k], k).toBe('ERR_NDMMAP_CLOSED');
  });

  it('a reduction pending when close() runs rejects with ERR_NDMMAP_CLOSED, never reads freed memory', () => {
    const file = path.join(dir, 'pending.f8');
    writeF8(file, N * 8); // 8 MiB: two pool blocks per thread
    const r = runChild(dir, 'pending', `
      import { memmap, shutdown } from '$DIST/src/index.js';
      import { native } from '$DIST/src/native.js';
      const out = { syncClosed: 0, lateClosed: 0, resolvedRight: 0, resolvedWrong: 0, otherErrors: [] };
      const base = native.liveMappings();
      const ref = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r' });
      const run = (a) => [a.sum(), a.std(), a.max({ threads: 1 }), a.reshape([-1, 8]).mean({ axis: 0 })];
      const expected = (await Promise.all(run(ref))).map((v) => JSON.stringify(v?.data ? [...v.data] : v));
      ref.close();
      for (let round = 0; round < 20; round++) {
        const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r' });
        const calls = run(a);
        // close at a different point each round: before dispatch, or a few ms in (running or done)
        if (round % 4 === 0) a.close(); else setTimeout(() => a.close(), round % 4);
        for (const [i, s] of (await Promise.allSettled(calls)).entries()) {
          if (s.status === 'fulfilled') {
            const v = JSON.stringify(s.value?.data ? [...s.value.data] : s.value);
            if (v === expected[i]) out.resolvedRight++; else out.resolvedWrong++;
          } else if (s.reason.code !== 'ERR_NDMMAP_CLOSED') out.otherErrors.push(String(s.reason));
          else if (round % 4 === 0) out.syncClosed++; else out.lateClosed++;
        }
        a.close();
      }
      for (let i = 0; i < 100 && native.liveMappings() !== base; i++) await new Promise((r) => setTimeout(r, 10));
      out.live = native.liveMappings() - base;
      await shutdown();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    const out = lastJson<Record<string, number>>(r);
    // A call closed under before it settled rejects with CLOSED; one that finished first is right.
    expect(out).toMatchObject({ syncClosed: 20, resolvedWrong: 0, otherErrors: [], live: 0 });
    expect(out.lateClosed + out.resolvedRight).toBe(60);
  });

  it('close() after every block finished but before the call settled still rejects (deterministic)', () => {
    const file = path.join(dir, 'settle.f8');
    writeF8(file, N * 8);
    const r = runChild(dir, 'settle', `
      import { memmap, shutdown } from '$DIST/src/index.js';
      const out = {};
      for (const [name, size] of [['pool', ${N * 8}], ['inline', 1000]]) {
        for (const op of ['sum', 'argmax', 'apply']) {
          const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r+', shape: [size] });
          // the last progress report comes after the last block and before the promise settles
          const onProgress = (p) => { if (p.doneBytes === p.totalBytes) a.close(); };
          const p = op === 'apply' ? a.apply('x', { onProgress }) : a[op]({ onProgress });
          try { await p; out[name + ' ' + op] = 'resolved'; } catch (e) { out[name + ' ' + op] = e.code; }
        }
      }
      await shutdown();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    const C = 'ERR_NDMMAP_CLOSED';
    expect(lastJson(r)).toEqual({ 'pool sum': C, 'pool argmax': C, 'pool apply': C, 'inline sum': C, 'inline argmax': C, 'inline apply': C });
  });

  it('close() during a running apply: running blocks finish, the rest are skipped, the call rejects', () => {
    const file = path.join(dir, 'inflight.f8');
    const n = 4 * 2 ** 20; // 32 MiB: 8 blocks of 4 MiB
    writeF8(file, n, () => 1);
    const r = runChild(dir, 'inflight', `
      import fs from 'node:fs';
      import { memmap, shutdown } from '$DIST/src/index.js';
      import { native } from '$DIST/src/native.js';
      const file = ${JSON.stringify(file)};
      const base = native.liveMappings();
      const a = memmap(file, { dtype: 'float64', mode: 'r+' });
      // a slow expression (~tens of ms per block) whose result is exactly 2 for x = 1
      const EXPR = 'x + 1 + 0 * (sin(x) + cos(x) + exp(x) + log1p(x) + sqrt(x) + tan(x))';
      // time a full run into a scratch file (this also starts the pool), then close a third of the way in
      const scratch = memmap(file + '.scratch', { dtype: 'float64', mode: 'w+', shape: a.shape });
      const t0 = performance.now();
      await a.apply(EXPR, { out: scratch });
      const full = performance.now() - t0;
      scratch.close();
      // close at the first progress report that is not the last: some blocks done, others not started
      // (deterministic, where a timer of full / 3 could fire after the end on a loaded machine)
      let closedAt;
      const onProgress = (q) => { if (closedAt === undefined && q.doneBytes > 0 && q.doneBytes < q.totalBytes) { closedAt = q.doneBytes; a.close(); } };
      const p = a.apply(EXPR, { threads: 2, onProgress });
      const out = { fullMs: Math.round(full) };
      try { await p; out.result = 'resolved'; } catch (e) { out.result = e.code; }
      for (let i = 0; i < 500 && native.liveMappings() !== base; i++) await new Promise((r) => setTimeout(r, 10));
      out.live = native.liveMappings() - base;
      out.mapsNamingFile = fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(file)).length;
      const v = new Float64Array(fs.readFileSync(file).buffer.slice(0));
      let ones = 0, twos = 0, other = 0;
      for (const x of v) { if (x === 1) ones++; else if (x === 2) twos++; else other++; }
      // blocks are all-or-nothing: a running block finishes, an unstarted one is never touched
      const BLOCK = 4 * 2 ** 20 / 16; // apply reads and writes 8 + 8 bytes per element
      let torn = 0;
      for (let b = 0; b < v.length; b += BLOCK) { const s = new Set(v.subarray(b, b + BLOCK)); if (s.size > 1) torn++; }
      Object.assign(out, { ones, twos, other, torn, closedAt: closedAt !== undefined });
      await shutdown();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    const out = lastJson<Record<string, unknown>>(r);
    expect(out).toMatchObject({ closedAt: true, result: 'ERR_NDMMAP_CLOSED', live: 0, mapsNamingFile: 0, other: 0, torn: 0 });
    expect((out.ones as number) + (out.twos as number)).toBe(n);
    expect(out.ones, 'blocks after the close must not have run').toBeGreaterThan(0);
  });

  it('a user worker thread using its own memmap after close gets errors, and the process lives', () => {
    const file = path.join(dir, 'worker.f8');
    writeF8(file, N);
    const r = runChild(dir, 'worker', `
      import { Worker } from 'node:worker_threads';
      const code = \`
        import { parentPort } from 'node:worker_threads';
        const { memmap } = await import('$DIST/src/index.js');
        const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r+' });
        const ta = a.typedArray();
        const view = a.slice('10:20');
        a.close();
        const out = { taLength: ta.length };
        ta[1] = 5;
        for (const [k, f] of Object.entries({ get: () => a.get(1), view: () => view.get(0), ta: () => view.typedArray() })) {
          try { f(); out[k] = 'no error'; } catch (e) { out[k] = e.code; }
        }
        try { await a.sum(); out.sum = 'resolved'; } catch (e) { out.sum = e.code; }
        parentPort.postMessage(out);
      \`;
      const w = new Worker(code, { eval: true, type: 'module' });
      const msg = await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
      await w.terminate();
      console.log(JSON.stringify(msg));
    `);
    expectClean(r);
    expect(lastJson(r)).toEqual({ taLength: N, get: 'ERR_NDMMAP_CLOSED', view: 'ERR_NDMMAP_CLOSED', ta: 'ERR_NDMMAP_CLOSED', sum: 'ERR_NDMMAP_CLOSED' });
  });

  it("writing through a mode 'r' typed array stays private: no crash, the file is unchanged", () => {
    const file = path.join(dir, 'readonly.f8');
    writeF8(file, N);
    const before = fingerprint(file);
    const r = runChild(dir, 'readonly', `
      import { memmap } from '$DIST/src/index.js';
      const a = memmap(${JSON.stringify(file)}, { dtype: 'float64', mode: 'r' });
      const ta = a.typedArray();
      ta.fill(-1);
      const u8 = new Uint8Array(a.slice('100:200').typedArray().buffer); u8.fill(0xff);
      const out = { seen: ta[7], get: a.get(7), again: a.typedArray()[7] };
      try { a.flush(); out.flush = 'ok'; } catch (e) { out.flush = e.code; }
      a.close();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    expect(lastJson(r)).toEqual({ seen: -1, get: 7, again: 7, flush: 'ok' });
    expect(fingerprint(file)).toBe(before);
  });
});
