/**
 * Shard layouts and fan-in trees, shared by every way of running a sharded job (`ndmmap submit` on
 * BullMQ, `--shard-index` under Kubernetes Indexed Jobs or Slurm arrays, `ndmmap merge --fan-in`), so
 * a given layout and fan-in always merge in the same order and give the same bits.
 */
import { fail, show } from '../errors.js';

/** Children per merge node, as dask's `split_every`: deep enough trees for 10^5 shards, few levels. */
export const DEFAULT_FAN_IN = 16;
/** Rows per shard when only a size is known: about this many bytes of data each (see defaultShards). */
export const DEFAULT_SHARD_BYTES = 128 * 2 ** 20;
/** More shards than this is a mistake, not a job (each is a process or a queue entry). */
export const MAX_SHARDS = 2 ** 20;

/** How rows are cut: a number of shards (near-equal sizes) or a number of rows per shard (the last one shorter). */
export interface ShardSpec { shards?: number; rowsPerShard?: number }

/**
 * Check a spec: exactly one of `shards` (1 … 2^20) and `rowsPerShard` (≥ 1).
 * @throws `ERR_INVALID_ARG_VALUE`, `ERR_OUT_OF_RANGE`
 */
export function checkShardSpec(spec: ShardSpec): ShardSpec {
  const { shards, rowsPerShard } = spec;
  if ((shards === undefined) === (rowsPerShard === undefined)) fail('ERR_INVALID_ARG_VALUE', 'give either shards or rowsPerShard');
  const n = shards ?? rowsPerShard;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) fail('ERR_INVALID_ARG_VALUE', `${shards !== undefined ? 'shards' : 'rowsPerShard'} must be an integer, got ${show(n)}`);
  if (n < 1 || (shards !== undefined && n > MAX_SHARDS))
    fail('ERR_OUT_OF_RANGE', `${shards !== undefined ? `shards must be from 1 to ${MAX_SHARDS}` : 'rowsPerShard must be at least 1'}, got ${n}`);
  return shards !== undefined ? { shards } : { rowsPerShard };
}

/** The number of shards a spec cuts `nrows` rows into (at least 1, even for 0 rows). */
export function shardCount(nrows: number, spec: ShardSpec): number {
  const s = checkShardSpec(spec);
  return s.shards ?? Math.max(1, Math.ceil(nrows / s.rowsPerShard!));
}

/**
 * Rows [start, stop) of shard `index`: near-equal cuts `floor(i * n / N)` for `shards`, or
 * `[i * R, min((i + 1) * R, n))` for `rowsPerShard`. Shards past the rows are empty.
 * @throws `ERR_OUT_OF_RANGE` for an index outside 0 … count - 1.
 * @example shardRange(10, 2, { shards: 4 }) // [5, 7]
 */
export function shardRange(nrows: number, index: number, spec: ShardSpec): [number, number] {
  const count = shardCount(nrows, spec);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) fail('ERR_OUT_OF_RANGE', `shard index must be from 0 to ${count - 1}, got ${show(index)}`);
  if (spec.shards !== undefined) return [Math.floor((index * nrows) / count), Math.floor(((index + 1) * nrows) / count)];
  const r = spec.rowsPerShard!;
  return [Math.min(index * r, nrows), Math.min((index + 1) * r, nrows)];
}

/** Every shard's rows, in order. */
export function shardRanges(nrows: number, spec: ShardSpec): Array<[number, number]> {
  return Array.from({ length: shardCount(nrows, spec) }, (_, i) => shardRange(nrows, i, spec));
}

/** A default cut: about `DEFAULT_SHARD_BYTES` per shard, one shard per row at most. */
export function defaultShards(nrows: number, nbytes: number): ShardSpec {
  return { shards: Math.max(1, Math.min(nrows, MAX_SHARDS, Math.ceil(nbytes / DEFAULT_SHARD_BYTES))) };
}

/** A merge tree: a leaf (shard index) or a merge node of children in row order. */
export type MergeTree = number | MergeTree[];

/**
 * The fan-in tree over `count` leaves: consecutive groups of `fanIn` merged level by level (a group
 * of one passes up unmerged) until at most `fanIn` nodes remain; those are the root's children.
 * @example fanInTree(5, 2) // [[[0, 1], [2, 3]], 4]
 */
export function fanInTree(count: number, fanIn = DEFAULT_FAN_IN): MergeTree[] {
  if (!Number.isSafeInteger(fanIn) || fanIn < 2) fail('ERR_OUT_OF_RANGE', `fan-in must be an integer of at least 2, got ${show(fanIn)}`);
  let level: MergeTree[] = Array.from({ length: count }, (_, i) => i);
  while (level.length > fanIn) {
    const up: MergeTree[] = [];
    for (let i = 0; i < level.length; i += fanIn) {
      const group = level.slice(i, i + fanIn);
      up.push(group.length === 1 ? group[0] : group);
    }
    level = up;
  }
  return level;
}

/**
 * Evaluate a tree bottom-up: `leaf(i)` at the leaves, `node(values)` at each merge node below the root
 * (in row order); returns the root's children's values, for the caller's final merge.
 */
export function foldTree<T>(root: MergeTree[], leaf: (i: number) => T, node: (children: T[]) => T): T[] {
  const walk = (t: MergeTree): T => (typeof t === 'number' ? leaf(t) : node(t.map(walk)));
  return root.map(walk);
}
