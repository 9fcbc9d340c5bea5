/**
 * `ndmmap cumsum|cumprod|nancumsum|nancumprod|diff FILE …`: the library's scan and diff, printed or
 * written to `--out F.npy` atomically (a temporary file renamed into place, removed on failure or
 * SIGINT/SIGTERM, so an interrupted run leaves no half-written file).
 */
import path from 'node:path';
import { fail } from '../../errors.js';
import { type NDResult } from '../../engine/reduce.js';
import { type MemMap } from '../../memmap.js';
import { type DTypeSpec } from '../../dtype-types.js';
import { cumulative } from '../../engine/scan/cumulative.js';
import { type ScanName } from '../../engine/scan/plan.js';
import { diff } from '../../engine/scan/diff.js';
import { USAGE, intOption, numberOption, parse } from '../args.js';
import { formatJson, formatText } from '../../print/format.js';
import { failedWrite, onInterrupt } from '../interrupt.js';
import { openFile } from '../open.js';
import { outOption } from '../save-out.js';
import { command } from './scan.js';

/** Larger results are saved with --out, never printed. */
const PRINT_MAX = 100_000;

/** Run `word` (cumsum, cumprod, nancumsum, nancumprod or diff). */
export async function scanCommand(args: string[], word: string): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 }, word);
  const out = outOption(values, word);
  const threads = intOption(values.threads, 'threads', 1, 256);
  const axis = intOption(values.axis, 'axis');
  const isDiff = word === 'diff';
  for (const f of isDiff ? ['result-dtype'] : ['n', 'prepend', 'append'])
    if (values[f] !== undefined) fail(USAGE, `${word}: --${f} is not an option of ${word}`);
  const n = intOption(values.n, 'n');
  const edge = (v: unknown, name: string): number | undefined => numberOption(v as string | undefined, name);
  const a = openFile(positionals[0], values, 'r');
  try {
    let size = a.size;
    if (isDiff && a.ndim > 0) {
      const k = axis === undefined ? a.ndim - 1 : axis < 0 ? axis + a.ndim : axis;
      const len = (a.shape[k] ?? 0) + (values.prepend !== undefined ? 1 : 0) + (values.append !== undefined ? 1 : 0);
      size = len === 0 ? 0 : (a.size / (a.shape[k] || 1)) * Math.max(0, len - (n ?? 1));
    }
    if (out === undefined && size > PRINT_MAX) fail(USAGE, `${word}: the result has ${size} values; give --out F.npy to save it (at most ${PRINT_MAX} are printed)`);
    const stop = onInterrupt(() => {});
    let r: MemMap | NDResult;
    try {
      const target = out === undefined ? undefined : path.resolve(out);
      r = isDiff
        ? await diff(a, { n, axis, prepend: edge(values.prepend, 'prepend'), append: edge(values.append, 'append'), out: target, threads, signal: stop.signal })
        : await cumulative(word as ScanName, a, { axis, dtype: values['result-dtype'] as DTypeSpec | undefined, out: target, threads, signal: stop.signal });
    } catch (err) {
      throw failedWrite(err, undefined);
    } finally {
      stop.dispose();
    }
    if (out !== undefined) {
      const m = r as MemMap;
      if (values.json) process.stdout.write(JSON.stringify({ out, shape: m.shape, dtype: m.dtype.name }) + '\n');
      if (m !== a) m.close();
      return;
    }
    const p = r as NDResult;
    process.stdout.write((values.json ? formatJson(p) : formatText(p)) + '\n');
  } finally {
    a.close();
  }
}
