/**
 * `submit`: run one reduction as a BullMQ flow — shard jobs over row ranges, merge jobs in a fan-in
 * tree — on whatever `ndmmap worker` processes serve the queue, and return what the local call
 * returns. Everything is validated locally first (options on an empty shard of the real file), so a
 * bad call never reaches Redis.
 */
import { type DTypeSpec, type NameOf } from '../dtype-types.js';
import { type DTypeName } from '../dtype.js';
import { type ReductionValue, type TypedHistogram, type TypedSearchResult, type TypedTopKResult } from '../api-types.js';
import { type NDResult } from '../engine/reduce.js';
import { type VectorLike } from '../engine/embed/operands.js';
import { type Metric } from '../engine/embed/search.js';
import { OP_FORMAT, distOp } from './ops.js';
import crypto from 'node:crypto';
import path from 'node:path';
import { fail, show } from '../errors.js';
import { type ShapeLike } from '../layout.js';
import { type MemMap, memmap } from '../memmap.js';
import { openNpy } from '../npy.js';
import { type PartialState, combinePartials, mergePartials, reducePartial } from '../engine/partial.js';
import { type ReduceOptions } from '../engine/reduce.js';
import { DEFAULT_FAN_IN, MAX_SHARDS, fanInTree, shardRanges } from '../engine/shards.js';
import { buildFlow, type Flow } from './flow.js';
import { checkBelongs, checkUnchanged, fileIdentity, headBytes, headerOf } from './identity.js';
import { isNpyPath, wireLayout } from './open.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_QUEUE, checkTarget } from './redis.js';
import { abortError } from './redis.js';
import { awaitFlow } from './submit-wait.js';
import { type PartialHeader, encodeOptions } from './wire.js';

/** Cached shard states live this long (seconds): a resubmitted job reuses them, then Redis forgets. */
export const DEFAULT_CACHE_TTL_S = 3600;
/** Tries per job: a shard that fails for a passing reason (a mount not ready) runs again, maybe elsewhere. */
export const DEFAULT_ATTEMPTS = 3;
/** Exact quantiles need every row in one place. */
const QUANTILES = ['quantile', 'percentile', 'median', 'nanquantile', 'nanpercentile', 'nanmedian'];
/** Bytes per shard when the cut is not given (see `defaultSpec`). */
export const DEFAULT_SUBMIT_SHARD_BYTES = 512 * 2 ** 20;

/** Options of `submit`: the reduction's (as `reduce`), where the work goes and how it is cut. */
export interface SubmitOptions extends Pick<ReduceOptions, 'axis' | 'keepdims' | 'ddof' | 'dtype' | 'initial' | 'expr'> {
  /** Redis URL, `redis://[user:password@]host:port[/db]` (or `rediss://`). Required. */
  redis: string;
  /** BullMQ queue the workers serve; default `'ndmmap'`. */
  queue?: string;
  /** numpy's `where=` as an expression of `x` (a MemMap cannot travel). */
  where?: string;
  /** A raw file's layout, as `memmap()` takes it (a `.npy` carries its own). */
  layout?: { dtype?: DTypeSpec; shape?: ShapeLike; offset?: number; order?: 'C' | 'F' };
  /** Number of shards (near-equal row ranges); default about one per 512 MiB. */
  shards?: number;
  /** Or rows per shard. */
  rowsPerShard?: number;
  /** Children per merge job (dask's split_every); default 16. */
  fanIn?: number;
  /** Tries per job before the submit fails; default 3. */
  attempts?: number;
  /** Seconds a shard's state stays cached in Redis under its key; default 3600; 0: no cache. */
  cacheTtl?: number;
  /** Milliseconds to wait for Redis to answer at first; default 10 000. */
  connectTimeout?: number;
  /**
   * Cancels the run (`AbortSignal.timeout(ms)` for a deadline): queued jobs are removed (when Redis
   * answers) and the call rejects with an `AbortError`, whatever state Redis is in.
   */
  signal?: AbortSignal;
  /** Called as shards finish. */
  onProgress?: (p: { doneShards: number; totalShards: number }) => void;
  /**
   * Warnings, one line each: no worker has taken a job after a few seconds (naming the queue), a
   * malformed event on the queue, Redis lost and back. Default: none.
   */
  log?: (line: string) => void;
}

const REDUCE_KEYS = ['axis', 'keepdims', 'ddof', 'dtype', 'initial', 'expr', 'where'] as const;
const OWN_KEYS = ['redis', 'queue', 'layout', 'shards', 'rowsPerShard', 'fanIn', 'attempts', 'cacheTtl', 'connectTimeout', 'signal', 'onProgress', 'log'];

function intIn(v: unknown, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail('ERR_INVALID_ARG_VALUE', `${name} must be an integer, got ${show(v)}`);
  if (v < min || v > max) fail('ERR_OUT_OF_RANGE', `${name} must be from ${min} to ${max}, got ${v}`);
  return v;
}

/** Open the file as the workers will, and plan: the flow (not yet added), the root's check, the final identity check. */
async function plan(opName: string, file: string, o: SubmitOptions & Record<string, unknown>, queue: string, runId: string):
  Promise<{ flow: Flow; check: (p: unknown) => unknown; unchanged: () => void }> {
  const fanIn = intIn(o.fanIn, 'fanIn', 2, 10_000, DEFAULT_FAN_IN);
  const attempts = intIn(o.attempts, 'attempts', 1, 100, DEFAULT_ATTEMPTS);
  const cacheTtl = intIn(o.cacheTtl, 'cacheTtl', 0, 2 ** 31 - 1, DEFAULT_CACHE_TTL_S);
  if (typeof file !== 'string' || file === '') fail('ERR_INVALID_ARG_TYPE', `file must be a non-empty string, got ${show(file)}`);
  const abs = path.resolve(file);
  const npy = isNpyPath(abs);
  if (npy && o.layout !== undefined) fail('ERR_INVALID_ARG_VALUE', `${file}: a .npy file carries its own layout; remove layout`);
  const op = distOp(opName);
  const own = Object.fromEntries(Object.entries(o).filter(([k]) => !OWN_KEYS.includes(k) && o[k] !== undefined));
  const reduceOpts: ReduceOptions = op === undefined ? own : {};
  const options = op === undefined ? encodeOptions(reduceOpts) : op.encode(own);
  const a: MemMap = npy ? openNpy(abs, { mode: 'r' }) : memmap(abs, { ...o.layout, mode: 'r' });
  try {
    if (a.ndim === 0) fail('ERR_NDMMAP_INDEX', 'a 0-d array has no rows to split');
    // every option is checked, on the real file, by running an empty shard of it
    const header: PartialHeader = op === undefined ? headerOf(await reducePartial(opName, a, { ...reduceOpts, rows: [0, 0] })) : { format: OP_FORMAT, op: op.name };
    if (op !== undefined) await op.partial(a, options as Record<string, unknown>, [0, 0]);
    const nrows = a.shape[0];
    const spec = o.shards === undefined && o.rowsPerShard === undefined ? defaultSpec(nrows, a.nbytes) : { shards: o.shards, rowsPerShard: o.rowsPerShard };
    const ranges = shardRanges(nrows, spec);
    const identity = fileIdentity(abs, headBytes(npy ? a.offset : 0));
    const layout = wireLayout(a, npy);
    const flow = buildFlow({
      runId, queue, ranges, tree: fanInTree(ranges.length, fanIn), nrows, header, attempts,
      leaf: (i) => ({ file: abs, layout, op: header.op, options, rows: ranges[i], identity, header, cacheTtl }),
    });
    const check = op !== undefined ? (root: unknown) => op.merge(Array.isArray(root) ? root : [root]) : (root: unknown) => {
      const state = combinePartials([root]); // checked as a merge checks it, before it is compared
      checkBelongs(state, header as PartialState, [0, nrows], 'the root job\'s state');
      return state;
    };
    return { flow, check, unchanged: () => checkUnchanged(identity, abs) };
  } finally {
    a.close();
  }
}

/**
 * The default cut of a submit: shards of about `DEFAULT_SUBMIT_SHARD_BYTES` (each job costs a few ms
 * of queueing and a Redis round trip per state; see BENCHMARKS.md), one row each at most.
 */
function defaultSpec(nrows: number, nbytes: number): { shards: number } {
  return { shards: Math.max(1, Math.min(nrows, MAX_SHARDS, Math.ceil(nbytes / DEFAULT_SUBMIT_SHARD_BYTES))) };
}

/** Check the options, plan, queue the flow and wait for the root; the root's value checked by `check`. */
async function run(op: string, file: string, options: SubmitOptions): Promise<unknown> {
  if (options === null || typeof options !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object with at least redis, got ${show(options)}`);
  if (QUANTILES.includes(op)) fail('ERR_INVALID_ARG_VALUE', `${op}: quantiles do not shard; run on one machine (a rank depends on every row)`);
  if (distOp(op) === undefined) {
    for (const k of Object.keys(options)) {
      if (!(REDUCE_KEYS as readonly string[]).includes(k) && !OWN_KEYS.includes(k))
        fail('ERR_INVALID_ARG_VALUE', `unknown option '${k}' for submit() (options: ${[...REDUCE_KEYS, ...OWN_KEYS].join(', ')})`);
    }
  }
  const { url, queue } = checkTarget(options.redis, options.queue ?? DEFAULT_QUEUE);
  const timeout = intIn(options.connectTimeout, 'connectTimeout', 1, 3_600_000, DEFAULT_CONNECT_TIMEOUT_MS);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) fail('ERR_INVALID_ARG_TYPE', 'signal must be an AbortSignal');
  for (const k of ['onProgress', 'log'] as const)
    if (options[k] !== undefined && typeof options[k] !== 'function') fail('ERR_INVALID_ARG_TYPE', `${k} must be a function`);
  const { flow, check, unchanged } = await plan(op, file, options as SubmitOptions & Record<string, unknown>, queue, crypto.randomUUID());
  if (options.signal?.aborted) throw abortError(options.signal);
  const root = await awaitFlow({ url, queue, timeout, flow, signal: options.signal, onProgress: options.onProgress, log: options.log });
  const value = check(root);
  unchanged(); // every shard checked its rows' file; a write between the shards and now is caught here
  return value;
}

/**
 * Run the reduction `op` over `file` on the workers and return the root's partial state: every row's
 * state, checked as `merge` checks states and as this job's (what `submit` finishes, and `ndmmap submit` prints).
 * @throws as `submit`.
 */
export async function submitPartial(op: string, file: string, options: SubmitOptions): Promise<PartialState> {
  if (distOp(op) !== undefined) fail('ERR_INVALID_ARG_VALUE', `submitPartial runs reductions; use submit('${op}', …)`);
  return (await run(op, file, options)) as PartialState;
}

/**
 * Run `op` (histogram, bincount, topk, search or dot) over `file` on the workers and return what the
 * local call returns, merged from every shard's state.
 * @throws as `submit`.
 */
export async function submitOp(op: string, file: string, options: SubmitOptions & Record<string, unknown>): Promise<unknown> {
  return run(op, file, options);
}

/**
 * Reduce `file` with `op` on the workers of a BullMQ queue: the same value as `reduce(op,
 * memmap(file, layout), options)` (integers bit-identical; floats within the engine's tolerance, and
 * the same bits for the same shards and fan-in). The file must be readable here too (its header and
 * identity are checked before anything is queued) and at the same path on every worker (or mapped
 * with their `pathMap`).
 * @param op a reduction's numpy name (`'sum'`, `'nanvar'`…)
 * @param file the path (made absolute here); a `.npy` carries its layout, a raw file takes `layout`
 * @throws before Redis: as `reduce` (`ERR_NDMMAP_AXIS`…), OS errors, `ERR_INVALID_ARG_VALUE`; then
 *   `ERR_NDMMAP_REDIS` (unreachable within `connectTimeout`), a worker's error with its code (`ENOENT`
 *   on that worker, `ERR_NDMMAP_PARTIAL` for a file that differs there or a state that is not valid),
 *   `ABORT_ERR`.
 * @example const total = await submit('sum', '/data/big.f8', { redis: 'redis://queue-host:6379', layout: { dtype: 'float64' }, shards: 64 });
 */
export async function submit<const Op extends string, const O extends SubmitOptions & OpOptions<Op>>(op: Op, file: string, options: O & ProgressCallbacks): Promise<SubmitValue<Op, LayoutDtype<O>, O>> {
  if (distOp(op) !== undefined) return (await run(op, file, options)) as SubmitValue<Op, LayoutDtype<O>, O>;
  return mergePartials([(await run(op, file, options)) as PartialState]) as SubmitValue<Op, LayoutDtype<O>, O>;
}

/** The options of the operations besides the reductions (as their local calls take them, with what can travel). */
export interface SubmitOpOptions {
  histogram: { bins?: number | readonly number[]; range?: readonly [number, number]; expr?: string };
  bincount: { minlength?: number };
  topk: { k: number; axis?: number | null; largest?: boolean };
  search: { queries: VectorLike; k?: number; metric?: Metric; filter?: string };
  dot: { vector: VectorLike };
}
type OpOptions<Op> = Op extends keyof SubmitOpOptions ? SubmitOpOptions[Op] : unknown;
/** What a submit resolves to: the reduction's value, or the operation's result. */
type SubmitValue<Op, D extends DTypeName, O> =
  Op extends 'histogram' ? TypedHistogram<BigInt64Array> : Op extends 'bincount' ? BigInt64Array : Op extends 'topk' ? TypedTopKResult<D>
    : Op extends 'search' ? TypedSearchResult : Op extends 'dot' ? NDResult : ReductionValue<Op, D, O>;

/** The dtype a submit's file holds, when `layout.dtype` says (a `.npy` file's is known only at run time). */
type LayoutDtype<O> = O extends { layout: { dtype: infer S } } ? NameOf<S> : DTypeName;
/** The callbacks, named apart so inline functions get their parameters' types from context. */
type ProgressCallbacks = Pick<SubmitOptions, 'onProgress' | 'log'>;
