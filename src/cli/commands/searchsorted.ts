/**
 * `ndmmap searchsorted` as a command object; its body, searchsorted-run.ts, is imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT, RUN } from '../args.js';
import { LAYOUT_HELP, RUN_HELP } from '../help.js';

/** `ndmmap searchsorted`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'searchsorted',
  usage: `ndmmap searchsorted SORTED QUERIES [--side left|right] [--sorter S.npy] [--out IDX.npy] [LAYOUT] [--json]`,
  options: { ...COMMON, ...LAYOUT, ...RUN, json: { type: 'boolean' }, side: { type: 'string' }, sorter: { type: 'string' }, out: { type: 'string' } },
  help: `Usage: ndmmap searchsorted SORTED QUERIES [options] [LAYOUT]

numpy's searchsorted: for each value of QUERIES (a .npy of any shape), the index where it would be
inserted into the sorted 1-D SORTED to keep it sorted (int64, QUERIES' shape). SORTED is read in place;
both sides compare in numpy's common dtype (int64 vs float64 compares as float64), NaN sorts last. An
unsorted SORTED gives an undefined (numpy's too) but safe answer. LAYOUT flags describe SORTED.
  --side S         left (default): the first such index; right: the last
  --sorter S.npy   int64 indices that sort SORTED (an argsort result), SORTED's length
  --out IDX.npy    write the indices there (atomically) instead of printing them
  --json           print {"result": [...]} (with --out: {"out", "shape", "dtype"})
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: async (args) => (await import('./searchsorted-run.js')).searchsortedCommand(args),
};
