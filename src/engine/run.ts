/**
 * Running a planned call: group blocks into tasks, run small calls inline, larger ones on the pool
 * with at most `threads` tasks in flight; report progress; stop dispatching on abort.
 */
import { NdmmapError, fail, show } from '../errors.js';
import { runTask } from '../../workers/task.js';
import { checkThreads, getPool, poolThreads } from './pool.js';
import { type Task, type TaskResult } from './types.js';

/** Options every parallel call takes. */
export interface RunOptions {
  /** Threads to use for this call (default: the pool's size, `os.availableParallelism()`). */
  threads?: number;
  /** Abort: stops dispatching and rejects with an `AbortError` (code `ABORT_ERR`). */
  signal?: AbortSignal;
  /** Called after each finished task with the bytes done so far. */
  onProgress?: (p: { doneBytes: number; totalBytes: number }) => void;
}

/**
 * Below this many bytes a call runs on the calling thread: a worker round trip (~50 µs) costs more
 * than reading this much (~30 µs at 11 GB/s).
 */
export const INLINE_BYTES = 512 * 1024;
/** Tasks per thread, for balance when blocks take unequal time. */
const TASKS_PER_THREAD = 4;
/** Upper bound on one task's bytes, so progress moves and abort is prompt. */
const MAX_TASK_BYTES = 64 * 2 ** 20;

export function checkRunOptions(o: RunOptions | undefined): RunOptions {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object, got ${show(o)}`);
  if (o.threads !== undefined) checkThreads(o.threads);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) fail('ERR_INVALID_ARG_TYPE', 'signal must be an AbortSignal');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') fail('ERR_INVALID_ARG_TYPE', 'onProgress must be a function');
  return o;
}

function abortError(signal: AbortSignal): NdmmapError {
  const e = new NdmmapError('ABORT_ERR', 'The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  return e;
}

/** Split `items` (each with `bytes`) into consecutive groups of about equal bytes. */
export function groupByBytes<T extends { bytes: number }>(items: T[], threads: number): T[][] {
  const total = items.reduce((s, b) => s + b.bytes, 0);
  const want = Math.min(items.length, Math.max(threads * TASKS_PER_THREAD, Math.ceil(total / MAX_TASK_BYTES)));
  const per = total / Math.max(want, 1);
  const groups: T[][] = [];
  let cur: T[] = [];
  let acc = 0;
  for (const b of items) {
    cur.push(b);
    acc += b.bytes;
    if (acc >= per * (groups.length + 1) - per / 2 && groups.length < want - 1) { groups.push(cur); cur = []; }
  }
  if (cur.length) groups.push(cur);
  return groups;
}

function unwrap(r: TaskResult): void {
  if (r !== null) fail(r.error.code, r.error.message);
}

/** Threads a call may use: its own `threads`, at most the pool's size. */
export function threadsFor(opts: RunOptions): number {
  return Math.min(opts.threads ?? poolThreads(), poolThreads());
}

/** Run tasks (with their byte counts) to completion, honouring threads, progress and abort. */
export async function runAll(tasks: Task[], bytes: number[], opts: RunOptions): Promise<void> {
  const totalBytes = bytes.reduce((a, b) => a + b, 0);
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw abortError(signal);
  let done = 0;
  if (totalBytes < INLINE_BYTES) {
    for (let i = 0; i < tasks.length; i++) {
      unwrap(runTask(tasks[i]));
      done += bytes[i];
      onProgress?.({ doneBytes: done, totalBytes });
    }
    return;
  }
  const threads = threadsFor(opts);
  const pool = getPool();
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let running = 0;
    let finished = false;
    const end = (err?: unknown): void => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolve(); else reject(err);
    };
    const onAbort = (): void => end(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const pump = (): void => {
      while (!finished && running < threads && next < tasks.length) {
        const i = next++;
        running++;
        (pool.run(tasks[i]) as Promise<TaskResult>).then(
          (r) => {
            running--;
            if (finished) return;
            try { unwrap(r); } catch (e) { end(e); return; }
            done += bytes[i];
            try { onProgress?.({ doneBytes: done, totalBytes }); } catch (e) { end(e); return; }
            if (done === totalBytes && running === 0 && next === tasks.length) end();
            else pump();
          },
          (err: unknown) => {
            running--;
            end(new NdmmapError('ERR_NDMMAP_WORKER', `a worker failed: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
          },
        );
      }
      if (!finished && running === 0 && next === tasks.length) end();
    };
    pump();
  });
}
