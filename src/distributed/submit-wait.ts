/**
 * Adding a flow and waiting for its root: completions and failures come from the queue's event
 * stream (a poll of the root backs it up, so a missed or malformed event cannot hang the caller); the
 * first job that fails for good rejects the wait with that job's own error, and the rest of the flow
 * is removed. Every step honours the signal, and the clean-up never waits long on a Redis that has gone.
 */
import { NdmmapError } from '../errors.js';
import { type Flow } from './flow.js';
import { CLOSE_MS, abortable, connect, load, redactUrl, within } from './redis.js';
import { reasonError } from './wire.js';

export { abortError } from './redis.js';

/** How often the root's state is polled besides the events. */
const POLL_MS = 2000;
/** How long one read of the event stream blocks (BullMQ's default 10 s would hold a closed call's process that long). */
const EVENTS_BLOCK_MS = 1000;
/** After this long with no job of the flow taken by a worker, `log` says so (once), naming the queue. */
export const NO_WORKER_WARN_MS = 5000;
/** A failure passed up by BullMQ's failParentOnFailure names the child it came from. */
const CHILD_FAILED = /^child (\S+) failed$/;
/** Links followed from a parent to the child that really failed (trees are shallower than this). */
const MAX_DEPTH = 64;

export interface WaitOptions {
  url: string; queue: string; timeout: number; flow: Flow; signal?: AbortSignal;
  onProgress?: (p: { doneShards: number; totalShards: number }) => void;
  /** Warnings, one line each: no worker after a few seconds, a malformed event, Redis lost and back. */
  log?: (line: string) => void;
}

/**
 * Add the flow and resolve with the root's return value (a partial state, still unchecked).
 * @throws `ERR_NDMMAP_REDIS`, the failing job's error, `ABORT_ERR`.
 */
export async function awaitFlow(o: WaitOptions): Promise<unknown> {
  const { bullmq } = await abortable(load(), o.signal);
  const log = o.log ?? (() => {});
  const where = `queue '${o.queue}' on ${redactUrl(o.url)}`;
  const conn = await connect(o.url, o.timeout, {
    signal: o.signal,
    health: { down: (cause) => log(`lost Redis (${cause}); waiting for it to come back (${where})`), up: () => log(`Redis is back (${where})`) },
  });
  const shared = conn.client(); // one connection for the queue, the producer and reads; events block, so theirs is their own
  const queue = new bullmq.Queue(o.queue, { connection: shared });
  const producer = new bullmq.FlowProducer({ connection: shared });
  let events: InstanceType<typeof bullmq.QueueEvents> | undefined;
  // BullMQ emits 'error' for what ioredis reports (already logged by the connection) and for an event
  // it cannot parse, after which its event stream stops: the poll takes over, and one line says why
  let eventsDead = false;
  const onError = (err: Error): void => {
    if (events !== undefined && !eventsDead && /JSON|Unexpected token|not valid/i.test(err.message)) {
      eventsDead = true;
      log(`a malformed event on queue '${o.queue}' (${err.message}); following the job by polling`);
    }
  };
  queue.on('error', onError);
  producer.on('error', onError);
  const { rootId, leafIds } = o.flow;
  const ours = (id: string): boolean => id === rootId || id.startsWith(rootId.slice(0, -'root'.length));
  const timers: NodeJS.Timeout[] = [];
  let added = false;
  try {
    // read events from the stream's current end: QueueEvents' default ('$') starts with its first
    // blocking read, which may come after the flow's first events
    const last = await abortable(shared.xrevrange(queue.keys.events, '+', '-', 'COUNT', 1), o.signal);
    // a short blocking read: BullMQ's watchdog timer for it outlives a close by up to this long
    events = new bullmq.QueueEvents(o.queue, { connection: conn.client(), lastEventId: last[0]?.[0] ?? '0-0', blockingTimeout: EVENTS_BLOCK_MS });
    events.on('error', onError);
    const ev = events;
    await abortable(Promise.all([ev.waitUntilReady(), producer.waitUntilReady(), queue.waitUntilReady()]), o.signal);
    return await abortable(new Promise<unknown>((resolve, reject) => {
      const done = new Set<string>();
      let taken = false;
      let settled = false;
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
      ev.on('active', ({ jobId }) => { if (ours(jobId)) taken = true; });
      ev.on('completed', ({ jobId, returnvalue }) => {
        if (leafIds.has(jobId) && !done.has(jobId)) {
          taken = true;
          done.add(jobId);
          o.onProgress?.({ doneShards: done.size, totalShards: leafIds.size });
        }
        if (jobId === rootId) complete(returnvalue);
      });
      ev.on('failed', ({ jobId, failedReason }) => { if (ours(jobId)) void failed(jobId, failedReason).catch((e) => finish(() => reject(e))); });
      const poll = async (): Promise<void> => {
        if (!added || settled) return;
        const job = await queue.getJob(rootId);
        const state = job === undefined ? 'missing' : await job.getState();
        if (state === 'completed') complete(job!.returnvalue);
        else if (state === 'failed') await failed(rootId, job!.failedReason);
        else if (state === 'missing' || state === 'unknown')
          finish(() => reject(new NdmmapError('ERR_NDMMAP_WORKER', `job ${rootId} is gone from Redis (removed, or Redis restarted without persistence)`)));
      };
      timers.push(setInterval(() => { poll().catch(() => {}); }, POLL_MS));
      timers.push(setTimeout(() => {
        if (taken || settled) return;
        // a worker may have taken a job whose 'active' event was missed: ask Redis before warning
        void Promise.all([queue.getWorkersCount(), queue.getActiveCount(), queue.getCompletedCount()]).then(([workers, active, completed]) => {
          if (taken || settled || active + completed > 0) return;
          log(`no worker has taken a job of ${where} after ${NO_WORKER_WARN_MS / 1000} s (${workers} worker${workers === 1 ? '' : 's'} listen on it): ` +
            `start one with ndmmap worker --redis URL${o.queue === 'ndmmap' ? '' : ` --queue ${o.queue}`}, or check --queue`);
        }, () => {});
      }, NO_WORKER_WARN_MS));
      producer.add(o.flow.flow).then(() => { added = true; }, (e) => finish(() => reject(e)));
    }), o.signal);
  } finally {
    for (const t of timers) clearTimeout(t);
    // the root goes (its value is read); on failure or abort, whatever is still queued goes with it —
    // unless Redis is gone: then nothing can be removed, and the call must still settle
    if (conn.healthy()) await within(queue.remove(rootId, { removeChildren: true }), CLOSE_MS);
    await within(Promise.allSettled([events?.close(), queue.close(), producer.close()]), CLOSE_MS);
    await conn.close();
  }
}

/** An abort reason that is a timeout (`AbortSignal.timeout`), as opposed to a user's cancel. */
export function isTimeout(err: unknown): boolean {
  const reason = (err as { cause?: unknown })?.cause as { name?: unknown } | undefined;
  return (err as { code?: unknown })?.code === 'ABORT_ERR' && reason?.name === 'TimeoutError';
}
