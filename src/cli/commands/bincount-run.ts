/**
 * `ndmmap bincount FILE [--minlength N] [--weights FILE2] [--rows A:B | --shard-index I --shards N] [--partial] [--json]`:
 * numpy's bincount of a 1-D array of non-negative integers.
 */
import { bincount } from '../../engine/stats/histogram.js';
import { bincountPartial } from '../../engine/stats/partial.js';
import { intOption, parse } from '../args.js';
import { rowsOf } from '../shard.js';
import { emit, outOption } from '../save-out.js';
import { openFile } from '../open.js';
import { openWeights } from './weights.js';
import { command } from './bincount.js';

/** Run `bincount`. */
export async function bincountCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  const out = outOption(values, 'bincount');
  const minlength = intOption(values.minlength, 'minlength');
  const threads = intOption(values.threads, 'threads', 1, 256);
  const a = openFile(positionals[0], values, 'r');
  const w = openWeights(values);
  try {
    const options = { minlength, threads, weights: w };
    const rows = rowsOf(values, a.shape);
    if (values.partial) {
      const p = await bincountPartial(a, { ...options, rows });
      process.stdout.write(JSON.stringify(p) + '\n');
      return;
    }
    const sl = (m: typeof a): typeof a => (rows === undefined ? m : m.slice(`${rows[0]}:${rows[1]}`));
    const r = await bincount(sl(a), { ...options, weights: w && sl(w) });
    const printable = { shape: [r.length], dtype: r instanceof BigInt64Array ? 'int64' as const : 'float64' as const, data: r };
    await emit(values, out, printable);
  } finally {
    w?.close();
    a.close();
  }
}
