/**
 * `ndmmap sum|prod|mean|min|max|var|std|argmin|argmax FILE [--axis K] [--ddof N] [--rows A:B] [--partial]`.
 */
import { type Scalar } from '../../dtype.js';
import { fail } from '../../errors.js';
import { type ReduceName, resultDtype } from '../../engine/ops.js';
import { reducePartial } from '../../engine/partial.js';
import { type NDResult, reduce as reduceArray } from '../../engine/reduce.js';
import { USAGE, intOption, numberOption, parse, rowsOption } from '../args.js';
import { formatJson, formatText } from '../format.js';
import { openFile } from '../open.js';
import { progressBar } from '../progress.js';

/** Run one reduction command; `name` is the command word. */
export async function reduceCommand(name: ReduceName, args: string[]): Promise<void> {
  const { values, positionals } = parse('reduce', args, { min: 1, max: 1 }, name);
  const axis = intOption(values.axis, 'axis');
  const ddof = numberOption(values.ddof, 'ddof');
  if (ddof !== undefined && name !== 'var' && name !== 'std') fail(USAGE, `--ddof is for var and std, not ${name}`);
  const threads = intOption(values.threads, 'threads', 1, 256);
  const rows = rowsOption(values.rows);
  const a = openFile(positionals[0], values, 'r');
  try {
    if (values.partial) {
      if (a.ndim === 0) fail('ERR_NDMMAP_INDEX', '--partial needs an array with at least one dimension (rows)');
      const n = a.shape[0];
      const p = await reducePartial(name, a, { axis, ddof, threads, rows: rows && [rows[0] ?? 0, rows[1] ?? n] });
      process.stdout.write(JSON.stringify(p) + '\n');
      return;
    }
    if (rows !== undefined && a.ndim === 0) fail('ERR_NDMMAP_INDEX', '--rows needs an array with at least one dimension');
    const view = rows === undefined ? a : a.slice(`${rows[0] ?? ''}:${rows[1] ?? ''}`);
    const bar = progressBar(name, process.stderr, !values.json && !values.quiet);
    let r: Scalar | NDResult;
    try {
      r = (await reduceArray(name, view, { axis, ddof, threads, onProgress: bar.onProgress })) as Scalar | NDResult;
    } finally {
      bar.done();
    }
    const printable = typeof r === 'object' ? r : { scalar: r, dtype: resultDtype(name, a.dtype) };
    process.stdout.write((values.json ? formatJson(printable) : formatText(printable)) + '\n');
  } finally {
    a.close();
  }
}
