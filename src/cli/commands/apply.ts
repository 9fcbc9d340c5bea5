/**
 * `ndmmap apply FILE --expr EXPR [--var NAME=FILE|NUMBER]… [--out FILE2] [--out-dtype D] [LAYOUT]`:
 * evaluate an elementwise expression of `x` (FILE) and the vars into FILE2 (created with FILE's dtype,
 * or --out-dtype, and the broadcast shape) or in place. Everything — the vars, the expression, the
 * shapes — is checked before any file is created or opened for writing.
 */
import fs from 'node:fs';
import { dtype as parseDtype, type DType } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { compileExpr, type VarType } from '../../expr/index.js';
import { type MemMap, memmap } from '../../memmap.js';
import { createNpy, openNpy } from '../../npy.js';
import { USAGE, intOption, parse, COMMON, LAYOUT, RUN } from '../args.js';
import { apply } from '../../engine/elementwise.js';
import { broadcastShapes, checkInto } from '../../engine/operands.js';
import { isNpy, openFile } from '../open.js';
import { inputAt } from '../out-target.js';
import { failedWrite, onInterrupt } from '../interrupt.js';
import { progressBar, summaryLine } from '../progress.js';
import { LAYOUT_HELP, RUN_HELP } from '../help.js';
import type { Command } from '../command.js';

/** The order of an output of `shape` made from `a`: FILE's order when the shape is FILE's. */
const orderLike = (a: MemMap, shape: number[]): 'C' | 'F' => (a.order === 'F' && shape.join() === a.shape.join() ? 'F' : 'C');

/** Create the output file: `dt` and `shape`, FILE's order when the shape is FILE's. */
export function createLike(file: string, a: MemMap, dt: DType = a.dtype, shape: number[] = a.shape): MemMap {
  const order = orderLike(a, shape);
  return isNpy(file) ? createNpy(file, { dtype: dt, shape, order }) : memmap(file, { dtype: dt, shape, order, mode: 'w+' });
}

/**
 * A `--var NAME=VALUE`: a number (an integer is a Python int, anything with a point or an exponent a
 * Python float; nan, inf) or a `.npy` file, opened read-only.
 * @throws `ERR_NDMMAP_USAGE` for a malformed or repeated var, or a file that is not a .npy.
 */
export function parseVar(text: string, vars: Map<string, MemMap | number | bigint | { float: number }>, command = 'apply'): void {
  const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(text);
  if (m === null) fail(USAGE, `${command}: --var must be NAME=FILE or NAME=NUMBER, got ${show(text)}`);
  const [, name, value] = m;
  if (vars.has(name)) fail(USAGE, `${command}: --var ${name} is given twice`);
  const t = value.trim().toLowerCase();
  if (/^[+-]?\d+$/.test(t)) vars.set(name, BigInt(t));
  else if (/^[+-]?(nan|inf|infinity)$/.test(t)) vars.set(name, { float: t.includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity });
  else if (t !== '' && Number.isFinite(Number(t))) vars.set(name, { float: Number(t) });
  else if (isNpy(value)) vars.set(name, openNpy(value, { mode: 'r' }));
  else fail(USAGE, `${command}: --var ${name}=${value}: a file must be a .npy (it carries its dtype and shape), or give a number`);
}

/** Run `apply`. */
export async function applyCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  const file = positionals[0];
  const expr = values.expr;
  if (typeof expr !== 'string') fail(USAGE, "apply: --expr is required (e.g. --expr 'x * 2 + 1')");
  const out = values.out as string | undefined;
  if (values['out-dtype'] !== undefined && out === undefined) fail(USAGE, 'apply: --out-dtype needs --out (in place, FILE keeps its dtype)');
  const outDtype = values['out-dtype'] === undefined ? undefined : parseDtype(values['out-dtype'] as string);
  const threads = intOption(values.threads, 'threads', 1, 256);
  const vars = new Map<string, MemMap | number | bigint | { float: number }>();
  const t0 = performance.now();
  let a: MemMap | undefined;
  let dest: MemMap | undefined;
  try {
    for (const v of (values.var as string[] | undefined) ?? []) parseVar(v, vars);
    // Read-only first: opening 'r+' would grow a raw file that is shorter than --shape asks.
    a = openFile(file, values, 'r');
    const types: Record<string, VarType> = { x: a.dtype };
    for (const [k, v] of vars) types[k] = typeof v === 'object' && 'dtype' in v ? v.dtype : typeof v === 'object' ? v.float : v;
    const program = compileExpr(expr, { vars: types, ndim: a.ndim });
    const shapes = [a.shape, ...program.names.map((n) => vars.get(n)).filter((v): v is MemMap => typeof v === 'object' && 'dtype' in v).map((m) => m.shape)];
    const shape = broadcastShapes(shapes);
    // in place, the expression must broadcast into FILE (leading length-1 dims drop, as numpy's assignment)
    if (out === undefined) checkInto(shape, a.shape);
    // --out may be FILE or a --var file under another name: then it is written in place (same layout) or refused
    const inputs: [string, MemMap][] = [['FILE', a]];
    for (const [k, v] of vars) if (typeof v === 'object' && 'dtype' in v) inputs.push([`--var ${k}`, v]);
    const dt = outDtype ?? a.dtype;
    const same = out === undefined ? a : inputAt(out, inputs, { dtype: dt, shape, order: orderLike(a, shape) });
    let created: string | undefined; // removed if the write fails: it would hold no result
    if (same === undefined) { dest = createLike(out!, a, dt, shape); created = out; }
    else if (same === a) { a.close(); a = openFile(file, values, 'r+'); }
    else dest = openNpy(same.filename, { mode: 'r+' }); // a --var's file, which keeps being read through its own map
    const stop = onInterrupt(() => { if (created !== undefined) fs.rmSync(created, { force: true }); });
    // the bar shows the written file once (the engine counts every operand: in place, the file twice)
    const bar = progressBar('apply', process.stderr, !values.quiet, { passBytes: (dest ?? a).nbytes });
    try {
      await apply(a, expr, { ...(dest !== undefined ? { out: dest } : {}), vars: Object.fromEntries(vars), threads, onProgress: bar.onProgress, signal: stop.signal });
    } catch (err) {
      throw failedWrite(err, created);
    } finally {
      bar.done();
      stop.dispose();
    }
    const target = dest ?? a;
    if (!values.quiet) {
      const what = `wrote ${out ?? file} (${expr}${out !== undefined ? ` of ${file}` : ', in place'})`;
      process.stdout.write(summaryLine(what, String(target.dtype), target.shape, target.nbytes, (performance.now() - t0) / 1000) + '\n');
    }
  } finally {
    dest?.close();
    a?.close();
    for (const v of vars.values()) if (typeof v === 'object' && 'close' in v) v.close();
  }
}

/** `ndmmap apply`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'apply',
  usage: `ndmmap apply FILE --expr EXPR [--var NAME=FILE|NUMBER]... [--out FILE2] [--out-dtype D] [LAYOUT]
       [--threads N] [--quiet]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, expr: { type: 'string' }, out: { type: 'string' }, 'out-dtype': { type: 'string' },
    var: { type: 'string', multiple: true },
  },
  help: `Usage: ndmmap apply FILE --expr EXPR [--var NAME=FILE|NUMBER]... [--out FILE2] [--out-dtype D] [LAYOUT]

Evaluate an elementwise expression of x (FILE) with numpy's semantics: every operation in numpy's
dtype for its operands, operands broadcast, the result cast into the output. In place, or into FILE2,
created with FILE's dtype (or --out-dtype) and the broadcast shape (a .npy when FILE2 ends in .npy).
Everything is checked before any file is created or opened for writing. Prints one line (what was
written, bytes, GB/s) when done, unless --quiet.
  --expr EXPR        e.g. '(x - mu) / sd', 'where(x > 0, sqrt(x), 0)', 'sin(i * 1e-6)'
  --var NAME=VALUE   a variable: a .npy file (broadcast with x), or a number (an integer is a
                     Python int, 2.0 a Python float); repeat for more
  --out FILE2        write here instead of in place; FILE or a --var file under any name (a link)
                     is written in place in the same layout, refused in another
  --out-dtype D      FILE2's dtype (default: FILE's)
  Index variables: i (flat C-order index), i0, i1, ... (index along each axis), exact int64.
  Operators + - * / // % ** & | ^ ~ << >> < <= > >= == !=; functions: numexpr's (sin ... arctanh,
  exp expm1 log log10 log2 log1p sqrt abs hypot arctan2 floor ceil trunc round sign minimum maximum
  isnan isinf isfinite where clip) and casts such as float32(x).
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: (args) => applyCommand(args),
};
