/**
 * Command-line parsing on `node:util` parseArgs: per-command option tables, numbers and shapes
 * checked with the library's error codes, so every bad argument is a usage error (exit 2).
 */
import { parseArgs } from 'node:util';
import { fail, show } from '../errors.js';
import { checkShape } from '../layout.js';

/** Code of a command-line usage error (unknown command, missing argument); exit status 2. */
export const USAGE = 'ERR_NDMMAP_USAGE';

/** `multiple`: the flag may repeat; its values reach the command as an array. */
type Opt = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };

const COMMON: Record<string, Opt> = { help: { type: 'boolean', short: 'h' } };
/** Layout of a raw file: numpy.memmap's dtype, shape, offset, order. */
export const LAYOUT: Record<string, Opt> = {
  dtype: { type: 'string' }, shape: { type: 'string' }, offset: { type: 'string' }, order: { type: 'string' },
};
const RUN: Record<string, Opt> = { threads: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } };
/** Rows of a row-reading command: --rows A:B, or shard --shard-index I of --shards N / --rows-per-shard R (src/cli/shard.ts). */
const SHARDS: Record<string, Opt> = {
  rows: { type: 'string' }, partial: { type: 'boolean' }, 'shard-index': { type: 'string' }, shards: { type: 'string' }, 'rows-per-shard': { type: 'string' },
};

/** The options each command accepts. */
export const COMMAND_OPTIONS: Record<string, Record<string, Opt>> = {
  info: { ...COMMON, ...LAYOUT, json: { type: 'boolean' } },
  reduce: {
    ...COMMON, ...LAYOUT, ...RUN, json: { type: 'boolean' }, axis: { type: 'string' }, ddof: { type: 'string' },
    keepdims: { type: 'boolean' }, 'result-dtype': { type: 'string' }, where: { type: 'string' }, initial: { type: 'string' },
    expr: { type: 'string' }, rows: { type: 'string' }, partial: { type: 'boolean' },
    'shard-index': { type: 'string' }, shards: { type: 'string' }, 'rows-per-shard': { type: 'string' },
    var: { type: 'string', multiple: true }, out: { type: 'string' },
  },
  create: { ...COMMON, dtype: { type: 'string' }, shape: { type: 'string' }, fill: { type: 'string' }, order: { type: 'string' }, threads: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
  apply: {
    ...COMMON, ...LAYOUT, ...RUN, expr: { type: 'string' }, out: { type: 'string' }, 'out-dtype': { type: 'string' },
    var: { type: 'string', multiple: true },
  },
  merge: { ...COMMON, json: { type: 'boolean' }, 'fan-in': { type: 'string' }, partial: { type: 'boolean' } },
  submit: {
    ...COMMON, ...LAYOUT, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, axis: { type: 'string' }, ddof: { type: 'string' },
    keepdims: { type: 'boolean' }, 'result-dtype': { type: 'string' }, where: { type: 'string' }, initial: { type: 'string' }, expr: { type: 'string' },
    redis: { type: 'string' }, queue: { type: 'string' }, shards: { type: 'string' }, 'rows-per-shard': { type: 'string' }, 'fan-in': { type: 'string' },
    attempts: { type: 'string' }, 'cache-ttl': { type: 'string' }, 'connect-timeout': { type: 'string' }, timeout: { type: 'string' },
    // the other mergeable commands' flags (src/cli/submit-ops.ts refuses those an operation does not take)
    bins: { type: 'string' }, range: { type: 'string' }, minlength: { type: 'string' }, k: { type: 'string' }, smallest: { type: 'boolean' },
    metric: { type: 'string' }, query: { type: 'string' }, filter: { type: 'string' }, vector: { type: 'string' },
  },
  worker: {
    ...COMMON, redis: { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string' }, threads: { type: 'string' },
    'path-map': { type: 'string', multiple: true }, 'lock-duration': { type: 'string' }, 'stalled-interval': { type: 'string' },
    'connect-timeout': { type: 'string' }, settle: { type: 'string' }, 'close-timeout': { type: 'string' },
  },
  dot: { ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, vector: { type: 'string' }, out: { type: 'string' } },
  topk: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, k: { type: 'string' }, axis: { type: 'string' }, smallest: { type: 'boolean' }, out: { type: 'string' },
  },
  search: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, query: { type: 'string' }, k: { type: 'string' }, metric: { type: 'string' },
    filter: { type: 'string' }, out: { type: 'string' },
  },
  histogram: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, bins: { type: 'string' }, range: { type: 'string' },
    weights: { type: 'string' }, 'weights-dtype': { type: 'string' }, density: { type: 'boolean' }, expr: { type: 'string' }, out: { type: 'string' },
  },
  bincount: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, minlength: { type: 'string' }, weights: { type: 'string' }, 'weights-dtype': { type: 'string' }, out: { type: 'string' },
  },
  // the shard flags are parsed so that they are refused by name: quantiles do not shard
  quantile: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, q: { type: 'string' }, method: { type: 'string' }, axis: { type: 'string' },
    keepdims: { type: 'boolean' }, expr: { type: 'string' }, weights: { type: 'string' }, 'weights-dtype': { type: 'string' }, out: { type: 'string' },
  },
  demo: { ...COMMON, ...RUN, 'size-mib': { type: 'string' }, json: { type: 'boolean' } },
};

/** Parsed options: strings and booleans by long name (repeatable options: arrays of strings). */
export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * Parse `args` for a command; a negative number after an option is its value (`--axis -1`).
 * @throws `ERR_NDMMAP_USAGE` for an unknown option, a missing value or a stray argument.
 */
export function parse(command: string, args: string[], positionals: { min: number; max: number }, label = command): { values: Values; positionals: string[] } {
  const options = COMMAND_OPTIONS[command];
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && /^-\d|^-\.\d|^-inf$|^-nan$/i.test(args[i + 1] ?? '')) {
      joined.push(`${a}=${args[++i]}`);
    } else {
      joined.push(a);
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: joined, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const unknown = /^Unknown option '([^']*)'/.exec(e.message);
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== null) fail(USAGE, `${label}: ${unknownOption(unknown[1], options)}`);
    const msg = String(e.message).split('\n')[0];
    return fail(USAGE, `${label}: ${msg}`);
  }
  const values = parsed.values as Values;
  if (values.help) return { values, positionals: parsed.positionals };
  const n = parsed.positionals.length;
  if (n < positionals.min) fail(USAGE, `${label}: missing ${positionals.min === 1 ? 'FILE' : 'arguments'} (see ndmmap ${label} --help)`);
  if (n > positionals.max) fail(USAGE, `${label}: unexpected argument ${show(parsed.positionals[positionals.max])}`);
  return { values, positionals: parsed.positionals };
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two short strings. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** `unknown option '--axs' (did you mean --axis?)`: the closest option within a third of its length. */
export function unknownOption(given: string, options: Record<string, Opt>): string {
  const name = given.replace(/^-+/, '').split('=')[0];
  let best: string | undefined, bestD = Infinity;
  for (const o of Object.keys(options)) {
    const dist = o.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, o);
    if (dist < bestD) { best = o; bestD = dist; }
  }
  const hint = best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? ` (did you mean --${best}?)` : '';
  return `unknown option '${given}'${hint}`;
}

/** One value of an option (the last, for an option given twice that is not repeatable). */
export type OptValue = string | boolean | string[] | undefined;

/** An integer option, checked against [min, max]. */
export function intOption(v: OptValue, name: string, min = -Infinity, max = Infinity): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim();
  const n = Number(s);
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(n)) fail('ERR_INVALID_ARG_VALUE', `--${name} must be an integer, got ${show(v)}`);
  if (n < min || n > max) fail('ERR_OUT_OF_RANGE', `--${name} must be ${max === Infinity ? `at least ${min}` : `from ${min} to ${max}`}, got ${n}`);
  return n;
}

/** A finite number option (ddof may be fractional, as in numpy). */
export function numberOption(v: OptValue, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(String(v).trim());
  if (String(v).trim() === '' || !Number.isFinite(n)) fail('ERR_INVALID_ARG_VALUE', `--${name} must be a number, got ${show(v)}`);
  return n;
}

/**
 * A shape: `100,100`, `(100, 100)`, `100x100` or `7`; `()` or `''` for 0-d. With `unknown`, one dim
 * may be -1 (numpy's reshape rule: inferred from the file size, see open.ts); it is returned as -1.
 * @throws `ERR_NDMMAP_SHAPE` for anything else, `ERR_OUT_OF_RANGE` for a shape too large.
 */
export function shapeOption(v: OptValue, unknown = false): number[] | undefined {
  if (v === undefined) return undefined;
  const s = String(v).trim().replace(/^\((.*)\)$/, '$1').trim();
  if (s === '') return [];
  const parts = s.split(/\s*[,x×]\s*/).filter((p, i, all) => p !== '' || i !== all.length - 1);
  if (!parts.every((p) => /^\d+$/.test(p) || p === '-1'))
    fail('ERR_NDMMAP_SHAPE', `shape must be integers separated by commas such as 100,100${unknown ? ' (one may be -1)' : ''}, got ${show(v)}`);
  const dims = parts.map(Number);
  const minus = dims.filter((d) => d === -1).length;
  if (minus > 0 && !unknown) fail('ERR_NDMMAP_SHAPE', `shape cannot have -1 here: there is no file size to infer it from, got ${show(v)}`);
  if (minus > 1) fail('ERR_NDMMAP_SHAPE', `can only specify one unknown dimension, got ${show(v)}`);
  if (minus === 0) return checkShape(dims);
  checkShape(dims.map((d) => (d === -1 ? 1 : d)));
  return dims;
}

/** `C` or `F`. */
export function orderOption(v: OptValue): 'C' | 'F' | undefined {
  if (v === undefined) return undefined;
  const s = String(v).toUpperCase();
  if (s !== 'C' && s !== 'F') fail('ERR_NDMMAP_ORDER', `order must be one of 'C', 'F', got ${show(v)}`);
  return s;
}

/** `START:STOP` (Python slice bounds; either may be left out or negative). */
export function rowsOption(v: OptValue): [number | null, number | null] | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(-?\d*)\s*:\s*(-?\d*)\s*$/.exec(String(v));
  if (m === null) fail('ERR_NDMMAP_INDEX', `--rows must be START:STOP such as 0:1000, got ${show(v)}`);
  const n = (s: string): number | null => (s === '' ? null : Number(s));
  return [n(m[1]), n(m[2])];
}

/** `--rows START:STOP` as [start, stop] within n rows (Python slice rules: negative counts from the end, clamped). */
export function rowsWithin(v: OptValue, n: number): [number, number] | undefined {
  const r = rowsOption(v);
  if (r === undefined) return undefined;
  const norm = (x: number | null, d: number): number => (x === null ? d : x < 0 ? Math.max(0, x + n) : Math.min(x, n));
  const start = norm(r[0], 0);
  return [start, Math.max(start, norm(r[1], n))];
}
