/**
 * The distributions' working memory, bounded for every call of the process together: one shared
 * arena of BUDGET_BYTES, handed out in leases. A call that does not fit waits its turn (first come,
 * first served), so 400 medians started at once use the same memory as a few; and the arena is
 * reused from call to call instead of leaving each call's buffers to the garbage collector.
 *
 * A call holds one lease at a time and releases it before asking for the next, so the queue always
 * drains. Views into a lease must not be used once it is released.
 */
import { NdmmapError } from '../../errors.js';

/** Bytes of the arena: the README's 64 MiB for all distribution calls at once. */
export const BUDGET_BYTES = 64 * 2 ** 20;
/** Leases start on cache-line boundaries (threads write neighbouring leases). */
const ALIGN = 64;
/** An idle arena is let go after this long (the timer never keeps the process alive). */
const IDLE_MS = 2000;

/** Carves typed arrays out of one lease, front to back. */
export interface Memory {
  u64(n: number, zero?: boolean): BigUint64Array;
  i64(n: number, zero?: boolean): BigInt64Array;
  f64(n: number, zero?: boolean): Float64Array;
}

interface Waiter { bytes: number; grant: (at: number) => void }

let arena: SharedArrayBuffer | null = null;
let free: [number, number][] = [[0, BUDGET_BYTES]];
const queue: Waiter[] = [];
let leased = 0;
let idle: ReturnType<typeof setTimeout> | undefined;

function take(bytes: number): number {
  for (let i = 0; i < free.length; i++) {
    const [s, e] = free[i];
    if (e - s < bytes) continue;
    if (e - s === bytes) free.splice(i, 1);
    else free[i] = [s + bytes, e];
    return s;
  }
  return -1;
}

function give(at: number, bytes: number): void {
  free.push([at, at + bytes]);
  free.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of free) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last[1] === r[0]) last[1] = r[1];
    else merged.push([r[0], r[1]]);
  }
  free = merged;
}

function serve(): void {
  while (queue.length > 0) {
    const at = take(queue[0].bytes);
    if (at < 0) return; // first come, first served: later ones wait behind it
    queue.shift()!.grant(at);
  }
}

const round = (bytes: number): number => Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);

function memory(buf: SharedArrayBuffer, at: number, bytes: number): Memory {
  let used = 0;
  const carve = (n: number): number => {
    const b = round(Math.max(1, n) * 8);
    if (used + b > bytes) throw new NdmmapError('ERR_NDMMAP_INTERNAL', `a distribution lease of ${bytes} bytes is too small`);
    const off = at + used;
    used += b;
    return off;
  };
  const view = <T extends BigUint64Array | BigInt64Array | Float64Array>(T: new (b: SharedArrayBuffer, o: number, n: number) => T, n: number, zero: boolean): T => {
    const a = new T(buf, carve(n), Math.max(1, n));
    if (zero) new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(0);
    return a;
  };
  return {
    u64: (n, zero = true) => view(BigUint64Array, n, zero),
    i64: (n, zero = true) => view(BigInt64Array, n, zero),
    f64: (n, zero = true) => view(Float64Array, n, zero),
  };
}

/** Bytes a lease needs for typed arrays of these element counts (8-byte elements). */
export function bytesFor(...counts: number[]): number {
  return counts.reduce((t, n) => t + round(Math.max(1, n) * 8), 0);
}

/**
 * Run `fn` with `bytes` of the arena, waiting until they are free; released when `fn` settles.
 * @throws `ABORT_ERR` when `signal` aborts while waiting; fn's errors.
 */
export async function withMemory<T>(bytes: number, fn: (m: Memory) => Promise<T> | T, signal?: AbortSignal): Promise<T> {
  const size = round(bytes);
  if (size > BUDGET_BYTES) throw new NdmmapError('ERR_NDMMAP_INTERNAL', `a distribution lease of ${size} bytes exceeds the ${BUDGET_BYTES}-byte budget`);
  if (signal?.aborted) throw abortError(signal);
  let at = queue.length === 0 ? take(size) : -1;
  if (at < 0) {
    at = await new Promise<number>((resolve, reject) => {
      const w: Waiter = { bytes: size, grant: (a) => { signal?.removeEventListener('abort', onAbort); resolve(a); } };
      const onAbort = (): void => {
        const i = queue.indexOf(w);
        if (i >= 0) queue.splice(i, 1);
        serve();
        reject(abortError(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(w);
    });
  }
  leased++;
  if (idle !== undefined) { clearTimeout(idle); idle = undefined; }
  arena ??= new SharedArrayBuffer(BUDGET_BYTES);
  try {
    return await fn(memory(arena, at, size));
  } finally {
    leased--;
    give(at, size);
    serve();
    if (leased === 0 && queue.length === 0) {
      idle = setTimeout(() => { if (leased === 0) arena = null; idle = undefined; }, IDLE_MS);
      idle.unref?.();
    }
  }
}

function abortError(signal: AbortSignal): NdmmapError {
  const e = new NdmmapError('ABORT_ERR', 'The operation was aborted', { cause: signal.reason });
  e.name = 'AbortError';
  return e;
}
