/**
 * Exact order statistics of one output in bounded memory, over order-preserving keys. Small inputs
 * are collected whole. Otherwise a sample (sample.ts) puts a window around each wanted rank, and one
 * pass counts the keys below every window exactly: when the windows are narrow enough it collects the
 * keys inside them (one pass in all), else it counts them in buckets (winhist), so any number of q
 * shares two passes. A rank that fell outside its window, or in a bucket still too full, is refined by
 * radix passes: histograms of the next 16 key bits of the intervals holding ranks, until an interval
 * holds a single key value or few enough keys to collect.
 */
import { native } from '../../native.js';
import { DIST_MODES } from '../../native.js';
import { type ReducePlan } from '../plan.js';
import { type RunOptions } from '../run.js';
import { bytesFor, withMemory } from './budget.js';
import { type KeyKind } from './keys.js';
import { type Source, keySpec, runPass } from './pass.js';
import { FULL, sampleWindows } from './sample.js';

/** Bits per radix pass: 65,536 buckets a window. */
const BUCKET_BITS = 16;
/** Windows of one radix pass (16 x 512 KiB of counts, per thread and shared). */
const WINDOWS_PER_PASS = 16;
/** Buckets of all windows of one winhist pass (1 MiB of counts). */
const WIN_BUCKETS = 2 ** 17;
/** Windows the winhist pass takes; more q than this go the radix way from the start. */
const MAX_WINDOWS = 2048;
/** Keys one collecting pass gathers (32 MiB). */
export const COLLECT_KEYS = 2 ** 22;
/** Inputs up to this many elements skip the sample: all keys collected at once (8 MiB). */
export const SMALL = 2 ** 20;
/** Keys one bracketing pass may collect (48 MiB: with the spec, within the budget). */
const BRACKET_KEYS = 6 * 2 ** 20;

/** The keys at the wanted ranks (among the non-NaN values) and the NaN count of one output. */
export interface Selected { nValid: number; nNan: number; keyAt: (rank: number) => bigint }

/** Keys [lo, hi] holding `count` values, the first of rank `start`, and the wanted ranks among them. */
interface Interval { lo: bigint; hi: bigint; count: number; start: number; ranks: number[] }

type Want = (nValid: number, nNan: number) => number[];

const bitLength = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);
const byLo = (x: { lo: bigint }, y: { lo: bigint }): number => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0);

/** Assign each rank to the interval holding it (intervals ascending; their counts cover the ranks). */
function place(intervals: Interval[], ranks: number[]): Interval[] {
  let i = 0;
  for (const r of ranks) {
    while (i < intervals.length && r >= intervals[i].start + intervals[i].count) i++;
    intervals[i].ranks.push(r);
  }
  return intervals.filter((x) => x.ranks.length > 0);
}

/** Intervals of the gaps between windows and of the windows, from the keys below each window. */
function cover(windows: { lo: bigint; hi: bigint; count: number }[], below: number[], nValid: number): Interval[] {
  const out: Interval[] = [];
  let at = 0, from = 0n;
  windows.forEach((w, i) => {
    if (below[i] > at) out.push({ lo: from, hi: w.lo - 1n, count: below[i] - at, start: at, ranks: [] });
    out.push({ lo: w.lo, hi: w.hi, count: w.count, start: below[i], ranks: [] });
    at = below[i] + w.count;
    from = w.hi + 1n;
  });
  if (nValid > at) out.push({ lo: from, hi: FULL, count: nValid - at, start: at, ranks: [] });
  return out;
}

/**
 * Select the keys at the ranks `want(nValid, nNan)` asks for over every element of `plan` (one output).
 */
export async function selectRanks(src: Source, plan: ReducePlan, kind: KeyKind, want: Want, opts: RunOptions): Promise<Selected> {
  const n = plan.perOutput * plan.outCount;
  const resolved = new Map<number, bigint>();
  const done = (nValid: number, nNan: number): Selected => ({ nValid, nNan, keyAt: (r) => resolved.get(r)! });
  if (n <= SMALL) {
    return withMemory(bytesFor(n), async (mem) => {
      const s = keySpec(DIST_MODES.collect, 0, [{ lo: 0n, hi: FULL, shift: 0, base: 0, cap: n }]);
      const keys = mem.u64(n, false);
      await runPass(src, plan, kind, s.words, keys, null, opts);
      const nValid = Number(s.cursor(0));
      const ranks = want(nValid, n - nValid);
      if (ranks.length > 0) native.selectKeys(keys, 0, nValid, Float64Array.from(ranks));
      for (const r of ranks) resolved.set(r, keys[r]);
      return done(nValid, n - nValid);
    }, opts.signal);
  }
  const sample = await sampleWindows(src, plan, kind, want, opts);
  let first: { nNan: number; todo: Interval[] };
  if (sample === null || sample.windows.length > MAX_WINDOWS) first = await radixStart(src, plan, kind, n, want, opts);
  else {
    const caps = sample.expected.map((e) => Math.ceil(e * 1.25) + 4096);
    first = caps.reduce((t, c) => t + c, 0) <= BRACKET_KEYS
      ? await bracket(src, plan, kind, n, sample.windows, caps, want, resolved, opts)
      : await winhist(src, plan, kind, n, sample.windows, want, opts);
  }
  await refine(src, plan, kind, first.todo, resolved, opts);
  return done(n - first.nNan, first.nNan);
}

/** One pass collecting the keys inside the windows and counting those below each and the NaNs. */
async function bracket(src: Source, plan: ReducePlan, kind: KeyKind, n: number, windows: { lo: bigint; hi: bigint }[], caps: number[],
  want: Want, resolved: Map<number, bigint>, opts: RunOptions): Promise<{ nNan: number; todo: Interval[] }> {
  const bases: number[] = [];
  let total = 0;
  for (const c of caps) { bases.push(total); total += c; }
  return withMemory(bytesFor(total), async (mem) => {
    const s = keySpec(DIST_MODES.bracket, 0, windows.map((w, i) => ({ ...w, shift: 0, base: bases[i], cap: caps[i] })));
    const keys = mem.u64(total, false);
    await runPass(src, plan, kind, s.words, keys, null, opts);
    const nNan = Number(s.nan());
    const ranks = want(n - nNan, nNan);
    const counts = windows.map((_, i) => Number(s.cursor(i)));
    const below = windows.map((_, i) => Number(s.below(i)));
    const intervals = place(cover(windows.map((w, i) => ({ ...w, count: counts[i] })), below, n - nNan), ranks);
    const todo: Interval[] = [];
    for (const iv of intervals) {
      const w = windows.findIndex((x) => x.lo === iv.lo && x.hi === iv.hi);
      if (w < 0 || counts[w] > caps[w]) { todo.push(iv); continue; } // a gap, or a window that overflowed
      native.selectKeys(keys, bases[w], counts[w], Float64Array.from(iv.ranks, (r) => r - iv.start));
      for (const r of iv.ranks) resolved.set(r, keys[bases[w] + r - iv.start]);
    }
    return { nNan, todo };
  }, opts.signal);
}

/** One pass counting the keys below each window and inside its buckets (any number of q, bounded counts). */
async function winhist(src: Source, plan: ReducePlan, kind: KeyKind, n: number, windows: { lo: bigint; hi: bigint }[], want: Want,
  opts: RunOptions): Promise<{ nNan: number; todo: Interval[] }> {
  const W = windows.length;
  const bits = Math.min(BUCKET_BITS, Math.floor(Math.log2(WIN_BUCKETS / W)));
  const nb = 2 ** bits;
  const shifts = windows.map((w) => Math.max(0, bitLength(w.hi - w.lo) - bits));
  return withMemory(bytesFor(W * nb + 1 + W), async (mem) => {
    const s = keySpec(DIST_MODES.winhist, bits, windows.map((w, i) => ({ ...w, shift: shifts[i], base: 0, cap: 0 })));
    const out = mem.i64(W * nb + 1 + W);
    await runPass(src, plan, kind, s.words, out, null, opts);
    const nNan = Number(out[W * nb]);
    const below = windows.map((_, i) => Number(out[W * nb + 1 + i]));
    // windows as their buckets, each an interval of keys
    const parts: { lo: bigint; hi: bigint; count: number }[] = [];
    const bucketBelow: number[] = [];
    windows.forEach((w, i) => {
      let at = below[i];
      for (let b = 0; b < nb; b++) {
        const lo = w.lo + (BigInt(b) << BigInt(shifts[i]));
        if (lo > w.hi) break;
        const hi0 = lo + (1n << BigInt(shifts[i])) - 1n;
        const c = Number(out[i * nb + b]);
        parts.push({ lo, hi: hi0 > w.hi ? w.hi : hi0, count: c });
        bucketBelow.push(at);
        at += c;
      }
    });
    return { nNan, todo: place(cover(parts, bucketBelow, n - nNan), want(n - nNan, nNan)) };
  }, opts.signal);
}

/** No sample: the first radix pass over every key, by its top 16 bits. */
async function radixStart(src: Source, plan: ReducePlan, kind: KeyKind, n: number, want: Want, opts: RunOptions): Promise<{ nNan: number; todo: Interval[] }> {
  const [h] = await histograms(src, plan, kind, [{ lo: 0n, hi: FULL, count: n, start: 0, ranks: [] }], opts);
  const nNan = h.nan;
  const nValid = n - nNan;
  const parts = h.parts.filter((p) => p.count > 0);
  let at = 0;
  const intervals = parts.map((p) => { const iv = { ...p, start: at, ranks: [] as number[] }; at += p.count; return iv; });
  return { nNan, todo: place(intervals, want(nValid, nNan)) };
}

/** Histograms of the next 16 bits of each interval (ascending, disjoint), at most WINDOWS_PER_PASS a pass. */
async function histograms(src: Source, plan: ReducePlan, kind: KeyKind, ivs: Interval[], opts: RunOptions): Promise<{ parts: { lo: bigint; hi: bigint; count: number }[]; nan: number }[]> {
  const nb = 2 ** BUCKET_BITS;
  const shifts = ivs.map((w) => Math.max(0, bitLength(w.hi - w.lo) - BUCKET_BITS));
  return withMemory(bytesFor(ivs.length * nb + 1), async (mem) => {
    const s = keySpec(DIST_MODES.keyhist, BUCKET_BITS, ivs.map((w, i) => ({ lo: w.lo, hi: w.hi, shift: shifts[i], base: 0, cap: 0 })));
    const out = mem.i64(ivs.length * nb + 1);
    await runPass(src, plan, kind, s.words, out, null, opts);
    return ivs.map((w, i) => {
      const parts: { lo: bigint; hi: bigint; count: number }[] = [];
      for (let b = 0; b < nb; b++) {
        const lo = w.lo + (BigInt(b) << BigInt(shifts[i]));
        if (lo > w.hi) break;
        const hi0 = lo + (1n << BigInt(shifts[i])) - 1n;
        parts.push({ lo, hi: hi0 > w.hi ? w.hi : hi0, count: Number(out[i * nb + b]) });
      }
      return { parts, nan: Number(out[ivs.length * nb]) };
    });
  }, opts.signal);
}

/** Resolve the intervals' ranks: single keys at once, small intervals collected, the rest histogrammed. */
async function refine(src: Source, plan: ReducePlan, kind: KeyKind, todo: Interval[], resolved: Map<number, bigint>, opts: RunOptions): Promise<void> {
  let active = todo;
  for (;;) {
    const pending: Interval[] = [];
    const next: Interval[] = [];
    for (const iv of active) {
      if (iv.lo === iv.hi) for (const r of iv.ranks) resolved.set(r, iv.lo);
      else if (iv.count <= COLLECT_KEYS) pending.push(iv);
      else next.push(iv);
    }
    while (pending.length > 0) {
      const batch: Interval[] = [];
      let keysIn = 0;
      while (pending.length > 0 && (batch.length === 0 || keysIn + pending[0].count <= COLLECT_KEYS)) { keysIn += pending[0].count; batch.push(pending.shift()!); }
      await collect(src, plan, kind, batch.sort(byLo), resolved, opts);
    }
    if (next.length === 0) return;
    next.sort(byLo);
    active = [];
    for (let i = 0; i < next.length; i += WINDOWS_PER_PASS) {
      const group = next.slice(i, i + WINDOWS_PER_PASS);
      const hs = await histograms(src, plan, kind, group, opts);
      group.forEach((iv, g) => {
        let at = iv.start;
        const parts = hs[g].parts.map((p) => { const x = { ...p, start: at, ranks: [] as number[] }; at += p.count; return x; });
        active.push(...place(parts.filter((p) => p.count > 0), iv.ranks));
      });
    }
  }
}

/** Collect the keys of intervals (ascending, their counts known) and resolve their ranks. */
async function collect(src: Source, plan: ReducePlan, kind: KeyKind, ivs: Interval[], resolved: Map<number, bigint>, opts: RunOptions): Promise<void> {
  const bases: number[] = [];
  let total = 0;
  for (const iv of ivs) { bases.push(total); total += iv.count; }
  await withMemory(bytesFor(total), async (mem) => {
    const s = keySpec(DIST_MODES.collect, 0, ivs.map((iv, i) => ({ lo: iv.lo, hi: iv.hi, shift: 0, base: bases[i], cap: iv.count })));
    const keys = mem.u64(total, false);
    await runPass(src, plan, kind, s.words, keys, null, opts);
    ivs.forEach((iv, i) => {
      native.selectKeys(keys, bases[i], iv.count, Float64Array.from(iv.ranks, (r) => r - iv.start));
      for (const r of iv.ranks) resolved.set(r, keys[bases[i] + r - iv.start]);
    });
  }, opts.signal);
}
