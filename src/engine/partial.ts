/**
 * Mergeable partial states, for sharded runs: `reducePartial` reduces a row range of an array into a
 * JSON-able state, `mergePartials` combines the states of disjoint row ranges into exactly what
 * `reduce` gives for the whole array. A state is the kernel's own (the slots named in kernels.ts), so
 * every reduction of the registry shards, and the merge is the engine's (native combine, in row order).
 */
import { type DTypeName, type Scalar, dtype as parseDtype } from '../dtype.js';
import { fail, show } from '../errors.js';
import { sizeOf } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { KERNEL_IDS, native } from '../native.js';
import { KERNELS, type KernelName, type SlotKind } from './kernels.js';
import { type NDResult, allocate, prepare, resultShape, runPrepared, scalarOf } from './reduce.js';
import { type ReduceOptions } from './reduce-options.js';
import { REDUCTIONS, type ReduceContext, reduction } from './reductions/index.js';

/** Format tag of a partial, so a merge can refuse anything else. */
export const PARTIAL_FORMAT = 'ndmmap-partial/2';

/** A JSON number, or a string for what JSON cannot hold: `'nan'`, `'inf'`, `'-inf'`, `'-0'`, 64-bit ints. */
export type JsonNum = number | string;

/** A reduction of rows [start, stop) of an array, ready to merge with the other row ranges. */
export interface PartialState {
  format: typeof PARTIAL_FORMAT;
  /** numpy's name of the reduction. */
  op: string;
  /** The input's dtype name (`'float64'`). */
  dtype: string;
  /** The options that shape the result: reduced axes (sorted; null: all), keepdims, ddof, dtype, initial, expr. */
  options: { axis: number[] | null; keepdims: boolean; ddof: number; dtype: string | null; initial: JsonNum | null; expr: string | null; where: string | null };
  /** The full array's shape. */
  arrayShape: number[];
  /** The row range (first axis) this state covers. */
  rows: [number, number];
  /** The dtype of the values reduced (the expression's, or the array's). */
  valueDtype: string;
  /** The kernel and the value type it read (what the state slots mean). */
  kernel: string;
  valueType: string;
  /** One state per output of this row range, C order; each the kernel's slots. */
  state: JsonNum[][];
}

/** Options of `reducePartial`: a reduction's options plus the row range (default: every row). */
export interface PartialOptions extends ReduceOptions {
  rows?: [number, number];
}

function partialError(msg: string): never {
  return fail('ERR_NDMMAP_PARTIAL', msg);
}

const bits = new DataView(new ArrayBuffer(8));

/** One slot as JSON: floats with 'nan'/'inf'/'-0' strings, integer bit patterns as decimal strings. */
function encodeSlot(x: number, kind: SlotKind, intValue: 'i' | 'u' | null): JsonNum {
  const k = kind === 'v' ? intValue ?? 'f' : kind === 'x' ? 'i' : kind;
  if (k === 'f') {
    if (Number.isNaN(x)) return 'nan';
    if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
    return Object.is(x, -0) ? '-0' : x;
  }
  bits.setFloat64(0, x, true);
  const v = k === 'u' ? bits.getBigUint64(0, true) : bits.getBigInt64(0, true);
  // indices (always below 2^53) stay JSON numbers; 64-bit values are decimal strings
  return kind === 'x' ? Number(v) : v.toString();
}

function decodeSlot(v: unknown, kind: SlotKind, intValue: 'i' | 'u' | null): number {
  const k = kind === 'v' ? intValue ?? 'f' : kind === 'x' ? 'i' : kind;
  if (k === 'f') {
    if (typeof v === 'number') return v;
    const t: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
    if (typeof v === 'string' && Object.hasOwn(t, v)) return t[v];
    return partialError(`expected a number in a partial state, got ${show(v)}`);
  }
  if (!((typeof v === 'string' && /^-?\d{1,20}$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v))))
    partialError(`expected an integer in a partial state, got ${show(v)}`);
  const b = BigInt(v as string | number);
  const lo = k === 'u' ? 0n : -(2n ** 63n), hi = k === 'u' ? 2n ** 64n - 1n : 2n ** 63n - 1n;
  if (b < lo || b > hi) partialError(`integer ${b} out of range in a partial state`);
  if (k === 'u') bits.setBigUint64(0, b, true); else bits.setBigInt64(0, b, true);
  return bits.getFloat64(0, true);
}

/** How a value type's 'v' slots are stored: integer bits (signed or not) or a float64. */
function intKind(vt: string): 'i' | 'u' | null {
  if (vt.startsWith('float')) return null;
  return vt.startsWith('u') ? 'u' : 'i';
}

/** Python's slice(start, stop).indices(n) for step 1. */
function rowRange(rows: unknown, n: number): [number, number] {
  if (rows === undefined) return [0, n];
  if (!Array.isArray(rows) || rows.length !== 2) fail('ERR_INVALID_ARG_VALUE', `rows must be [start, stop], got ${show(rows)}`);
  const norm = (v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v)) fail('ERR_INVALID_ARG_VALUE', `rows must be integers, got ${show(rows)}`);
    return Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  };
  const start = norm(rows[0]);
  return [start, Math.max(start, norm(rows[1]))];
}

/**
 * Reduce rows [start, stop) of `a` (first axis; Python slice rules) into a mergeable state. arg*
 * indices are made global (flat C-order indices of the full array for axis null, rows of the full
 * array for axis 0). `where` may be an expression (not a MemMap) in a sharded run.
 * @param options as `reduce` plus `rows` (default: every row)
 * @throws as `reduce`; `ERR_NDMMAP_INDEX` (a 0-d array has no rows).
 * @example const parts = [await reducePartial('sum', a, { rows: [0, 500] }), await reducePartial('sum', a, { rows: [500, 1000] })];
 */
export async function reducePartial(name: string, a: MemMap, options: PartialOptions = {}): Promise<PartialState> {
  const red = reduction(name);
  checkMemMap(a, 'the array');
  if (options === null || typeof options !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object, got ${show(options)}`);
  const { rows, ...rest } = options;
  const shape = a.shape;
  if (shape.length === 0) fail('ERR_NDMMAP_INDEX', 'a 0-d array has no rows to split');
  if (rest.out !== undefined) fail('ERR_INVALID_ARG_VALUE', 'out is not available for partial states');
  if (rest.where !== undefined && typeof rest.where !== 'string') fail('ERR_INVALID_ARG_VALUE', 'a partial state takes where as an expression, not a MemMap');
  if (rest.y !== undefined) fail('ERR_INVALID_ARG_VALUE', 'a partial state takes expressions of x only');
  const [start, stop] = rowRange(rows, shape[0]);
  // Validate on the whole array first (errors such as an empty min do not depend on the shard).
  const whole = prepare(red.name, a, rest);
  const view = a.slice(`${start}:${stop}`);
  const p = prepare(red.name, view, rest, true); // an empty shard is fine: its state is the kernel's empty one
  const axes = whole.checked.axes;
  const S = KERNELS[p.choice.kernel].length;
  const kinds = KERNELS[p.choice.kernel] as string;
  const iv = intKind(p.choice.valueType);
  const shift = axes === null ? start * sizeOf(shape.slice(1)) : axes.length === 1 && axes[0] === 0 ? start : 0;
  const combined = await runPrepared(p, rest);
  const state: JsonNum[][] = [];
  for (let o = 0; o < p.plan.outCount; o++) {
    const slots: JsonNum[] = [];
    for (let k = 0; k < S; k++) {
      let x = combined[o * S + k];
      if (kinds[k] === 'x') {
        bits.setFloat64(0, x, true);
        const idx = bits.getBigInt64(0, true);
        if (idx >= 0n) { bits.setBigInt64(0, idx + BigInt(shift), true); x = bits.getFloat64(0, true); }
      }
      slots.push(encodeSlot(x, kinds[k] as SlotKind, iv));
    }
    state.push(slots);
  }
  const c = whole.checked;
  const init = c.initialRaw;
  return {
    format: PARTIAL_FORMAT, op: red.name, dtype: a.dtype.name,
    options: {
      axis: axes, keepdims: c.keepdims, ddof: c.ddof, dtype: c.acc?.name ?? null,
      initial: init === undefined ? null : typeof init === 'bigint' ? init.toString() : typeof init === 'boolean' ? Number(init) : encodeSlot(init, 'f', null),
      expr: rest.expr ?? null, where: typeof rest.where === 'string' ? rest.where : null,
    },
    arrayShape: shape, rows: [start, stop], valueDtype: p.ctx.dtype.name, kernel: p.choice.kernel, valueType: p.choice.valueType, state,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isShape = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length <= 64 && v.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) && sizeOf(v) <= Number.MAX_SAFE_INTEGER;

/** Check the list: one op, dtype, options, shape; disjoint row ranges covering every row. Sorted by row. */
function checkList(list: unknown): PartialState[] {
  if (!Array.isArray(list) || list.length === 0) partialError('merge needs at least one partial state');
  for (const p of list) {
    if (!isObject(p) || p.format !== PARTIAL_FORMAT) partialError(`not an ndmmap partial state (expected format '${PARTIAL_FORMAT}')`);
    if (typeof p.op !== 'string' || !REDUCTIONS.some((r) => r.name === p.op)) partialError(`unknown reduction ${show(p.op)} in a partial state`);
    if (!isShape(p.arrayShape) || p.arrayShape.length === 0) partialError(`a partial state has a bad array shape ${show(p.arrayShape)}`);
    if (!Array.isArray(p.rows) || p.rows.length !== 2 || !p.rows.every((r) => Number.isSafeInteger(r) && (r as number) >= 0) || (p.rows[0] as number) > (p.rows[1] as number))
      partialError(`a partial state has bad rows ${show(p.rows)}`);
    if (!Array.isArray(p.state) || !isObject(p.options)) partialError('a partial state lacks state or options');
    if (typeof p.kernel !== 'string' || !Object.hasOwn(KERNELS, p.kernel)) partialError(`unknown kernel ${show(p.kernel)} in a partial state`);
    for (const k of ['dtype', 'valueDtype', 'valueType'] as const) {
      if (typeof p[k] !== 'string') partialError(`a partial state lacks its ${k}`);
      try { parseDtype(p[k] as string); } catch { partialError(`a partial state has an unknown ${k} ${show(p[k])}`); }
    }
  }
  const parts = [...(list as PartialState[])].sort((x, y) => x.rows[0] - y.rows[0] || x.rows[1] - y.rows[1]);
  const first = parts[0];
  const key = (p: PartialState): string => JSON.stringify([p.op, p.dtype, p.valueDtype, p.options, p.arrayShape, p.kernel, p.valueType]);
  for (const p of parts) {
    if (key(p) !== key(first))
      partialError(`partial states disagree: ${p.op}(${JSON.stringify(p.options)}) of ${p.dtype} ${show(p.arrayShape)} and ${first.op}(${JSON.stringify(first.options)}) of ${first.dtype} ${show(first.arrayShape)}`);
  }
  let at = 0;
  for (const p of parts) {
    if (p.rows[0] < at) partialError(`row ranges overlap: ${p.rows[0]}:${p.rows[1]} starts before row ${at}`);
    if (p.rows[0] > at) partialError(`rows ${at}:${p.rows[0]} are missing from the partial states`);
    at = p.rows[1];
  }
  if (at !== first.arrayShape[0]) partialError(`rows ${at}:${first.arrayShape[0]} are missing from the partial states`);
  return parts;
}

/**
 * Merge partial states of disjoint row ranges that together cover every row into the value `reduce`
 * gives for the whole array: a scalar for axis null (without keepdims), else an `NDResult`.
 * @throws `ERR_NDMMAP_PARTIAL` when the states disagree (op, dtype, options, shape), overlap, leave rows
 *   out or hold malformed values.
 * @example const total = mergePartials([partA, partB]);
 */
export function mergePartials(list: unknown[]): Scalar | NDResult {
  const parts = checkList(list);
  const first = parts[0];
  const red = reduction(first.op);
  const o = first.options;
  const shape = first.arrayShape;
  const axes = o.axis;
  if (axes !== null && (!Array.isArray(axes) || !axes.every((k) => Number.isInteger(k) && k >= 0 && k < shape.length)))
    partialError(`a partial state has bad axes ${show(axes)}`);
  const kernel = first.kernel as KernelName;
  const kinds = KERNELS[kernel] as string;
  const S = kinds.length;
  const iv = intKind(first.valueType);
  const outShape = shape.filter((_, k) => axes !== null && !axes.includes(k));
  const outCount = sizeOf(outShape);
  const allOutputs = axes === null || axes.includes(0);
  for (const p of parts) {
    const want = allOutputs ? outCount : (p.rows[1] - p.rows[0]) * sizeOf(outShape.slice(1));
    if (p.state.length !== want) partialError(`a partial state for rows ${p.rows[0]}:${p.rows[1]} has ${p.state.length} outputs, expected ${want}`);
  }
  const decode = (p: PartialState, into: Float64Array, at: number): void => {
    p.state.forEach((s, k) => {
      if (!Array.isArray(s) || s.length !== S) partialError(`a partial state output must hold ${S} values, got ${show(s)}`);
      s.forEach((v, j) => { into[at + k * S + j] = decodeSlot(v, kinds[j] as SlotKind, iv); });
    });
  };
  let states: Float64Array;
  if (allOutputs) {
    const stacked = new Float64Array(parts.length * outCount * S);
    parts.forEach((p, g) => decode(p, stacked, g * outCount * S));
    states = new Float64Array(outCount * S);
    const vt = parseDtype(first.valueType as DTypeName);
    const param = kernel === 'prod_float' || kernel === 'nanprod' ? red.kernel(contextOf(first)).param ?? [0, 0] : [0, 0];
    native.combine(KERNEL_IDS[kernel], vt.code, Float64Array.from(param), stacked, parts.length, states);
  } else {
    states = new Float64Array(outCount * S);
    let at = 0;
    for (const p of parts) { decode(p, states, at); at += p.state.length * S; }
  }
  const ctx = contextOf(first);
  const rname = red.resultDtype(ctx);
  const data = allocate(rname, outCount);
  red.finish(states, outCount, ctx, data);
  if (axes === null && !o.keepdims) return scalarOf(data, rname, red);
  return { shape: resultShape(shape, axes, o.keepdims), dtype: rname, data };
}

/** numpy's result dtype of merging these states (for printing a scalar merge result). */
export function partialResultDtype(p: PartialState): DTypeName {
  return reduction(p.op).resultDtype(contextOf(p));
}

/** The reduction context a partial state was made with. */
function contextOf(p: PartialState): ReduceContext {
  const o = p.options;
  if (!isObject(o) || typeof o.keepdims !== 'boolean' || typeof o.ddof !== 'number' || !Number.isFinite(o.ddof))
    partialError(`a partial state has bad options ${show(o)}`);
  const dt = parseDtype(p.valueDtype);
  const acc = o.dtype === null ? undefined : parseDtype(o.dtype).name;
  const axes = o.axis;
  const perOutput = sizeOf(p.arrayShape.filter((_, k) => axes === null || axes.includes(k)));
  let initial: number | bigint | undefined;
  if (o.initial !== null) initial = typeof o.initial === 'string' && /^-?\d+$/.test(o.initial) ? BigInt(o.initial) : decodeSlot(o.initial, 'f', null);
  return { dtype: dt, acc, ddof: Number(o.ddof), initial, where: o.where !== null, perOutput };
}
