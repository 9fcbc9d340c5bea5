/**
 * Messages between the coordinator and workers/task. Plain data: structured-cloned, never a buffer
 * over the mapping (transferring one would detach it). Partials and control live in SharedArrayBuffers.
 */

/** A strided block for native reduce (positions and strides in file bytes). */
export interface Block {
  pos: number;
  outShape: number[]; outStrides: number[]; outIndexMul: number[];
  redShape: number[]; redStrides: number[]; redIndexMul: number[];
  indexBase: number;
  outBase: number;
  /** Bytes read, for progress. */
  bytes: number;
}

/** An apply operand: [mappingId, dtype, swap, position, ...byteStrides] or [-1]. */
export type OperandDesc = number[];

export interface ApplyBlock { shape: number[]; x: OperandDesc; y: OperandDesc; out: OperandDesc; bytes: number }

/**
 * Shared control cells of one call: every worker claims the next block index with Atomics.add, so
 * threads balance themselves with no round trip per block; `stop` ends the call at a block boundary.
 */
export const CONTROL_BYTES = 24;
/** Int32 index: next unclaimed block. */
export const NEXT = 0;
/** Int32 index: non-zero once the call is aborted or failed. */
export const STOP = 1;
/** BigInt64 index (of the same buffer viewed as BigInt64Array): bytes finished. */
export const DONE = 1;
/** Int32 index: bumped and notified after each block, so the coordinator can report progress. */
export const TICK = 4;

export interface ReduceTask {
  kind: 'reduce';
  control: SharedArrayBuffer | ArrayBuffer;
  mappingId: number;
  op: number;
  dtype: number;
  swap: boolean;
  /** Drop each block's pages from this process after reading it (files larger than memory). */
  release: boolean;
  /** Float64 partials, slot-major: SLOTS * (groups * outCount); a plain buffer when run inline. */
  out: SharedArrayBuffer | ArrayBuffer;
  /** Doubles of `out` in use (the buffer may be larger when reused). */
  outLength: number;
  blocks: Block[];
}

export interface ApplyTask {
  kind: 'apply';
  control: SharedArrayBuffer | ArrayBuffer;
  code: Uint8Array;
  consts: Float64Array;
  blocks: ApplyBlock[];
}

/** Test-only: makes the worker die, to prove the pool heals (needs NDMMAP_TEST_HOOKS=1). */
export interface CrashTask { kind: 'crash' }

export type Task = ReduceTask | ApplyTask | CrashTask;

/** What a task resolves to: nothing, or an error description (piscina would drop `code`). */
export type TaskResult = null | { error: { code: string; message: string } };
