/**
 * Merging partial states (see partial.ts): `combinePartials` for a contiguous run of row ranges (a
 * node of a fan-in tree), `mergePartials` for all of them (combine, then the reduction's finish).
 * States are untrusted input (files, a shared Redis): every field and slot is checked first.
 */
import { type DTypeName, type Scalar, dtype as parseDtype } from '../dtype.js';
import { fail, show } from '../errors.js';
import { sizeOf } from '../layout.js';
import { KERNEL_IDS, native } from '../native.js';
import { KERNELS, type KernelName, type SlotKind } from './kernels.js';
import { type JsonNum, PARTIAL_FORMAT, decodeSlot, encodeSlot, intKind } from './partial-codec.js';
import { type PartialState } from './partial.js';
import { type NDResult, allocate, resultShape, scalarOf } from './reduce.js';
import { isFloat } from './reductions/common.js';
import { isVarReduction, varAcc } from './reductions/family-var.js';
import { REDUCTIONS, type ReduceContext, reduction } from './reductions/index.js';

function partialError(msg: string): never {
  return fail('ERR_NDMMAP_PARTIAL', msg);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isShape = (v: unknown): v is number[] =>
  Array.isArray(v) && v.length <= 64 && v.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0) && sizeOf(v) <= Number.MAX_SAFE_INTEGER;

/**
 * Check the list: one op, dtype, options, shape; row ranges that follow each other with no gap or
 * overlap (from row 0 to the last row with `cover`). Sorted by row.
 */
function checkList(list: unknown, cover: boolean): PartialState[] {
  if (!Array.isArray(list) || list.length === 0) partialError('merge needs at least one partial state');
  for (const p of list) {
    if (!isObject(p) || p.format !== PARTIAL_FORMAT) partialError(`not an ndmmap partial state (expected format '${PARTIAL_FORMAT}')`);
    if (typeof p.op !== 'string' || !REDUCTIONS.some((r) => r.name === p.op)) partialError(`unknown reduction ${show(p.op)} in a partial state`);
    if (!isShape(p.arrayShape) || p.arrayShape.length === 0) partialError(`a partial state has a bad array shape ${show(p.arrayShape)}`);
    if (!Array.isArray(p.rows) || p.rows.length !== 2 || !p.rows.every((r) => Number.isSafeInteger(r) && (r as number) >= 0) || (p.rows[0] as number) > (p.rows[1] as number))
      partialError(`a partial state has bad rows ${show(p.rows)}`);
    if ((p.rows[1] as number) > p.arrayShape[0]) partialError(`a partial state has rows ${p.rows[0]}:${p.rows[1]} beyond its ${p.arrayShape[0]} rows`);
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
  let at = cover ? 0 : first.rows[0];
  for (const p of parts) {
    if (p.rows[0] < at) partialError(`row ranges overlap: ${p.rows[0]}:${p.rows[1]} starts before row ${at}`);
    if (p.rows[0] > at) partialError(`rows ${at}:${p.rows[0]} are missing from the partial states`);
    at = p.rows[1];
  }
  if (cover && at !== first.arrayShape[0]) partialError(`rows ${at}:${first.arrayShape[0]} are missing from the partial states`);
  const axes = first.options.axis;
  if (axes !== null && (!Array.isArray(axes) || !axes.every((k) => Number.isInteger(k) && k >= 0 && k < first.arrayShape.length)))
    partialError(`a partial state has bad axes ${show(axes)}`);
  return parts;
}

/**
 * The kernel states of checked parts merged in row order: S doubles per output, for every output
 * (axes with 0: the native combine) or for the outputs of the parts' rows, concatenated (other axes).
 */
function combineChecked(parts: PartialState[]): Float64Array {
  const first = parts[0];
  const axes = first.options.axis;
  const kernel = first.kernel as KernelName;
  const kinds = KERNELS[kernel] as string;
  const S = kinds.length;
  const iv = intKind(first.valueType);
  const outShape = first.arrayShape.filter((_, k) => axes !== null && !axes.includes(k));
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
  if (!allOutputs || parts.length === 1) {
    const states = new Float64Array(parts.reduce((n, p) => n + p.state.length, 0) * S);
    let at = 0;
    for (const p of parts) { decode(p, states, at); at += p.state.length * S; }
    return states;
  }
  const stacked = new Float64Array(parts.length * outCount * S);
  parts.forEach((p, g) => decode(p, stacked, g * outCount * S));
  const states = new Float64Array(outCount * S);
  const vt = parseDtype(first.valueType as DTypeName);
  const param = kernel === 'prod_float' || kernel === 'nanprod' ? reduction(first.op).kernel(contextOf(first)).param ?? [0, 0] : [0, 0];
  native.combine(KERNEL_IDS[kernel], vt.code, Float64Array.from(param), stacked, parts.length, states);
  return states;
}

/**
 * Merge the states of row ranges that follow each other (no gap, no overlap; any order) into the
 * state of their union, mergeable with the others in turn: one node of a fan-in tree. Merging the
 * nodes of a fixed tree gives the same bits every time; `mergePartials` of the root finishes it.
 * @throws `ERR_NDMMAP_PARTIAL` as `mergePartials`, except that rows may start after 0 and end early.
 * @example const left = combinePartials([p0, p1]), right = combinePartials([p2, p3]); mergePartials([left, right]);
 */
export function combinePartials(list: unknown[]): PartialState {
  const parts = checkList(list, false);
  const first = parts[0];
  contextOf(first); // the options are checked as a merge checks them, though only the root finishes
  const kinds = KERNELS[first.kernel as KernelName] as string;
  const S = kinds.length;
  const iv = intKind(first.valueType);
  const states = combineChecked(parts);
  const state: JsonNum[][] = [];
  for (let o = 0; o < states.length / S; o++) {
    const slots: JsonNum[] = [];
    for (let k = 0; k < S; k++) slots.push(encodeSlot(states[o * S + k], kinds[k] as SlotKind, iv));
    state.push(slots);
  }
  const o = first.options;
  return {
    format: PARTIAL_FORMAT, op: first.op, dtype: first.dtype,
    options: { axis: o.axis, keepdims: o.keepdims, ddof: o.ddof, dtype: o.dtype, initial: o.initial, expr: o.expr, where: o.where, ...(o.vars === undefined ? {} : { vars: o.vars }) },
    arrayShape: [...first.arrayShape], rows: [first.rows[0], parts[parts.length - 1].rows[1]],
    valueDtype: first.valueDtype, kernel: first.kernel, valueType: first.valueType, state,
  };
}

/**
 * Merge partial states of disjoint row ranges that together cover every row into the value `reduce`
 * gives for the whole array: a scalar for axis null (without keepdims), else an `NDResult`.
 * @throws `ERR_NDMMAP_PARTIAL` when the states disagree (op, dtype, options, shape), overlap, leave rows
 *   out or hold malformed values.
 * @example const total = mergePartials([partA, partB]);
 */
export function mergePartials(list: unknown[]): Scalar | NDResult {
  const parts = checkList(list, true);
  const first = parts[0];
  const states = combineChecked(parts);
  const red = reduction(first.op);
  const axes = first.options.axis;
  const outCount = sizeOf(first.arrayShape.filter((_, k) => axes !== null && !axes.includes(k)));
  const ctx = contextOf(first);
  const rname = red.resultDtype(ctx);
  const data = allocate(rname, outCount);
  red.finish(states, outCount, ctx, data);
  if (axes === null && !first.options.keepdims) return scalarOf(data, rname, red);
  return { shape: resultShape(first.arrayShape, axes, first.options.keepdims), dtype: rname, data };
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
  const none = o.initial === 'None';
  if (o.initial !== null && !none) initial = typeof o.initial === 'string' && /^-?\d+$/.test(o.initial) ? BigInt(o.initial) : decodeSlot(o.initial, 'f', null);
  const ctx: ReduceContext = { dtype: dt, acc, ddof: Number(o.ddof), initial, where: o.where !== null, perOutput, noIdentity: none };
  const red = reduction(p.op);
  if (isVarReduction(red) && !isFloat(varAcc(ctx))) partialError(`${p.op} with an integer or bool dtype (${varAcc(ctx)}) has no partial states`);
  return ctx;
}
