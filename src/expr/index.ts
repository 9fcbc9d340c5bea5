/**
 * Expression programs: `compileExpr('(x - mu) / sd', { vars: { x: f4, mu: f4, sd: f4 } })` → bytecode
 * run by the native VM, with numpy's dtype for every operation and for the result.
 */
import { type DType, type DTypeName } from '../dtype.js';
import { fail, show } from '../errors.js';
import { emit } from './compile.js';
import { type Weak } from './fold.js';
import { exprError } from './lex.js';
import { parse } from './parse.js';
import { type Binding, type IR, resolve } from './resolve.js';
import { isFloat, weakDefault } from './types.js';
import { CONSTANTS, FUNCTIONS } from './ufuncs.js';
import { scalarCast, weakAs } from './weak.js';

export { EXPR_ERROR } from './lex.js';
export { parse, MAX_DEPTH, MAX_LENGTH, type Node } from './parse.js';
export { FORMAT_VERSION, MAX_OPERANDS, MAX_STACK, OP } from './compile.js';
export { FUNCTIONS } from './ufuncs.js';

/** A compiled expression. Plain data, structured-cloneable, so it is sent to worker threads as is. */
export interface Program {
  /** Bytecode (format in compile.ts). */
  readonly code: Uint8Array;
  /**
   * Constants indexed by CONST; int64 bit patterns for integer constants. Copy it as bytes (`slice`,
   * `structuredClone`, `postMessage`), never element by element: a bit pattern may read as a NaN.
   */
  readonly consts: Float64Array;
  /** The source text, for messages. */
  readonly text: string;
  /** numpy's dtype of the result (before it is cast into the output). */
  readonly dtype: DTypeName;
  /** The program's operands in order: array names, then the index variables it reads (`i`, `i0`…). */
  readonly operands: readonly string[];
  /** Every variable the text reads (these take part in broadcasting). */
  readonly names: readonly string[];
  /**
   * The result is a numpy scalar: it reads no array and no index variable, and is not a bare Python
   * number (`int16(300)`, `sin(1) * 2`). numpy assigns such a value into an array with setitem's rules.
   */
  readonly scalar: boolean;
}

/**
 * A variable: an array's dtype, or a Python number — a JS number is an int when integral, else a float;
 * a bigint an int; a boolean a bool; `{ float: 2 }` a float even when integral (Python's `2.0`).
 */
export type VarType = DType | number | bigint | boolean | { readonly float: number };

/** Options for {@link compileExpr}. */
export interface CompileOptions {
  /** Named operands, in operand order: `{ x: a.dtype, mu: mu.dtype, k: 2.5 }`. */
  vars?: Readonly<Record<string, VarType>>;
  /** Shorthand for `vars: { x, y }`: one or two dtypes. */
  inputs?: readonly DType[];
  /** Rank of the array: enables the index variables `i` (flat C-order index) and `i0` … `i{ndim-1}`. */
  ndim?: number;
  /** Where the result goes: a result that is a bare Python number is checked against it (numpy's `out[...] = 300`). */
  target?: DType;
  /** The result has no elements: numpy then raises nothing for an integer to a negative power. */
  empty?: boolean;
  /** Array vars of shape `()`: an operation on only such arrays gives a numpy scalar, as numpy's does. */
  zeroDim?: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INDEX = /^i\d*$/;

/** A JS number as the Python number it stands for: integral values are ints (as the literal `2` is). */
export function weakOf(v: number | bigint | boolean | { readonly float: number }): Weak {
  if (typeof v === 'object') return { w: 'float', v: v.float };
  if (typeof v === 'boolean') return { w: 'bool', v };
  if (typeof v === 'bigint') return { w: 'int', v };
  return Number.isInteger(v) && !Object.is(v, -0) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? { w: 'int', v: BigInt(v) } : { w: 'float', v };
}

function checkVars(vars: Readonly<Record<string, VarType>>): void {
  for (const [name, t] of Object.entries(vars)) {
    if (!NAME.test(name)) fail('ERR_INVALID_ARG_VALUE', `variable names must be identifiers, got ${show(name)}`);
    if (FUNCTIONS.has(name) || typeof CONSTANTS.get(name) === 'boolean')
      fail('ERR_INVALID_ARG_VALUE', `variable name '${name}' is taken by a function or constant of the language`);
    if (INDEX.test(name)) fail('ERR_INVALID_ARG_VALUE', `variable name '${name}' is taken by the index variables i, i0, i1, …`);
    const ok = typeof t === 'number' || typeof t === 'bigint' || typeof t === 'boolean' || typeof (t as DType | null)?.kind === 'string' ||
      typeof (t as { float?: unknown } | null)?.float === 'number';
    if (!ok) fail('ERR_INVALID_ARG_TYPE', `inputs and vars must be DType objects or numbers, got ${show(t)} for '${name}'`);
  }
}

/**
 * Compile an elementwise expression with numpy's semantics: each operation in numpy's dtype for its
 * operands (NEP 50: Python numbers are weak), the result in numpy's dtype (`Program.dtype`).
 * @param text e.g. `'where(x > 0, sqrt(x), 0)'`; operators `+ - * / // % ** & | ^ ~ << >>` and
 *   comparisons; functions in {@link FUNCTIONS} (numexpr's set, `min`/`max`, casts such as `float32(x)`);
 *   constants `nan inf pi e True False`.
 * @throws `ERR_NDMMAP_EXPR` for a syntax error, an unknown name (with the known ones), a type numpy
 *   refuses (`ufunc 'bitwise_and' not supported…`), a Python number out of range (`Python integer 300
 *   out of bounds for int8`); `ERR_INVALID_ARG_TYPE`/`ERR_INVALID_ARG_VALUE` for bad options.
 * @example compileExpr('x * 2 + 1', { inputs: [dtype('f4')] }).dtype // 'float32'
 */
export function compileExpr(text: string, opts: CompileOptions): Program {
  if (opts === null || typeof opts !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object, got ${show(opts)}`);
  let vars: Readonly<Record<string, VarType>>;
  if (opts.vars !== undefined) vars = opts.vars;
  else {
    const n = opts.inputs?.length;
    if (n !== 1 && n !== 2) exprError(`an expression takes 1 or 2 inputs, got ${String(n)}`);
    vars = n === 1 ? { x: opts.inputs![0] } : { x: opts.inputs![0], y: opts.inputs![1] };
  }
  checkVars(vars);
  if (opts.target !== undefined && typeof opts.target?.kind !== 'string')
    fail('ERR_INVALID_ARG_TYPE', `inputs and target must be DType objects, got ${show(opts.target)}`);
  const ndim = opts.ndim;
  if (ndim !== undefined && (!Number.isInteger(ndim) || ndim < 0)) fail('ERR_INVALID_ARG_VALUE', `ndim must be a non-negative integer, got ${show(ndim)}`);
  const indexNames = ndim === undefined ? [] : ['i', ...Array.from({ length: ndim }, (_, d) => `i${d}`)];
  const isDtype = (t: VarType): t is DType => typeof t === 'object' && 'kind' in t;
  const arrays = Object.entries(vars).filter((e): e is [string, DType] => isDtype(e[1]));
  const operands: string[] = arrays.map(([n]) => n);
  const types: DTypeName[] = arrays.map(([, d]) => d.name);
  const bindings = new Map<string, Binding>();
  arrays.forEach(([n, d], slot) => bindings.set(n, { slot, dtype: d.name }));
  for (const [n, v] of Object.entries(vars)) if (!isDtype(v)) bindings.set(n, { weak: weakOf(v) });
  const node = parse(text, { vars: [...Object.keys(vars), ...indexNames] });
  const bind = (name: string): Binding => {
    let b = bindings.get(name);
    if (b === undefined) { // an index variable, given a slot when first read
      b = { slot: operands.length, dtype: 'int64' };
      operands.push(name);
      types.push('int64');
      bindings.set(name, b);
    }
    return b;
  };
  const { ir, names } = resolve(node, bind, opts.empty === true);
  const root: IR = 'k' in ir ? ir : bareNumber(ir, opts.target);
  // numpy's result is a scalar when no array of rank > 0 takes part and the last step is a ufunc (or
  // the expression reads no array at all); a bare 0-d array, np.where and astype give 0-d arrays
  const read = [...names].filter((n) => INDEX.test(n) || (vars[n] !== undefined && isDtype(vars[n])));
  const zeroDim = new Set(opts.zeroDim ?? []);
  const scalar = 'k' in ir && read.every((n) => zeroDim.has(n)) &&
    (read.length === 0 ? ir.k !== 'load' : ir.k === 'op' && ir.op !== 'WHERE');
  const { code, consts } = emit(root, types);
  return { code, consts, text, dtype: root.t, operands, names: [...names], scalar };
}

/**
 * A result that is a bare Python number, as numpy's `out[...] = value` takes it: an int must fit out's
 * integer dtype; a float going into an integer dtype is `int(value)` first (NaN and inf refused), then
 * the same check (`out[...] = 300.5` of int8 is `Python integer 300 out of bounds for int8`).
 */
function bareNumber(x: Weak, target: DType | undefined): IR {
  const at = 'the result: ';
  let t: DTypeName = weakDefault(x.w);
  if (target !== undefined && (x.w !== 'float' || isFloat(target.name) || target.name === 'bool')) t = target.name;
  else if (target !== undefined) return { k: 'const', t: target.name, v: scalarCast(x, target.name, at) };
  return { k: 'const', t, v: weakAs(x, t, at) };
}

