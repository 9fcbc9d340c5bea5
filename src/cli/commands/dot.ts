/**
 * `ndmmap dot FILE --vector V.npy [--out S.npy] [--rows A:B | --shard-index I --shards N] [--partial]`:
 * numpy's `a @ v` of a file with a vector (D,) or a matrix (D, Q); printed, written to a new .npy
 * file, or (--partial) the rows' part as a state for `ndmmap merge`.
 */
import { fail } from '../../errors.js';
import { dot } from '../../engine/embed/dot.js';
import { type NDResult } from '../../engine/reduce.js';
import { type Scalar } from '../../dtype.js';
import { openNpy } from '../../npy.js';
import { USAGE, intOption, parse, COMMON, LAYOUT, RUN, SHARDS } from '../args.js';
import { formatJson, formatText } from '../../print/format.js';
import { emit, outOption } from '../save-out.js';
import { isNpy, openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { rowsOf } from '../shard.js';
import { dotPartial } from '../../engine/dot-partial.js';
import { RUN_HELP } from '../help.js';
import type { Command } from '../command.js';

/** Run `dot`. */
export async function dotCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  if (typeof values.vector !== 'string') fail(USAGE, 'dot: --vector V.npy is required');
  if (!isNpy(values.vector)) fail(USAGE, `dot: --vector must be a .npy file, got '${values.vector}'`);
  const out = outOption(values, 'dot');
  const threads = intOption(values.threads, 'threads', 1, 256);
  const whole = openFile(positionals[0], values, 'r');
  const v = openNpy(values.vector, { mode: 'r' });
  const bar = progressBar('dot', process.stderr, !values.json && !values.quiet);
  try {
    const rows = rowsOf(values, whole.shape);
    if (values.partial) {
      process.stdout.write(JSON.stringify(await dotPartial(whole, v, { threads, rows })) + '\n');
      return;
    }
    const a = rows === undefined ? whole : whole.slice(`${rows[0]}:${rows[1]}`);
    const r = (await dot(a, v, { threads, onProgress: bar.onProgress })) as Scalar | NDResult;
    bar.done();
    const printable = typeof r === 'object' ? r : { scalar: r, dtype: (await dotDtype(a, v)) };
    await emit(values, out, printable);
  } finally {
    bar.done();
    whole.close();
    v.close();
  }
}

/** The result dtype of a scalar dot (1-D with 1-D): the promotion of the two dtypes. */
async function dotDtype(a: { dtype: { name: string } }, v: { dtype: { name: string } }): Promise<import('../../dtype.js').DTypeName> {
  const { promote } = await import('../../engine/embed/operands.js');
  return promote(a.dtype.name as never, v.dtype.name as never);
}

/** `ndmmap dot`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'dot',
  usage: `ndmmap dot FILE --vector V.npy [--out S.npy] [LAYOUT] [SHARD] [--threads N] [--json]`,
  options: { ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, vector: { type: 'string' }, out: { type: 'string' } },
  help: `Usage: ndmmap dot FILE --vector V.npy [--out S.npy] [LAYOUT] [--rows START:STOP | --shard-index I --shards N] [--partial] [--threads N] [--json]

numpy's a @ v: FILE (..., D) times V.npy, a vector (D,) or a matrix (D, Q) with Q <= 64. The result
dtype is numpy's promotion (int8 @ int8 is int8 and wraps; float16 accumulates in float32).
  --vector V.npy   the vector or matrix (a .npy file)
  --out S.npy      save the result (np.save's bytes, written atomically) instead of printing it
  --rows A:B       only rows A:B of FILE (2-D or more): rows A:B of the result
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial        print the rows' part of the result as a state for 'ndmmap merge' (which puts them in order)
  --json           print {"result": R} (with --out: {"out", "shape", "dtype"})
${RUN_HELP}
`,
  run: (args) => dotCommand(args),
};
