/**
 * What a CLI command is: one object per command under src/cli/commands/, from which the dispatch
 * table (src/cli/main.ts), the option tables, `ndmmap --help` and the command list of docs/cli.md
 * (checked by test/cli/commands.test.ts) are derived. Adding a command = one file here plus its line in
 * src/cli/commands/index.ts.
 */

/** A flag: `multiple` means it may repeat, and its values reach the command as an array. */
export interface Opt { type: 'string' | 'boolean'; short?: string; multiple?: boolean }

/** One command of `ndmmap`. */
export interface Command {
  /** The command's name (its help page and option table are found by it). */
  readonly name: string;
  /** The words that run it, when several do (the reductions, the quantile family); default `[name]`. */
  readonly names?: readonly string[];
  /** Its synopsis: the lines `ndmmap --help` and docs/cli.md list (continuation lines indented). */
  readonly usage: string;
  /** The flags it accepts (node:util parseArgs's table; `help` included). */
  readonly options: Readonly<Record<string, Opt>>;
  /** `ndmmap NAME --help`. */
  readonly help: string;
  /**
   * Run it on the arguments after the command word `word` (one of `names`). Heavy commands import their
   * body here, so that the others' start-up does not load it.
   */
  run(args: string[], word: string): Promise<void>;
}
