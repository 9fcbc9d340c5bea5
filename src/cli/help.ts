/**
 * The pieces of help text several commands share (the layout flags, the run flags, the reductions'
 * list from the registry), and the overview `ndmmap --help`, assembled from the command objects.
 */
import { REDUCTIONS } from '../engine/reductions/index.js';
import type { Command } from './command.js';

/** The quantile family's commands (src/cli/commands/quantile-run.ts runs them). */
export const QUANTILE_NAMES = ['quantile', 'percentile', 'median', 'nanquantile', 'nanpercentile', 'nanmedian'];

const width = Math.max(...REDUCTIONS.map((r) => r.name.length));
/** One line per reduction: its name and summary. */
export const REDUCTION_LIST = REDUCTIONS.map((r) => `  ${r.name.padEnd(width)}  ${r.summary}`).join('\n');
/** The reductions that take option `opt`, comma-separated. */
export const takenBy = (opt: string): string => REDUCTIONS.filter((r) => (r.options as readonly string[]).includes(opt)).map((r) => r.name).join(', ');

/** The layout flags' help. */
export const LAYOUT_HELP = `Layout of a raw file (a .npy file carries its own; these flags are an error with one):
  --dtype D        numpy name or code: float64, '<f8', '>i4', uint8, B, ... (default uint8, as numpy.memmap)
  --shape S        e.g. 100,100; one dim may be -1, inferred from the file size (default: 1-D)
  --offset BYTES   where the data starts (default 0)
  --order C|F      memory order (default C)`;

/** The run flags' help (commands on the pool). */
export const RUN_HELP = `  --threads N      threads to use (default: the pool's size, one per core)
  -q, --quiet      no progress bar (shown on a terminal for calls over 256 MiB)`;

/** What SHARD stands for in the synopses. */
const SHARD = `       SHARD: [--rows START:STOP | --shard-index I --shards N | --shard-index I --rows-per-shard R]
       [--partial] — with --partial alone, the index comes from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID`;

/** Every command's synopsis, then SHARD and the help line: docs/cli.md's command list, as is. */
export function synopsis(commands: readonly Command[]): string {
  return [...commands.map((c) => c.usage), SHARD, 'ndmmap --help | ndmmap COMMAND --help'].join('\n');
}

/** `ndmmap --help`: the synopses, the reductions, the layout flags. */
export function mainHelp(commands: readonly Command[]): string {
  return `ndmmap: numpy's memmap for Node.js, with a parallel engine

Usage:
${synopsis(commands).replace(/^/gm, '  ')}

Reductions (numpy's functions):
${REDUCTION_LIST}

${LAYOUT_HELP}

Exit status: 0 success, 2 usage error, 1 runtime error (missing file, file too small, permission).
'ndmmap COMMAND --help' shows more.
`;
}
