/**
 * Exact order statistics in bounded memory: a radix select over order-preserving keys. A first pass
 * counts keys per bucket of their top 16 bits; each wanted rank falls in one bucket, and the next pass
 * counts only keys inside those buckets (windows) by their next 16 bits, until a window holds one key
 * value or few enough keys to collect them and sort them in memory. Several ranks (every q of one
 * call) share the passes. Small inputs are collected whole at once.
 */
import { native } from '../../native.js';
import { DIST_MODES, DIST_SPEC_HEAD, DIST_WINDOW_WORDS } from '../../native.js';
import { type ReducePlan, planReduceCached } from '../plan.js';
import { type RunOptions } from '../run.js';
import { type KeyKind } from './keys.js';
import { type Source, runPass, shared } from './pass.js';

/** Bits per histogram pass: 65,536 buckets of int64 counts, 512 KiB per window and thread. */
const BUCKET_BITS = 16;
/** A window with at most this many keys is collected and sorted (32 MiB of keys). */
export const COLLECT_KEYS = 2 ** 22;
/** Inputs (per output) up to this many elements skip the histograms: all keys collected at once. */
export const SMALL = 2 ** 20;
const FULL = (1n << 64n) - 1n;
/** Windows one histogram pass counts: 16 x 512 KiB of counts (per thread, and shared). */
const WINDOWS_PER_PASS = 16;

function concat(parts: BigInt64Array[]): BigInt64Array {
  const out = new BigInt64Array(parts.reduce((t, p) => t + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

interface Window { lo: bigint; hi: bigint; count: number; start: number }

/** The keys at `ranks` (sorted, distinct, among the non-NaN values) and the NaN count of one output. */
export interface Selected { nValid: number; nNan: number; keyAt: (rank: number) => bigint }

function spec(mode: number, windows: { lo: bigint; hi: bigint; shift: bigint; base: number; cap: number }[]): BigUint64Array {
  const s = shared.u64(DIST_SPEC_HEAD + 2 + windows.length * DIST_WINDOW_WORDS);
  s[0] = BigInt(mode); s[1] = 1n; s[2] = mode === DIST_MODES.keyhist ? BigInt(BUCKET_BITS) : 0n; s[3] = BigInt(windows.length);
  s[DIST_SPEC_HEAD] = 0n; s[DIST_SPEC_HEAD + 1] = BigInt(windows.length);
  windows.forEach((w, i) => {
    const at = DIST_SPEC_HEAD + 2 + i * DIST_WINDOW_WORDS;
    s[at] = w.lo; s[at + 1] = w.hi; s[at + 2] = w.shift; s[at + 3] = BigInt(w.base); s[at + 4] = BigInt(w.cap);
  });
  return s;
}

/** Collect the keys of `windows` (their counts known), each window's wanted ranks put in place. */
async function collect(src: Source, plan: ReducePlan, kind: KeyKind, windows: { w: Window; ranks: number[] }[], opts: RunOptions): Promise<{ keys: BigUint64Array; bases: number[] }> {
  const bases: number[] = [];
  let total = 0;
  for (const { w } of windows) { bases.push(total); total += w.count; }
  const s = spec(DIST_MODES.collect, windows.map(({ w }, i) => ({ lo: w.lo, hi: w.hi, shift: 0n, base: bases[i], cap: w.count })));
  const keys = shared.u64(total);
  await runPass(src, plan, kind, s, keys, null, opts);
  windows.forEach(({ w, ranks }, i) => native.selectKeys(keys, bases[i], w.count, Float64Array.from(ranks, (r) => r - w.start)));
  return { keys, bases };
}

/**
 * Select the keys at the ranks `want(nValid, nNan)` asks for (or none) over every element of `plan`
 * (one output). Passes: 1 for small inputs, else a histogram pass per 16 key bits still needed, then
 * one collecting pass.
 */
export async function selectRanks(src: Source, plan: ReducePlan, kind: KeyKind, want: (nValid: number, nNan: number) => number[],
  opts: RunOptions): Promise<Selected> {
  const n = plan.perOutput * plan.outCount;
  if (n <= SMALL) {
    const s = spec(DIST_MODES.collect, [{ lo: 0n, hi: FULL, shift: 0n, base: 0, cap: n }]);
    const keys = shared.u64(n);
    await runPass(src, plan, kind, s, keys, null, opts);
    const nValid = Number(s[DIST_SPEC_HEAD + 2 + 5]);
    const ranks = want(nValid, n - nValid);
    if (ranks.length > 0) native.selectKeys(keys, 0, nValid, Float64Array.from(ranks));
    return { nValid, nNan: n - nValid, keyAt: (r) => keys[r] };
  }
  const quick = await sampleSelect(src, plan, kind, want, opts);
  if (quick !== null) return quick;
  // pass 1: every key, by its top bits
  let windows: Window[] = [{ lo: 0n, hi: FULL, count: n, start: 0 }];
  let shift = 64 - BUCKET_BITS;
  const first = await histogram(src, plan, kind, windows, shift, opts);
  const nNan = first.nan;
  const nValid = n - nNan;
  const ranks = want(nValid, nNan);
  const resolved = new Map<number, bigint>();
  let pending: { w: Window; ranks: number[] }[] = [];
  let counts = first.counts;
  let active = windows.map((w) => ({ w, ranks }));
  for (;;) {
    // each rank's bucket in its window
    const next = new Map<bigint, { w: Window; ranks: number[] }>();
    active.forEach((aw, i) => {
      const c = counts.subarray(i * 2 ** BUCKET_BITS, (i + 1) * 2 ** BUCKET_BITS);
      let b = 0, cum = aw.w.start;
      for (const r of aw.ranks) {
        while (cum + Number(c[b]) <= r) { cum += Number(c[b]); b++; }
        const lo = aw.w.lo + (BigInt(b) << BigInt(shift));
        let e = next.get(lo);
        if (e === undefined) {
          const hi = lo + (1n << BigInt(shift)) - 1n;
          e = { w: { lo, hi: hi > aw.w.hi ? aw.w.hi : hi, count: Number(c[b]), start: cum }, ranks: [] };
          next.set(lo, e);
        }
        e.ranks.push(r);
      }
    });
    active = [];
    for (const e of next.values()) {
      if (e.w.lo === e.w.hi) for (const r of e.ranks) resolved.set(r, e.w.lo);
      else if (e.w.count <= COLLECT_KEYS) pending.push(e);
      else active.push(e);
    }
    if (active.length === 0) break;
    shift = Math.max(0, shift - BUCKET_BITS);
    // at most WINDOWS_PER_PASS windows a pass, so counts stay bounded however many q are asked
    const parts: BigInt64Array[] = [];
    for (let i = 0; i < active.length; i += WINDOWS_PER_PASS)
      parts.push((await histogram(src, plan, kind, active.slice(i, i + WINDOWS_PER_PASS).map((e) => e.w), shift, opts)).counts);
    counts = parts.length === 1 ? parts[0] : concat(parts);
  }
  // collecting passes of at most COLLECT_KEYS keys each (one pass unless many q fall far apart)
  while (pending.length > 0) {
    const batch: typeof pending = [];
    let keysIn = 0;
    while (pending.length > 0 && (batch.length === 0 || keysIn + pending[0].w.count <= COLLECT_KEYS)) {
      keysIn += pending[0].w.count;
      batch.push(pending.shift()!);
    }
    const { keys, bases } = await collect(src, plan, kind, batch, opts);
    batch.forEach((e, i) => { for (const r of e.ranks) resolved.set(r, keys[bases[i] + r - e.w.start]); });
  }
  pending = [];
  return { nValid, nNan, keyAt: (r) => resolved.get(r)! };
}

/** The sample is made of runs of this many bytes (32,768 float64 values), at least SAMPLE_MIN_RUNS of them. */
const SAMPLE_RUN_BYTES = 256 * 1024;
const SAMPLE_MIN_RUNS = 32;

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
/** Keys in the sample: one in 256 values, from 2^17 to 2^21 (16 MiB), so windows narrow as files grow. */
const SAMPLE_MIN = 2 ** 17;
const SAMPLE_MAX = 2 ** 21;
/** Half-width of a window, in standard deviations of a sample quantile's position. */
const SAMPLE_SIGMAS = 4.5;
/** Keys one bracketing pass may collect (48 MiB; with the sample, within 64 MiB). */
const BRACKET_KEYS = 6 * 2 ** 20;

/**
 * One pass instead of several, when a sample predicts where the ranks lie: keys of a sample of the
 * blocks give windows around each wanted rank, wide enough that the rank falls inside with
 * overwhelming probability; one bracketing pass counts the keys below each window and collects those
 * inside. Null when a rank fell outside its window (skewed or ordered data): the radix select then runs.
 */
async function sampleSelect(src: Source, plan: ReducePlan, kind: KeyKind, want: (nValid: number, nNan: number) => number[],
  opts: RunOptions): Promise<Selected | null> {
  const n = plan.perOutput * plan.outCount;
  // runs of consecutive values at pseudo-random places: no stride to alias with a pattern in the data
  const target = Math.min(SAMPLE_MAX, Math.max(SAMPLE_MIN, Math.floor(n / 256)));
  const runs = planReduceCached(src.a.layout, null, 8, SAMPLE_RUN_BYTES);
  const perRun = Math.max(1, Math.floor(n / Math.max(runs.blocks.length, 1)));
  const want_ = Math.min(runs.blocks.length, Math.max(SAMPLE_MIN_RUNS, Math.ceil(target / perRun)));
  const blocks = pickBlocks(runs.blocks, want_);
  const elems = blocks.reduce((t, b) => t + b.dims.reduce((p, d) => p * d[0], 1), 0);
  const cap = elems;
  const ss = spec(DIST_MODES.collect, [{ lo: 0n, hi: FULL, shift: 0n, base: 0, cap }]);
  const sample = shared.u64(cap);
  await runPass(src, runs, kind, ss, sample, null, { threads: opts.threads, signal: opts.signal }, blocks);
  const got = Math.min(cap, Number(ss[DIST_SPEC_HEAD + 2 + 5]));
  const sampled = elems;
  if (got < 64) return null;
  native.sortKeys(sample, Float64Array.from([0, got]));
  const keys = sample.subarray(0, got);
  // ranks as a fraction of the non-NaN values, estimated from the sample
  const estValid = Math.round(n * (got / Math.max(sampled, got)));
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
  const merged: { lo: bigint; hi: bigint }[] = [];
  for (const w of spans) {
    const last = merged[merged.length - 1];
    if (last !== undefined && w.lo <= last.hi) { if (w.hi > last.hi) last.hi = w.hi; } else merged.push({ ...w });
  }
  // room for each window: its share of the sample, with slack; more would not fit the memory bound
  // first index of the sorted sample whose key is > x (or >= x)
  const bound = (x: bigint, strict: boolean): number => {
    let lo = 0, hi = got;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (strict ? keys[mid] <= x : keys[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const caps = merged.map((w) => Math.ceil(((bound(w.hi, true) - bound(w.lo, false)) / got) * n * 1.25) + 4096);
  if (caps.reduce((t, c) => t + c, 0) > BRACKET_KEYS) return null;
  const bases: number[] = [];
  let total = 0;
  for (const c of caps) { bases.push(total); total += c; }
  const bs = spec(DIST_MODES.bracket, merged.map((w, i) => ({ lo: w.lo, hi: w.hi, shift: 0n, base: bases[i], cap: caps[i] })));
  bs[2] = 0n; // the NaN counter
  const out = shared.u64(total);
  await runPass(src, plan, kind, bs, out, null, opts);
  const nNan = Number(bs[2]);
  const nValid = n - nNan;
  const wins = merged.map((w, i) => {
    const at = DIST_SPEC_HEAD + 2 + i * DIST_WINDOW_WORDS;
    return { below: Number(bs[at + 2]), count: Number(bs[at + 5]), cap: caps[i], base: bases[i], ranks: [] as number[] };
  });
  for (const r of want(nValid, nNan)) {
    const w = wins.find((x) => r >= x.below && r < x.below + x.count);
    if (w === undefined || w.count > w.cap) return null;
    w.ranks.push(r);
  }
  for (const w of wins) if (w.ranks.length > 0) native.selectKeys(out, w.base, w.count, Float64Array.from(w.ranks, (r) => r - w.below));
  const keyAt = (r: number): bigint => {
    const w = wins.find((x) => r >= x.below && r < x.below + x.count)!;
    return out[w.base + r - w.below];
  };
  return { nValid, nNan, keyAt };
}

async function histogram(src: Source, plan: ReducePlan, kind: KeyKind, windows: Window[], shift: number, opts: RunOptions): Promise<{ counts: BigInt64Array; nan: number }> {
  const s = spec(DIST_MODES.keyhist, windows.map((w) => ({ lo: w.lo, hi: w.hi, shift: BigInt(shift), base: 0, cap: 0 })));
  const nb = 2 ** BUCKET_BITS;
  const out = shared.i64(windows.length * nb + 1);
  await runPass(src, plan, kind, s, out, null, opts);
  return { counts: out.subarray(0, windows.length * nb), nan: Number(out[windows.length * nb]) };
}
