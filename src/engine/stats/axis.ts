/**
 * Order statistics of every output along axes, in one pass over the data: blocks of whole outputs
 * (axis-plan.ts), each worker gathering its outputs' keys and selecting numpy's ranks natively
 * (native/stats/dist_axis.cc), records in batches from the memory budget. Outputs longer than a worker's
 * scratch go one at a time through the radix select, each reading only its own values.
 */
import { DIST_AXIS_HEAD, DIST_METHOD_MEDIAN, DIST_MODES } from '../../native.js';
import { planReduceCached } from '../plan.js';
import { type RunOptions } from '../run.js';
import { eachOutput, planAxis } from './axis-plan.js';
import { bytesFor, withMemory } from './budget.js';
import { type Job } from './finish.js';
import { keyKind, keyValue } from './keys.js';
import { METHODS, planQ } from './methods.js';
import { type Source, runPass, shared } from './pass.js';
import { selectRanks } from './select.js';

/** Values a worker gathers at once (its 8 MiB of scratch, native/stats/dist_walk.h kBigWords). */
const KEY_CAP = 2 ** 20;
/** Bytes of records one batch holds. */
const RECORD_BYTES = 16 * 2 ** 20;

/** One output's statistics: its valid and NaN counts, the values at numpy's two indexes and gamma, per q. */
export interface OutputStats {
  nValid: number;
  nNan: number;
  lo(qi: number): number | bigint;
  hi(qi: number): number | bigint;
  gamma(qi: number): number;
}

/** Receives each output's statistics (the object is reused from output to output). */
export type Each = (o: number, s: OutputStats) => void;

/** Statistics read from native records (dist_axis.cc): [valid, (lo, hi, gamma) per q] at `r`. */
class RecordStats implements OutputStats {
  nValid = 0;
  nNan = 0;
  r = 0;
  constructor(private readonly f: Float64Array, private readonly bits: BigInt64Array | BigUint64Array | null) {}
  lo(qi: number): number | bigint { return this.bits === null ? this.f[this.r + 1 + 3 * qi] : this.bits[this.r + 1 + 3 * qi]; }
  hi(qi: number): number | bigint { return this.bits === null ? this.f[this.r + 2 + 3 * qi] : this.bits[this.r + 2 + 3 * qi]; }
  gamma(qi: number): number { return this.f[this.r + 3 + 3 * qi]; }
}

/** The ranks one output needs (sorted, distinct). */
export function ranksOf(job: Job, nValid: number, nNan: number): number[] {
  if ((!job.nan && nNan > 0) || nValid === 0) return [];
  const r = new Set<number>();
  if (job.kind === 'median') { r.add(Math.floor((nValid - 1) / 2)); r.add(Math.floor(nValid / 2)); }
  else for (const q of job.qs) { const p = planQ(job.method, nValid, q); r.add(p.lo); r.add(p.hi); }
  return [...r].sort((x, y) => x - y);
}

/** One output's statistics from the radix select over `src` (all of it, or a view). */
export async function selectOne(job: Job, src: Source, axes: readonly number[] | null, o: number, each: Each, opts: RunOptions): Promise<void> {
  const kind = keyKind(src.dtype);
  const plan = planReduceCached(src.a.layout, axes, 8);
  const sel = await selectRanks(src, plan, kind, (nv, nn) => ranksOf(job, nv, nn), opts);
  const m = sel.nValid;
  const plans = job.kind === 'median' ? null : job.qs.map((q) => planQ(job.method, Math.max(m, 1), q));
  const at = (r: number): number | bigint => keyValue(kind, sel.keyAt(r));
  const ok = m > 0 && (job.nan || sel.nNan === 0);
  each(o, {
    nValid: m, nNan: sel.nNan,
    lo: (qi) => (!ok ? NaN : plans === null ? at(Math.floor((m - 1) / 2)) : at(plans[qi].lo)),
    hi: (qi) => (!ok ? NaN : plans === null ? at(Math.floor(m / 2)) : at(plans[qi].hi)),
    gamma: (qi) => (plans === null ? 0 : plans[qi].gamma),
  });
}

/** Values an output may hold for the weighted inverted_cdf (gathered whole, with its weights). */
export const WEIGHTED_CAP = KEY_CAP;

/**
 * Statistics of every output of `src` reduced over `axes`, given to `each`. Weighted (src's second
 * operand the weights, method inverted_cdf): lo(qi) is the value, hi(qi) 1 when the weights were NaN,
 * inf or all zero.
 */
export async function byAxis(job: Job, src: Source, axes: readonly number[], each: Each, opts: RunOptions, weighted = false,
  finished?: Float64Array): Promise<void> {
  const a = src.a;
  const kept = a.shape.map((_, k) => k).filter((k) => !axes.includes(k));
  const outCount = kept.reduce((t, k) => t * a.shape[k], 1);
  const n = axes.reduce((t, k) => t * a.shape[k], 1);
  if (outCount === 0 || n === 0) return;
  if (n > KEY_CAP && !weighted) {
    for (let o = 0; o < outCount; o++) {
      let rest = o;
      const idx = new Array<number>(kept.length);
      for (let i = kept.length - 1; i >= 0; i--) { idx[i] = rest % a.shape[kept[i]]; rest = Math.floor(rest / a.shape[kept[i]]); }
      const v = a.slice(...a.shape.map((_, k) => { const j = kept.indexOf(k); return j < 0 ? ':' : idx[j]; }));
      await selectOne(job, { ...src, a: v, operands: [v] }, null, o, each, opts);
    }
    return;
  }
  const nq = job.kind === 'median' ? 1 : job.qs.length;
  const rec = 1 + 3 * nq;
  const perBatch = Math.max(1, Math.floor(RECORD_BYTES / (rec * 8)));
  const plan = planAxis(src.operands.map((m) => m.layout), axes, KEY_CAP, perBatch);
  const kind = keyKind(src.dtype);
  const asDouble = kind === 'float64' || !['int64', 'uint64'].includes(src.dtype.name);
  const params = shared.f64(DIST_AXIS_HEAD + nq);
  // finished (float64 data and result): the kernel gives numpy's values, copied straight into the result
  const direct = finished !== undefined && kind === 'float64' && !weighted;
  params.set([DIST_MODES.axis, job.kind === 'median' ? DIST_METHOD_MEDIAN : METHODS.indexOf(job.method), nq, n, 0, asDouble ? 1 : 0,
    job.nan ? 0 : 1, weighted ? 1 : 0, direct ? 1 : 0]);
  params.set(job.kind === 'median' ? [0.5] : job.qs, DIST_AXIS_HEAD);
  for (let b0 = 0; b0 < plan.blocks.length;) {
    let b1 = b0, outs = 0;
    while (b1 < plan.blocks.length && (b1 === b0 || outs + plan.blocks[b1].outs <= perBatch)) outs += plan.blocks[b1++].outs;
    const batch = plan.blocks.slice(b0, b1);
    await withMemory(bytesFor(outs * rec), async (mem) => {
      const records = mem.f64(outs * rec, false);
      const bits = kind === 'int64' ? new BigInt64Array(records.buffer, records.byteOffset, records.length)
        : new BigUint64Array(records.buffer, records.byteOffset, records.length);
      params[4] = outs;
      let base = 0;
      const blocks = batch.map((x) => { const blk = { ...x.block, outBase: base }; base += x.outs; return blk; });
      await runPass(src, { blocks } as never, kind, params, records, null, opts, blocks);
      base = 0;
      const stats = new RecordStats(records, asDouble ? null : bits);
      for (const x of batch) {
        const at = base;
        if (direct) {
          const O = finished.length / nq;
          eachOutput(x, (o, local) => { const r = (at + local) * rec; for (let qi = 0; qi < nq; qi++) finished[qi * O + o] = records[r + 1 + 3 * qi]; });
        } else if (x.dims.length === 1) { // a run of outputs (the usual block): no callback per output
          const mul = x.dims[0].mul;
          for (let local = 0, o = x.base; local < x.outs; local++, o += mul) {
            stats.r = (at + local) * rec;
            stats.nValid = records[stats.r];
            stats.nNan = n - stats.nValid;
            each(o, stats);
          }
        } else {
          eachOutput(x, (o, local) => {
            stats.r = (at + local) * rec;
            stats.nValid = records[stats.r];
            stats.nNan = n - stats.nValid;
            each(o, stats);
          });
        }
        base += x.outs;
      }
    }, opts.signal);
    b0 = b1;
  }
}
