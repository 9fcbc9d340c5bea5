/**
 * The BullMQ flow of one submitted reduction: a tree of merge jobs over shard jobs, shaped by
 * `fanInTree` (the same tree `ndmmap merge --fan-in` folds), with job ids derived from the run id so
 * the submitter can tell its own jobs' events apart.
 */
import type { FlowJob } from 'bullmq';
import { type MergeTree } from '../engine/shards.js';
import { type MergeJob, type PartialHeader, type ShardJob, WIRE_VERSION } from './wire.js';

/** Finished jobs of a failed run stay this long for inspection (BullMQ removes them on later failures). */
const KEEP_FAILED_S = 24 * 3600;

/** The flow to add, the root's id and the leaves' ids (progress counts them). */
export interface Flow { flow: FlowJob; rootId: string; leafIds: Set<string> }

/**
 * Build the flow: leaf `i` reduces `ranges[i]`; each merge node combines its children; the root
 * combines the top level (rows 0 … nrows).
 * @param leaf the shard job of leaf `i`, without the wire version
 */
export function buildFlow(o: {
  runId: string; queue: string; ranges: Array<[number, number]>; tree: MergeTree[]; nrows: number;
  header: PartialHeader; attempts: number; leaf: (i: number) => Omit<ShardJob, 'v'>;
}): Flow {
  const leafIds = new Set<string>();
  const common = {
    attempts: o.attempts, backoff: { type: 'exponential', delay: 500 },
    failParentOnFailure: true, removeOnComplete: true, removeOnFail: { age: KEEP_FAILED_S },
  } as const;
  let merges = 0;
  const rowsOf = (t: MergeTree): [number, number] =>
    typeof t === 'number' ? o.ranges[t] : [rowsOf(t[0])[0], rowsOf(t[t.length - 1])[1]];
  const node = (t: MergeTree): FlowJob => {
    if (typeof t === 'number') {
      const jobId = `${o.runId}-s${t}`;
      leafIds.add(jobId);
      const data: ShardJob = { v: WIRE_VERSION, ...o.leaf(t) };
      return { name: 'shard', queueName: o.queue, data, opts: { ...common, jobId } };
    }
    const data: MergeJob = { v: WIRE_VERSION, rows: rowsOf(t), children: t.length, header: o.header };
    return { name: 'merge', queueName: o.queue, data, opts: { ...common, jobId: `${o.runId}-m${merges++}` }, children: t.map(node) };
  };
  const rootId = `${o.runId}-root`;
  const data: MergeJob = { v: WIRE_VERSION, rows: [0, o.nrows], children: o.tree.length, header: o.header };
  const flow: FlowJob = {
    name: 'merge', queueName: o.queue, data, children: o.tree.map(node),
    // the submitter reads the root's value, then removes it (and it is kept if the submitter is gone)
    opts: { jobId: rootId, attempts: o.attempts, backoff: common.backoff, removeOnComplete: { age: KEEP_FAILED_S }, removeOnFail: { age: KEEP_FAILED_S } },
  };
  return { flow, rootId, leafIds };
}
