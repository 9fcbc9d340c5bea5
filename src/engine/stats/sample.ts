/**
 * Where a sample says the wanted ranks lie: keys of runs of consecutive values at pseudo-random
 * places, sorted, give a window of keys around each rank, wide enough that the rank falls inside with
 * overwhelming probability. The windows only steer the passes: the counts the passes make are exact,
 * and a rank that falls outside every window is still found (select.ts refines the gap it fell in).
 */
import { native } from '../../native.js';
import { DIST_MODES } from '../../native.js';
import { type ReducePlan, planReduceCached } from '../plan.js';
import { type RunOptions } from '../run.js';
import { bytesFor, withMemory } from './budget.js';
import { type KeyKind } from './keys.js';
import { type Source, keySpec, runPass } from './pass.js';

/** A run of the sample: this many consecutive values. */
const SAMPLE_RUN = 32768;
const SAMPLE_MIN_RUNS = 32;
/** Keys in the sample: one in 256 values, from 2^17 to 2^21 (16 MiB), so windows narrow as files grow. */
const SAMPLE_MIN = 2 ** 17;
const SAMPLE_MAX = 2 ** 21;
/** Half-width of a window, in standard deviations of a sample quantile's position. */
const SAMPLE_SIGMAS = 4.5;
export const FULL = (1n << 64n) - 1n;

/** Ascending, disjoint windows of keys and the keys each is expected to hold. */
export interface SampleWindows { windows: { lo: bigint; hi: bigint }[]; expected: number[] }

/** `k` of `blocks` at pseudo-random places (a fixed seed: the same runs for the same layout). */
function pickBlocks<B>(blocks: B[], k: number): B[] {
  if (k >= blocks.length) return blocks;
  const chosen = new Set<number>();
  let x = 0x9e3779b9;
  while (chosen.size < k) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; // xorshift32
    chosen.add(x % blocks.length);
  }
  return [...chosen].sort((a, b) => a - b).map((i) => blocks[i]);
}

/**
 * Windows around the ranks `want` asks for among the n values of `plan` (one output), from a sample;
 * null when the sample is too small to say anything.
 */
export async function sampleWindows(src: Source, plan: ReducePlan, kind: KeyKind, want: (nValid: number, nNan: number) => number[],
  opts: RunOptions): Promise<SampleWindows | null> {
  const n = plan.perOutput * plan.outCount;
  const target = Math.min(SAMPLE_MAX, Math.max(SAMPLE_MIN, Math.floor(n / 256)));
  const runs = planReduceCached(src.a.layout, null, 8, SAMPLE_RUN * src.a.itemsize);
  const perRun = Math.max(1, Math.floor(n / Math.max(runs.blocks.length, 1)));
  const count = Math.min(runs.blocks.length, Math.max(SAMPLE_MIN_RUNS, Math.ceil(target / perRun)));
  const blocks = pickBlocks(runs.blocks, count);
  const elems = blocks.reduce((t, b) => t + b.dims.reduce((p, d) => p * d[0], 1), 0);
  return withMemory(bytesFor(elems), async (mem) => {
    const ss = keySpec(DIST_MODES.collect, 0, [{ lo: 0n, hi: FULL, shift: 0, base: 0, cap: elems }]);
    const sample = mem.u64(elems, false);
    await runPass(src, runs, kind, ss.words, sample, null, { threads: opts.threads, signal: opts.signal }, blocks);
    const got = Math.min(elems, Number(ss.cursor(0)));
    if (got < 64) return null;
    native.sortKeys(sample, Float64Array.from([0, got]));
    const keys = sample.subarray(0, got);
    // ranks as a fraction of the non-NaN values, estimated from the sample
    const estValid = Math.round(n * (got / Math.max(elems, got)));
    const ranks = want(estValid, n - estValid);
    if (ranks.length === 0) return null;
    const spans: { lo: bigint; hi: bigint }[] = [];
    for (const r of ranks) {
      const p = Math.min(1, Math.max(0, r / Math.max(estValid - 1, 1)));
      const j = p * (got - 1);
      const d = SAMPLE_SIGMAS * Math.sqrt(got * p * (1 - p)) + 32;
      const a = Math.floor(j - d), b = Math.ceil(j + d);
      spans.push({ lo: a <= 0 ? 0n : keys[a], hi: b >= got - 1 ? FULL : keys[b] });
    }
    spans.sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0));
    const windows: { lo: bigint; hi: bigint }[] = [];
    for (const w of spans) {
      const last = windows[windows.length - 1];
      if (last !== undefined && w.lo <= last.hi) { if (w.hi > last.hi) last.hi = w.hi; } else windows.push({ ...w });
    }
    // first index of the sorted sample whose key is > x (or >= x)
    const bound = (x: bigint, strict: boolean): number => {
      let lo = 0, hi = got;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (strict ? keys[mid] <= x : keys[mid] < x) lo = mid + 1; else hi = mid; }
      return lo;
    };
    const expected = windows.map((w) => ((bound(w.hi, true) - bound(w.lo, false)) / got) * n);
    return { windows, expected };
  }, opts.signal);
}
