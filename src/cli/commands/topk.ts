/**
 * `ndmmap topk FILE --k K [--axis K|none] [--smallest]`: the k largest (or smallest) values along an
 * axis and their indices; `--rows A:B --partial` prints a mergeable state for `ndmmap merge`.
 */
import { fail } from '../../errors.js';
import { topkPartial } from '../../engine/embed/partial.js';
import { topk } from '../../engine/embed/topk.js';
import { USAGE, intOption, parse, COMMON, LAYOUT, RUN, SHARDS } from '../args.js';
import { rowsOf } from '../shard.js';
import { openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { printTopK } from './embed-print.js';
import { RUN_HELP } from '../help.js';
import type { Command } from '../command.js';
import { emitParts, outOption } from '../save-out.js';

/** Run `topk`. */
export async function topkCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
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

/** `ndmmap topk`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'topk',
  usage: `ndmmap topk FILE --k K [--axis K|none] [--smallest] [--out PREFIX] [LAYOUT] [SHARD] [--json]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, k: { type: 'string' }, axis: { type: 'string' }, smallest: { type: 'boolean' }, out: { type: 'string' },
  },
  help: `Usage: ndmmap topk FILE --k K [--axis K|none] [--smallest] [LAYOUT] [--rows START:STOP | --shard-index I --shards N] [--partial] [--json]

The k largest values along an axis (default the last; 'none' flattens) and their indices, sorted
best first; ties go to the lower index, NaN comes last (numpy's stable sort of -a).
  --k K            how many (1 <= K <= the axis length)
  --smallest       the k smallest instead
  --rows A:B       only rows A:B of the first axis
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial        print a mergeable state for rows A:B (indices of the whole file); see 'ndmmap merge'
  --out PREFIX     save PREFIX.values.npy and PREFIX.indices.npy (int64) instead of printing them
  --json           print {"values": [...], "indices": [...]} (with --out: what was written)
${RUN_HELP}
`,
  run: (args) => topkCommand(args),
};
