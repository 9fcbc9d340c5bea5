/**
 * `ndmmap unique FILE [--counts [--top N]] [--out PREFIX] [--json]`: numpy's unique (with counts) of a
 * file, printed as numpy's array, a table of the most frequent values, JSON, or saved as .npy files.
 */
import { unique } from '../../engine/order/unique.js';
import { type NDResult } from '../../engine/reduce.js';
import { intOption, parse } from '../args.js';
import { jsonArray, textScalar } from '../../print/format.js';
import { openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { emit, emitParts, outOption } from '../save-out.js';
import { command } from './unique.js';

const BAR = 30;

/** The count table: the `top` most frequent values (or slices along `axis`), count descending, ties in value order. */
export function countTable(values: NDResult, counts: BigInt64Array, top: number, axis?: number): string {
  const n = counts.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (counts[y] > counts[x] ? 1 : counts[y] < counts[x] ? -1 : x - y));
  const rows = top > 0 ? order.slice(0, top) : order;
  const total = counts.reduce((t, c) => t + c, 0n);
  const max = n > 0 ? Number(counts[order[0]]) : 0;
  const one = (i: number): string => textScalar(values.dtype === 'bool' ? values.data[i] !== 0 : values.data[i] as number | bigint, values.dtype);
  const val = axis === undefined ? one : (g: number): string => `[${slicePositions(values.shape, axis, g).map(one).join(' ')}]`;
  const vw = Math.max(5, ...rows.map((i) => val(i).length));
  const cw = Math.max(5, ...rows.map((i) => String(counts[i]).length));
  const lines = [`${(axis === undefined ? 'value' : 'slice').padStart(vw)}  ${'count'.padStart(cw)}  share`];
  for (const i of rows) {
    const c = Number(counts[i]);
    const share = total > 0n ? (100 * c) / Number(total) : 0;
    lines.push(`${val(i).padStart(vw)}  ${String(counts[i]).padStart(cw)}  ${share.toFixed(2).padStart(6)}%  ${'█'.repeat(Math.max(1, Math.round((BAR * c) / Math.max(1, max))))}`);
  }
  const what = axis === undefined ? ['value', 'element'] : ['slice', 'slice'];
  lines.push(`${n} distinct ${what[0]}${n === 1 ? '' : 's'} in ${total} ${what[1]}${total === 1n ? '' : 's'}${axis === undefined ? '' : ` along axis ${axis}`}${rows.length < n ? ` (top ${rows.length} shown)` : ''}`);
  return lines.join('\n');
}

/** Flat C-order positions of slice `g` along `axis` of an array of `shape`. */
function slicePositions(shape: number[], axis: number, g: number): number[] {
  const inner = shape.slice(axis + 1).reduce((p, x) => p * x, 1);
  const outer = shape.slice(0, axis).reduce((p, x) => p * x, 1);
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out.push((o * shape[axis] + g) * inner + i);
  return out;
}

/** Run `unique`. */
export async function uniqueCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  const parts = values.counts ? ['values', 'counts'] : ['values'];
  const out = outOption(values, 'unique', parts);
  const top = intOption(values.top, 'top', 0) ?? 20;
  const threads = intOption(values.threads, 'threads', 1, 256);
  const axisIn = intOption(values.axis, 'axis');
  const a = openFile(positionals[0], values, 'r');
  try {
    const bar = progressBar('unique', process.stderr, !values.json && !values.quiet);
    let r;
    try {
      r = await unique(a, { returnCounts: values.counts === true, axis: axisIn ?? null, threads, onProgress: bar.onProgress });
    } finally {
      bar.done();
    }
    const vals = 'values' in r ? r.values : r;
    const counts = 'counts' in r ? r.counts : undefined;
    if (out !== undefined) {
      await emitParts(values, out, counts ? [['values', vals], ['counts', counts]] : [['values', vals]]);
      return;
    }
    if (values.json) {
      process.stdout.write(JSON.stringify(counts ? { values: jsonArray(vals), counts: jsonArray(counts) } : { values: jsonArray(vals) }) + '\n');
      return;
    }
    const axis = axisIn === undefined || a.ndim <= 1 ? undefined : axisIn < 0 ? axisIn + a.ndim : axisIn;
    if (counts) process.stdout.write(countTable(vals, counts.data as BigInt64Array, top, axis) + '\n');
    else await emit(values, undefined, vals);
  } finally {
    a.close();
  }
}
