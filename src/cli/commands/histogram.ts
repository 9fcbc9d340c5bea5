/**
 * `ndmmap histogram` as a command object; its body, histogram-run.ts, is imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT, RUN, SHARDS } from '../args.js';
import { LAYOUT_HELP, RUN_HELP } from '../help.js';

/** `ndmmap histogram`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'histogram',
  usage: `ndmmap histogram FILE [--bins N|E,E...] [--range LO,HI] [--weights W] [--density] [--out PREFIX]
       [LAYOUT] [SHARD] [--json]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, bins: { type: 'string' }, range: { type: 'string' },
    weights: { type: 'string' }, 'weights-dtype': { type: 'string' }, density: { type: 'boolean' }, expr: { type: 'string' }, out: { type: 'string' },
  },
  help: `Usage: ndmmap histogram FILE [options] [LAYOUT]

numpy's histogram: counts of values in equal-width bins over --range (default: the data's min and
max, one more pass) or in bins with the given edges; the last bin is closed. On a terminal it prints a
bar chart, one line per bin (edges, count, bar) fitted to the terminal width.
  --bins N | E0,E1,... | NAME
                        number of bins (default 10), increasing edges, or numpy's estimator of the
                        count: auto, fd, doane, scott, stone, rice, sturges, sqrt
  --range LO,HI         the range of equal-width bins; values outside are ignored
  --weights FILE2       weights (same shape; same LAYOUT flags for a raw file): sums instead of counts,
                        in the weights' dtype as numpy's
  --weights-dtype DT    the dtype of a raw weights file (default: --dtype)
  --density             probability density (count / width / total)
  --expr EXPR           histogram of an expression of x, e.g. 'log1p(x)'
  --rows START:STOP     only rows START:STOP of the first axis
  --shard-index I --shards N (or --rows-per-shard R)   shard I's rows (with --partial alone:
                        JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID give I)
  --partial             print a mergeable state (needs --range or edges); 'merge' adds the counts.
                        Automatic ranges over shards: run min and max with --partial, merge each, then
                        pass --range MIN,MAX to every shard
  --out PREFIX          save PREFIX.counts.npy and PREFIX.edges.npy (np.save's bytes) instead of printing
  --json                print {"counts": [...], "edges": [...]} (with --out: what was written)
${RUN_HELP}

${LAYOUT_HELP}
`,
  // the distribution commands load on use: a reduction's start-up stays as short as it was
  run: async (args) => (await import('./histogram-run.js')).histogramCommand(args),
};
