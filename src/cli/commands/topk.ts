/**
 * `ndmmap topk FILE --k K [--axis K|none] [--smallest]`: the k largest (or smallest) values along an
 * axis and their indices; `--rows A:B --partial` prints a mergeable state for `ndmmap merge`.
 */
import { fail } from '../../errors.js';
import { topkPartial } from '../../engine/embed/partial.js';
import { topk } from '../../engine/embed/topk.js';
import { USAGE, intOption, parse } from '../args.js';
import { rowsOf } from '../shard.js';
import { openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { printTopK } from './embed-print.js';
import { emitParts, outOption } from '../save-out.js';

/** Run `topk`. */
export async function topkCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse('topk', args, { min: 1, max: 1 });
  const out = outOption(values, 'topk', ['values', 'indices']);
  const k = intOption(values.k, 'k');
  if (k === undefined) fail(USAGE, 'topk: --k K is required');
  const axisText = values.axis === undefined ? undefined : String(values.axis).trim().toLowerCase();
  const axis = axisText === undefined ? -1 : axisText === 'none' || axisText === 'null' ? null : intOption(axisText, 'axis')!;
  const threads = intOption(values.threads, 'threads', 1, 256);
  const options = { axis, largest: !values.smallest, threads };
  const a = openFile(positionals[0], values, 'r');
  try {
    const rows = rowsOf(values, a.shape);
    if (values.partial) {
      const p = await topkPartial(a, k, { ...options, rows });
      process.stdout.write(JSON.stringify(p) + '\n');
      return;
    }
    const view = rows === undefined ? a : a.slice(`${rows[0]}:${rows[1]}`);
    const bar = progressBar('topk', process.stderr, !values.json && !values.quiet);
    try {
      const r = await topk(view, k, { ...options, onProgress: bar.onProgress });
      bar.done();
      if (out !== undefined) await emitParts(values, out, [['values', r.values], ['indices', r.indices]]);
      else process.stdout.write(printTopK(r, values.json === true) + '\n');
    } finally {
      bar.done();
    }
  } finally {
    a.close();
  }
}
