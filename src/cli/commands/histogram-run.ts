/**
 * `ndmmap histogram FILE [--bins N|E1,E2,...|NAME] [--range LO,HI] [--weights FILE2] [--density] [--expr E]
 * [--rows A:B | --shard-index I --shards N] [--partial] [--json]`: numpy's histogram, printed as a bar chart fitted to the terminal
 * (one line per bin: edges, count, bar), numpy's arrays with --json, or a mergeable state with --partial.
 */
import { fail } from '../../errors.js';
import { type Histogram, type HistogramOptions, histogram } from '../../engine/stats/histogram.js';
import { histogramPartial } from '../../engine/stats/partial.js';
import { type DTypeName } from '../../dtype.js';
import { intOption, parse, type Values } from '../args.js';
import { rowsOf } from '../shard.js';
import { jsonScalar, textScalar } from '../../print/format.js';
import { openFile } from '../open.js';
import { progressBar } from '../progress.js';
import { openWeights } from './weights.js';
import { command } from './histogram.js';
import { emitParts, outOption } from '../save-out.js';

/** Terminal width when stdout is not a terminal (piped output keeps a fixed, readable width). */
const DEFAULT_COLUMNS = 80;
/** Eighths of a block, so bars grow smoothly. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

function numbers(v: string | boolean | string[] | undefined, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out = parts.map((s) => Number(s.replace(/^(-?)inf$/i, '$1Infinity')));
  if (parts.length === 0 || out.some((x) => Number.isNaN(x))) fail('ERR_INVALID_ARG_VALUE', `--${name} must be numbers separated by commas, got '${String(v)}'`);
  return out;
}

/** The histogram options of a command line. */
export function histogramOptions(values: Values): HistogramOptions {
  const o: HistogramOptions = {};
  if (values.bins !== undefined) {
    const s = String(values.bins);
    // a name is numpy's estimator ('auto', 'fd', ...), checked by histogram()
    o.bins = s.includes(',') ? numbers(s, 'bins')! : /^[a-z]+$/i.test(s) ? s : intOption(s, 'bins');
  }
  if (values.range !== undefined) {
    const r = numbers(values.range, 'range')!;
    if (r.length !== 2) fail('ERR_INVALID_ARG_VALUE', `--range must be LO,HI, got '${String(values.range)}'`);
    o.range = [r[0], r[1]];
  }
  if (values.density) o.density = true;
  if (values.expr !== undefined) o.expr = String(values.expr);
  const threads = intOption(values.threads, 'threads', 1, 256);
  if (threads !== undefined) o.threads = threads;
  return o;
}

/** Bars scaled to the largest count, fitted to `columns`. */
export function chart(h: { counts: ArrayLike<number | bigint>; countsDtype?: string; edges: ArrayLike<number>; edgesDtype: string }, columns: number): string {
  const dt = h.edgesDtype as DTypeName;
  const n = h.counts.length;
  // six significant digits: the chart is for reading; --json has numpy's exact edges
  const e = (x: number): string => textScalar(Number(x.toPrecision(6)), dt);
  const labels = Array.from({ length: n }, (_, i) => `[${e(h.edges[i])}, ${e(h.edges[i + 1])}${i === n - 1 ? ']' : ')'}`);
  const cdt = (h.countsDtype ?? 'float64') as DTypeName;
  const counts = Array.from(h.counts, (c) => (typeof c === 'bigint' ? c.toString() : textScalar(c, cdt)));
  const lw = Math.max(...labels.map((l) => l.length));
  const cw = Math.max(...counts.map((c) => c.length));
  const width = Math.max(10, columns - lw - cw - 4);
  const top = Math.max(...Array.from(h.counts, Number).map((v) => Math.abs(v)), 0);
  return labels.map((l, i) => {
    const eighths = top > 0 ? Math.round((Math.abs(Number(h.counts[i])) / top) * width * 8) : 0;
    return `${l.padEnd(lw)}  ${counts[i].padStart(cw)}  ${'█'.repeat(Math.floor(eighths / 8))}${EIGHTHS[eighths % 8]}`.trimEnd();
  }).join('\n');
}

/** numpy's arrays as JSON: {"counts": [...], "edges": [...]}. */
export function histogramJson(h: Histogram | { counts: BigInt64Array | Float64Array; edges: Float64Array | null; edgesDtype: string | null }): string {
  const cdt: DTypeName = 'countsDtype' in h ? h.countsDtype : h.counts instanceof BigInt64Array ? 'int64' : 'float64';
  return JSON.stringify({
    counts: Array.from(h.counts as ArrayLike<number | bigint>, (v) => jsonScalar(v, cdt)),
    edges: h.edges === null ? null : Array.from(h.edges, (v) => jsonScalar(v, (h.edgesDtype ?? 'float64') as DTypeName)),
  });
}

/** Run `histogram`. */
export async function histogramCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 });
  const out = outOption(values, 'histogram', ['counts', 'edges']);
  const options = histogramOptions(values);
  const a = openFile(positionals[0], values, 'r');
  const w = openWeights(values);
  try {
    if (w !== undefined) options.weights = w;
    const rows = rowsOf(values, a.shape);
    if (values.partial) {
      const p = await histogramPartial(a, { ...options, rows });
      process.stdout.write(JSON.stringify(p) + '\n');
      return;
    }
    const view = rows === undefined ? a : a.slice(`${rows[0]}:${rows[1]}`);
    if (w !== undefined && rows !== undefined) options.weights = w.slice(`${rows[0]}:${rows[1]}`);
    const bar = progressBar('histogram', process.stderr, !values.json && !values.quiet);
    let h: Histogram;
    try {
      h = await histogram(view, { ...options, onProgress: bar.onProgress });
    } finally {
      bar.done();
    }
    if (out !== undefined) {
      // edges of float32/float16 data are numpy's float32/float16 values, held as float64 here
      const edges = h.edgesDtype === 'float32' ? Float32Array.from(h.edges) : h.edges;
      await emitParts(values, out, [['counts', { shape: [h.counts.length], dtype: h.countsDtype, data: h.counts }], ['edges', { shape: [h.edges.length], dtype: h.edgesDtype, data: edges as never }]]);
      return;
    }
    process.stdout.write((values.json ? histogramJson(h) : chart(h, process.stdout.columns ?? DEFAULT_COLUMNS)) + '\n');
  } finally {
    w?.close();
    a.close();
  }
}
