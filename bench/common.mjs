// Shared helpers for the benchmarks: data files, numpy and native-ceiling runs, tinybench timing.
// Every ratio in BENCHMARKS.md comes from numbers measured in the same process run.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIR = path.join(os.tmpdir(), 'ndmmap-bench');
/** 2 GiB of float64, the benchmark size; BENCH_MIB overrides for a quick run. */
export const BYTES = Number(process.env.BENCH_MIB ?? 2048) * 2 ** 20;
const { memmap, createNpy, openNpy, shutdown } = await import(path.join(ROOT, 'dist/src/index.js'));
export { memmap, createNpy, openNpy, shutdown };

/** A float64 file of `bytes` with a deterministic pseudo-random fill, made once and reused. */
export async function dataFile(name, bytes = BYTES) {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  if (fs.existsSync(file) && fs.statSync(file).size === bytes) return file;
  const a = memmap(file, { dtype: 'float64', mode: 'w+', shape: [bytes / 8] });
  const step = 2 ** 24;
  let s = 12345;
  for (let i = 0; i < a.size; i += step) {
    const t = a.typedArray(i, Math.min(a.size, i + step));
    for (let k = 0; k < t.length; k++) { s = (s * 1103515245 + 12345) % 2147483648; t[k] = s / 2147483648 - 0.5; }
  }
  a.flush();
  a.close();
  return file;
}

/** Do python3 and numpy exist here? */
export const HAVE_NUMPY = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** numpy's seconds per call (median of `repeats`, after one warm-up call) on the same file; `extra` files follow. */
export function numpy(file, dtype, shape, op, repeats = 5, ...extra) {
  if (!HAVE_NUMPY) return undefined;
  const out = execFileSync('python3', [path.join(ROOT, 'bench/numpy_ops.py'), file, dtype, shape.join(','), op, String(repeats + 1), ...extra], { encoding: 'utf8' });
  const secs = JSON.parse(out).seconds.slice(1).sort((a, b) => a - b);
  return secs[Math.floor(secs.length / 2)];
}

/**
 * The native ceiling (bench/ceiling.cc): plain C++ threads summing the mapping (`mode` 'sum'), or
 * running the fused loop p[i] = p[i] * 2 + 1 over it in place ('apply'), or p[i] *= 2 ('mul'), in GB/s — the median of 5
 * warm runs, the same statistic tinybench gives for the engine.
 */
export function ceiling(file, threads, mode = 'sum') {
  const bin = path.join(ROOT, 'build/ceiling');
  const src = path.join(ROOT, 'bench/ceiling.cc');
  if (!fs.existsSync(bin) || fs.statSync(bin).mtimeMs < fs.statSync(src).mtimeMs)
    execFileSync('g++', ['-O3', '-std=c++17', '-pthread', src, '-o', bin]);
  return JSON.parse(execFileSync(bin, [file, String(threads), '5', mode], { encoding: 'utf8' })).gbps;
}

/** Median seconds per call of each async function, measured with tinybench (interleaved tasks). */
export async function time(tasks, iterations = 5, warmupIterations = 1) {
  const bench = new Bench({ iterations, time: 0, warmupIterations, warmupTime: 0 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out = {};
  for (const t of bench.tasks) {
    if (t.result.state !== 'completed') throw t.result.error ?? new Error(`${t.name}: ${t.result.state}`);
    out[t.name] = t.result.latency.p50 / 1000;
  }
  return out;
}

export const gbps = (bytes, seconds) => bytes / seconds / 1e9;
