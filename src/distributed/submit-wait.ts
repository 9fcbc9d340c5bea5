/**
 * Adding a flow and waiting for its root: completions and failures come from the queue's event
 * stream (a poll of the root backs it up, so a missed event cannot hang the caller); the first job
 * that fails for good rejects the wait with that job's own error, and the rest of the flow is removed.
 */
import { NdmmapError } from '../errors.js';
import { type Flow } from './flow.js';
import { connect, load } from './redis.js';
import { reasonError } from './wire.js';

/** How often the root's state is polled besides the events. */
const POLL_MS = 2000;
/** A failure passed up by BullMQ's failParentOnFailure names the child it came from. */
const CHILD_FAILED = /^child (\S+) failed$/;
/** Links followed from a parent to the child that really failed (trees are shallower than this). */
const MAX_DEPTH = 64;

/** The error an aborted submit rejects with (as the engine's). */
export function abortError(signal: AbortSignal): NdmmapError {
  const e = new NdmmapError('ABORT_ERR', 'The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  return e;
}

export interface WaitOptions {
  url: string; queue: string; timeout: number; flow: Flow; signal?: AbortSignal;
  onProgress?: (p: { doneShards: number; totalShards: number }) => void;
}

/**
 * Add the flow and resolve with the root's return value (a partial state, still unchecked).
 * @throws `ERR_NDMMAP_REDIS`, the failing job's error, `ABORT_ERR`.
 */
export async function awaitFlow(o: WaitOptions): Promise<unknown> {
  const { bullmq } = await load();
  const conn = await connect(o.url, o.timeout);
  const shared = conn.client(); // one connection for the queue, the producer and reads; events block, so theirs is their own
  const queue = new bullmq.Queue(o.queue, { connection: shared });
  const producer = new bullmq.FlowProducer({ connection: shared });
  // read events from the stream's current end: QueueEvents' default ('$') starts with its first
  // blocking read, which may come after the flow's first events
  const last = await shared.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1);
  const events = new bullmq.QueueEvents(o.queue, { connection: conn.client(), lastEventId: last[0]?.[0] ?? '0-0' });
  const { rootId, leafIds } = o.flow;
  const ours = (id: string): boolean => id === rootId || id.startsWith(rootId.slice(0, -'root'.length));
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let settled = false;
  try {
    await Promise.all([events.waitUntilReady(), producer.waitUntilReady(), queue.waitUntilReady()]);
    return await new Promise<unknown>((resolve, reject) => {
      const done = new Set<string>();
      const finish = (f: () => void): void => { if (!settled) { settled = true; f(); } };
      const complete = (value: unknown): void => finish(() => {
        // the poll may see the root before the event stream has delivered every shard's completion
        if (done.size < leafIds.size) o.onProgress?.({ doneShards: leafIds.size, totalShards: leafIds.size });
        resolve(value);
      });
      /** Follow "child X failed" down to the job that failed, and reject with its reason. */
      const failed = async (jobId: string, reason: string): Promise<void> => {
        for (let depth = 0; depth < MAX_DEPTH; depth++) {
          const m = CHILD_FAILED.exec(reason);
          if (m === null) break;
          const child = await queue.getJob(m[1].slice(m[1].lastIndexOf(':') + 1));
          if (child?.failedReason === undefined) break;
          [jobId, reason] = [child.id ?? jobId, child.failedReason];
        }
        try { reasonError(reason, jobId); } catch (err) { finish(() => reject(err)); }
      };
      events.on('completed', ({ jobId, returnvalue }) => {
        if (leafIds.has(jobId) && !done.has(jobId)) {
          done.add(jobId);
          o.onProgress?.({ doneShards: done.size, totalShards: leafIds.size });
        }
        if (jobId === rootId) complete(returnvalue);
      });
      events.on('failed', ({ jobId, failedReason }) => { if (ours(jobId)) void failed(jobId, failedReason).catch((e) => finish(() => reject(e))); });
      let added = false;
      const poll = async (): Promise<void> => {
        if (!added) return;
        const job = await queue.getJob(rootId);
        const state = job === undefined ? 'missing' : await job.getState();
        if (state === 'completed') complete(job!.returnvalue);
        else if (state === 'failed') await failed(rootId, job!.failedReason);
        else if (state === 'missing' || state === 'unknown')
          finish(() => reject(new NdmmapError('ERR_NDMMAP_WORKER', `job ${rootId} is gone from Redis (removed, or Redis restarted without persistence)`)));
      };
      timer = setInterval(() => { poll().catch(() => {}); }, POLL_MS);
      if (o.signal !== undefined) {
        onAbort = () => finish(() => reject(abortError(o.signal!)));
        o.signal.addEventListener('abort', onAbort, { once: true });
      }
      producer.add(o.flow.flow).then(() => { added = true; }, (e) => finish(() => reject(e)));
    });
  } finally {
    clearInterval(timer);
    if (onAbort !== undefined) o.signal?.removeEventListener('abort', onAbort);
    // the root goes (its value is read); on failure or abort, whatever is still queued goes with it
    await queue.remove(rootId, { removeChildren: true }).catch(() => {});
    await Promise.allSettled([events.close(), queue.close(), producer.close()]);
    await conn.close();
  }
}
