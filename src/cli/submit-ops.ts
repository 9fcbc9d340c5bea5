/**
 * `ndmmap submit` of the operations besides the reductions (histogram, bincount, topk, search, dot):
 * their flags, read as the local commands read them, and their results printed as the local commands
 * print them.
 */
import { fail } from '../errors.js';
import { openNpy } from '../npy.js';
import { type NDResult } from '../engine/reduce.js';
import { type SearchResult } from '../engine/embed/search.js';
import { type TopKResult } from '../engine/embed/topk.js';
import { USAGE, type Values, intOption } from './args.js';
import { formatJson, formatText } from '../print/format.js';
import { isNpy } from './open.js';
import { printSearch, printTopK } from './commands/embed-print.js';

/** The flags each operation takes in a submit (besides the submit's own and the layout). */
const FLAGS: Record<string, string[]> = {
  histogram: ['bins', 'range', 'expr'],
  bincount: ['minlength'],
  topk: ['k', 'axis', 'smallest'],
  search: ['query', 'k', 'metric', 'filter'],
  dot: ['vector'],
};
/** Flags of one operation or another, and of the reductions: each refused where it does not apply. */
const OP_SPECIFIC = ['bins', 'range', 'minlength', 'k', 'smallest', 'metric', 'query', 'filter', 'vector', 'axis', 'keepdims', 'ddof', 'result-dtype', 'where', 'initial', 'expr'];

/** Refuse flags the operation does not take: `--ddof is not an option of submit histogram`. */
export function checkFlags(op: string, values: Values, reductionFlags: readonly string[]): void {
  const allowed = FLAGS[op] ?? reductionFlags;
  for (const f of OP_SPECIFIC) if (values[f] !== undefined && !allowed.includes(f)) fail(USAGE, `--${f} is not an option of submit ${op}`);
}

function npyFlag(values: Values, flag: string, op: string): string {
  const v = values[flag];
  if (typeof v !== 'string' || !isNpy(v)) fail(USAGE, `submit ${op}: --${flag} F.npy is required`);
  return v;
}

/** The options of `submit(op, …)` from the flags, as the local command reads them. */
export async function opOptions(op: string, values: Values): Promise<Record<string, unknown>> {
  if (op === 'histogram') {
    const { histogramOptions } = await import('./commands/histogram-run.js');
    const { threads: _t, ...o } = histogramOptions(values);
    return o;
  }
  if (op === 'bincount') return { minlength: intOption(values.minlength, 'minlength') };
  if (op === 'topk') {
    const k = intOption(values.k, 'k');
    if (k === undefined) fail(USAGE, 'submit topk: --k K is required');
    const axisText = values.axis === undefined ? undefined : String(values.axis).trim().toLowerCase();
    return { k, axis: axisText === undefined ? -1 : axisText === 'none' || axisText === 'null' ? null : intOption(axisText, 'axis')!, largest: !values.smallest };
  }
  if (op === 'search') {
    const q = openNpy(npyFlag(values, 'query', op), { mode: 'r' });
    try {
      const filter = values.filter;
      if (filter !== undefined && (typeof filter !== 'string' || isNpy(filter))) fail(USAGE, 'submit search: --filter takes an expression of the row index (\'i0 < 500000\'), not a file');
      return { queries: { data: q.toArray() as number[], shape: q.shape }, k: intOption(values.k, 'k'), metric: values.metric, filter };
    } finally {
      q.close();
    }
  }
  const v = openNpy(npyFlag(values, 'vector', op), { mode: 'r' });
  try {
    return { vector: v.dtype.name === 'float64' || v.dtype.name === 'float32' ? { data: v.typedArray(), shape: v.shape } : { data: (v.toArray() as unknown[]).flat(2) as number[], shape: v.shape } };
  } finally {
    v.close();
  }
}

/** The result as the local command prints it. */
export async function printOp(op: string, r: unknown, json: boolean): Promise<string> {
  if (op === 'histogram') {
    const { chart, histogramJson } = await import('./commands/histogram-run.js');
    const h = r as { counts: BigInt64Array; edges: Float64Array; edgesDtype: string };
    return json ? histogramJson(h as never) : chart(h, process.stdout.columns ?? 80);
  }
  if (op === 'bincount') {
    const c = r as BigInt64Array | Float64Array;
    const printable = { shape: [c.length], dtype: c instanceof BigInt64Array ? 'int64' as const : 'float64' as const, data: c };
    return json ? formatJson(printable) : formatText(printable);
  }
  if (op === 'topk') return printTopK(r as TopKResult, json);
  if (op === 'search') return printSearch(r as SearchResult, json);
  return json ? formatJson(r as NDResult) : formatText(r as NDResult);
}
