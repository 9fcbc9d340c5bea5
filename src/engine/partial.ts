/**
 * Mergeable partial states, for sharded runs: `reducePartial` reduces a row range of an array into a
 * JSON-able state, `mergePartials` combines the states of disjoint row ranges into exactly what
 * `reduce` gives for the whole array, and `combinePartials` merges the states of a contiguous run of
 * row ranges into the state of their union (one node of a fan-in tree). A state is the kernel's own
 * (the slots named in kernels.ts), so every reduction of the registry shards, and the merge is the
 * engine's (native combine, in row order).
 */
import { fail, show } from '../errors.js';
import { sizeOf } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { KERNELS, type SlotKind } from './kernels.js';
import { type JsonNum, PARTIAL_FORMAT, encodeSlot, intKind, shiftIndex } from './partial-codec.js';
import { prepare, runPrepared } from './reduce.js';
import { type ReduceOptions } from './reduce-options.js';
import { isFloat } from './reductions/common.js';
import { isVarReduction, varAcc } from './reductions/family-var.js';
import { reduction } from './reductions/index.js';

export { type JsonNum, PARTIAL_FORMAT } from './partial-codec.js';

/** A reduction of rows [start, stop) of an array, ready to merge with the other row ranges. */
export interface PartialState {
  format: typeof PARTIAL_FORMAT;
  /** numpy's name of the reduction. */
  op: string;
  /** The input's dtype name (`'float64'`). */
  dtype: string;
  /** The options that shape the result: reduced axes (sorted; null: all), keepdims, ddof, dtype, initial, expr. */
  options: {
    axis: number[] | null; keepdims: boolean; ddof: number; dtype: string | null;
    /** `initial`, null when not given, `'None'` for numpy's `initial=None`. */
    initial: JsonNum | null; expr: string | null; where: string | null;
    /** The number vars of expr and where (absent without vars). */
    vars?: Record<string, JsonNum>;
  };
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

/**
 * The vars of a sharded expression: numbers only (an array var would have to be cut into the same rows),
 * recorded in the state so shards made with other values are not merged.
 */
function numberVars(vars: unknown): Record<string, JsonNum> | undefined {
  if (vars === undefined) return undefined;
  if (vars === null || typeof vars !== 'object') fail('ERR_INVALID_ARG_TYPE', `vars must be an object, got ${show(vars)}`);
  const out: Record<string, JsonNum> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v === 'bigint') out[k] = v.toString();
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = typeof v === 'boolean' ? Number(v) : encodeSlot(v, 'f', null);
    else if (v !== null && typeof v === 'object' && typeof (v as { float?: unknown }).float === 'number') out[k] = `float:${String((v as { float: number }).float)}`;
    else fail('ERR_INVALID_ARG_VALUE', `a partial state takes number vars only (vars.${k} is an array: run the whole reduction on one machine)`);
  }
  return out;
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
  const vars = numberVars(rest.vars);
  const [start, stop] = rowRange(rows, shape[0]);
  // Validate on the whole array first (errors such as an empty min do not depend on the shard).
  const whole = prepare(red.name, a, rest);
  if (rest.mean !== undefined || (isVarReduction(red) && !isFloat(varAcc(whole.ctx))))
    fail('ERR_INVALID_ARG_VALUE', `${red.name} with ${rest.mean !== undefined ? 'mean=' : `an integer or bool dtype= (${varAcc(whole.ctx)})`} needs numpy's two passes over the whole array (its mean first): it does not shard; run it on one machine`);
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
      const x = kinds[k] === 'x' ? shiftIndex(combined[o * S + k], shift) : combined[o * S + k];
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
      initial: c.initialNone ? 'None' : init === undefined ? null : typeof init === 'bigint' ? init.toString() : typeof init === 'boolean' ? Number(init) : encodeSlot(init, 'f', null),
      expr: rest.expr ?? null, where: typeof rest.where === 'string' ? rest.where : null, ...(vars === undefined ? {} : { vars }),
    },
    arrayShape: shape, rows: [start, stop], valueDtype: p.ctx.dtype.name, kernel: p.choice.kernel, valueType: p.choice.valueType, state,
  };
}

export { combinePartials, mergePartials, partialResultDtype } from './partial-merge.js';
