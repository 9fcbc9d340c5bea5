/**
 * The `ndmmap` command as a function: dispatch to src/cli/commands/, print one `ndmmap: <message>`
 * line and resolve to 2 (usage) or 1 (runtime) on failure. src/cli.ts runs it as the process; the
 * tests run many invocations in one process through it (test/cli/helpers.ts).
 */
import { fail } from '../errors.js';
import { shutdown } from '../engine/pool.js';
import { REDUCE_NAMES } from '../engine/reductions/index.js';
import { USAGE } from './args.js';
import { applyCommand } from './commands/apply.js';
import { create } from './commands/create.js';
import { demo } from './commands/demo.js';
import { info } from './commands/info.js';
import { mergeCommand } from './commands/merge.js';
import { dotCommand } from './commands/dot.js';
import { searchCommand } from './commands/search.js';
import { topkCommand } from './commands/topk.js';
import { REDUCE_COMMANDS } from './commands/reduce.js';
import { EXIT_USAGE, errorLine, exitCodeFor } from './errors.js';
import { HELP, QUANTILE_NAMES } from './help.js';

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  info, create, demo, apply: applyCommand, merge: mergeCommand, dot: dotCommand, topk: topkCommand, search: searchCommand,
  // the distributed commands load on use too: their modules (every mergeable operation's) stay out of a local run's start-up
  submit: async (args) => (await import('./commands/submit.js')).submitCommand(args),
  worker: async (args) => (await import('./commands/worker.js')).workerCommand(args),
  // the distribution commands load on use: a reduction's start-up stays as short as it was
  histogram: async (args) => (await import('./commands/histogram.js')).histogramCommand(args),
  bincount: async (args) => (await import('./commands/bincount.js')).bincountCommand(args),
  ...Object.fromEntries(REDUCE_COMMANDS.map((c) => [c.name, c.run])),
  ...Object.fromEntries(QUANTILE_NAMES.map((name) => [name, async (args: string[]) => (await import('./commands/quantile.js')).runQuantile(name, args)])),
};
/** The help page of a command (reductions share one, the quantile family another). */
const helpOf = (cmd: string): string | undefined => HELP[REDUCE_NAMES.includes(cmd) ? 'reduce' : QUANTILE_NAMES.includes(cmd) ? 'quantile' : cmd];

/**
 * Run the CLI on `argv` (without node and the script); resolves to the exit status.
 * @example process.exitCode = await main(['sum', 'data.npy', '--json']);
 */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    process.stderr.write(HELP.main);
    return EXIT_USAGE;
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write((rest[0] === undefined ? undefined : helpOf(rest[0])) ?? HELP.main);
    return 0;
  }
  try {
    const run = COMMANDS[cmd];
    if (run === undefined) fail(USAGE, `unknown command '${cmd}' (commands: info, ${REDUCE_NAMES.join(', ')}, ${QUANTILE_NAMES.join(', ')}, histogram, bincount, dot, topk, search, create, apply, merge, submit, worker, demo)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(helpOf(cmd) ?? HELP.main);
      return 0;
    }
    await run(rest);
    return 0;
  } catch (err) {
    process.stderr.write(errorLine(err) + '\n');
    return exitCodeFor(err);
  } finally {
    await shutdown();
  }
}
