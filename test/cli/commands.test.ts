/**
 * The CLI's commands are objects (src/cli/command.ts): the dispatch table, the option tables, the help
 * overview and docs/cli.md's command list all come from them, so none can drift from the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDUCE_NAMES } from '../../dist/src/index.js';
import { BY_WORD, COMMANDS, COMMAND_OPTIONS, MAIN_HELP } from '../../dist/src/cli/commands/index.js';
import { QUANTILE_NAMES, synopsis } from '../../dist/src/cli/help.js';
import { ROOT, ndmmap } from './helpers.js';

describe('command objects', () => {
  it("docs/cli.md's command list is the objects' synopses", () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs/cli.md'), 'utf8');
    const block = /^```\n([\s\S]*?)```\n/m.exec(doc)?.[1];
    expect(block, 'docs/cli.md: the first fenced block lists the commands; regenerate it from synopsis(COMMANDS)').toBe(synopsis(COMMANDS) + '\n');
  });

  it('every word runs its command: the reductions and the quantile family share one each; names are unique', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const w of REDUCE_NAMES) expect(BY_WORD.get(w)?.name, w).toBe('reduce');
    for (const w of QUANTILE_NAMES) expect(BY_WORD.get(w)?.name, w).toBe('quantile');
    const words = COMMANDS.flatMap((c) => c.names ?? [c.name]);
    expect(BY_WORD.size).toBe(words.length);
  });

  it('each command has its option table, help page and synopsis line in `ndmmap --help`', () => {
    for (const c of COMMANDS) {
      expect(COMMAND_OPTIONS[c.name], c.name).toBe(c.options);
      expect(c.options.help, c.name).toEqual({ type: 'boolean', short: 'h' });
      expect(MAIN_HELP).toContain(c.usage.split('\n')[0]);
      for (const w of c.names ?? [c.name]) expect(ndmmap([w, '--help']).stdout, w).toBe(c.help);
    }
  });

  it('an unknown command names every command word', () => {
    const r = ndmmap(['frobnicate']);
    expect(r.status).toBe(2);
    for (const w of BY_WORD.keys()) expect(r.stderr).toContain(w);
  });
});
