/**
 * `ndmmap merge PARTIAL...`: combine `--partial` outputs (files, or `-`/nothing for stdin) into the
 * value one run over every row gives.
 */
import fs from 'node:fs';
import { fail, osError } from '../../errors.js';
import { type PartialState, mergePartials, partialResultDtype } from '../../engine/partial.js';
import { parse } from '../args.js';

import { formatJson, formatText } from '../format.js';

/** Partial states in a text: one JSON object per line, a JSON array of them, or one pretty-printed object. */
export function parsePartials(text: string, source: string): unknown[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  try {
    return lines.flatMap((l) => { const v = JSON.parse(l) as unknown; return Array.isArray(v) ? v : [v]; });
  } catch {
    try {
      const v = JSON.parse(text) as unknown;
      return Array.isArray(v) ? v : [v];
    } catch {
      return fail('ERR_NDMMAP_PARTIAL', `${source}: not a partial state (expected the JSON that --partial prints)`);
    }
  }
}

function read(source: string): string {
  try {
    return fs.readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (err) {
    throw osError(err, source === '-' ? '<stdin>' : source);
  }
}

/** Run `merge`. */
export async function mergeCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse('merge', args, { min: 0, max: Infinity });
  const sources = positionals.length ? positionals : ['-'];
  const list = sources.flatMap((s) => parsePartials(read(s), s === '-' ? '<stdin>' : s));
  if (list.length > 0 && (list[0] as { format?: unknown })?.format === 'ndmmap-dist-partial/1') {
    // histogram/bincount states: their modules load only when merged
    const { mergeDistPartials } = await import('../../engine/dist/partial.js');
    const { chart, histogramJson } = await import('./histogram.js');
    const m = mergeDistPartials(list);
    if (m.op === 'histogram') process.stdout.write((values.json ? histogramJson(m) : chart({ counts: m.counts, edges: m.edges!, edgesDtype: m.edgesDtype! }, process.stdout.columns ?? 80)) + '\n');
    else {
      const printable = { shape: [m.counts.length], dtype: m.counts instanceof BigInt64Array ? 'int64' as const : 'float64' as const, data: m.counts };
      process.stdout.write((values.json ? formatJson(printable) : formatText(printable)) + '\n');
    }
    return;
  }
  const r = mergePartials(list);
  const printable = typeof r === 'object' ? r : { scalar: r, dtype: partialResultDtype(list[0] as PartialState) };
  process.stdout.write((values.json ? formatJson(printable) : formatText(printable)) + '\n');
}
