/**
 * One pass of a distribution over a planned array: the operands and the values read (the array's, or
 * an expression's), run block by block by native dist() on the pool or inline, like a reduction.
 */
import { type DType, type DTypeName, dtype as parseDtype, isSwapped } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { compileExpr } from '../../expr/index.js';
import { type MemMap } from '../../memmap.js';
import { type ReducePlan } from '../plan.js';
import { type RunOptions, newControl, runCall, runInline, runsInline } from '../run.js';
import { type DistTask, type ProgramData } from '../tasks.cjs';
import { DIST_SPEC_HEAD, DIST_WINDOW_WORDS } from '../../native.js';

/** What a distribution reads: operands (x, then weights), the values' dtype and program. */
export interface Source {
  a: MemMap;
  operands: MemMap[];
  /** dtype of the values (the array's, or the expression's). */
  dtype: DType;
  value: ProgramData | null;
}

/** The values of `a`, or of the expression `expr` of `x` (numpy's dtype for it). */
export function source(a: MemMap, expr: unknown): Source {
  if (expr === undefined) return { a, operands: [a], dtype: a.dtype, value: null };
  if (typeof expr !== 'string') fail('ERR_NDMMAP_EXPR', `expression must be a string, got ${show(expr)}`);
  // each operation in numpy's dtype; the result dtype is the values' dtype
  const p = compileExpr(expr, { inputs: [a.dtype] });
  const dt = parseDtype(p.dtype);
  return { a, operands: [a], dtype: dt, value: { code: p.code, consts: p.consts } };
}

let nonces = 0n;

/** A key-mode spec (native/stats/dist.h): one output's windows, and the words the pass updates. */
export interface KeySpec {
  words: BigUint64Array;
  /** Keys collected into window w (collect, bracket). */
  cursor(w: number): bigint;
  /** Keys below window w (bracket). */
  below(w: number): bigint;
  /** Word 2: the NaNs (bracket). */
  nan(): bigint;
}

/** A key-mode spec: `word2` is the bucket bits (histograms) or the sampling step (collect). */
export function keySpec(mode: number, word2: number, windows: { lo: bigint; hi: bigint; shift: number; base: number; cap: number }[]): KeySpec {
  const W = windows.length;
  const s = shared.u64(DIST_SPEC_HEAD + 2 + W * DIST_WINDOW_WORDS);
  s[0] = BigInt(mode); s[1] = 1n; s[2] = BigInt(word2); s[3] = BigInt(W); s[4] = ++nonces;
  s[DIST_SPEC_HEAD] = 0n; s[DIST_SPEC_HEAD + 1] = BigInt(W);
  const at = (w: number): number => DIST_SPEC_HEAD + 2 + w * DIST_WINDOW_WORDS;
  windows.forEach((w, i) => {
    const k = at(i);
    s[k] = w.lo; s[k + 1] = w.hi; s[k + 2] = BigInt(w.shift); s[k + 3] = BigInt(w.base); s[k + 4] = BigInt(w.cap);
  });
  return { words: s, cursor: (w) => s[at(w) + 5], below: (w) => s[at(w) + 2], nan: () => s[2] };
}

/** Typed arrays on shared memory (workers write into them). */
export const shared = {
  u64: (n: number): BigUint64Array => new BigUint64Array(new SharedArrayBuffer(Math.max(1, n) * 8)),
  i64: (n: number): BigInt64Array => new BigInt64Array(new SharedArrayBuffer(Math.max(1, n) * 8)),
  f64: (n: number): Float64Array => new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8)),
};

/**
 * Run one pass: every block of `plan` (or those of `blocks`) through dist() with `spec` into `out`.
 * Settles only once no worker touches the data any more (runCall's rule).
 */
export async function runPass(src: Source, plan: ReducePlan, valueType: DTypeName, spec: BigUint64Array | Float64Array,
  out: BigInt64Array | BigUint64Array | Float64Array, edges: Float64Array | null, opts: RunOptions,
  blocks = plan.blocks, extra: MemMap[] = []): Promise<void> {
  const operands = [...src.operands, ...extra];
  for (const m of operands) m.checkFile();
  const bytes = blocks.reduce((t, b) => t + b.bytes, 0);
  const inline = runsInline(bytes);
  const task: DistTask = {
    kind: 'dist', control: newControl(inline), kernel: 0, valueType: parseDtype(valueType).code,
    operands: operands.map((m) => [m.mapping.id, m.dtype.code, isSwapped(m.dtype) ? 1 : 0]),
    maskOperand: -1, param: [0, 0], value: src.value, mask: null,
    valueRound: src.value === null ? -1 : src.dtype.code, blocks,
    spec: spec.buffer as SharedArrayBuffer, specType: spec instanceof Float64Array ? 'f64' : 'u64', specAt: [spec.byteOffset, spec.length],
    out: out.buffer as SharedArrayBuffer, outType: out instanceof BigInt64Array ? 'i64' : out instanceof BigUint64Array ? 'u64' : 'f64',
    outAt: [out.byteOffset, out.length],
    edges,
  };
  if (inline) runInline(task, bytes, opts);
  else await runCall(task, bytes, opts, src.a.layout);
  // close() during the call: blocks that had started finished, the rest were skipped — never use those.
  for (const m of operands) m.mapping.check();
}
