/**
 * numpy 2's weighted inverted_cdf of outputs too long to hold in memory: a radix select over the keys
 * that sums weights instead of counting. Each pass histograms the intervals holding a q (12 more key
 * bits a pass) into weight sums and counts; the bucket where the cumulative weight first reaches q of
 * the total (and is above zero, numpy's rule for leading zero weights) is the next interval, until it
 * holds few enough values to collect them with their weights, sort them and add the weights one by
 * one. The passes run on one thread, so the sums are the same on every run; integer weights sum
 * exactly (below 2^53), float weights in file order where numpy adds them in sorted order.
 */
import { native } from '../../native.js';
import { DIST_MODES } from '../../native.js';
import { type ReducePlan } from '../plan.js';
import { type RunOptions } from '../run.js';
import { bytesFor, withMemory } from './budget.js';
import { type KeyKind, keyValue } from './keys.js';
import { type Source, keySpec, runPass } from './pass.js';
import { FULL } from './sample.js';

/** Key bits a pass adds: 4,096 buckets an interval. */
const BITS = 12;
/** Intervals one pass histograms. */
const WINDOWS_PER_PASS = 16;
/** Values (with their weights, 16 bytes each) a collecting pass gathers: 32 MiB. */
const COLLECT = 2 ** 21;

interface Interval { lo: bigint; hi: bigint; count: number; below: number; qs: number[] }

/** What one output's weighted select found: its NaN count, the total weight, each q's value. */
export interface WeightedSelected { nNan: number; bad: boolean; values: (number | bigint)[] }

const bitLength = (x: bigint): number => (x === 0n ? 0 : x.toString(2).length);

/**
 * The weighted inverted_cdf of every value of `plan` (one output; src's second operand the weights)
 * at each q. `dropNan`: nanquantile (NaN values and their weights left out).
 */
export async function weightedSelect(src: Source, plan: ReducePlan, kind: KeyKind, qs: number[], dropNan: boolean, opts: RunOptions): Promise<WeightedSelected> {
  const one = { ...opts, threads: 1 };
  const blocks = plan.blocks;
  // pass 1: every key by its top bits
  const first = await histogram(src, blocks, kind, [{ lo: 0n, hi: FULL, count: 0, below: 0, qs }], one);
  const nNan = first.nan;
  let total = 0;
  for (const b of first.parts[0]) total += b.sum;
  const all = dropNan ? total : total + first.nanWeight;
  const bad = !Number.isFinite(all / all) || all === 0;
  const values: (number | bigint)[] = qs.map(() => NaN);
  if (bad || (!dropNan && nNan > 0) || first.parts[0].every((b) => b.count === 0)) return { nNan, bad, values };
  const at = new Map<number, number>(qs.map((q, i) => [q, i]));
  let active = next(first.parts[0].map((p) => ({ ...p })), 0, qs, total);
  while (active.length > 0) {
    const collect = active.filter((iv) => iv.count <= COLLECT || iv.lo === iv.hi);
    const deeper = active.filter((iv) => !(iv.count <= COLLECT || iv.lo === iv.hi));
    for (const iv of collect.filter((x) => x.lo === x.hi)) for (const q of iv.qs) values[at.get(q)!] = keyValue(kind, iv.lo);
    const gather = collect.filter((x) => x.lo !== x.hi).sort((x, y) => (x.lo < y.lo ? -1 : 1));
    for (let i = 0; i < gather.length;) {
      let n = 0, j = i;
      while (j < gather.length && (j === i || n + gather[j].count <= COLLECT)) n += gather[j++].count;
      await collectPairs(src, blocks, kind, gather.slice(i, j), total, (q, key) => { values[at.get(q)!] = keyValue(kind, key); }, one);
      i = j;
    }
    active = [];
    deeper.sort((x, y) => (x.lo < y.lo ? -1 : 1));
    for (let i = 0; i < deeper.length; i += WINDOWS_PER_PASS) {
      const group = deeper.slice(i, i + WINDOWS_PER_PASS);
      const h = await histogram(src, blocks, kind, group, one);
      group.forEach((iv, g) => active.push(...next(h.parts[g], iv.below, iv.qs, total)));
    }
  }
  return { nNan, bad, values };
}

/** Each q's bucket: the first whose cumulative weight over the total reaches q and is above zero. */
function next(parts: { lo: bigint; hi: bigint; sum: number; count: number }[], below: number, qs: number[], total: number): Interval[] {
  const out = new Map<number, Interval>();
  for (const q of qs) {
    let acc = below, k = 0;
    for (; k < parts.length; k++) {
      const c = acc + parts[k].sum;
      if (parts[k].count > 0 && c / total >= q && c > 0) break;
      acc = c;
    }
    if (k === parts.length) { // rounding: the cumulative fell short of the last value's share; take the last bucket
      k = parts.length - 1;
      while (k > 0 && parts[k].count === 0) k--;
      acc = below;
      for (let i = 0; i < k; i++) acc += parts[i].sum;
    }
    const p = parts[k];
    const iv = out.get(k) ?? { lo: p.lo, hi: p.hi, count: p.count, below: acc, qs: [] };
    iv.qs.push(q);
    out.set(k, iv);
  }
  return [...out.values()];
}

async function histogram(src: Source, blocks: ReducePlan['blocks'], kind: KeyKind, ivs: Interval[], opts: RunOptions):
  Promise<{ parts: { lo: bigint; hi: bigint; sum: number; count: number }[][]; nan: number; nanWeight: number }> {
  const nb = 2 ** BITS;
  const shifts = ivs.map((w) => Math.max(0, bitLength(w.hi - w.lo) - BITS));
  return withMemory(bytesFor(ivs.length * nb * 2 + 2), async (mem) => {
    const s = keySpec(DIST_MODES.whist, BITS, ivs.map((w, i) => ({ lo: w.lo, hi: w.hi, shift: shifts[i], base: 0, cap: 0 })));
    const out = mem.f64(ivs.length * nb * 2 + 2);
    await runPass(src, { blocks } as never, kind, s.words, out, null, opts, blocks);
    const parts = ivs.map((w, i) => {
      const p: { lo: bigint; hi: bigint; sum: number; count: number }[] = [];
      for (let b = 0; b < nb; b++) {
        const lo = w.lo + (BigInt(b) << BigInt(shifts[i]));
        if (lo > w.hi) break;
        const hi0 = lo + (1n << BigInt(shifts[i])) - 1n;
        p.push({ lo, hi: hi0 > w.hi ? w.hi : hi0, sum: out[(i * nb + b) * 2], count: out[(i * nb + b) * 2 + 1] });
      }
      return p;
    });
    return { parts, nan: out[ivs.length * nb * 2], nanWeight: out[ivs.length * nb * 2 + 1] };
  }, opts.signal);
}

/** Gather the (key, weight) pairs of intervals, sort each by key, add the weights one by one from below. */
async function collectPairs(src: Source, blocks: ReducePlan['blocks'], kind: KeyKind, ivs: Interval[], total: number,
  found: (q: number, key: bigint) => void, opts: RunOptions): Promise<void> {
  const bases: number[] = [];
  let n = 0;
  for (const iv of ivs) { bases.push(n); n += iv.count; }
  await withMemory(bytesFor(2 * n), async (mem) => {
    const s = keySpec(DIST_MODES.wcollect, 0, ivs.map((iv, i) => ({ lo: iv.lo, hi: iv.hi, shift: 0, base: bases[i], cap: iv.count })));
    const pairs = mem.u64(2 * n, false);
    await runPass(src, { blocks } as never, kind, s.words, pairs, null, opts, blocks);
    const w = new Float64Array(pairs.buffer, pairs.byteOffset, pairs.length);
    ivs.forEach((iv, i) => {
      const m = Math.min(iv.count, Number(s.cursor(i)));
      native.sortPairs(pairs, bases[i], m);
      for (const q of iv.qs) {
        let acc = iv.below, k = 0;
        for (; k < m; k++) { acc += w[2 * (bases[i] + k) + 1]; if (acc / total >= q && acc > 0) break; }
        found(q, pairs[2 * (bases[i] + Math.min(k, m - 1))]);
      }
    });
  }, opts.signal);
}
