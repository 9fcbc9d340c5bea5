/**
 * `ndmmap search EMB.npy --query Q.npy [--k 10] [--metric dot|cosine|l2] [--filter F.npy]`: the k
 * nearest rows to each query (Q.npy holds (D,) or (Q, D)); `--rows A:B --partial` prints a mergeable
 * state for `ndmmap merge`.
 */
import { fail } from '../../errors.js';
import { searchPartial } from '../../engine/embed/partial.js';
import { type Metric, search } from '../../engine/embed/search.js';
import { type MemMap } from '../../memmap.js';
import { openNpy } from '../../npy.js';
import { USAGE, intOption, parse, COMMON, LAYOUT, RUN, SHARDS } from '../args.js';
import { rowsOf } from '../shard.js';
import { isNpy, openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { printSearch } from './embed-print.js';
import { RUN_HELP } from '../help.js';
import type { Command } from '../command.js';
import { emitParts, outOption } from '../save-out.js';

function npyArg(v: string | boolean | string[] | undefined, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !isNpy(v)) fail(USAGE, `search: --${flag} must be a .npy file, got '${String(v)}'`);
  return v;
}

/** Run `search`. */
export async function searchCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  const out = outOption(values, 'search', ['indices', 'scores']);
  const queryFile = npyArg(values.query, 'query');
  if (queryFile === undefined) fail(USAGE, 'search: --query Q.npy is required');
  // --filter F.npy (bool, (N,)) or an expression of the row index such as 'i0 < 500000'
  const filterExpr = typeof values.filter === 'string' && !isNpy(values.filter) ? values.filter : undefined;
  const filterFile = filterExpr === undefined ? npyArg(values.filter, 'filter') : undefined;
  const k = intOption(values.k, 'k');
  const threads = intOption(values.threads, 'threads', 1, 256);
  const metric = (values.metric ?? 'dot') as Metric;
  const a = openFile(positionals[0], values, 'r');
  const opened: MemMap[] = [a];
  try {
    const q = openNpy(queryFile, { mode: 'r' });
    opened.push(q);
    const file = filterFile === undefined ? undefined : openNpy(filterFile, { mode: 'r' });
    if (file !== undefined) opened.push(file);
    const filter = file ?? filterExpr;
    const rows = rowsOf(values, a.shape);
    const options = { k: k ?? Math.min(10, a.shape[0] ?? 0), metric, threads, filter, rows };
    if (values.partial) {
      process.stdout.write(JSON.stringify(await searchPartial(a, q, options)) + '\n');
      return;
    }
    const bar = progressBar('search', process.stderr, !values.json && !values.quiet);
    try {
      const r = await search(a, q, { ...options, onProgress: bar.onProgress });
      bar.done();
      if (out !== undefined) await emitParts(values, out, [['indices', r.indices], ['scores', r.scores]]);
      else process.stdout.write(printSearch(r, values.json === true) + '\n');
    } finally {
      bar.done();
    }
  } finally {
    for (const m of opened) m.close();
  }
}

/** `ndmmap search`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'search',
  usage: `ndmmap search EMB.npy --query Q.npy [--k 10] [--metric dot|cosine|l2] [--filter F.npy|EXPR]
       [--out PREFIX] [SHARD] [--threads N] [--json]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, query: { type: 'string' }, k: { type: 'string' }, metric: { type: 'string' },
    filter: { type: 'string' }, out: { type: 'string' },
  },
  help: `Usage: ndmmap search EMB.npy --query Q.npy [--k 10] [--metric dot|cosine|l2] [--filter F.npy|EXPR] [--out PREFIX] [--json]

Brute-force nearest neighbours over an (N, D) file in one pass: for each query (Q.npy holds one (D,)
or several (Q, D), Q <= 64) the k best rows and their scores. dot and cosine rank largest first, l2
(Euclidean distance) smallest first; ties go to the lower row, NaN scores last.
  --k K            rows per query (default 10)
  --metric M       dot (default), cosine or l2
  --filter F.npy|EXPR   a bool (N,) file, or a bool expression of the row index i0 ('i0 < 500000'): only rows where it is true
  --rows A:B       only rows A:B (indices stay those of the whole file)
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial        print a mergeable state for rows A:B; see 'ndmmap merge'
  --out PREFIX     save PREFIX.indices.npy (int64) and PREFIX.scores.npy instead of printing them
  --json           print {"indices": [...], "scores": [...]} (with --out: what was written)
${RUN_HELP}
`,
  run: (args) => searchCommand(args),
};
