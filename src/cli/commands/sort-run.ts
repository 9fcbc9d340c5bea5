/**
 * The bodies of `ndmmap sort` and `ndmmap argsort` (src/cli/commands/sort.ts): parse, check every flag
 * before FILE is opened for writing or an --out file is created, run with a progress bar.
 */
import { fail } from '../../errors.js';
import { type MemMap } from '../../memmap.js';
import { argsort, sort, sortInPlace } from '../../engine/order/sort.js';
import { USAGE, intOption, parse } from '../args.js';
import { openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { argsortCommand, command } from './sort.js';

function axisOf(v: unknown): number | null {
  if (v === undefined) return -1;
  const t = String(v).trim().toLowerCase();
  return t === 'none' || t === 'null' ? null : intOption(t, 'axis')!;
}

/** Run `ndmmap sort` or `ndmmap argsort`. */
export async function runSort(word: 'sort' | 'argsort', args: string[]): Promise<void> {
  const { values, positionals } = parse(word === 'sort' ? command : argsortCommand, args, { min: 1, max: 1 }, word);
  const axis = axisOf(values.axis);
  const out = values.out === undefined ? undefined : String(values.out);
  if (out === '') fail(USAGE, `${word}: --out needs a file name`);
  if (word === 'argsort' && out === undefined) fail(USAGE, 'argsort: --out IDX.npy is required');
  if (out !== undefined && !/\.npy$/i.test(out)) fail(USAGE, `${word}: --out must name a .npy file, got '${out}'`);
  if (word === 'sort' && out === undefined && axis === null) fail(USAGE, 'sort: --axis none flattens into a new array: give --out F.npy');
  const threads = intOption(values.threads, 'threads', 1, 256);
  const inPlace = word === 'sort' && out === undefined;
  const a = openFile(positionals[0], values, inPlace ? 'r+' : 'r');
  const bar = progressBar(word, process.stderr, !values.json && !values.quiet);
  let r: MemMap | undefined;
  try {
    const opts = { axis, threads, onProgress: bar.onProgress, ...(values.stable ? { kind: 'stable' } : {}) };
    if (inPlace) await sortInPlace(a, { ...opts, axis: axis! });
    else r = await (word === 'sort' ? sort : argsort)(a, { ...opts, out }) as MemMap;
  } finally {
    bar.done();
    a.close();
  }
  if (values.json) process.stdout.write(JSON.stringify(r ? { out, shape: r.shape, dtype: r.dtype.name } : { sorted: positionals[0] }) + '\n');
  r?.close();
}
