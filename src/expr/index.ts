/**
 * Expression programs: `compileExpr('sqrt(x**2 + y**2)', …)` → bytecode run by `native.apply`.
 */
import type { DType } from '../dtype.js';
import { fail, show } from '../errors.js';
import { chooseMode, emit, type Mode } from './compile.js';
import { exprError } from './lex.js';
import { parse } from './parse.js';

export { EXPR_ERROR } from './lex.js';
export { parse, MAX_DEPTH, MAX_LENGTH, type Node } from './parse.js';
export { FORMAT_VERSION, MODE, OP, type Mode } from './compile.js';

/** A compiled expression. Plain data, structured-cloneable, so it is sent to worker threads as is. */
export interface Program {
  /** Bytecode (format in compile.ts). */
  readonly code: Uint8Array;
  /**
   * Constants indexed by CONST; int64 bit patterns in the integer modes. Copy it as bytes (`slice`,
   * `structuredClone`, `postMessage`), never element by element: a bit pattern may read as a NaN.
   */
  readonly consts: Float64Array;
  /** Whether the expression reads `y`. */
  readonly usesY: boolean;
  /** The source text, for messages. */
  readonly text: string;
  /** The arithmetic the program computes in. */
  readonly mode: Mode;
}

/** Options for {@link compileExpr}. */
export interface CompileOptions {
  /** Input dtypes: `[x]` or `[x, y]`. */
  inputs: readonly DType[];
  /** The dtype the result is stored as. */
  target: DType;
}

/**
 * Compile an elementwise expression over `x` (and `y`) for storing into `target`, with numpy's
 * `target[...] = expr` semantics: float64 arithmetic, or wrapping int64/uint64 arithmetic when the inputs,
 * target and every constant and operation are integer (see `chooseMode`).
 * @param text e.g. `'where(x > 0, sqrt(x), 0)'`; functions: abs sqrt exp log log1p sin cos tan floor ceil
 *   round min max clip where; constants: nan inf pi e; operators `+ - * / // % **` and comparisons.
 * @throws `ERR_NDMMAP_EXPR` for a syntax error, an unknown name, a wrong argument count, `y` with one input;
 *   `ERR_INVALID_ARG_TYPE` when a dtype is not a `DType`.
 * @example compileExpr('x * 2 + 1', { inputs: [dtype('f4')], target: dtype('f8') }).mode // 'float64'
 */
export function compileExpr(text: string, opts: CompileOptions): Program {
  const n = opts?.inputs?.length;
  if (n !== 1 && n !== 2) exprError(`an expression takes 1 or 2 inputs, got ${String(n)}`);
  for (const d of [...opts.inputs, opts.target]) {
    if (typeof d?.kind !== 'string') fail('ERR_INVALID_ARG_TYPE', `inputs and target must be DType objects, got ${show(d)}`);
  }
  const node = parse(text, { inputs: n });
  const mode = chooseMode(node, opts.inputs, opts.target);
  const { code, consts, usesY } = emit(node, mode);
  return { code, consts, usesY, text, mode };
}
