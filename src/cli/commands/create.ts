/**
 * `ndmmap create FILE --dtype D --shape S [--fill V] [--order C|F]`: a zero-filled raw file, or a
 * `.npy` (numpy's header) when FILE ends in .npy. Everything is checked before the file is created.
 */
import fs from 'node:fs';
import { type DType, type Scalar, castScalar, dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { memmap } from '../../memmap.js';
import { createNpy } from '../../npy.js';
import { USAGE, intOption, orderOption, parse, shapeOption, COMMON } from '../args.js';
import { fill as fillAll } from '../../engine/elementwise.js';
import { isNpy } from '../open.js';
import { summaryLine } from '../progress.js';
import { failedWrite, onInterrupt } from '../interrupt.js';
import type { Command } from '../command.js';

/**
 * A --fill value: `true`/`false`, an integer (exact, as a bigint, for integer dtypes), a float, `nan`,
 * `inf`, `-inf`; cast with numpy's rules for `a[...] = value`.
 * @throws `ERR_INVALID_ARG_VALUE` (not a number, NaN into ints), `ERR_OUT_OF_RANGE` (out of the dtype's bounds).
 */
export function fillValue(text: string, dt: DType): number | bigint {
  const t = text.trim().toLowerCase();
  let v: Scalar;
  if (t === 'true' || t === 'false') v = t === 'true';
  else if (/^[+-]?\d+$/.test(t)) v = dt.kind === 'f' ? Number(t) : BigInt(t);
  else if (/^[+-]?(nan|inf|infinity)$/.test(t)) v = t.includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity;
  else if (t !== '' && Number.isFinite(Number(t))) v = Number(t);
  else return fail('ERR_INVALID_ARG_VALUE', `--fill must be a number, true or false, got ${show(text)}`);
  return castScalar(v, dt);
}

/** Run `create`. */
export async function create(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  const file = positionals[0];
  if (values.dtype === undefined) fail(USAGE, 'create: --dtype is required (e.g. --dtype float64)');
  if (values.shape === undefined) fail(USAGE, 'create: --shape is required (e.g. --shape 1000,3)');
  const dt = parseDtype(values.dtype as string);
  const shape = shapeOption(values.shape)!;
  const order = orderOption(values.order) ?? 'C';
  const threads = intOption(values.threads, 'threads', 1, 256);
  const fill = values.fill === undefined ? undefined : fillValue(String(values.fill), dt);
  const t0 = performance.now();
  const a = isNpy(file) ? createNpy(file, { dtype: dt, shape, order }) : memmap(file, { dtype: dt, shape, order, mode: 'w+' });
  // a fill that fails or is interrupted leaves no half-filled file behind
  const stop = onInterrupt(() => fs.rmSync(file, { force: true }));
  try {
    if (fill !== undefined && a.size > 0) await fillAll(a, fill, { threads, signal: stop.signal });
  } catch (err) {
    a.close();
    throw failedWrite(err, file);
  } finally {
    stop.dispose();
    a.close();
  }
  if (!values.quiet) {
    const what = `created ${file}${fill !== undefined ? ` filled with ${String(values.fill)}` : ''}`;
    process.stdout.write(summaryLine(what, String(dt), shape, a.nbytes, (performance.now() - t0) / 1000) + '\n');
  }
}

/** `ndmmap create`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'create',
  usage: `ndmmap create FILE --dtype D --shape S [--fill V] [--order C|F] [--quiet]`,
  options: { ...COMMON, dtype: { type: 'string' }, shape: { type: 'string' }, fill: { type: 'string' }, order: { type: 'string' }, threads: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
  help: `Usage: ndmmap create FILE --dtype D --shape S [--fill V] [--order C|F] [--quiet]

Create (or overwrite) FILE holding a zero-filled array; a FILE ending in .npy gets numpy's header.
Nothing is created when an argument is invalid. Prints one line (dtype, shape, bytes, GB/s) when done.
  --fill V    fill with V (a number, nan, inf, true, false), cast as numpy's a[...] = V
  --threads N threads for --fill
  --quiet, -q no summary line
`,
  run: (args) => create(args),
};
