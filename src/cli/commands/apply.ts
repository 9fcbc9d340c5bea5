/**
 * `ndmmap apply FILE --expr EXPR [--out FILE2] [LAYOUT]`: evaluate an elementwise expression of `x`
 * into FILE2 (created with FILE's dtype and shape) or in place. The expression is compiled before
 * any file is created or opened for writing.
 */
import path from 'node:path';
import { fail } from '../../errors.js';
import { compileExpr } from '../../expr/index.js';
import { type MemMap, memmap } from '../../memmap.js';
import { createNpy } from '../../npy.js';
import { USAGE, intOption, parse } from '../args.js';
import { apply } from '../../engine/elementwise.js';
import { isNpy, openFile } from '../open.js';
import { progressBar, summaryLine } from '../progress.js';

/** Create the output file with the input's dtype, shape and order. */
export function createLike(file: string, a: MemMap): MemMap {
  const order = a.order === 'F' ? 'F' : 'C';
  return isNpy(file) ? createNpy(file, { dtype: a.dtype, shape: a.shape, order }) : memmap(file, { dtype: a.dtype, shape: a.shape, order, mode: 'w+' });
}

/** Run `apply`. */
export async function applyCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse('apply', args, { min: 1, max: 1 });
  const file = positionals[0];
  const expr = values.expr;
  if (typeof expr !== 'string') fail(USAGE, "apply: --expr is required (e.g. --expr 'x * 2 + 1')");
  const out = values.out as string | undefined;
  if (out !== undefined && path.resolve(out) === path.resolve(file)) fail(USAGE, 'apply: --out names FILE itself; leave out --out to write in place');
  const threads = intOption(values.threads, 'threads', 1, 256);
  // Read-only first: opening 'r+' would grow a raw file that is shorter than --shape asks.
  const probe = openFile(file, values, 'r');
  try {
    compileExpr(expr, { inputs: [probe.dtype], target: probe.dtype });
  } catch (err) {
    probe.close();
    throw err;
  }
  const t0 = performance.now();
  let a = probe;
  let dest: MemMap | undefined;
  try {
    if (out !== undefined) dest = createLike(out, a);
    else { a.close(); a = openFile(file, values, 'r+'); }
    const bar = progressBar('apply', process.stderr, !values.quiet);
    try {
      await apply(a, expr, { ...(dest !== undefined ? { out: dest } : {}), threads, onProgress: bar.onProgress });
    } finally {
      bar.done();
    }
    (dest ?? a).flush();
    const target = dest ?? a;
    if (!values.quiet) {
      const what = `wrote ${out ?? file} (${expr}${out !== undefined ? ` of ${file}` : ', in place'})`;
      process.stdout.write(summaryLine(what, String(target.dtype), target.shape, target.nbytes, (performance.now() - t0) / 1000) + '\n');
    }
  } finally {
    dest?.close();
    a.close();
  }
}
