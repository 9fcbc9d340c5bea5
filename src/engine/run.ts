/**
 * Running a planned call: small calls inline on the calling thread, larger ones as one task per
 * thread on the pool. Workers claim blocks from a shared counter (self-balancing, no round trip per
 * block); progress is read from a shared byte counter; abort sets a shared stop flag.
 */
import { NdmmapError, fail, show } from '../errors.js';
import { runTask } from '../../workers/task.js';
import { type Layout, byteExtent } from '../layout.js';
import { ADVICE, native } from '../native.js';
import { checkThreads, poolThreads, runOnPool } from './pool.js';
import { CONTROL_BYTES, DONE, STOP, TICK, type Task, type TaskResult } from './types.js';

/** Options every parallel call takes. */
export interface RunOptions {
  /** Threads for this call (default and maximum: the pool's size, `os.availableParallelism()`). */
  threads?: number;
  /** Abort: stops at the next block boundary and rejects with an `AbortError` (code `ABORT_ERR`). */
  signal?: AbortSignal;
  /** Called as blocks finish (at most every PROGRESS_MS, and for the first block) and once at the end. */
  onProgress?: (p: { doneBytes: number; totalBytes: number }) => void;
}

/**
 * Below this many bytes a call runs on the calling thread: a worker round trip (~50–100 µs) costs
 * more than reading this much (~50 µs at 11 GB/s).
 */
export const INLINE_BYTES = 512 * 1024;
/** From this size on, the input range is marked MADV_SEQUENTIAL for the call (deeper readahead). */
const SEQUENTIAL_BYTES = 64 * 2 ** 20;
/** Least time between two progress reports during a pool call (blocks can finish every ~0.2 ms). */
const PROGRESS_MS = 10;

export function checkRunOptions(o: RunOptions | undefined): RunOptions {
  if (o === undefined) return {};
  if (o === null || typeof o !== 'object') fail('ERR_INVALID_ARG_TYPE', `options must be an object, got ${show(o)}`);
  if (o.threads !== undefined) checkThreads(o.threads);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) fail('ERR_INVALID_ARG_TYPE', 'signal must be an AbortSignal');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') fail('ERR_INVALID_ARG_TYPE', 'onProgress must be a function');
  return o;
}

/** Threads a call may use: its own `threads`, at most the pool's size. */
export function threadsFor(opts: RunOptions): number {
  return Math.min(opts.threads ?? poolThreads(), poolThreads());
}

function abortError(signal: AbortSignal): NdmmapError {
  const e = new NdmmapError('ABORT_ERR', 'The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  return e;
}

/** madvise the input's byte range; a hint, so failures are ignored. */
function hint(task: Exclude<Task, { kind: 'crash' }>, input: Layout, advice: number): void {
  const id = task.kind === 'reduce' ? task.mappingId : task.blocks[0]?.x[0];
  const [lo, hi] = byteExtent(input);
  if (id === undefined || hi <= lo) return;
  try { native.advise(id, lo, hi - lo, advice); } catch { /* closed or out of range: nothing to hint */ }
}

function unwrap(r: TaskResult): void {
  if (r !== null) fail(r.error.code, r.error.message);
}

/** Will a call of this many bytes run on the calling thread? */
export function runsInline(totalBytes: number): boolean {
  return totalBytes < INLINE_BYTES;
}

/**
 * Buffers reused by inline calls. An inline call runs and is merged synchronously (no await in
 * between), so no other call can observe them; allocating ArrayBuffers costs more than a tiny sum.
 */
let inlineOut = new ArrayBuffer(64 * 1024);
const inlineControl = new ArrayBuffer(CONTROL_BYTES);

/** A shared buffer for a pool call, or (inline) a reused one: valid only until the caller's next await. */
export function callBuffer(bytes: number, inline: boolean): SharedArrayBuffer | ArrayBuffer {
  if (!inline) return new SharedArrayBuffer(bytes);
  if (bytes > inlineOut.byteLength) inlineOut = new ArrayBuffer(bytes);
  return inlineOut;
}

/** Zeroed control cells for one call (reused when inline). */
export function newControl(inline: boolean): SharedArrayBuffer | ArrayBuffer {
  if (!inline) return new SharedArrayBuffer(CONTROL_BYTES);
  new Int32Array(inlineControl).fill(0);
  return inlineControl;
}

/** Run an inline call now, on this thread (the caller merges before its next await). */
export function runInline(task: Exclude<Task, { kind: 'crash' }>, totalBytes: number, opts: RunOptions): void {
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw abortError(signal);
  unwrap(runTask(task));
  onProgress?.({ doneBytes: totalBytes, totalBytes });
}



/**
 * Run a call described by `task` (its blocks total `totalBytes`) on the pool, honouring threads,
 * progress and abort. After an abort, blocks already running finish in the background.
 */
export async function runCall(task: Exclude<Task, { kind: 'crash' }>, totalBytes: number, opts: RunOptions, input?: Layout): Promise<void> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw abortError(signal);
  if (input !== undefined && totalBytes >= SEQUENTIAL_BYTES) hint(task, input, ADVICE.sequential);
  const cells = new Int32Array(task.control);
  const done = new BigInt64Array(task.control);
  let reported = -1;
  /** Report the bytes done, once per value: the watch and the final report may see the same count. */
  const report = (): void => {
    const doneBytes = Number(Atomics.load(done, DONE));
    if (doneBytes === reported) return;
    reported = doneBytes;
    onProgress?.({ doneBytes, totalBytes });
  };
  const threads = Math.min(threadsFor(opts), task.blocks.length);
  await new Promise<void>((resolve, reject) => {
    let running = threads;
    let finished = false;
    const end = (err?: unknown): void => {
      if (finished) return;
      finished = true;
      if (input !== undefined && totalBytes >= SEQUENTIAL_BYTES) hint(task, input, ADVICE.normal);
      Atomics.notify(cells, TICK); // release the progress watch
      signal?.removeEventListener('abort', onAbort);
      if (err !== undefined) { Atomics.store(cells, STOP, 1); reject(err); return; }
      try { report(); resolve(); } catch (e) { reject(e); }
    };
    const onAbort = (): void => end(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    // Progress: sleep on the TICK cell (workers notify it after each block), report when it moved.
    // The wait has a timeout so a forgotten waiter could never hold the process open.
    const watch = async (): Promise<void> => {
      let seen = 0;
      let last = -Infinity;
      while (!finished) {
        const w = Atomics.waitAsync(cells, TICK, seen, PROGRESS_MS * 10);
        if (w.async) await w.value;
        const tick = Atomics.load(cells, TICK);
        if (finished || tick === seen) continue;
        seen = tick;
        if (performance.now() - last < PROGRESS_MS) continue;
        last = performance.now();
        try { report(); } catch (e) { end(e); }
      }
    };
    if (onProgress !== undefined) void watch();
    for (let t = 0; t < threads; t++) {
      runOnPool<TaskResult>(task).then(
        (r) => {
          try { unwrap(r); } catch (e) { end(e); return; }
          if (--running === 0) end();
        },
        (err: unknown) => end(new NdmmapError('ERR_NDMMAP_WORKER', `a worker failed: ${(err as Error)?.message ?? String(err)}`, { cause: err })),
      );
    }
  });
}
