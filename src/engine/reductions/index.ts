/**
 * The reductions, in the order help lists them: the one list everything else (MemMap methods,
 * `reduce()`, CLI commands, help, partial states) is derived from. Adding a reduction is a module here,
 * a kernel in native/ (if no existing one fits), fixtures and docs.
 */
import { fail, show } from '../../errors.js';
import all from './all.js';
import any from './any.js';
import argmax from './argmax.js';
import argmin from './argmin.js';
import countNonzero from './count_nonzero.js';
import max from './max.js';
import mean from './mean.js';
import min from './min.js';
import nanargmax from './nanargmax.js';
import nanargmin from './nanargmin.js';
import nanmax from './nanmax.js';
import nanmean from './nanmean.js';
import nanmin from './nanmin.js';
import nanprod from './nanprod.js';
import nanstd from './nanstd.js';
import nansum from './nansum.js';
import nanvar from './nanvar.js';
import prod from './prod.js';
import ptp from './ptp.js';
import std from './std.js';
import sum from './sum.js';
import varR from './var.js';
import { type Reduction } from './types.js';

export const REDUCTIONS = Object.freeze([
  sum, prod, mean, min, max, varR, std, argmin, argmax,
  nansum, nanprod, nanmean, nanmin, nanmax, nanvar, nanstd, nanargmin, nanargmax,
  any, all, countNonzero, ptp,
] as const);

const byName = new Map<string, Reduction>();
for (const r of REDUCTIONS) { byName.set(r.name, r); byName.set(r.method, r); }

/** numpy's names (also the CLI commands and partial `op`s). */
export type ReduceName = (typeof REDUCTIONS)[number]['name'];

/** All numpy names, in help order. */
export const REDUCE_NAMES: readonly ReduceName[] = REDUCTIONS.map((r) => r.name);

/** Is `x` numpy's name of a reduction (a partial header's or shard job's `op`)? */
export const isReduceName = (x: unknown): x is ReduceName => typeof x === 'string' && (REDUCE_NAMES as readonly string[]).includes(x);

/**
 * The reduction called `name` (numpy's name or the JS method name).
 * @throws `ERR_INVALID_ARG_VALUE` for an unknown name, listing the known ones.
 */
export function reduction(name: unknown): Reduction {
  const r = typeof name === 'string' ? byName.get(name) : undefined;
  if (r === undefined) fail('ERR_INVALID_ARG_VALUE', `unknown reduction ${show(name)} (known: ${REDUCE_NAMES.join(', ')})`);
  return r;
}

export { type Reduction, type ReduceContext, type ResultData, type OptionName, type ResultKind } from './types.js';
