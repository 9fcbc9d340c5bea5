/**
 * `ndmmap sort FILE [--axis K|none] [--out F.npy] [--stable]` and `ndmmap argsort FILE [--axis K|none]
 * --out IDX.npy` as command objects; their body, sort-run.ts, is imported when they run.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT, RUN } from '../args.js';
import { LAYOUT_HELP, RUN_HELP } from '../help.js';

const OPTIONS = { ...COMMON, ...LAYOUT, ...RUN, json: { type: 'boolean' }, axis: { type: 'string' }, out: { type: 'string' }, stable: { type: 'boolean' } } as const;

/** `ndmmap sort`: in place, or into a new .npy. */
export const command: Command = {
  name: 'sort',
  usage: 'ndmmap sort FILE [--axis K|none] [--out F.npy] [--stable] [LAYOUT] [--threads N] [--json]',
  options: OPTIONS,
  help: `Usage: ndmmap sort FILE [--axis K|none] [--out F.npy] [--stable] [LAYOUT] [--threads N] [--json]

Sorts FILE along an axis (numpy's a.sort(axis) / np.sort): in place, or with --out into a new .npy
(FILE untouched). Every dtype and byte order; NaN sorts last; ties (and -0.0/0.0) keep their order.
  --axis K|none   the axis (default -1, the last); none flattens (with --out only), as np.sort(a, None)
  --out F.npy     write the sorted array to a new .npy (written atomically) instead of sorting FILE
  --stable        numpy's kind='stable' (the order every sort here gives; accepted for numpy's spelling)
  --json          print {"out": F, "shape": [...], "dtype": D} (or {"sorted": FILE})
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: async (args) => (await import('./sort-run.js')).runSort('sort', args),
};

/** `ndmmap argsort`: int64 indices into a new .npy. */
export const argsortCommand: Command = {
  name: 'argsort',
  usage: 'ndmmap argsort FILE [--axis K|none] --out IDX.npy [--stable] [LAYOUT] [--threads N] [--json]',
  options: OPTIONS,
  help: `Usage: ndmmap argsort FILE [--axis K|none] --out IDX.npy [--stable] [LAYOUT] [--threads N] [--json]

Writes numpy's np.argsort(a, axis, kind='stable') of FILE to a new .npy of int64 indices: ties by the
lower index, NaN last. FILE is only read.
  --axis K|none   the axis (default -1, the last); none gives flat C-order indices of the flattened array
  --out IDX.npy   the .npy to write (required)
  --stable        accepted (every argsort here is numpy's stable order)
  --json          print {"out": IDX, "shape": [...], "dtype": "int64"}
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: async (args) => (await import('./sort-run.js')).runSort('argsort', args),
};
