/**
 * Blocks of whole outputs for quantiles along axes: each block is a box of the kept dims (a run of
 * outputs) by every reduced dim, so a worker holds all the values of its outputs and selects them in
 * one pass over the file. Blocks hold up to `keyCap` values (the worker's scratch) and aim at
 * TARGET values, so short outputs come many to a block and long ones one each.
 */
import { type Layout } from '../../layout.js';
import { type ReduceBlock } from '../tasks.cjs';

/** Values a block aims at: 2 MiB of float64, hundreds of blocks for two threads to share on large files. */
const TARGET = 2 ** 18;
/** Outputs of at least this many values fill a block's scratch. */
const LONG = 4096;

/** A dim: length, byte stride per operand, and its step among the outputs (C order of the kept dims; 0 reduced). */
interface Dim { n: number; stride: number[]; mul: number }

/** A block and where its outputs go: output i of the block (C order over `dims`) is base + Σ index·mul. */
export interface AxisBlock { block: ReduceBlock; outs: number; base: number; dims: { n: number; mul: number }[] }

export interface AxisPlan { outCount: number; perOutput: number; blocks: AxisBlock[] }

/** Drop unit dims, order outermost first, merge neighbours that form one run (in memory and, for kept dims, in output order). */
function coalesce(dims: Dim[]): Dim[] {
  const out: Dim[] = [];
  for (const x of dims.filter((d) => d.n !== 1).sort((a, b) => Math.abs(b.stride[0]) - Math.abs(a.stride[0]))) {
    const last = out[out.length - 1];
    if (last !== undefined && last.stride.every((s, i) => s === x.n * x.stride[i]) && last.mul === x.n * x.mul) out[out.length - 1] = { n: last.n * x.n, stride: x.stride, mul: x.mul };
    else out.push({ ...x });
  }
  return out;
}

/**
 * Plan quantiles of `layout` reduced over `axes` (sorted, not every axis) in blocks of whole outputs:
 * at most `keyCap` values and `maxOuts` outputs a block.
 */
export function planAxis(layouts: readonly Layout[], axes: readonly number[], keyCap: number, maxOuts: number): AxisPlan {
  const layout = layouts[0];
  const shape = layout.shape;
  let mul = 1;
  const kept: Dim[] = [];
  const red: Dim[] = [];
  let perOutput = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = { n: shape[k], stride: layouts.map((l) => l.strides[k] * l.dtype.itemsize), mul: 0 };
    if (axes.includes(k)) { red.push(d); perOutput *= shape[k]; } else { d.mul = mul; mul *= shape[k]; kept.push(d); }
  }
  const plan: AxisPlan = { outCount: mul, perOutput, blocks: [] };
  if (mul === 0 || perOutput === 0) return plan;
  const outs = coalesce(kept);
  const reds = coalesce(red);
  if (reds.length === 0) reds.push({ n: 1, stride: layouts.map((l) => l.dtype.itemsize), mul: 0 });
  // short outputs: blocks of about TARGET values (many blocks to share); long ones: as many whole
  // outputs as the scratch holds, so a block reads long contiguous pieces of each row (axis 0 of a
  // wide matrix reads 512 bytes a row, not 128)
  const fits = Math.floor(keyCap / perOutput);
  const per = Math.max(1, Math.min(perOutput >= LONG ? fits : Math.ceil(TARGET / perOutput), fits, maxOuts));
  const row = (d: Dim): number[] => [d.n, 0, ...d.stride];
  const bytes = layouts.reduce((t, l) => t + l.dtype.itemsize, 0);
  const emit = (pos: number[], base: number, box: Dim[]): void => {
    const count = box.reduce((t, d) => t * d.n, 1);
    plan.blocks.push({
      block: { pos, dims: [...box.map(row), ...reds.map(row)], nOut: box.length, indexBase: 0, outBase: 0, bytes: count * perOutput * bytes },
      outs: count, base, dims: box.map((d) => ({ n: d.n, mul: d.mul })),
    });
  };
  const at = (pos: number[], d: Dim, i: number): number[] => pos.map((p, k) => p + i * d.stride[k]);
  const walk = (pos: number[], base: number, dims: Dim[]): void => {
    if (dims.length === 0) { emit(pos, base, []); return; }
    const [d0, ...rest] = dims;
    const inner = rest.reduce((t, d) => t * d.n, 1);
    if (inner > per) {
      for (let i = 0; i < d0.n; i++) walk(at(pos, d0, i), base + i * d0.mul, rest);
      return;
    }
    const g = Math.max(1, Math.floor(per / inner));
    for (let i = 0; i < d0.n; i += g) emit(at(pos, d0, i), base + i * d0.mul, [{ ...d0, n: Math.min(g, d0.n - i) }, ...rest]);
  };
  walk(layouts.map((l) => l.byteOffset), 0, outs);
  return plan;
}

/** Calls fn(global, local) for each output of a block, local in C order over its dims. */
export function eachOutput(b: AxisBlock, fn: (global: number, local: number) => void): void {
  const nd = b.dims.length;
  if (nd <= 1) { // a run of outputs: the common case, kept tight
    const mul = nd === 0 ? 0 : b.dims[0].mul;
    for (let local = 0, g = b.base; local < b.outs; local++, g += mul) fn(g, local);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let g = b.base;
  for (let local = 0; local < b.outs; local++) {
    fn(g, local);
    for (let k = nd - 1; k >= 0; k--) {
      if (++idx[k] < b.dims[k].n) { g += b.dims[k].mul; break; }
      g -= b.dims[k].mul * (b.dims[k].n - 1);
      idx[k] = 0;
    }
  }
}
