/**
 * Running a planned call: small calls inline on the calling thread, larger ones as one task per
 * thread on the pool. Workers claim blocks from a shared counter (self-balancing, no round trip per
 * block); progress is read from a shared byte counter; abort sets a shared stop flag.
 */
import { NdmmapError, fail, show } from '../errors.js';
import { type Layout, byteExtent } from '../layout.js';
import { ADVICE, native } from '../native.js';
import { helpOnce, runTask } from './execute.cjs';
import { checkThreads, markPoolReady, poolReady, poolThreads, runOnPool } from './pool.js';
import { CONTROL_BYTES, DONE, NEXT, STOP, THREADS, TICK, WORKERS, type Task, type TaskResult } from './tasks.cjs';

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

/** What the last pool call ran on: threads that ran blocks, and its blocks (tests check both). */
let last = { workers: 0, blocks: 0 };

/** @internal The threads and blocks of the last pool call that settled. */
export function lastPoolCall(): { workers: number; blocks: number } {
  return { ...last };
}

function abortError(signal: AbortSignal): NdmmapError {
  const e = new NdmmapError('ABORT_ERR', 'The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  return e;
}

/** madvise the input's byte range; a hint, so failures are ignored. */
function hint(task: Exclude<Task, { kind: 'crash' | 'warmup' }>, input: Layout, advice: number): void {
  const id = task.kind === 'apply' ? task.hintId : task.kind === 'reduce' || task.kind === 'dist' ? task.operands[0][0] : undefined;
  const [lo, hi] = byteExtent(input);
  if (id === undefined || hi <= lo) return;
  try { native.advise(id, lo, hi - lo, advice); } catch { /* closed or out of range: nothing to hint */ }
}

function unwrap(r: TaskResult): void {
  if (r !== null) fail(r.error.code, r.error.message, { syscall: r.error.syscall, path: r.error.path });
}

/** Will a call of this many bytes run on the calling thread? */
export function runsInline(totalBytes: number): boolean {
  return totalBytes < INLINE_BYTES;
}

/**
 * Buffers reused by inline calls, a free list so a call made from inside another's callback (an
 * onProgress that reduces) gets its own: allocating ArrayBuffers costs more than a tiny sum.
 */
const freeOut: ArrayBuffer[] = [];
const freeControl: ArrayBuffer[] = [];
const INLINE_OUT = 64 * 1024;
/**
 * Shared buffers of finished pool calls, kept for the next ones: a fresh SharedArrayBuffer of a few
 * MiB (the partial states of an axis reduction) costs its page faults in the workers on every call.
 * Kernels write every state slot a call reads, so a reused buffer needs no clearing.
 */
const freeShared: SharedArrayBuffer[] = [];
/** Keep at most this many bytes of idle shared buffers. */
const SHARED_KEEP_BYTES = 64 * 2 ** 20;

/**
 * A buffer for a call's partial states: shared for a pool call, or (inline) one from the free list,
 * handed back with releaseCallBuffer() when the call is over.
 */
export function callBuffer(bytes: number, inline: boolean): SharedArrayBuffer | ArrayBuffer {
  if (!inline) {
    // the smallest idle buffer that holds it, if not much larger
    let best = -1;
    for (let i = 0; i < freeShared.length; i++) {
      const n = freeShared[i].byteLength;
      if (n >= bytes && n <= 4 * bytes + INLINE_OUT && (best < 0 || n < freeShared[best].byteLength)) best = i;
    }
    return best >= 0 ? freeShared.splice(best, 1)[0] : new SharedArrayBuffer(bytes);
  }
  const b = freeOut.pop();
  return b !== undefined && b.byteLength >= bytes ? b : new ArrayBuffer(Math.max(bytes, INLINE_OUT));
}

/** Give a call's buffer back once no worker touches it any more (the call has settled). */
export function releaseCallBuffer(b: SharedArrayBuffer | ArrayBuffer): void {
  if (b instanceof ArrayBuffer) {
    if (freeOut.length < 8) freeOut.push(b);
    return;
  }
  let held = b.byteLength;
  for (const x of freeShared) held += x.byteLength;
  if (held <= SHARED_KEEP_BYTES && freeShared.length < 8) freeShared.push(b);
}

/** Zeroed control cells for one call. */
export function newControl(inline: boolean): SharedArrayBuffer | ArrayBuffer {
  if (!inline) return new SharedArrayBuffer(CONTROL_BYTES);
  const c = freeControl.pop() ?? new ArrayBuffer(CONTROL_BYTES);
  new Int32Array(c).fill(0);
  return c;
}

/** Run an inline call now, on this thread; its progress report comes once, at the end. */
export function runInline(task: Exclude<Task, { kind: 'crash' | 'warmup' }>, totalBytes: number, opts: RunOptions = {}): void {
  const { signal, onProgress } = opts;
  if (signal?.aborted) throw abortError(signal);
  try {
    unwrap(runTask(task));
  } finally {
    if (task.control instanceof ArrayBuffer && freeControl.length < 8) freeControl.push(task.control);
  }
  onProgress?.({ doneBytes: totalBytes, totalBytes });
}

/**
 * Run a call described by `task` (its blocks total `totalBytes`) on the pool, honouring threads,
 * progress and abort. An abort or a failure stops every worker at its next block boundary; the
 * promise settles only after the last running block has returned, so a call never settles while a
 * worker still touches its data. While the pool's threads are still starting (the first call of a
 * process), this thread runs blocks too, one per turn of the event loop, until one of them joins:
 * a small first call is done before the threads are up, a large one has a head start; the call then
 * settles once every block is done, without waiting for threads that found nothing left.
 */
export async function runCall(task: Exclude<Task, { kind: 'crash' | 'warmup' }>, totalBytes: number, opts: RunOptions, input?: Layout): Promise<void> {
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
  if (threads === 0) { onProgress?.({ doneBytes: 0, totalBytes }); return; }
  Atomics.store(cells, THREADS, threads);
  await new Promise<void>((resolve, reject) => {
    let running = threads;
    let finished = false;
    let failure: unknown;
    // Settle only when no worker touches the call's data any more: an abort or a failure stops the
    // others at their next block, and the promise waits for that.
    const settle = (): void => {
      if (finished) return;
      // every block done: threads that start now find none left and touch nothing
      if (running > 0 && !(failure === undefined && Atomics.load(cells, TICK) >= task.blocks.length)) return;
      finished = true;
      last = { workers: Atomics.load(cells, WORKERS), blocks: task.blocks.length };
      if (last.workers > 0) markPoolReady();
      if (input !== undefined && totalBytes >= SEQUENTIAL_BYTES) hint(task, input, ADVICE.normal);
      Atomics.notify(cells, TICK); // release the progress watch
      signal?.removeEventListener('abort', onAbort);
      if (failure !== undefined) { reject(failure); return; }
      try { report(); resolve(); } catch (e) { reject(e); }
    };
    const end = (err?: unknown): void => {
      if (err !== undefined && failure === undefined) { failure = err; Atomics.store(cells, STOP, 1); }
      settle();
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
    // A cold pool: run blocks here, a turn of the event loop each, until a pool thread has joined.
    const help = (): void => {
      if (finished || failure !== undefined || Atomics.load(cells, WORKERS) > 0 || Atomics.load(cells, STOP) !== 0 ||
          Atomics.load(cells, NEXT) >= task.blocks.length) return;
      try { unwrap(helpOnce(task)); } catch (e) { end(e); return; }
      settle();
      setImmediate(help);
    };
    if (!poolReady()) setImmediate(help);
    for (let t = 0; t < threads; t++) {
      runOnPool<TaskResult>(task).then(
        (r) => {
          running--;
          try { unwrap(r); } catch (e) { end(e); return; }
          end();
        },
        (err: unknown) => {
          running--;
          end(new NdmmapError('ERR_NDMMAP_WORKER', `a worker failed: ${(err as Error)?.message ?? String(err)}`, { cause: err }));
        },
      );
    }
  });
}
