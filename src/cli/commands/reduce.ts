/**
 * The reduction commands, one per module of the reduction registry (`ndmmap sum|…|count_nonzero FILE
 * [--axis K[,K…]] [--keepdims] [--ddof N] [--result-dtype D] [--where EXPR] [--initial V] [--expr E] [--var NAME=V]…
 * [--rows A:B | --shard-index I --shards N] [--partial]`): each flag is offered where numpy's function takes that keyword.
 */
import { fail } from '../../errors.js';
import { reducePartial } from '../../engine/partial.js';
import { type NDResult, type ReduceOptions, prepare, reduce } from '../../engine/reduce.js';
import { REDUCE_NAMES, reduction, type Reduction } from '../../engine/reductions/index.js';
import { type Scalar } from '../../dtype.js';
import { type DTypeSpec } from '../../dtype-types.js';
import { USAGE, intOption, numberOption, parse, rowsOption, type Values, COMMON, LAYOUT, RUN } from '../args.js';
import { formatJson, formatText } from '../../print/format.js';
import { openFile } from '../open.js';
import { parseVar } from './apply.js';
import { MemMap } from '../../memmap.js';
import { progressBar } from '../progress.js';
import { shardChoice, shardRows } from '../shard.js';
import { LAYOUT_HELP, RUN_HELP, REDUCTION_LIST, takenBy } from '../help.js';
import type { Command } from '../command.js';
import { emit, outOption } from '../save-out.js';

/** --axis: one integer or a comma list (numpy's tuple), e.g. `0`, `-1`, `0,2`. */
export function axisOption(v: string | boolean | string[] | undefined): number | number[] | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim().replace(/^\((.*)\)$/, '$1');
  if (!s.includes(',')) return intOption(s, 'axis');
  return s.split(',').map((p) => p.trim()).filter((p) => p !== '').map((p) => intOption(p, 'axis')!);
}

/** --initial: a number, nan, inf, -inf, true/false, or an integer beyond 2^53. */
export function initialOption(v: string | boolean | string[] | undefined): number | bigint | boolean | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (/^[+-]?\d+$/.test(s) && !Number.isSafeInteger(Number(s))) return BigInt(s);
  if (s === 'true' || s === 'false') return s === 'true';
  return numberOption(s.replace(/^(-?)inf$/i, '$1Infinity').replace(/^nan$/i, 'NaN'), 'initial') ?? NaN;
}

/** The reduction options the flags ask for, refusing flags numpy's function does not take. */
export function reduceOptions(red: Reduction, values: Values): ReduceOptions {
  const offered = (flag: string, option: string): void => {
    if (values[flag] !== undefined && !(red.options as readonly string[]).includes(option))
      fail(USAGE, `--${flag} is not an option of ${red.name} (numpy's ${red.name}() takes no '${option}')`);
  };
  offered('ddof', 'ddof');
  offered('result-dtype', 'dtype');
  offered('where', 'where');
  offered('initial', 'initial');
  offered('expr', 'expr');
  if (values.var !== undefined && !(red.options as readonly string[]).includes('expr'))
    fail(USAGE, `--var is not an option of ${red.name} (numpy's ${red.name}() takes no expression here)`);
  const o: ReduceOptions = {};
  const axis = axisOption(values.axis as string | undefined);
  if (axis !== undefined) o.axis = axis;
  if (values.keepdims) o.keepdims = true;
  const ddof = numberOption(values.ddof, 'ddof');
  if (ddof !== undefined) o.ddof = ddof;
  // reduce() checks the spelling (ERR_NDMMAP_DTYPE)
  if (values['result-dtype'] !== undefined) o.dtype = String(values['result-dtype']) as DTypeSpec;
  if (values.where !== undefined) o.where = String(values.where);
  const initial = initialOption(values.initial as string | undefined);
  if (initial !== undefined) o.initial = initial;
  if (values.expr !== undefined) o.expr = String(values.expr);
  if (values.var !== undefined) {
    if (values.expr === undefined && values.where === undefined) fail(USAGE, `--var names a variable of --expr or --where; give one of them`);
    const vars = new Map<string, MemMap | number | bigint | { float: number }>();
    try {
      for (const v of values.var as string[]) parseVar(v, vars, red.name);
    } catch (e) {
      for (const m of vars.values()) if (m instanceof MemMap) m.close();
      throw e;
    }
    o.vars = Object.fromEntries(vars);
  }
  const threads = intOption(values.threads, 'threads', 1, 256);
  if (threads !== undefined) o.threads = threads;
  return o;
}

/** Run the reduction `red` on the command line `args`. */
export async function runReduction(red: Reduction, args: string[]): Promise<void> {
  const { values, positionals } = parse(command, args, { min: 1, max: 1 }, red.name);
  outOption(values, red.name);
  const options = reduceOptions(red, values);
  try {
    await runWith(red, values, positionals, options);
  } finally {
    for (const v of Object.values(options.vars ?? {})) if (v instanceof MemMap) v.close();
  }
}

async function runWith(red: Reduction, values: Values, positionals: string[], options: ReduceOptions): Promise<void> {
  const shard = shardChoice(values);
  let rows = rowsOption(values.rows);
  const a = openFile(positionals[0], values, 'r');
  try {
    if (shard !== undefined) {
      if (a.ndim === 0) fail('ERR_NDMMAP_INDEX', `${shard.source} needs an array with at least one dimension (rows)`);
      rows = shardRows(shard, a.shape[0]);
    }
    if (values.partial) {
      if (a.ndim === 0) fail('ERR_NDMMAP_INDEX', '--partial needs an array with at least one dimension (rows)');
      const n = a.shape[0];
      const p = await reducePartial(red.name, a, { ...options, rows: rows && [rows[0] ?? 0, rows[1] ?? n] });
      process.stdout.write(JSON.stringify(p) + '\n');
      return;
    }
    if (rows !== undefined && a.ndim === 0) fail('ERR_NDMMAP_INDEX', '--rows needs an array with at least one dimension');
    const view = rows === undefined ? a : a.slice(`${rows[0] ?? ''}:${rows[1] ?? ''}`);
    const bar = progressBar(red.name, process.stderr, !values.json && !values.quiet);
    let r: Scalar | NDResult;
    try {
      r = (await reduce(red.name, view, { ...options, onProgress: bar.onProgress })) as Scalar | NDResult;
    } finally {
      bar.done();
    }
    const printable = typeof r === 'object' ? r : { scalar: r, dtype: prepare(red.name, view, options).result };
    await emit(values, outOption(values, red.name), printable);
  } finally {
    a.close();
  }
}

/** `ndmmap REDUCTION`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'reduce',
  names: REDUCE_NAMES,
  usage: `ndmmap REDUCTION FILE [--axis K[,K...]] [--keepdims] [--ddof N] [--result-dtype D] [--where E]
       [--initial V] [--expr E] [--var NAME=FILE|NUMBER]... [--out F.npy] [LAYOUT]
       [--rows START:STOP | --shard-index I --shards N | --shard-index I --rows-per-shard R]
       [--partial] [--threads N] [--json] [--quiet]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, json: { type: 'boolean' }, axis: { type: 'string' }, ddof: { type: 'string' },
    keepdims: { type: 'boolean' }, 'result-dtype': { type: 'string' }, where: { type: 'string' }, initial: { type: 'string' },
    expr: { type: 'string' }, rows: { type: 'string' }, partial: { type: 'boolean' },
    'shard-index': { type: 'string' }, shards: { type: 'string' }, 'rows-per-shard': { type: 'string' },
    var: { type: 'string', multiple: true }, out: { type: 'string' },
  },
  help: `Usage: ndmmap ${REDUCE_NAMES.join('|')} FILE [options] [LAYOUT]

Reduce the array with numpy's semantics; the file is opened read-only.
${REDUCTION_LIST}

  --axis K[,K...]     reduce along axis K, or several (negative counts from the end); default: every element
  --keepdims          keep reduced axes with length 1
  --ddof N            delta degrees of freedom (${takenBy('ddof')})
  --result-dtype D    numpy's dtype=: accumulator and result type (${takenBy('dtype')})
  --where EXPR        only elements where EXPR (of x) is true (${takenBy('where')}; min/max need --initial)
  --initial V         starting value, numpy's initial= (${takenBy('initial')})
  --expr EXPR         reduce an expression of x instead of x, with no temporary file, e.g. 'x * x'
  --var NAME=VALUE    a variable of --expr and --where: a .npy file (broadcast with x) or a number,
                      e.g. --expr '((x - mu) / sd) ** 2' --var mu=mu.npy --var sd=sd.npy (repeatable;
                      with --partial, numbers only)
  --rows START:STOP   only rows START:STOP of the first axis (a view, like a[START:STOP])
  --shard-index I     only shard I (from 0) of the rows cut by --shards N (near-equal) or
                      --rows-per-shard R; with --partial and none of these flags, the index comes from
                      JOB_COMPLETION_INDEX (count: --shards or NDMMAP_SHARDS) or SLURM_ARRAY_TASK_ID
                      (count: SLURM_ARRAY_TASK_COUNT; relative to SLURM_ARRAY_TASK_MIN and _STEP)
  --partial           print the mergeable partial state (JSON) instead of the value; see 'merge'
  --out F.npy         save the result (np.save's bytes; a 0-d file without --axis) instead of printing it,
                      e.g. mean --axis 0 --out mu.npy, then apply --var mu=mu.npy
  --json              print {"result": R} (with --out: {"out", "shape", "dtype"}); NaN/inf as
                      "nan"/"inf"/"-inf", big 64-bit ints as strings
${RUN_HELP}

${LAYOUT_HELP}
`,
  run: (args, word) => runReduction(reduction(word), args),
};
