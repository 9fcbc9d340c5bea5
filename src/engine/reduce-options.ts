/**
 * Validating a reduction's options the way numpy does, before any worker runs: unknown names, options
 * this reduction does not take (numpy's TypeError text), axes (numpy's AxisError and duplicate texts),
 * `dtype`, `initial` (cast to the result dtype), `where`, `expr`/`y`/`vars` and their broadcasting, `out`.
 */
import { type DType, type Scalar, castScalar, dtype as parseDtype } from '../dtype.js';
import { type DTypeSpec } from '../dtype-types.js';
import { fail, show } from '../errors.js';
import { type Program, type VarType, compileExpr } from '../expr/index.js';
import { sizeOf } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { type ArrayOperand, type PyFloat, type VarValue, broadcastShapes, classify } from './operands.js';
import { type ReduceOperand, broadcastOperand, checkWhereShape } from './reduce-operands.js';
import { type RunOptions, checkRunOptions } from './run.js';
import { roundTo } from './reductions/common.js';
import { type Reduction } from './reductions/index.js';
import { type ProgramData } from './tasks.cjs';

/** Options of every reduction (numpy's keyword arguments, where the reduction takes them). */
export interface ReduceOptions extends RunOptions {
  /** Axis or axes to reduce (negative counts from the end); `null` or absent: every element. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes as length 1 (numpy's `keepdims`); default false. */
  keepdims?: boolean;
  /** var/std: delta degrees of freedom (divisor n - ddof); default 0. */
  ddof?: number;
  /** var/std: numpy 2's `correction=`, ddof's other name (give one of them). */
  correction?: number;
  /** var/std: numpy 2's `mean=`: the mean to subtract (numpy's keepdims shape, broadcast), instead of computing it. */
  mean?: VarValue;
  /** numpy's `dtype=`: the accumulator and result type. */
  dtype?: DTypeSpec;
  /** numpy's `where=`: a boolean MemMap broadcast to the array's shape, or an expression of `x` (and `y`, vars), e.g. `'x > 0'`. */
  where?: MemMap | string;
  /** numpy's `initial=`: the starting value (min/max need it with `where`); `null` is numpy's `initial=None`: no identity. */
  initial?: number | bigint | boolean | null;
  /** Write the result into this MemMap (numpy's shape; any dtype, cast as numpy's `out=` casts) instead of returning it. */
  out?: MemMap;
  /** Reduce an expression of `x` (the array), `y` and `vars` instead of the array itself, with no temporary. */
  expr?: string;
  /** The second input `y` of `expr` and `where` expressions (broadcast with x). */
  y?: MemMap;
  /** Named operands of `expr` and `where`, as `apply`'s: MemMaps, typed arrays, results, numbers — broadcast with x. */
  vars?: Readonly<Record<string, VarValue>>;
}

const COMMON = new Set(['axis', 'keepdims', 'threads', 'signal', 'onProgress']);
const KNOWN = new Set([...COMMON, 'ddof', 'correction', 'mean', 'dtype', 'where', 'initial', 'out', 'expr', 'y', 'vars']);

/** Everything a reduction call needs, checked. */
export interface Checked {
  opts: ReduceOptions;
  /** Sorted distinct axes, or null for every axis. */
  axes: number[] | null;
  keepdims: boolean;
  ddof: number;
  acc?: DType;
  /** The dtype of the values reduced (the expression's, or the array's). */
  valueDtype: DType;
  value: ProgramData | null;
  mask: ProgramData | null;
  /** The shape reduced: x broadcast with the arrays the expressions read. */
  shape: number[];
  /** x first, then y and the vars the expressions read, then a where MemMap (at maskOperand). */
  operands: ReduceOperand[];
  maskOperand: number;
  initialRaw?: Scalar;
  /** numpy's `initial=None`: the reduction has no identity (an empty one raises, `where` needs initial). */
  initialNone: boolean;
  /** var/std's `mean=`, as an operand or a number. */
  mean?: ArrayOperand | number | bigint | boolean | PyFloat;
}

/** numpy's axis argument: an int, a sequence of ints, or null; normalised, sorted, distinct. */
export function checkAxes(axis: unknown, ndim: number, red: Reduction): number[] | null {
  if (axis === undefined || axis === null) return null;
  const tuple = Array.isArray(axis) || ArrayBuffer.isView(axis);
  if (tuple && !red.axisTuple) fail('ERR_INVALID_ARG_TYPE', "'tuple' object cannot be interpreted as an integer");
  const list = tuple ? Array.from(axis as ArrayLike<unknown>) : [axis];
  // numpy's ufunc reductions take axis 0 (or -1) on a 0-d array as "every axis"
  if (ndim === 0 && !tuple && (axis === 0 || axis === -1) && !['mean', 'var', 'std'].includes(red.name)) return null;
  const out = list.map((a) => {
    const v = typeof a === 'bigint' ? Number(a) : a;
    if (typeof v !== 'number' || !Number.isInteger(v))
      fail('ERR_INVALID_ARG_TYPE', `axis must be an integer or a sequence of integers, got ${show(axis)}`);
    if (v < -ndim || v >= ndim) fail('ERR_NDMMAP_AXIS', `axis ${v} is out of bounds for array of dimension ${ndim}`);
    return v < 0 ? v + ndim : v;
  });
  if (new Set(out).size !== out.length) fail('ERR_NDMMAP_AXIS', "duplicate value in 'axis'");
  return out.sort((x, y) => x - y);
}

type Named = ArrayOperand | number | bigint | boolean | PyFloat;
const isArray = (v: Named | undefined): v is ArrayOperand => typeof v === 'object' && 'dtype' in v;

/** x, y and the vars, classified (numbers stay numbers), in that order. */
function namedOperands(a: MemMap, opts: ReduceOptions): Map<string, Named> {
  const named = new Map<string, Named>([['x', classify('x', a)]]);
  if (opts.y !== undefined) named.set('y', classify('y', checkMemMap(opts.y, 'y')));
  if (opts.vars !== undefined) {
    if (opts.vars === null || typeof opts.vars !== 'object') fail('ERR_INVALID_ARG_TYPE', `vars must be an object, got ${show(opts.vars)}`);
    if (opts.expr === undefined && typeof opts.where !== 'string') fail('ERR_INVALID_ARG_VALUE', 'vars are read by the expr and where expressions; give one of them');
    for (const [name, v] of Object.entries(opts.vars)) {
      if (named.has(name)) fail('ERR_INVALID_ARG_VALUE', `vars.${name} is given twice (x is the array itself, y the y option)`);
      named.set(name, classify(name, v));
    }
  }
  return named;
}

/** The expr and where programs over `types`; `empty`: the shape reduced has no element. */
function programs(opts: ReduceOptions, types: Record<string, VarType>, empty: boolean): { value?: Program; mask?: Program } {
  let value: Program | undefined, mask: Program | undefined;
  if (opts.expr !== undefined) {
    if (typeof opts.expr !== 'string') fail('ERR_NDMMAP_EXPR', `expression must be a string, got ${show(opts.expr)}`);
    // The program computes each operation in numpy's dtype; its result dtype is the values' dtype.
    value = compileExpr(opts.expr, { vars: types, empty });
  }
  if (typeof opts.where === 'string') {
    mask = compileExpr(opts.where, { vars: types, target: parseDtype('bool'), empty });
    if (mask.dtype !== 'bool') fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${mask.dtype}') to dtype('bool') according to the rule 'safe'`);
  }
  return { value, mask };
}

/**
 * Check every option of `red` on `a`; nothing runs before this returns.
 * @throws `ERR_INVALID_ARG_VALUE` (unknown option, or one numpy's function does not take), `ERR_NDMMAP_AXIS`,
 *   `ERR_NDMMAP_SHAPE` (operands that do not broadcast), `ERR_NDMMAP_EXPR`, …
 */
export function checkReduceOptions(red: Reduction, a: MemMap, options: unknown): Checked {
  const opts = checkRunOptions(options as RunOptions) as ReduceOptions;
  for (const k of Object.keys(opts)) {
    if (!KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `unknown option '${k}' for ${red.method}() (options: ${[...COMMON, ...red.options].join(', ')})`);
    const opt = k === 'y' || k === 'vars' ? 'expr' : k === 'correction' || k === 'mean' ? 'ddof' : k;
    if (!COMMON.has(k) && !(red.options as readonly string[]).includes(opt) && (opts as Record<string, unknown>)[k] !== undefined) {
      if ((k === 'y' || k === 'vars') && typeof opts.where === 'string' && red.options.includes('where')) continue;
      fail('ERR_INVALID_ARG_VALUE', `${red.name}() got an unexpected keyword argument '${k}'`);
    }
  }
  if (opts.keepdims !== undefined && typeof opts.keepdims !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `keepdims must be a boolean, got ${show(opts.keepdims)}`);
  if (opts.ddof !== undefined && opts.correction !== undefined) fail('ERR_INVALID_ARG_VALUE', "ddof and correction can't be provided simultaneously.");
  const ddof = opts.correction ?? opts.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) fail('ERR_INVALID_ARG_TYPE', `${opts.correction !== undefined ? 'correction' : 'ddof'} must be a number, got ${show(ddof)}`);
  const acc = opts.dtype === undefined || opts.dtype === null ? undefined : parseDtype(opts.dtype);
  const named = namedOperands(a, opts);
  const types: Record<string, VarType> = {};
  for (const [n, v] of named) types[n] = isArray(v) ? v.dtype : v;
  // compile once to learn which arrays the expressions read, then over those only (x always first)
  let { value, mask } = programs(opts, types, a.size === 0);
  const used = new Set(['x', ...(value?.names ?? []), ...(mask?.names ?? [])]);
  if (opts.y !== undefined) used.add('y'); // y takes part in broadcasting, as before
  const arrays = [...named].filter(([n, v]) => isArray(v) && used.has(n)).map(([, v]) => v as ArrayOperand);
  const shape = broadcastShapes(arrays.map((o) => o.shape));
  const usedTypes = Object.fromEntries(Object.entries(types).filter(([n, t]) => !(typeof t === 'object' && 'kind' in t) || used.has(n)));
  ({ value, mask } = programs(opts, usedTypes, sizeOf(shape) === 0));
  const operands = arrays.map((o) => broadcastOperand(o, shape));
  let maskOperand = -1;
  if (opts.where !== undefined && opts.where !== null && typeof opts.where !== 'string') {
    const w = checkMemMap(opts.where, 'where');
    w.mapping.check();
    if (w.dtype.kind !== 'b') fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${w.dtype.name}') to dtype('bool') according to the rule 'safe'`);
    checkWhereShape(w.shape, shape, ['mean', 'var', 'std'].includes(red.name));
    maskOperand = operands.length;
    operands.push(broadcastOperand(classify('where', w) as ArrayOperand, shape));
  }
  const axes = checkAxes(opts.axis, shape.length, red);
  if (opts.out !== undefined) checkMemMap(opts.out, 'out');
  let initialRaw: Scalar | undefined;
  if (opts.initial !== undefined && opts.initial !== null) {
    if (typeof opts.initial !== 'number' && typeof opts.initial !== 'bigint' && typeof opts.initial !== 'boolean')
      fail('ERR_INVALID_ARG_TYPE', `initial must be a number, bigint or boolean, got ${show(opts.initial)}`);
    initialRaw = opts.initial;
  }
  const mean = opts.mean === undefined ? undefined : classify('mean', opts.mean);
  return {
    opts, axes, keepdims: opts.keepdims ?? false, ddof, acc, valueDtype: parseDtype(value?.dtype ?? a.dtype), shape, operands, maskOperand,
    value: value === undefined ? null : { code: value.code, consts: value.consts },
    mask: mask === undefined ? null : { code: mask.code, consts: mask.consts },
    initialRaw, initialNone: opts.initial === null, mean,
  };
}

/** `initial` as the result dtype holds it (numpy casts it there: floats round, 1e30 is a float16 inf; ints truncate, out of range is an error). */
export function castInitial(v: Scalar, result: DType): number | bigint {
  if (result.kind === 'f') return roundTo(result.name, Number(v));
  return castScalar(v, result);
}
