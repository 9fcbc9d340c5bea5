/**
 * Validating a reduction's options the way numpy does, before any worker runs: unknown names, options
 * this reduction does not take (numpy's TypeError text), axes (numpy's AxisError and duplicate texts),
 * `dtype`, `initial` (cast to the result dtype), `where`, `expr`/`y`, `out`.
 */
import { type DType, type Scalar, castScalar, dtype as parseDtype } from '../dtype.js';
import { type DTypeSpec } from '../dtype-types.js';
import { fail, show } from '../errors.js';
import { compileExpr } from '../expr/index.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { type RunOptions, checkRunOptions } from './run.js';
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
  /** numpy's `dtype=`: the accumulator and result type. */
  dtype?: DTypeSpec;
  /** numpy's `where=`: a boolean MemMap of the same shape, or an expression of `x` (and `y`), e.g. `'x > 0'`. */
  where?: MemMap | string;
  /** numpy's `initial=`: the starting value (min/max need it with `where`). */
  initial?: number | bigint | boolean;
  /** Write the result into this MemMap (numpy's shape and dtype) instead of returning it. */
  out?: MemMap;
  /** Reduce an expression of `x` (the array) and `y` instead of the array itself, with no temporary. */
  expr?: string;
  /** The second input `y` of `expr` and `where` expressions (same shape). */
  y?: MemMap;
}

const COMMON = new Set(['axis', 'keepdims', 'threads', 'signal', 'onProgress']);
const KNOWN = new Set([...COMMON, 'ddof', 'dtype', 'where', 'initial', 'out', 'expr', 'y']);

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
  whereArray?: MemMap;
  y?: MemMap;
  initialRaw?: Scalar;
}

function shapesMatch(a: MemMap, b: MemMap, what: string): void {
  if (a.shape.join() !== b.shape.join())
    fail('ERR_NDMMAP_SHAPE', `${what} has shape ${show(b.shape)}, expected ${show(a.shape)}`);
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

/**
 * Check every option of `red` on `a`; nothing runs before this returns.
 * @throws `ERR_INVALID_ARG_VALUE` (unknown option, or one numpy's function does not take), `ERR_NDMMAP_AXIS`, …
 */
export function checkReduceOptions(red: Reduction, a: MemMap, options: unknown): Checked {
  const opts = checkRunOptions(options as RunOptions) as ReduceOptions;
  for (const k of Object.keys(opts)) {
    if (!KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `unknown option '${k}' for ${red.method}() (options: ${[...COMMON, ...red.options].join(', ')})`);
    const opt = k === 'y' ? 'expr' : k;
    if (!COMMON.has(k) && !(red.options as readonly string[]).includes(opt) && (opts as Record<string, unknown>)[k] !== undefined) {
      if (k === 'y' && typeof opts.where === 'string' && red.options.includes('where')) continue;
      fail('ERR_INVALID_ARG_VALUE', `${red.name}() got an unexpected keyword argument '${k}'`);
    }
  }
  const ndim = a.ndim;
  const axes = checkAxes(opts.axis, ndim, red);
  if (opts.keepdims !== undefined && typeof opts.keepdims !== 'boolean') fail('ERR_INVALID_ARG_TYPE', `keepdims must be a boolean, got ${show(opts.keepdims)}`);
  const ddof = opts.ddof ?? 0;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) fail('ERR_INVALID_ARG_TYPE', `ddof must be a number, got ${show(ddof)}`);
  const acc = opts.dtype === undefined || opts.dtype === null ? undefined : parseDtype(opts.dtype);
  let y: MemMap | undefined;
  if (opts.y !== undefined) {
    y = checkMemMap(opts.y, 'y');
    y.mapping.check();
    shapesMatch(a, y, 'y');
  }
  const inputs = y === undefined ? [a.dtype] : [a.dtype, y.dtype];
  let value: ProgramData | null = null;
  let valueDtype = a.dtype;
  if (opts.expr !== undefined) {
    if (typeof opts.expr !== 'string') fail('ERR_NDMMAP_EXPR', `expression must be a string, got ${show(opts.expr)}`);
    // The program computes each operation in numpy's dtype; its result dtype is the values' dtype.
    const p = compileExpr(opts.expr, { inputs });
    valueDtype = parseDtype(p.dtype);
    value = { code: p.code, consts: p.consts };
  }
  let mask: ProgramData | null = null;
  let whereArray: MemMap | undefined;
  if (opts.where !== undefined && opts.where !== null) {
    if (typeof opts.where === 'string') {
      const p = compileExpr(opts.where, { inputs, target: parseDtype('bool') });
      if (p.dtype !== 'bool') fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${p.dtype}') to dtype('bool') according to the rule 'safe'`);
      mask = { code: p.code, consts: p.consts };
    } else {
      whereArray = checkMemMap(opts.where, 'where');
      whereArray.mapping.check();
      shapesMatch(a, whereArray, 'where');
      if (whereArray.dtype.kind !== 'b')
        fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from dtype('${whereArray.dtype.name}') to dtype('bool') according to the rule 'safe'`);
    }
  }
  if (opts.out !== undefined) checkMemMap(opts.out, 'out');
  let initialRaw: Scalar | undefined;
  if (opts.initial !== undefined && opts.initial !== null) {
    if (typeof opts.initial !== 'number' && typeof opts.initial !== 'bigint' && typeof opts.initial !== 'boolean')
      fail('ERR_INVALID_ARG_TYPE', `initial must be a number, bigint or boolean, got ${show(opts.initial)}`);
    initialRaw = opts.initial;
  }
  return {
    opts, axes, keepdims: opts.keepdims ?? false, ddof, acc, valueDtype, value, mask, whereArray, y, initialRaw,
  };
}

/** `initial` as the result dtype holds it (numpy casts it there: ints truncate, out of range is an error). */
export function castInitial(v: Scalar, result: DType): number | bigint {
  if (result.kind === 'f') return Number(v);
  return castScalar(v, result);
}
