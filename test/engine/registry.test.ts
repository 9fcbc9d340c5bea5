// Every reduction of the registry: a MemMap method and a CLI command with a help line; results
// bit-identical for 1 and 2 threads (several blocks, and both threads ran some of them), and 4 shards
// merged equal to the whole array, whole and along each axis, on float64 data with NaNs and ±inf and
// on int16 data.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDUCE_NAMES, memmap, mergePartials, reducePartial, setThreads, shutdown, warmup, type MemMap, type NDResult } from '../../dist/src/index.js';
import { REDUCTIONS } from '../../dist/src/engine/reductions/index.js';
import { lastPoolCall } from '../../dist/src/engine/run.js';
import { CLI } from '../cli/helpers.js';
import { expectEqual, tempDir } from '../helpers.js';

// Workers started from here on hold back after their first block until the call's other thread has
// joined (src/engine/execute.cts), so the two-thread runs compared below really use both threads.
process.env.NDMMAP_TEST_SPREAD = '1';
const tmp = tempDir('ndmmap-registry-');
let f8: MemMap, i2: MemMap;
// 24 MiB of float64 and 12 MiB of int16: the pool path, several 4 MiB blocks for each axis
const ROWS = 2 ** 15, COLS = 96;

beforeAll(async () => {
  setThreads(2);
  // the pool's threads up before the first comparison: until they join, a call's blocks run on this
  // thread, and on a loaded machine 50 small calls could all finish before they did (workers 0)
  await warmup();
  f8 = memmap(tmp.file('a.f8'), { dtype: 'float64', mode: 'w+', shape: [ROWS, COLS] });
  const t = f8.typedArray() as Float64Array;
  let s = 7;
  for (let i = 0; i < t.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    t[i] = (s / 2 ** 32 - 0.4) * 10 ** ((i % 5) - 1);
  }
  t[5] = NaN; t[ROWS * COLS - 7] = Infinity; t[3 * COLS + 1] = -Infinity;
  f8.flush();
  i2 = memmap(tmp.file('a.i2'), { dtype: 'int16', mode: 'w+', shape: [2 * ROWS, COLS] });
  const u = i2.typedArray() as Int16Array;
  for (let i = 0; i < u.length; i++) u[i] = ((i * 2654435761) >>> 16) - 32768;
  i2.flush();
});
afterAll(async () => {
  f8.close(); i2.close();
  await shutdown();
  tmp.remove();
});

/** A result as comparable bits (Object.is for numbers: NaN and -0 count). */
function bits(r: unknown): unknown {
  if (r !== null && typeof r === 'object' && 'data' in (r as object)) return { ...(r as NDResult), data: [...(r as NDResult).data].map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'nan' : Object.is(v, -0) ? '-0' : v)) };
  return typeof r === 'number' && Number.isNaN(r) ? 'nan' : Object.is(r, -0) ? '-0' : r;
}

const cases = REDUCTIONS.flatMap((red) => [['f8', red.name], ['i2', red.name]] as const).flatMap(([dt, op]) =>
  [null, 0, 1].map((axis) => [dt, op, axis] as const));

describe('every reduction of the registry', () => {
  it('has a MemMap method, a CLI command and a help line', () => {
    for (const red of REDUCTIONS) {
      expect(typeof (f8 as unknown as Record<string, unknown>)[red.method], red.method).toBe('function');
      expect(REDUCE_NAMES).toContain(red.name);
    }
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    for (const red of REDUCTIONS) expect(help).toContain(`  ${red.name} `);
    // one entry per name, and the public list is the registry's
    expect(new Set(REDUCTIONS.map((r) => r.name)).size).toBe(REDUCTIONS.length);
    expectEqual([...REDUCE_NAMES].sort(), REDUCTIONS.map((r) => r.name).sort());
  });

  it.each(cases)('%s %s axis=%s: 1 and 2 threads give the same bits; 4 shards merge to the whole', async (dt, op, axis) => {
    const a = dt === 'f8' ? f8 : i2;
    const red = REDUCTIONS.find((r) => r.name === op)!;
    let one: unknown, two: unknown;
    try {
      one = await (a as unknown as Record<string, (o: object) => Promise<unknown>>)[red.method]({ axis, threads: 1 });
    } catch (e) {
      // numpy refuses some (nanargmin of a slice that is all NaN cannot happen here; ptp of bool is not tested)
      throw new Error(`${op} ${dt} axis=${axis}: ${(e as Error).message}`);
    }
    // Both threads must have run blocks of the call compared (one could take them all while the
    // other wakes up on a busy machine: run again until both did).
    for (const until = Date.now() + 30_000; ;) {
      two = await (a as unknown as Record<string, (o: object) => Promise<unknown>>)[red.method]({ axis, threads: 2 });
      const ran = lastPoolCall();
      expect(ran.blocks).toBeGreaterThanOrEqual(3);
      if (ran.workers === 2 || Date.now() > until) { expect(ran.workers).toBe(2); break; }
    }
    expectEqual(bits(two), bits(one));
    const cuts = [0, 1000, 5000, 5001, a.shape[0]];
    const parts = [];
    for (let k = 0; k < 4; k++) parts.push(await reducePartial(op, a, { axis, rows: [cuts[k], cuts[k + 1]] }));
    const merged = mergePartials(parts.reverse());
    // integers and extremes are exact; float sums within the merge's reassociation
    const exact = (dt === 'i2' && !/var|std|mean/.test(op)) || /min|max|arg|any|all|count|ptp/.test(op);
    if (exact) expectEqual(bits(merged), bits(one));
    else {
      const g = (v: unknown): number[] => (typeof v === 'object' && v !== null ? [...(v as NDResult).data].map(Number) : [Number(v)]);
      const x = g(merged), y = g(one);
      expect(x.length).toBe(y.length);
      const off: string[] = []; // one expect for all elements: per-element expects cost seconds here
      x.forEach((v, i) => {
        const ok = !Number.isFinite(y[i]) ? Object.is(v, y[i])
          : Math.abs(v - y[i]) <= 1e-12 * Math.max(1, Math.abs(y[i])) * (op.includes('var') || op.includes('std') ? 1e3 : 1);
        if (!ok) off.push(`[${i}] ${v} vs ${y[i]}`);
      });
      expectEqual(off.slice(0, 5), []);
    }
  });
});
