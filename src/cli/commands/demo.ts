/**
 * `ndmmap demo [--size-mib N]`: generate a float64 file in the temp directory (reused when it is
 * already there with the right size), then time sum, mean, std and an apply on the pool and on one
 * thread, in the same run, and print each result with its throughput.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Scalar } from '../../dtype.js';
import { type MemMap, memmap } from '../../memmap.js';
import { poolThreads } from '../../engine/pool.js';
import { reduce } from '../../engine/reduce.js';
import { intOption, parse, COMMON, RUN } from '../args.js';
import { jsonScalar, textScalar } from '../../print/format.js';
import { apply } from '../../engine/elementwise.js';
import type { Command } from '../command.js';

/** Default demo size: big enough that the pool's start-up is noise, small enough for any laptop. */
export const DEMO_SIZE_MIB = 256;
const DEMO_FILE = 'ndmmap-demo.f8';
const DEMO_OUT = 'ndmmap-demo-out.f8';
const DEMO_EXPR = 'x * 2 + 1';

/** Fill with a deterministic xorshift32 sequence, uniform in [-1, 1): same bytes on every run. */
function generate(file: string, n: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const a = memmap(tmp, { dtype: 'float64', mode: 'w+', shape: [n] });
  const CHUNK = 1 << 22; // elements per typed array window
  let s = 0x9e3779b9;
  for (let i = 0; i < n; i += CHUNK) {
    const t = a.typedArray(i, Math.min(n, i + CHUNK)) as Float64Array;
    for (let j = 0; j < t.length; j++) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
      t[j] = (s >>> 0) / 2 ** 31 - 1;
    }
  }
  a.flush();
  a.close();
  fs.renameSync(tmp, file); // a run stopped half-way leaves no file of the right size behind
}

/** Runs of each timed call; the best is kept, since other load on the machine only ever slows a run. */
const TIMED_RUNS = 3;

/** The result of `fn` and its best time in seconds over TIMED_RUNS runs. */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  let best = Infinity;
  let r!: T;
  for (let k = 0; k < TIMED_RUNS; k++) {
    const t0 = performance.now();
    r = await fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return [r, best];
}

interface Row { op: string; result: Scalar | null; gbps: number; gbps1: number; ratio: number }

/** Run `demo`. */
export async function demo(args: string[]): Promise<void> {
  const { values } = parse(command, args, { min: 0, max: 0 });
  const mib = intOption(values['size-mib'] ?? process.env.NDMMAP_DEMO_SIZE_MIB, 'size-mib', 1, 2 ** 20) ?? DEMO_SIZE_MIB;
  const threads = intOption(values.threads, 'threads', 1, 256) ?? poolThreads();
  const n = (mib * 2 ** 20) / 8;
  const file = path.join(os.tmpdir(), DEMO_FILE);
  const outFile = path.join(os.tmpdir(), DEMO_OUT);
  const fresh = !(fs.existsSync(file) && fs.statSync(file).size === n * 8);
  if (fresh) generate(file, n);
  const a = memmap(file, { dtype: 'float64', mode: 'r', shape: [n] });
  const log = (s: string): void => { if (!values.json) process.stdout.write(s + '\n'); };
  log(`ndmmap demo: ${mib} MiB of float64 (${n} values) in ${file}${fresh ? ' (generated)' : ' (reused)'}, ${threads} threads`);
  const rows: Row[] = [];
  const row = (op: string, result: Scalar | null, t: number, t1: number): void => {
    const r = { op, result, gbps: (n * 8) / t / 1e9, gbps1: (n * 8) / t1 / 1e9, ratio: t1 / t };
    rows.push(r);
    const shown = result === null ? `-> ${outFile}` : `= ${textScalar(result, 'float64')}`;
    log(`${`${op} ${shown}`.padEnd(40)} ${r.gbps.toFixed(2).padStart(6)} GB/s   1 thread ${r.gbps1.toFixed(2).padStart(6)} GB/s   x${r.ratio.toFixed(2)}`);
  };
  try {
    await reduce('sum', a, { threads }); // start the pool's workers before timing
    for (const op of ['sum', 'mean', 'std'] as const) {
      const [r, t] = await timed(() => reduce(op, a, { threads }));
      const [, t1] = await timed(() => reduce(op, a, { threads: 1 }));
      row(op, r as Scalar, t, t1);
    }
    await demoApply(a, outFile, threads, row);
  } finally {
    a.close();
  }
  if (values.json) process.stdout.write(JSON.stringify({ file, sizeMiB: mib, threads, results: rows.map((r) => ({ ...r, result: r.result === null ? null : jsonScalar(r.result, 'float64') })) }) + '\n');
}

async function demoApply(a: MemMap, outFile: string, threads: number, row: (op: string, r: null, t: number, t1: number) => void): Promise<void> {
  const out = memmap(outFile, { dtype: 'float64', mode: 'w+', shape: a.shape });
  try {
    await apply(a, DEMO_EXPR, { out, threads }); // first touch of the new file's pages, untimed
    const [, t] = await timed(() => apply(a, DEMO_EXPR, { out, threads }));
    const [, t1] = await timed(() => apply(a, DEMO_EXPR, { out, threads: 1 }));
    row(`apply ${DEMO_EXPR}`, null, t, t1);
  } finally {
    out.close();
  }
}

/** `ndmmap demo`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'demo',
  usage: `ndmmap demo [--size-mib N] [--threads N] [--json]`,
  options: { ...COMMON, ...RUN, 'size-mib': { type: 'string' }, json: { type: 'boolean' } },
  help: `Usage: ndmmap demo [--size-mib N] [--threads N] [--json]

Generate a float64 file (default 256 MiB; reused when present) in the temp directory, then time sum,
mean, std and the apply 'x * 2 + 1' on every thread and on one thread, and print each result with its
throughput and the speed-up. NDMMAP_DEMO_SIZE_MIB sets the size too.
`,
  run: (args) => demo(args),
};
