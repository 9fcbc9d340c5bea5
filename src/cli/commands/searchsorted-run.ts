/**
 * `ndmmap searchsorted SORTED QUERIES [--side left|right] [--sorter S.npy] [--out IDX.npy] [--json]`.
 */
import { fail } from '../../errors.js';
import { type MemMap } from '../../memmap.js';
import { openNpy } from '../../npy.js';
import { searchsorted } from '../../engine/order/search.js';
import { type NDResult } from '../../engine/reduce.js';
import { USAGE, intOption, parse } from '../args.js';
import { openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { emit, outOption } from '../save-out.js';
import { command } from './searchsorted.js';

/** Run `searchsorted`. */
export async function searchsortedCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 2, max: 2 });
  const out = outOption(values, 'searchsorted');
  const side = values.side === undefined ? 'left' : String(values.side);
  if (side !== 'left' && side !== 'right') fail(USAGE, `searchsorted: --side must be left or right, got '${side}'`);
  const threads = intOption(values.threads, 'threads', 1, 256);
  const a = openFile(positionals[0], values, 'r');
  const opened: MemMap[] = [a];
  try {
    const q = openNpy(positionals[1], { mode: 'r' });
    opened.push(q);
    const sorter = values.sorter === undefined ? undefined : openNpy(String(values.sorter), { mode: 'r' });
    if (sorter) opened.push(sorter);
    const bar = progressBar('searchsorted', process.stderr, !values.json && !values.quiet);
    let r;
    try {
      r = await searchsorted(a, q, { side, sorter, threads, out, onProgress: bar.onProgress });
    } finally {
      bar.done();
    }
    if (out !== undefined) {
      const m = r as MemMap;
      if (values.json) process.stdout.write(JSON.stringify({ out, shape: m.shape, dtype: 'int64' }) + '\n');
      m.close();
      return;
    }
    await emit(values, undefined, r as NDResult);
  } finally {
    for (const m of opened) m.close();
  }
}
