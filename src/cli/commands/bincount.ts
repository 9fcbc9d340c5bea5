/**
 * `ndmmap bincount` as a command object; its body, bincount-run.ts, is imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT, RUN, SHARDS } from '../args.js';
import { LAYOUT_HELP, RUN_HELP } from '../help.js';

/** `ndmmap bincount`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'bincount',
  usage: `ndmmap bincount FILE [--minlength N] [--weights W] [--out F.npy] [LAYOUT] [SHARD] [--json]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, minlength: { type: 'string' }, weights: { type: 'string' }, 'weights-dtype': { type: 'string' }, out: { type: 'string' },
  },
  help: `Usage: ndmmap bincount FILE [options] [LAYOUT]

numpy's bincount: how many times each non-negative integer occurs in a 1-D array.
  --minlength N       at least N bins
  --weights FILE2     sum weights (same shape, any numeric or bool dtype) instead of counting (float64)
  --weights-dtype DT  the dtype of a raw weights file (default: --dtype)
  --rows START:STOP   only rows START:STOP
  --shard-index I --shards N   shard I's rows (with --partial alone: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)
  --partial           print a mergeable state; 'merge' adds the counts
  --out F.npy         save the counts (np.save's bytes) instead of printing them
  --json              print {"result": [...]} (with --out: {"out", "shape", "dtype"})
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: async (args) => (await import('./bincount-run.js')).bincountCommand(args),
};
