/**
 * `ndmmap cumsum|cumprod|nancumsum|nancumprod|diff` as a command object; its body, scan-run.ts, is
 * imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT, RUN } from '../args.js';
import { LAYOUT_HELP, RUN_HELP } from '../help.js';

/** `ndmmap cumsum` and friends: their flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'cumsum',
  names: ['cumsum', 'cumprod', 'nancumsum', 'nancumprod', 'diff'],
  usage: `ndmmap cumsum|cumprod|nancumsum|nancumprod FILE [--axis K] [--result-dtype D] [--out F.npy] [LAYOUT]
       [--threads N] [--json]
ndmmap diff FILE [--n N] [--axis K] [--prepend V] [--append V] [--out F.npy] [LAYOUT] [--threads N] [--json]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, json: { type: 'boolean' }, axis: { type: 'string' }, 'result-dtype': { type: 'string' }, out: { type: 'string' },
    n: { type: 'string' }, prepend: { type: 'string' }, append: { type: 'string' },
  },
  help: `Usage: ndmmap cumsum|cumprod|nancumsum|nancumprod FILE [options] [LAYOUT]
       ndmmap diff FILE [options] [LAYOUT]

numpy's cumulative sums and products (nancum*: NaN counts as 0 or 1) along an axis, natively and in
parallel, and numpy's diff (the n-th difference along an axis).
  --axis K            the axis (negative counts from the end); cum*: default the flattened array, diff: -1
  --result-dtype D    cum*: the accumulator's and result's dtype (numpy's dtype=; default int64 for bool and
                      signed ints, uint64 for unsigned, else the file's)
  --n N               diff: rounds of differencing (default 1)
  --prepend V --append V   diff: a number put before/after the values along the axis
  --out F.npy         save the result (np.save's bytes, written atomically) instead of printing it
  --json              print {"result": [...]} (with --out: {"out", "shape", "dtype"})
Results of more than 100000 values are not printed: give --out.
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: async (args, word) => (await import('./scan-run.js')).scanCommand(args, word),
};
