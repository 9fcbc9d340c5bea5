/**
 * Every command of `ndmmap`, in the order `ndmmap --help` and docs/cli.md list them. A command's
 * object (src/cli/command.ts) carries its flags, synopsis, help page and body; the dispatch table,
 * the option tables and the help overview are derived here.
 */
import type { Command, Opt } from '../command.js';
import { mainHelp } from '../help.js';
import { command as info } from './info.js';
import { command as reduce } from './reduce.js';
import { command as dot } from './dot.js';
import { command as topk } from './topk.js';
import { command as search } from './search.js';
import { command as quantile } from './quantile.js';
import { command as histogram } from './histogram.js';
import { command as bincount } from './bincount.js';
import { command as sort, argsortCommand as argsort } from './sort.js';
import { command as create } from './create.js';
import { command as apply } from './apply.js';
import { command as merge } from './merge.js';
import { command as submit } from './submit.js';
import { command as worker } from './worker.js';
import { command as demo } from './demo.js';
import { command as scan } from './scan.js';
import { command as unique } from './unique.js';
import { command as searchsorted } from './searchsorted.js';

/** The commands, in the help's order. */
export const COMMANDS: readonly Command[] = [info, reduce, dot, topk, search, quantile, histogram, bincount, sort, argsort, unique, searchsorted, scan, create, apply, merge, submit, worker, demo];

/** The command each word runs (`sum` runs the reductions' command). */
export const BY_WORD: ReadonlyMap<string, Command> = new Map(COMMANDS.flatMap((c) => (c.names ?? [c.name]).map((w) => [w, c] as const)));

/** Every command word, in the help's order. */
export const WORDS: readonly string[] = [...BY_WORD.keys()];

/** The flags each command accepts, by command name. */
export const COMMAND_OPTIONS: Readonly<Record<string, Readonly<Record<string, Opt>>>> = Object.fromEntries(COMMANDS.map((c) => [c.name, c.options]));

/** `ndmmap --help`. */
export const MAIN_HELP = mainHelp(COMMANDS);
