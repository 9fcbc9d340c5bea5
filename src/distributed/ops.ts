/**
 * The mergeable operations besides the reductions that `submit` runs on the workers: histogram,
 * bincount, topk, search and dot. Each shard job computes the operation's own partial state (the one
 * `--partial` prints); merge jobs collect their children's states in row order (these states are
 * small, except dot's rows), and the submitter merges them with the operation's own merge — which
 * checks them as `ndmmap merge` does. Options travel as JSON; a query or vector travels as its values.
 */
import { type DTypeName } from '../dtype.js';
import { fail, show } from '../errors.js';
import { type MemMap } from '../memmap.js';
import { bincountPartial, histogramPartial, isDistPartial, mergeDistPartials } from '../engine/stats/partial.js';
import { TOPK_PARTIAL_FORMAT, mergeTopkPartials, searchPartial, topkPartial } from '../engine/embed/partial.js';
import { type VectorLike, readOperand } from '../engine/embed/operands.js';
import { dotPartial, isDotPartial, mergeDotPartials } from '../engine/dot-partial.js';

/** A query or vector as JSON: numpy's dtype (null: plain numbers), shape, values (64-bit ints and non-finite floats as strings). */
export interface WireOperand { dtype: DTypeName | null; shape: number[]; values: Array<number | string> }

/** One operation: options to and from JSON, a shard's state, and the merge of every shard's state. */
export interface DistOp {
  readonly name: string;
  /** Check the caller's options and put them in JSON (a MemMap or function cannot travel). */
  encode(o: Record<string, unknown>): Record<string, unknown>;
  /** The state of rows [start, stop). */
  partial(a: MemMap, o: Record<string, unknown>, rows: [number, number]): Promise<unknown>;
  /** Is this a state of this operation (a merge job's check; the final merge checks the rest)? */
  isState(p: unknown): boolean;
  /** The value of the whole array from every shard's state. */
  merge(states: unknown[]): unknown;
}

const SPECIAL = new Set(['NaN', 'Infinity', '-Infinity']);
const TYPED: Partial<Record<DTypeName, new (n: number) => ArrayLike<number | bigint>>> = {
  float64: Float64Array, float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
};

/** A vector operand as JSON. @throws `ERR_INVALID_ARG_VALUE` for a float16 or bool operand (no typed array carries it). */
export function encodeOperand(v: unknown, what: string): WireOperand {
  const op = readOperand(v, what);
  if (op.dtype !== null && TYPED[op.dtype] === undefined) fail('ERR_INVALID_ARG_VALUE', `submit takes ${what} of dtype ${op.dtype} only as float32 or wider values`);
  const values = Array.from(op.values, (x) => (typeof x === 'bigint' || !Number.isFinite(x) ? String(x) : x));
  return { dtype: op.dtype, shape: op.shape, values };
}

/** A vector operand back from JSON. @throws `ERR_NDMMAP_PARTIAL` for malformed data. */
export function decodeOperand(w: unknown): VectorLike {
  const o = w as WireOperand;
  if (o === null || typeof o !== 'object' || !Array.isArray(o.shape) || !Array.isArray(o.values) || o.shape.length > 2 ||
      !o.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || o.values.length !== o.shape.reduce((p, d) => p * d, 1))
    fail('ERR_NDMMAP_PARTIAL', `a job from Redis has a bad operand ${show(JSON.stringify(w)?.slice(0, 100))}`);
  const C = o.dtype === null ? undefined : TYPED[o.dtype];
  if (o.dtype !== null && C === undefined) fail('ERR_NDMMAP_PARTIAL', `a job from Redis has an operand of dtype ${show(o.dtype)}`);
  const big = o.dtype === 'int64' || o.dtype === 'uint64';
  const vals = o.values.map((x) => {
    if (big ? typeof x === 'string' && /^-?\d{1,20}$/.test(x) : typeof x === 'number' || SPECIAL.has(x as string)) return big ? BigInt(x) : Number(x);
    return fail('ERR_NDMMAP_PARTIAL', `a job from Redis has a malformed operand value ${show(x)}`);
  });
  const data = C === undefined ? vals as number[] : Object.assign(new C(vals.length) as unknown as Array<number | bigint>, vals);
  return { data: data as unknown as Float64Array, shape: o.shape };
}

function only(o: Record<string, unknown>, keys: string[], op: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail('ERR_INVALID_ARG_VALUE', `submit('${op}') takes no option '${k}' (options: ${keys.join(', ')})`);
}
const num = (v: unknown): v is number => typeof v === 'number';

const histogramOp: DistOp = {
  name: 'histogram',
  encode(o) {
    only(o, ['bins', 'range', 'expr'], 'histogram');
    const bins = o.bins === undefined ? 10 : num(o.bins) ? o.bins : Array.from(o.bins as ArrayLike<number>);
    if (o.range === undefined && num(bins)) fail('ERR_INVALID_ARG_VALUE', 'a sharded histogram needs range (or bin edges): each shard would find its own');
    return { bins, range: o.range === undefined ? null : Array.from(o.range as ArrayLike<number>), expr: o.expr ?? null };
  },
  partial: (a, o, rows) => histogramPartial(a, {
    bins: o.bins as number | number[], ...(o.range === null ? {} : { range: o.range as [number, number] }), ...(o.expr === null ? {} : { expr: o.expr as string }), rows,
  }),
  isState: (p) => isDistPartial(p) && (p as { op: unknown }).op === 'histogram',
  merge: (states) => { const m = mergeDistPartials(states); return { counts: m.counts, edges: m.edges!, edgesDtype: m.edgesDtype! }; },
};

const bincountOp: DistOp = {
  name: 'bincount',
  encode(o) { only(o, ['minlength'], 'bincount'); return { minlength: o.minlength ?? null }; },
  partial: (a, o, rows) => bincountPartial(a, { ...(o.minlength === null ? {} : { minlength: o.minlength as number }), rows }),
  isState: (p) => isDistPartial(p) && (p as { op: unknown }).op === 'bincount',
  merge: (states) => mergeDistPartials(states).counts,
};

const topkOp: DistOp = {
  name: 'topk',
  encode(o) {
    only(o, ['k', 'axis', 'largest'], 'topk');
    return { k: o.k, axis: o.axis === undefined ? -1 : o.axis, largest: o.largest !== false };
  },
  partial: (a, o, rows) => topkPartial(a, o.k as number, { axis: o.axis as number | null, largest: o.largest as boolean, rows }),
  isState: (p) => (p as { format?: unknown } | null)?.format === TOPK_PARTIAL_FORMAT && (p as { op: unknown }).op === 'topk',
  merge: (states) => mergeTopkPartials(states),
};

const searchOp: DistOp = {
  name: 'search',
  encode(o) {
    only(o, ['queries', 'k', 'metric', 'filter'], 'search');
    if (o.filter !== undefined && typeof o.filter !== 'string') fail('ERR_INVALID_ARG_VALUE', 'submit takes a search filter as an expression of the row index (\'i0 < 500000\'), not a MemMap');
    return { queries: encodeOperand(o.queries, 'queries'), k: o.k ?? 10, metric: o.metric ?? 'dot', filter: o.filter ?? null };
  },
  partial: (a, o, rows) => searchPartial(a, decodeOperand(o.queries), {
    k: o.k as number, metric: o.metric as 'dot', ...(o.filter === null ? {} : { filter: o.filter as string }), rows,
  }),
  isState: (p) => (p as { format?: unknown } | null)?.format === TOPK_PARTIAL_FORMAT && (p as { op: unknown }).op === 'search',
  merge: (states) => mergeTopkPartials(states),
};

const dotOp: DistOp = {
  name: 'dot',
  encode(o) { only(o, ['vector'], 'dot'); return { vector: encodeOperand(o.vector, 'the vector') }; },
  partial: (a, o, rows) => dotPartial(a, decodeOperand(o.vector), { rows }),
  isState: isDotPartial,
  merge: (states) => mergeDotPartials(states),
};

/** The operations `submit` runs besides the reductions, by name. */
export const DIST_OPS: Readonly<Record<string, DistOp>> = { histogram: histogramOp, bincount: bincountOp, topk: topkOp, search: searchOp, dot: dotOp };

/** The operation `name`, or undefined for a reduction (or nothing known). */
export function distOp(name: unknown): DistOp | undefined {
  return typeof name === 'string' && Object.hasOwn(DIST_OPS, name) ? DIST_OPS[name] : undefined;
}

/** The header of every job of a run of one of these operations (merge jobs check their children against it). */
export interface OpHeader { format: typeof OP_FORMAT; op: string }
/** Format tag of those headers. */
export const OP_FORMAT = 'ndmmap-op/1';
