/**
 * Planning a reduction: turn operand layouts and the reduced axes into native blocks of a few MiB.
 * Blocks depend only on the layouts (never on the thread count), and the partial states of a block
 * go to the group of its reduced sub-box; groups are merged in memory order, which is numpy's order,
 * so results are the same for any number of threads.
 */
import { type Layout, sizeOf } from '../layout.js';
import { type ReduceBlock } from './tasks.cjs';

/**
 * Target bytes per block. Large enough that a native call (a few µs) is noise next to reading it
 * (~0.3 ms at 11 GB/s), small enough for hundreds of blocks on a 2 GiB file, so two threads stay
 * balanced and progress is smooth.
 */
export const CHUNK_BYTES = 4 * 2 ** 20;
/**
 * Partial states of one call stay below this (more groups would each hold every output's state): the
 * states are written by the workers and merged on the calling thread, so an axis-0 reduction of a wide
 * array gets fewer, larger blocks instead (still dozens for two threads to share).
 */
export const MAX_PARTIAL_BYTES = 16 * 2 ** 20;

export interface ReducePlan {
  /** The kept dims (numpy's result shape without keepdims). */
  outShape: number[];
  /** Outputs per group (product of outShape). */
  outCount: number;
  /** Partial-state groups per output, merged in order. */
  groups: number;
  /** Elements reduced into each output. */
  perOutput: number;
  blocks: ReduceBlock[];
  /** Bytes all blocks read. */
  totalBytes: number;
}

/** A dim: length, whether it is reduced, and strides [byte stride per operand..., out mul, red mul]. */
interface Dim { n: number; red: boolean; s: number[] }

/** Drop unit dims, sort outermost first by operand 0's |byte stride|, merge neighbours that form one run. */
function coalesce(dims: Dim[]): Dim[] {
  const d = dims.filter((x) => x.n !== 1).sort((a, b) => Math.abs(b.s[0]) - Math.abs(a.s[0]));
  const out: Dim[] = [];
  for (const x of d) {
    const last = out[out.length - 1];
    if (last !== undefined && last.s.every((s, i) => s === x.n * x.s[i])) out[out.length - 1] = { n: last.n * x.n, red: x.red, s: x.s };
    else out.push({ n: x.n, red: x.red, s: [...x.s] });
  }
  return out;
}

/**
 * Plan a reduction of operands sharing one shape over `axes` (sorted, distinct; null: every axis).
 * `stateBytes` (per output) bounds how many groups the plan may use.
 */
export function planReduce(layouts: readonly Layout[], axes: readonly number[] | null, stateBytes: number, chunkBytes = CHUNK_BYTES): ReducePlan {
  const shape = layouts[0].shape;
  const nd = shape.length;
  const isRed = (k: number): boolean => axes === null || axes.includes(k);
  const outShape = shape.filter((_, k) => !isRed(k));
  const outCount = sizeOf(outShape);
  const perOutput = sizeOf(shape.filter((_, k) => isRed(k)));
  const nOps = layouts.length;
  const OUT = nOps, RED = nOps + 1;
  const pos = layouts.map((l) => l.byteOffset);
  let indexBase = 0;
  const dims: Dim[] = [];
  let outMul = 1, redMul = 1;
  for (let k = nd - 1; k >= 0; k--) {
    const red = isRed(k);
    const s = layouts.map((l) => l.strides[k] * l.dtype.itemsize);
    const n = shape[k];
    let m = red ? redMul : outMul;
    // Reduced dims are read forward in memory; the arg* index runs backwards instead.
    if (red && s[0] < 0 && n > 1) {
      for (let i = 0; i < nOps; i++) { pos[i] += (n - 1) * s[i]; s[i] = -s[i]; }
      indexBase += (n - 1) * m;
      m = -m;
    }
    dims.unshift({ n, red, s: [...s, red ? 0 : m, red ? m : 0] });
    if (red) redMul *= n; else outMul *= n;
  }
  const bytesPerElem = layouts.reduce((t, l) => t + l.dtype.itemsize, 0);
  const plan: ReducePlan = { outShape, outCount, groups: 1, perOutput, blocks: [], totalBytes: outCount * perOutput * bytesPerElem };
  if (outCount === 0) return plan;
  const outDims = coalesce(dims.filter((d) => !d.red));
  let redDims = coalesce(dims.filter((d) => d.red));
  // An empty reduced dim: one pass over the outputs, each keeps its kernel's empty state.
  if (perOutput === 0) redDims = [{ n: 0, red: true, s: new Array<number>(nOps + 2).fill(0) }];
  const all = [...outDims, ...redDims].sort((a, b) => Math.abs(b.s[0]) - Math.abs(a.s[0]) || Number(a.red) - Number(b.red));
  for (let chunk = chunkBytes; ; chunk *= 2) {
    const target = Math.max(1, Math.floor(chunk / bytesPerElem));
    split(plan, all, pos, indexBase, target, bytesPerElem, nOps);
    // one group holds every output once (the result's own size): only more groups are worth avoiding
    if (plan.groups <= 1 || plan.groups * outCount * stateBytes <= MAX_PARTIAL_BYTES || plan.blocks.length <= 1) return plan;
    plan.blocks = [];
  }
}

/** Cut `all` (outermost first) into blocks of about `target` elements and number their groups. */
function split(plan: ReducePlan, all: Dim[], pos0: number[], index0: number, target: number, bytesPerElem: number, nOps: number): void {
  const OUT = nOps, RED = nOps + 1;
  const groupOf = new Map<string, number>();
  const emit = (pos: number[], outPos: number, index: number, key: string, d0: Dim | undefined, start: number, len: number, rest: Dim[]): void => {
    const inner: Dim[] = d0 === undefined ? rest : [{ ...d0, n: len }, ...rest];
    const p = d0 === undefined ? pos : pos.map((x, i) => x + start * d0.s[i]);
    const o = d0 !== undefined && !d0.red ? outPos + start * d0.s[OUT] : outPos;
    const idx = d0 !== undefined && d0.red ? index + start * d0.s[RED] : index;
    const gkey = d0 !== undefined && d0.red ? `${key}|${start}` : key;
    let g = groupOf.get(gkey);
    if (g === undefined) { g = groupOf.size; groupOf.set(gkey, g); }
    const outs = inner.filter((d) => !d.red);
    const reds = inner.filter((d) => d.red);
    const row = (d: Dim, mulAt: number): number[] => [d.n, d.s[mulAt], ...d.s.slice(0, nOps)];
    plan.blocks.push({
      pos: p,
      dims: [...outs.map((d) => row(d, OUT)), ...reds.map((d) => row(d, RED))],
      nOut: outs.length,
      indexBase: idx,
      outBase: o, // the group's offset is added once the number of groups is known
      bytes: sizeOf(inner.map((d) => d.n)) * bytesPerElem,
      group: g,
    } as ReduceBlock & { group: number });
  };
  const walk = (pos: number[], outPos: number, index: number, key: string, dims: Dim[]): void => {
    if (dims.length === 0) { emit(pos, outPos, index, key, undefined, 0, 0, []); return; }
    const [d0, ...rest] = dims;
    const inner = sizeOf(rest.map((d) => d.n));
    if (inner >= target && rest.length > 0 && d0.n > 0) {
      for (let i = 0; i < d0.n; i++) {
        walk(pos.map((x, k) => x + i * d0.s[k]), d0.red ? outPos : outPos + i * d0.s[OUT], d0.red ? index + i * d0.s[RED] : index,
          d0.red ? `${key}|${i}` : key, rest);
      }
      return;
    }
    if (d0.n === 0) { emit(pos, outPos, index, key, d0, 0, 0, rest); return; } // each output's empty state
    const g = Math.max(1, Math.floor(target / Math.max(inner, 1)));
    for (let i = 0; i < d0.n; i += g) emit(pos, outPos, index, key, d0, i, Math.min(g, d0.n - i), rest);
  };
  walk(pos0, 0, index0, '', all);
  plan.groups = Math.max(groupOf.size, 1);
  for (const b of plan.blocks as (ReduceBlock & { group?: number })[]) {
    b.outBase += b.group! * plan.outCount;
    delete b.group;
  }
}

/** Plans of one operand are pure functions of its (frozen, shared) layout: reuse them. */
const cache = new WeakMap<Layout, Map<string, ReducePlan>>();

/** `planReduce` for one operand, cached per layout. Plans are shared: do not mutate. */
export function planReduceCached(l: Layout, axes: readonly number[] | null, stateBytes: number, chunkBytes = CHUNK_BYTES): ReducePlan {
  let byKey = cache.get(l);
  if (byKey === undefined) { byKey = new Map(); cache.set(l, byKey); }
  const key = `${axes === null ? 'all' : axes.join(',')}/${stateBytes}/${chunkBytes}`;
  let plan = byKey.get(key);
  if (plan === undefined) {
    plan = planReduce([l], axes, stateBytes, chunkBytes);
    byKey.set(key, plan);
  }
  return plan;
}
