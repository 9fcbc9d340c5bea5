/**
 * Concurrency: many async callers on one pool get bit-identical answers to sequential runs; two
 * processes writing disjoint halves of one file both land; two MemMaps of one file stay coherent
 * through the workers.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memmap, shutdown, type MemMap } from '../../dist/src/index.js';
import { DIST, tmpDir, writeF8 } from './helpers.js';

const dir = tmpDir('concurrency');
const file = path.join(dir, 'data.f8');
const ROWS = 2048;
const COLS = 1024; // 16 MiB of float64: every call below runs on the pool
let a: MemMap;

beforeAll(() => {
  // values whose sums depend on summation order, so a merge in arrival order would show
  writeF8(file, ROWS * COLS, (i) => Math.sin(i) * 10 ** ((i % 17) - 8));
  a = memmap(file, { dtype: 'float64', mode: 'r', shape: [ROWS, COLS] });
});
afterAll(async () => {
  a?.close();
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A result as exact bits, so "equal" means bit-identical (NaN payloads and -0 included). */
function bits(v: unknown): string {
  if (typeof v === 'number') return Buffer.from(new Float64Array([v]).buffer).toString('hex');
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  const r = v as { data: ArrayBufferView; shape: number[] };
  return `${r.shape}:${Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('hex')}`;
}

describe('concurrent callers on one pool', () => {
  it('20 concurrent reductions are bit-identical to the same reductions run one by one', async () => {
    const calls: (() => Promise<unknown>)[] = [
      () => a.sum(), () => a.mean(), () => a.std(), () => a.var({ ddof: 1 }), () => a.min(), () => a.max(),
      () => a.argmin(), () => a.argmax(), () => a.sum({ axis: 0 }), () => a.sum({ axis: 1 }), () => a.mean({ axis: 0, threads: 1 }),
      () => a.std({ axis: 1 }), () => a.T.sum({ axis: 1 }), () => a.slice('::-1').max({ axis: 0 }), () => a.slice(null, '::3').var({ axis: 1 }),
      () => a.slice('100:1900').sum(), () => a.prod({ axis: 0 }), () => a.argmax({ axis: 1 }), () => a.reshape([-1]).sum({ threads: 2 }),
      () => a.transpose(1, 0).argmin({ axis: 0 }),
    ];
    const sequential: string[] = [];
    for (const c of calls) sequential.push(bits(await c()));
    for (let round = 0; round < 3; round++) {
      const order = calls.map((_, i) => i).sort((x, y) => ((x * 7 + round * 13) % 20) - ((y * 7 + round * 13) % 20));
      const results = await Promise.all(order.map((i) => calls[i]()));
      const byCall: string[] = [];
      order.forEach((i, k) => { byCall[i] = bits(results[k]); });
      expect(byCall).toEqual(sequential);
    }
  });
});

describe('two processes writing one file', () => {
  it('apply on disjoint row ranges from two processes at once: both writes are present', async () => {
    const shared = path.join(dir, 'shared.f8');
    const rows = 1024, cols = 2048; // 16 MiB
    writeF8(shared, rows * cols, () => 1);
    const half = rows / 2;
    const script = (range: string, expr: string): string => `
      import { memmap, shutdown } from '${DIST}src/index.js';
      const a = memmap(${JSON.stringify(shared)}, { dtype: 'float64', mode: 'r+', shape: [${rows}, ${cols}] });
      const v = a.slice('${range}');
      for (let k = 0; k < 5; k++) await v.apply('${expr}');
      a.close();
      await shutdown();
      console.log('ok');
    `;
    const run = (name: string, body: string): Promise<number | null> => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, body);
      const c = spawn(process.execPath, [f], { stdio: ['ignore', 'ignore', 'inherit'] });
      return new Promise((res) => c.on('exit', (code) => res(code)));
    };
    const codes = await Promise.all([run('top.mjs', script(`0:${half}`, 'x + 1')), run('bottom.mjs', script(`${half}:${rows}`, 'x * 3'))]);
    expect(codes).toEqual([0, 0]);
    const b = memmap(shared, { dtype: 'float64', mode: 'r', shape: [rows, cols] });
    expect(await b.slice(`0:${half}`).min()).toBe(6);
    expect(await b.slice(`0:${half}`).max()).toBe(6);
    expect(await b.slice(`${half}:`).min()).toBe(243);
    expect(await b.slice(`${half}:`).max()).toBe(243);
    b.close();
  });
});

describe('two MemMaps of one file in one process', () => {
  it('a write through one (apply on the pool) is seen by a reduction through the other', async () => {
    const f = path.join(dir, 'coherent.f8');
    const n = 2 ** 21; // 16 MiB
    const w = memmap(f, { dtype: 'float64', mode: 'w+', shape: [n] });
    const r = memmap(f, { dtype: 'float64', mode: 'r' });
    const r2 = memmap(f, { dtype: 'float64', mode: 'r+', shape: [n / 4, 4] });
    for (let k = 1; k <= 5; k++) {
      await w.apply(`x + ${k}`);
      const total = (k * (k + 1)) / 2;
      expect(await r.sum()).toBe(total * n);
      expect(await r.min()).toBe(total);
      expect([...((await r2.max({ axis: 0 })) as { data: Float64Array }).data]).toEqual([total, total, total, total]);
      expect(r.typedArray(n - 1)[0]).toBe(total); // a fresh window sees the write too
      await r2.slice(null, 0).apply('x - 0'); // a write through the other, on a strided view
    }
    for (const m of [w, r, r2]) m.close();
  });
});
