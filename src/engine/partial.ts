/**
 * Mergeable partial states, for sharded runs: `reducePartial` reduces a row range of an array into a
 * JSON-able state, `mergePartials` combines the states of disjoint row ranges into exactly what
 * `reduce` gives for the whole array. Both go through merge.ts's rules, so the merge is the engine's.
 */
import { type DType, type Scalar, dtype as parseDtype } from '../dtype.js';
import { fail, show } from '../errors.js';
import { checkAxis, sizeOf } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { SLOTS, type SlotReader, mergeArgState, mergeExtreme, mergeMoments, mergeOne, neumaierPair } from './merge.js';
import { type ReduceName, REDUCE_NAMES, resultDtype } from './ops.js';
import { planReduce } from './plan.js';
import { type NDResult, type ReduceOptions, allocate, runPlan, toStored } from './reduce.js';
import { checkRunOptions } from './run.js';

/** Format tag of a partial, so a merge can refuse anything else. */
export const PARTIAL_FORMAT = 'ndmmap-partial/1';

/** A JSON number, or a string for what JSON cannot hold: `'nan'`, `'inf'`, `'-inf'`, `'-0'`, 64-bit ints. */
export type JsonNum = number | string;

/**
 * One output's state. sum: int → decimal string, float → [s, c] (Neumaier); prod: decimal string or
 * number; mean: [s, c, n]; min/max: [value, count]; argmin/argmax: [value, flat index]; var/std: [n, mean, M2].
 */
export type OutputState = JsonNum | JsonNum[] | (JsonNum | null)[];

/** A reduction of rows [start, stop) of an array, ready to merge with the other row ranges. */
export interface PartialState {
  format: typeof PARTIAL_FORMAT;
  op: ReduceName;
  /** The input's dtype name (`'float64'`). */
  dtype: string;
  /** The full array's result shape (numpy's shape for `op(axis)` over every row). */
  shape: number[];
  axis: number | null;
  ddof: number;
  /** The row range (first axis) this state covers. */
  rows: [number, number];
  /** The full array's row count. */
  nrows: number;
  /** One state per output of this row range, C order. */
  state: OutputState[];
}

/** Options of `reducePartial`: a reduction's options plus the row range (default: every row). */
export interface PartialOptions extends ReduceOptions {
  rows?: [number, number];
}

const enc = (v: number | bigint | boolean): JsonNum => {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Object.is(v, -0) ? '-0' : v;
};
const decF = (v: unknown): number => {
  if (typeof v === 'number') return v;
  const t: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
  if (typeof v === 'string' && t[v] !== undefined) return t[v];
  return partialError(`expected a number in a partial state, got ${show(v)}`);
};
const decI = (v: unknown): bigint => {
  if ((typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isInteger(v))) return BigInt(v);
  return partialError(`expected an integer in a partial state, got ${show(v)}`);
};

function partialError(msg: string): never {
  return fail('ERR_NDMMAP_PARTIAL', msg);
}

/** The state of one output from its groups' native slots. `indexShift` moves arg* indices to the full array. */
function collapse(name: ReduceName, dt: DType, p: Float64Array, groups: number, outCount: number, o: number, n: number, indexShift: number): OutputState {
  const total = groups * outCount;
  const at: SlotReader = (slot, g) => p[slot * total + g * outCount + o];
  const ints = dt.kind !== 'f';
  switch (name) {
    case 'sum': return ints ? enc(mergeOne(name, dt, p, groups, outCount, o, n, 0)) : neumaierPair(at, groups).map(enc);
    case 'prod': return enc(mergeOne(name, dt, p, groups, outCount, o, n, 0));
    case 'mean': return [...neumaierPair(at, groups).map(enc), n];
    case 'var': case 'std': return mergeMoments(at, groups).map(enc);
    case 'min': case 'max': {
      let count = 0;
      for (let g = 0; g < groups; g++) count += at(1, g);
      return count === 0 ? [null, 0] : [enc(mergeExtreme(name === 'max', dt, at, groups)), count];
    }
    case 'argmin': case 'argmax': {
      const { value, index } = mergeArgState(name === 'argmax', dt, at, groups);
      return index < 0 || value === undefined ? [null, -1] : [enc(value), index + indexShift];
    }
  }
}

/** The state of an output over no elements. */
function identity(name: ReduceName, dt: DType): OutputState {
  switch (name) {
    case 'sum': return dt.kind === 'f' ? [0, 0] : '0';
    case 'prod': return dt.kind === 'f' ? 1 : '1';
    case 'mean': return [0, 0, 0];
    case 'var': case 'std': return [0, 0, 0];
    case 'min': case 'max': return [null, 0];
    case 'argmin': case 'argmax': return [null, -1];
  }
}

/** Python's slice(start, stop).indices(n) for step 1. */
function rowRange(rows: [number, number] | undefined, n: number): [number, number] {
  if (rows === undefined) return [0, n];
  if (!Array.isArray(rows) || rows.length !== 2) fail('ERR_INVALID_ARG_VALUE', `rows must be [start, stop], got ${show(rows)}`);
  const norm = (v: number): number => {
    if (!Number.isInteger(v)) fail('ERR_INVALID_ARG_VALUE', `rows must be integers, got ${show(rows)}`);
    return Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  };
  const start = norm(rows[0]);
  return [start, Math.max(start, norm(rows[1]))];
}

/**
 * Reduce rows [start, stop) of `a` (first axis; Python slice rules) into a mergeable state.
 * arg* indices are made global: flat C-order indices of the full array (axis null), or rows of the full
 * array (axis 0).
 * @param options as `reduce` (axis, ddof, threads, signal, onProgress) plus `rows` (default: every row)
 * @throws `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_INDEX` (a 0-d array has no rows), as `reduce` otherwise.
 * @example const parts = [await reducePartial('sum', a, { rows: [0, 500] }), await reducePartial('sum', a, { rows: [500, 1000] })];
 */
export async function reducePartial(name: ReduceName, a: MemMap, options: PartialOptions = {}): Promise<PartialState> {
  if (!REDUCE_NAMES.includes(name)) fail('ERR_INVALID_ARG_VALUE', `unknown reduction ${show(name)}`);
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as PartialOptions;
  const shape = a.shape;
  if (shape.length === 0) fail('ERR_NDMMAP_INDEX', 'a 0-d array has no rows to split');
  const axis = opts.axis === undefined || opts.axis === null ? null : checkAxis(opts.axis, shape.length);
  const ddof = opts.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) fail('ERR_INVALID_ARG_TYPE', `ddof must be a number, got ${show(ddof)}`);
  const [start, stop] = rowRange(opts.rows, shape[0]);
  const view = a.slice(`${start}:${stop}`);
  const plan = planReduce(view.layout, axis);
  const dt = a.dtype;
  const indexShift = axis === null ? start * sizeOf(shape.slice(1)) : axis === 0 ? start : 0;
  let state: OutputState[];
  if (view.size === 0) {
    state = Array.from({ length: plan.outCount }, () => identity(name, dt));
  } else {
    const p = await runPlan(name, view, plan, opts);
    state = Array.from({ length: plan.outCount }, (_, o) => collapse(name, dt, p, plan.groups, plan.outCount, o, plan.perOutput, indexShift));
  }
  return {
    format: PARTIAL_FORMAT, op: name, dtype: dt.name, shape: axis === null ? [] : shape.filter((_, k) => k !== axis), axis, ddof,
    rows: [start, stop], nrows: shape[0], state,
  };
}

/** Check the list: one op, dtype, axis, ddof, shape; disjoint row ranges covering every row. Sorted by row. */
function checkList(list: unknown[]): PartialState[] {
  if (!Array.isArray(list) || list.length === 0) partialError('merge needs at least one partial state');
  for (const p of list as PartialState[]) {
    if (p === null || typeof p !== 'object' || p.format !== PARTIAL_FORMAT)
      partialError(`not an ndmmap partial state (expected format '${PARTIAL_FORMAT}')`);
    if (!REDUCE_NAMES.includes(p.op)) partialError(`unknown reduction ${show(p.op)} in a partial state`);
    if (!Array.isArray(p.rows) || !Array.isArray(p.state) || !Array.isArray(p.shape)) partialError('a partial state lacks rows, shape or state');
  }
  const parts = [...(list as PartialState[])].sort((x, y) => x.rows[0] - y.rows[0] || x.rows[1] - y.rows[1]);
  const first = parts[0];
  const key = (p: PartialState): string => JSON.stringify([p.op, p.dtype, p.axis, p.ddof, p.shape, p.nrows]);
  for (const p of parts) {
    if (key(p) !== key(first))
      partialError(`partial states disagree: ${p.op}(axis=${p.axis}, ddof=${p.ddof}) of ${p.dtype} ${show(p.shape)} and ${first.op}(axis=${first.axis}, ddof=${first.ddof}) of ${first.dtype} ${show(first.shape)}`);
  }
  let at = 0;
  for (const p of parts) {
    if (p.rows[0] < at) partialError(`row ranges overlap: ${p.rows[0]}:${p.rows[1]} starts before row ${at}`);
    if (p.rows[0] > at) partialError(`rows ${at}:${p.rows[0]} are missing from the partial states`);
    at = p.rows[1];
  }
  if (at !== first.nrows) partialError(`rows ${at}:${first.nrows} are missing from the partial states`);
  return parts;
}

/** Write one state as the native slots of group `g` (bits for integers, as the kernels write them). */
function writeSlots(name: ReduceName, dt: DType, s: OutputState, view: DataView, total: number, g: number): number {
  const put = (slot: number, v: number | bigint): void => {
    const pos = (slot * total + g) * 8;
    if (typeof v === 'bigint') view.setBigInt64(pos, BigInt.asIntN(64, v), true); else view.setFloat64(pos, v, true);
  };
  const val = (v: unknown): number | bigint => (dt.kind === 'f' ? decF(v) : decI(v));
  const arr = (): unknown[] => (Array.isArray(s) ? s : partialError(`bad ${name} state ${show(s)}`));
  switch (name) {
    case 'sum': case 'prod': {
      if (dt.kind !== 'f') put(0, decI(s)); else if (name === 'prod') put(0, decF(s)); else { const [a, b] = arr(); put(0, decF(a)); put(1, decF(b)); }
      return 0;
    }
    case 'mean': { const [a, b, n] = arr(); put(0, decF(a)); put(1, decF(b)); return decF(n); }
    case 'var': case 'std': { const [n, m, m2] = arr(); put(0, decF(n)); put(1, decF(m)); put(2, decF(m2)); return decF(n); }
    case 'min': case 'max': {
      const [v, n] = arr();
      put(0, v === null ? 0 : val(v)); put(1, decF(n));
      return decF(n);
    }
    case 'argmin': case 'argmax': {
      const [v, i] = arr();
      put(0, v === null ? 0 : val(v)); put(1, decI(i));
      return decI(i) < 0n ? 0 : 1;
    }
  }
}

/** Merge the states of one output (in row order) into its final value. */
function finish(name: ReduceName, dt: DType, states: OutputState[], ddof: number): Scalar {
  const p = new Float64Array(SLOTS * states.length);
  const view = new DataView(p.buffer);
  let n = 0;
  states.forEach((s, g) => { n += writeSlots(name, dt, s, view, states.length, g); });
  if (n === 0 && ['min', 'max', 'argmin', 'argmax'].includes(name))
    fail('ERR_NDMMAP_EMPTY', `attempt to get ${name} of an empty sequence`);
  return mergeOne(name, dt, p, states.length, 1, 0, n, ddof);
}

/**
 * Merge partial states of disjoint row ranges that together cover every row into the value `reduce`
 * gives for the whole array: a scalar for axis null, an `NDResult` for an axis.
 * @throws `ERR_NDMMAP_PARTIAL` when the states disagree (op, dtype, axis, ddof, shape), overlap or leave rows out.
 * @example const total = mergePartials([partA, partB]);
 */
export function mergePartials(list: unknown[]): Scalar | NDResult {
  const parts = checkList(list);
  const { op, axis, ddof, shape } = parts[0];
  const dt = parseDtype(parts[0].dtype);
  const outCount = sizeOf(shape);
  const perRow = axis === null || axis === 0 ? 0 : sizeOf(shape.slice(1));
  for (const p of parts) {
    const want = perRow === 0 ? outCount : (p.rows[1] - p.rows[0]) * perRow;
    if (p.state.length !== want) partialError(`a partial state for rows ${p.rows[0]}:${p.rows[1]} has ${p.state.length} outputs, expected ${want}`);
  }
  // axis null or 0: every part holds every output, merged in row order; other axes: each output is in one part.
  const statesOf = perRow === 0
    ? (o: number): OutputState[] => parts.map((p) => p.state[o])
    : (() => { const all = parts.flatMap((p) => p.state); return (o: number): OutputState[] => [all[o]]; })();
  if (axis === null) return finish(op, dt, statesOf(0), ddof);
  const rname = resultDtype(op, dt);
  const data = allocate(rname, outCount);
  for (let o = 0; o < outCount; o++) data[o] = toStored(finish(op, dt, statesOf(o), ddof), rname) as never;
  return { shape, dtype: rname, data };
}
