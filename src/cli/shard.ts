/**
 * Which rows a sharded CLI run reduces: `--rows A:B`, or shard `--shard-index I` of `--shards N` /
 * `--rows-per-shard R`, or — with `--partial` and none of those flags — the index a batch system hands
 * the task: `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs; the count from `--shards` or
 * `NDMMAP_SHARDS`) or `SLURM_ARRAY_TASK_ID` (Slurm job arrays; the count from `--shards` or
 * `SLURM_ARRAY_TASK_COUNT`, the index relative to `SLURM_ARRAY_TASK_MIN` and `_STEP`).
 */
import { fail, show } from '../errors.js';
import { type ShardSpec, checkShardSpec, shardRange } from '../engine/shards.js';
import { USAGE, type Values, intOption, rowsWithin } from './args.js';

/** A shard chosen by index, and where the index came from (for messages). */
export interface ShardChoice { index: number; spec: ShardSpec; source: string }

function envInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim());
  if (!/^\s*[+-]?\d+\s*$/.test(v) || !Number.isSafeInteger(n)) fail('ERR_INVALID_ARG_VALUE', `${name} must be an integer, got ${show(v)}`);
  if (n < min) fail('ERR_OUT_OF_RANGE', `${name} must be at least ${min}, got ${n}`);
  return n;
}

/** The shard count flags as a spec (undefined when neither is given). */
function specFlags(values: Values): ShardSpec | undefined {
  const shards = intOption(values.shards, 'shards', 1);
  const rowsPerShard = intOption(values['rows-per-shard'], 'rows-per-shard', 1);
  if (shards !== undefined && rowsPerShard !== undefined) fail(USAGE, 'give --shards or --rows-per-shard, not both');
  if (shards === undefined && rowsPerShard === undefined) return undefined;
  return checkShardSpec(shards !== undefined ? { shards } : { rowsPerShard });
}

/**
 * The shard a reduction command runs, from its flags or (with `--partial` only, so a plain run inside
 * an array task is never cut by surprise) from the batch system's variables; undefined: no sharding.
 * @throws `ERR_NDMMAP_USAGE` for flags that conflict or a count with no index; `ERR_INVALID_ARG_VALUE` /
 *   `ERR_OUT_OF_RANGE` for bad numbers.
 */
export function shardChoice(values: Values, env: NodeJS.ProcessEnv = process.env): ShardChoice | undefined {
  const flagged = specFlags(values);
  const index = intOption(values['shard-index'], 'shard-index', 0);
  if (values.rows !== undefined && (index !== undefined || flagged !== undefined)) fail(USAGE, 'give --rows or --shard-index/--shards, not both');
  if (index !== undefined) {
    if (flagged === undefined) fail(USAGE, '--shard-index needs --shards N or --rows-per-shard R');
    return { index, spec: flagged, source: '--shard-index' };
  }
  if (values.partial && values.rows === undefined) {
    const k8s = envInt(env, 'JOB_COMPLETION_INDEX', 0);
    if (k8s !== undefined) {
      const envShards = envInt(env, 'NDMMAP_SHARDS', 1);
      const spec = flagged ?? (envShards !== undefined ? { shards: envShards } : undefined);
      if (spec === undefined) fail(USAGE, 'JOB_COMPLETION_INDEX is set: give the shard count with --shards N (the Job\'s completions) or NDMMAP_SHARDS');
      return { index: k8s, spec: checkShardSpec(spec), source: 'JOB_COMPLETION_INDEX' };
    }
    const task = envInt(env, 'SLURM_ARRAY_TASK_ID', 0);
    if (task !== undefined) {
      const min = envInt(env, 'SLURM_ARRAY_TASK_MIN', 0) ?? 0;
      const step = envInt(env, 'SLURM_ARRAY_TASK_STEP', 1) ?? 1;
      if (task < min || (task - min) % step !== 0) fail('ERR_OUT_OF_RANGE', `SLURM_ARRAY_TASK_ID ${task} is not in the array ${min}-…:${step}`);
      const count = envInt(env, 'SLURM_ARRAY_TASK_COUNT', 1);
      const spec = flagged ?? (count !== undefined ? { shards: count } : undefined);
      if (spec === undefined) fail(USAGE, 'SLURM_ARRAY_TASK_ID is set without SLURM_ARRAY_TASK_COUNT: give --shards N');
      return { index: (task - min) / step, spec: checkShardSpec(spec), source: 'SLURM_ARRAY_TASK_ID' };
    }
  }
  if (flagged !== undefined) fail(USAGE, '--shards/--rows-per-shard need --shard-index I (or, with --partial, JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID)');
  return undefined;
}

/** The rows of a chosen shard of an array with `nrows` rows. */
export function shardRows(choice: ShardChoice, nrows: number): [number, number] {
  try {
    return shardRange(nrows, choice.index, choice.spec);
  } catch (err) {
    return fail((err as { code: string }).code, `${choice.source}: ${(err as Error).message}`);
  }
}

/**
 * The rows a row-reading command (histogram, bincount, search, topk, dot and the reductions) runs on:
 * `--rows A:B`, or a shard chosen by `--shard-index`/`--shards` or (with `--partial`) the batch system's
 * index; undefined for every row.
 * @throws as `shardChoice`; `ERR_NDMMAP_INDEX` for a 0-d array.
 */
export function rowsOf(values: Values, shape: readonly number[], env: NodeJS.ProcessEnv = process.env): [number, number] | undefined {
  const choice = shardChoice(values, env);
  if ((choice !== undefined || values.rows !== undefined || values.partial) && shape.length === 0)
    fail('ERR_NDMMAP_INDEX', `${choice?.source ?? (values.partial ? '--partial' : '--rows')} needs an array with at least one dimension (rows)`);
  if (choice !== undefined) return shardRows(choice, shape[0]);
  return rowsWithin(values.rows, shape[0] ?? 0);
}

/** The flags of sharded runs (args.ts's SHARDS table). */
const SHARD_FLAGS = ['rows', 'partial', 'shard-index', 'shards', 'rows-per-shard'];

/**
 * Refuse shard flags for a command whose result is not mergeable from row ranges (exact quantiles).
 * @throws `ERR_NDMMAP_USAGE` naming the command.
 */
export function refuseShards(values: Values, what: string): void {
  const given = SHARD_FLAGS.filter((k) => values[k] !== undefined);
  if (given.length) fail(USAGE, `${what} do not shard; run on one machine (--${given.join(", --")} given: a rank depends on every row; a sharded histogram brackets it)`);
}
