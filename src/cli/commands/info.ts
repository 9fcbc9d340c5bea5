/**
 * `ndmmap info FILE [LAYOUT] [--json]`: shape, dtype, order, offset and size of a file's array.
 */
import { type MemMap } from '../../memmap.js';
import { parse, COMMON, LAYOUT } from '../args.js';
import { openFile } from '../open.js';
import { LAYOUT_HELP } from '../help.js';
import type { Command } from '../command.js';

/** numpy's `str(dtype)`: the name for native (little-endian) order, the code (`>f8`) otherwise. */
export function dtypeStr(a: MemMap): string {
  return String(a.dtype);
}

/** Run `info`; prints one JSON object with --json, aligned `key: value` lines otherwise. */
export async function info(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  const a = openFile(positionals[0], values, 'r');
  try {
    const o = { shape: a.shape, dtype: dtypeStr(a), order: a.order, offset: a.offset, nbytes: a.nbytes };
    if (values.json) {
      process.stdout.write(JSON.stringify(o) + '\n');
      return;
    }
    const shape = `(${a.shape.join(', ')}${a.ndim === 1 ? ',' : ''})`;
    const lines = [['file', a.filename], ['shape', shape], ['dtype', o.dtype], ['order', o.order], ['offset', String(o.offset)], ['nbytes', String(o.nbytes)]];
    process.stdout.write(lines.map(([k, v]) => `${(k + ':').padEnd(8)}${v}`).join('\n') + '\n');
  } finally {
    a.close();
  }
}

/** `ndmmap info`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'info',
  usage: `ndmmap info FILE [LAYOUT] [--json]`,
  options: { ...COMMON, ...LAYOUT, json: { type: 'boolean' } },
  help: `Usage: ndmmap info FILE [LAYOUT] [--json]

Show the array's shape, dtype, order, data offset and size in bytes.
  --json   one object: {"shape":[...],"dtype":"float64","order":"C","offset":0,"nbytes":N}

${LAYOUT_HELP}
`,
  run: (args) => info(args),
};
