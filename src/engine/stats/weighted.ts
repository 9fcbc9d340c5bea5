/**
 * Weighted histograms exactly as numpy computes them, in numpy's own blocks of 65,536 flattened
 * elements: equal-width bins add each block's `bincount(indexes, weights)` (float64 sums) cast to the
 * weights' dtype into the result; given edges add each block's cumulative weights at the edges (in
 * the weights' dtype, over the block sorted by value) and difference them at the end. Blocks are
 * summed natively in parallel, each into a slot of its own (native/stats/dist_bins.cc); the slots are
 * folded here in block order with numpy's arithmetic for the weights' dtype.
 */
import { type DTypeName } from '../../dtype.js';
import { fail } from '../../errors.js';
import { type MemMap } from '../../memmap.js';
import { DIST_BIN_PARAMS, DIST_MODES, DIST_NUMPY_BLOCK } from '../../native.js';
import { allocate } from '../reduce.js';
import { type ResultData } from '../reductions/index.js';
import { type RunOptions } from '../run.js';
import { type ReduceBlock } from '../tasks.cjs';
import { BUDGET_BYTES, bytesFor, withMemory } from './budget.js';
import { castValue, put } from './finish.js';
import { rounder } from './methods.js';
import { type Source, runPass, shared } from './pass.js';

/** numpy blocks a pass block holds (1 Mi elements). */
const BLOCKS_PER_TASK = 16;
/** Bytes of slots one round of passes fills. */
const ROUND_BYTES = 16 * 2 ** 20;

/** Equal-width bin arguments of the native kernel (histogram.ts makes them). */
export interface BinSpec { mode: number; bins: number; first: number; denom: number; sub: number; div: number; lo: number; hi: number }

/**
 * Blocks of flat C-order ranges [start, stop) (whole numpy blocks) over the whole array box of the
 * operands (a C-order walk of the same shape).
 */
export function flatBlocks(ops: MemMap[], from: number, to: number, perTask: number): ReduceBlock[] {
  const a = ops[0];
  const dims = a.shape.map((n, k) => [n, 0, ...ops.map((m) => m.layout.strides[k] * m.itemsize)]);
  const bytes = ops.reduce((t, m) => t + m.itemsize, 0);
  const out: ReduceBlock[] = [];
  for (let s = from; s < to; s += perTask) {
    const e = Math.min(to, s + perTask);
    out.push({ pos: ops.map((m) => m.layout.byteOffset), dims, nOut: 0, indexBase: s, outBase: e, bytes: (e - s) * bytes });
  }
  return out;
}

/** numpy's `x + y` in dtype t (floats rounded, float16 through float32; integers wrap; bool or). */
function addIn(t: DTypeName, x: number | bigint, y: number | bigint): number | bigint {
  if (t === 'bool') return +(Number(x) !== 0 || Number(y) !== 0);
  if (t.startsWith('float')) return rounder(t)(Number(x) + Number(y));
  return castValue(t, BigInt(x) + BigInt(y));
}

function subIn(t: DTypeName, x: number | bigint, y: number | bigint): number | bigint {
  if (t.startsWith('float')) return rounder(t)(Number(x) - Number(y));
  return castValue(t, BigInt(x) - BigInt(y));
}

/**
 * The weighted histogram: counts in the weights' dtype `wt` (numpy's ntype).
 * @throws `ERR_NDMMAP_DTYPE` for bool weights with given edges (numpy's cumsum is int64 there).
 */
export async function weightedCounts(src: Source, weights: MemMap, b: BinSpec, edges: Float64Array, opts: RunOptions): Promise<ResultData> {
  const wt: DTypeName = weights.dtype.name;
  const uniform = b.mode === DIST_MODES.uniform;
  const ints = !wt.startsWith('float') && wt !== 'bool';
  if (!uniform && wt === 'bool') fail('ERR_NDMMAP_DTYPE', "Cannot cast ufunc 'add' output from dtype('int64') to dtype('bool') with casting rule 'same_kind'");
  // equal-width bins: float64 sums per block; given edges: integer weights summed exactly (order
  // does not change them), float weights as numpy's cumulative sums at the edges
  const cum = !uniform && !ints;
  const width = cum ? b.bins + 1 : b.bins;
  if (width * 8 > BUDGET_BYTES / 2) fail('ERR_OUT_OF_RANGE', `a weighted histogram of ${b.bins} bins needs more than the ${BUDGET_BYTES / 2 ** 20} MiB working budget`);
  const n = src.a.size;
  const slotsPerRound = Math.max(1, Math.min(Math.floor(ROUND_BYTES / (width * 8)), Math.ceil(n / DIST_NUMPY_BLOCK)));
  const perTask = DIST_NUMPY_BLOCK * Math.max(1, Math.min(BLOCKS_PER_TASK, slotsPerRound));
  const ftype = wt === 'float32' ? 2 : wt === 'float16' ? 3 : 0;
  const params = shared.f64(DIST_BIN_PARAMS);
  const acc: (number | bigint)[] = new Array<number | bigint>(width).fill(castValue(ints && !uniform ? 'int64' : wt, 0));
  const ops = [src.a, weights];
  for (let s0 = 0; s0 < n; s0 += slotsPerRound * DIST_NUMPY_BLOCK) {
    const s1 = Math.min(n, s0 + slotsPerRound * DIST_NUMPY_BLOCK);
    const slots = Math.ceil((s1 - s0) / DIST_NUMPY_BLOCK);
    params.set([cum ? DIST_MODES.blockcumsum : DIST_MODES.blocksums, b.bins, b.first, b.denom, b.sub, 1, b.lo, b.hi, b.div,
      s0 / DIST_NUMPY_BLOCK, slots, cum ? ftype : uniform ? 0 : 4, 0]);
    await withMemory(bytesFor(slots * width), async (mem) => {
      const out = mem.f64(slots * width);
      const bits = new BigInt64Array(out.buffer, out.byteOffset, out.length);
      await runPass({ ...src, operands: ops }, { blocks: [] } as never, 'float64', params, out, edges, opts, flatBlocks(ops, s0, s1, perTask));
      for (let k = 0; k < slots; k++) {
        for (let i = 0; i < width; i++) {
          const v = out[k * width + i];
          // equal-width: numpy adds bincount(...).astype(ntype); given edges: cum_n += cw[index]
          if (uniform) acc[i] = addIn(wt, acc[i], castValue(wt, v));
          else if (ints) acc[i] = addIn('int64', acc[i], bits[k * width + i]);
          else acc[i] = addIn(wt, acc[i], v);
        }
      }
    }, opts.signal);
  }
  const counts = allocate(wt, b.bins);
  for (let i = 0; i < b.bins; i++) put(counts, i, wt, uniform ? acc[i] : ints ? castValue(wt, acc[i]) : subIn(wt, acc[i + 1], acc[i]));
  return counts;
}

/**
 * numpy's density `n / db / n.sum()`: n.sum() in n's dtype (integers and bool as int64, float32 and
 * float16 pairwise through float32 accumulators), the rest in float64.
 */
export function density(counts: ArrayLike<number | bigint>, dt: DTypeName, widths: ArrayLike<number>): Float64Array {
  let total: number;
  if (dt.startsWith('float')) {
    const v = Array.from(counts, Number);
    total = dt === 'float64' ? 0 + pairwise(v, (x) => x) : rounder(dt)(0 + pairwise(v, Math.fround));
  } else {
    let t = 0n;
    for (const c of Array.from(counts)) t += BigInt(c);
    total = Number(dt === 'uint64' ? BigInt.asUintN(64, t) : BigInt.asIntN(64, t));
  }
  return Float64Array.from(Array.from(counts, Number), (v, i) => v / widths[i] / total);
}

import { pairwiseSum } from './numpy-sum.js';
const pairwise = (v: number[], round: (x: number) => number): number => pairwiseSum(v, 0, v.length, round);
