/**
 * The `ndmmap` command as a function: dispatch to the command objects of src/cli/commands/, print one
 * `ndmmap: <message>` line and resolve to 2 (usage) or 1 (runtime) on failure. src/cli.ts runs it as
 * the process; the tests run many invocations in one process through it (test/cli/helpers.ts).
 */
import { fail } from '../errors.js';
import { shutdown } from '../engine/pool.js';
import { USAGE } from './args.js';
import { BY_WORD, MAIN_HELP, WORDS } from './commands/index.js';
import { EXIT_USAGE, errorLine, exitCodeFor } from './errors.js';

/**
 * Run the CLI on `argv` (without node and the script); resolves to the exit status.
 * @example process.exitCode = await main(['sum', 'data.npy', '--json']);
 */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) {
    process.stderr.write(MAIN_HELP);
    return EXIT_USAGE;
  }
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write((rest[0] === undefined ? undefined : BY_WORD.get(rest[0])?.help) ?? MAIN_HELP);
    return 0;
  }
  try {
    const command = BY_WORD.get(cmd);
    if (command === undefined) fail(USAGE, `unknown command '${cmd}' (commands: ${WORDS.join(', ')})`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(command.help);
      return 0;
    }
    await command.run(rest, cmd);
    return 0;
  } catch (err) {
    process.stderr.write(errorLine(err) + '\n');
    return exitCodeFor(err);
  } finally {
    await shutdown();
  }
}
