/**
 * `ndmmap quantile|percentile|nanquantile|nanpercentile FILE --q Q[,Q...] [--method M]` and
 * `ndmmap median|nanmedian FILE`, with [--axis K[,K...]] [--keepdims] [--expr E] [--json]: numpy's
 * exact answers. One --q value prints a scalar (numpy's scalar q); a comma list an array.
 */
import { fail } from '../../errors.js';
import { type QuantileOptions, median, nanmedian, nanpercentile, nanquantile, percentile, quantile } from '../../engine/stats/quantile.js';
import { type NDResult } from '../../engine/reduce.js';
import { type DTypeName, type Scalar } from '../../dtype.js';
import { USAGE, intOption, parse } from '../args.js';
import { openFile } from '../open.js';
import { refuseShards } from '../shard.js';
import { progressBar } from '../progress.js';
import { emit, outOption } from '../save-out.js';
import { openWeights } from './weights.js';
import { command } from './quantile.js';

type Fn = (a: Parameters<typeof median>[0], q: number | number[], o: QuantileOptions) => Promise<Scalar | NDResult>;
// --weights FILE2 [--weights-dtype DT]: numpy 2's weighted quantiles (inverted_cdf)
const FNS: Record<string, { fn: Fn; takesQ: boolean; summary: string }> = {
  quantile: { fn: (a, q, o) => quantile(a, q, o), takesQ: true, summary: "q-th quantiles, q in [0, 1] (numpy's 13 methods)" },
  percentile: { fn: (a, q, o) => percentile(a, q, o), takesQ: true, summary: 'q-th percentiles, q in [0, 100]' },
  median: { fn: (a, _q, o) => median(a, o), takesQ: false, summary: 'median (NaN if any NaN)' },
  nanquantile: { fn: (a, q, o) => nanquantile(a, q, o), takesQ: true, summary: 'quantiles ignoring NaN' },
  nanpercentile: { fn: (a, q, o) => nanpercentile(a, q, o), takesQ: true, summary: 'percentiles ignoring NaN' },
  nanmedian: { fn: (a, _q, o) => nanmedian(a, o), takesQ: false, summary: 'median ignoring NaN' },
};


function axisOption(v: string | boolean | string[] | undefined): number | number[] | undefined {
  if (v === undefined) return undefined;
  const parts = String(v).split(',').map((s) => s.trim()).filter((s) => s !== '');
  const ks = parts.map((p) => intOption(p, 'axis')!);
  return ks.length === 1 && !String(v).includes(',') ? ks[0] : ks;
}

/** Run the quantile-family command `name` (one of QUANTILE_NAMES in help.ts). */
export async function runQuantile(name: string, args: string[]): Promise<void> {
  const { fn, takesQ } = FNS[name];
  const { values, positionals } = parse(command, args, { min: 1, max: 1 }, name);
  refuseShards(values, `${name}: quantiles`);
  const out = outOption(values, name);
  if (!takesQ && (values.q !== undefined || values.method !== undefined)) fail(USAGE, `${name}: --q and --method are not options of ${name}`);
  if (takesQ && values.q === undefined) fail(USAGE, `${name}: --q is required, e.g. --q 0.5,0.9`);
  let q: number | number[] = 0.5;
  if (takesQ) {
    const s = String(values.q);
    const list = s.split(',').map((p) => p.trim()).filter((p) => p !== '').map(Number);
    if (list.length === 0 || list.some((x) => Number.isNaN(x))) fail('ERR_INVALID_ARG_VALUE', `--q must be numbers separated by commas, got '${s}'`);
    q = list.length === 1 && !s.includes(',') ? list[0] : list;
  }
  const o: QuantileOptions = {};
  const axis = axisOption(values.axis);
  if (axis !== undefined) o.axis = axis;
  if (values.keepdims) o.keepdims = true;
  if (values.method !== undefined) o.method = String(values.method);
  if (values.expr !== undefined) o.expr = String(values.expr);
  const threads = intOption(values.threads, 'threads', 1, 256);
  if (threads !== undefined) o.threads = threads;
  const a = openFile(positionals[0], values, 'r');
  let w;
  try {
    w = openWeights(values);
    if (w !== undefined) { if (!takesQ) fail(USAGE, `${name}: --weights is not an option of ${name}`); o.weights = w; }
    const bar = progressBar(name, process.stderr, !values.json && !values.quiet);
    let r: Scalar | NDResult;
    try {
      r = await fn(a, q, { ...o, onProgress: bar.onProgress });
    } finally {
      bar.done();
    }
    const dtype: DTypeName = typeof r === 'object' ? r.dtype : typeof r === 'bigint' ? (a.dtype.kind === 'u' ? 'uint64' : 'int64') : typeof r === 'boolean' ? 'bool' : a.dtype.kind === 'f' && a.dtype.name !== 'float64' && !o.expr ? a.dtype.name : 'float64';
    const printable = typeof r === 'object' ? r : { scalar: r, dtype };
    await emit(values, out, printable);
  } finally {
    w?.close();
    a.close();
  }
}
