/**
 * `ndmmap unique` as a command object; its body, unique-run.ts, is imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT, RUN } from '../args.js';
import { LAYOUT_HELP, RUN_HELP } from '../help.js';

/** `ndmmap unique`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'unique',
  usage: `ndmmap unique FILE [--axis K] [--counts [--top N]] [--out PREFIX] [LAYOUT] [--json]`,
  options: { ...COMMON, ...LAYOUT, ...RUN, json: { type: 'boolean' }, counts: { type: 'boolean' }, top: { type: 'string' }, out: { type: 'string' }, axis: { type: 'string' } },
  help: `Usage: ndmmap unique FILE [options] [LAYOUT]

numpy's unique of the flattened array: its sorted distinct values (NaN last, one NaN for all).
  --axis K       the distinct slices along axis K instead (numpy's unique(a, axis=K): rows for 0 of
                 a 2-D file), compared as numpy does (a slice holding NaN equals no other)
  --counts       with how often each occurs: on a terminal a table of the most frequent values
                 (count descending, ties by value) and a bar per value
  --top N        rows of that table (default 20; 0: all)
  --out PREFIX   save PREFIX.values.npy (and PREFIX.counts.npy with --counts) instead of printing
  --json         print {"values": [...]} (with --counts also "counts", every value in numpy's order)
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: async (args) => (await import('./unique-run.js')).uniqueCommand(args),
};
