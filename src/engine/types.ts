/**
 * Messages between the coordinator and workers/task. Plain data: structured-cloned, never a buffer
 * over the mapping (transferring one would detach it). Output partials go to a SharedArrayBuffer.
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

export interface ReduceTask {
  kind: 'reduce';
  mappingId: number;
  op: number;
  dtype: number;
  swap: boolean;
  /** Float64 partials, slot-major: SLOTS * (groups * outCount). */
  out: SharedArrayBuffer;
  blocks: Block[];
}

/** An apply operand: [mappingId, dtype, swap, position, ...byteStrides] or [-1]. */
export type OperandDesc = number[];

export interface ApplyBlock { shape: number[]; x: OperandDesc; y: OperandDesc; out: OperandDesc; bytes: number }

export interface ApplyTask {
  kind: 'apply';
  code: Uint8Array;
  consts: Float64Array;
  blocks: ApplyBlock[];
}

/** Test-only: makes the worker die, to prove the pool heals (needs NDMMAP_TEST_HOOKS=1). */
export interface CrashTask { kind: 'crash' }

export type Task = ReduceTask | ApplyTask | CrashTask;

/** What a task resolves to: nothing, or an error description (piscina would drop `code`). */
export type TaskResult = null | { error: { code: string; message: string } };
