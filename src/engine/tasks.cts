/**
 * Messages between the coordinator (src/engine/run.ts) and the workers (workers/task.cts): plain
 * data, structured-cloned, never a buffer over a mapping (transferring one would detach it). Partial
 * states and the control cells live in SharedArrayBuffers. CommonJS, like everything a worker loads.
 */

/** A program for the native VM: bytecode and constants (src/expr/compile.ts). */
export interface ProgramData { code: Uint8Array; consts: Float64Array }

/**
 * One block of a reduction. `dims` holds the kept dims, then the reduced ones (innermost by memory
 * last), each as [length, multiplier, ...byte stride per operand]: the multiplier steps the output
 * position for a kept dim and the arg* index for a reduced one.
 */
export interface ReduceBlock {
  /** File byte position, per operand, of the block's first element. */
  pos: number[];
  dims: number[][];
  nOut: number;
  /** arg* index of the block's first element. */
  indexBase: number;
  /** Output slot (group * outCount + position) of the block's first output. */
  outBase: number;
  /** Bytes read, for progress. */
  bytes: number;
}

/** An operand of a reduction: [mappingId, dtype code, byte-swapped 0/1]. */
export type OperandRef = [number, number, number];

export interface ReduceTask {
  kind: 'reduce';
  control: SharedArrayBuffer | ArrayBuffer;
  kernel: number;
  valueType: number;
  operands: OperandRef[];
  /** Operand read as the where mask, or -1. */
  maskOperand: number;
  /** Kernel parameters (prod: the accumulator's overflow and underflow exponents). */
  param: [number, number];
  value: ProgramData | null;
  /** dtype code the value program's results are rounded to first (numpy's dtype of the expression), or -1. */
  valueRound: number;
  mask: ProgramData | null;
  /** Drop each block's pages of operand 0 after reading it (files larger than memory). */
  release: boolean;
  /** Float64 partial states, output-major: (groups * outCount) * state size. */
  out: SharedArrayBuffer | ArrayBuffer;
  /** Doubles of `out` in use (an inline buffer may be larger). */
  outLength: number;
  blocks: ReduceBlock[];
}

/** An apply operand: [mappingId, dtype, swap, position, ...byteStrides] or [-1]. */
export type OperandDesc = number[];

export interface ApplyBlock { shape: number[]; x: OperandDesc; y: OperandDesc; out: OperandDesc; bytes: number }

export interface ApplyTask {
  kind: 'apply';
  control: SharedArrayBuffer | ArrayBuffer;
  code: Uint8Array;
  consts: Float64Array;
  blocks: ApplyBlock[];
}

/**
 * A pass of a distribution (src/engine/dist/): the blocks and operands of a reduction plan, run by
 * native dist() with `spec` (a BigUint64Array's buffer, or the Float64Array bin parameters) into `out`.
 */
export interface DistTask extends Omit<ReduceTask, 'kind' | 'out' | 'outLength' | 'release'> {
  kind: 'dist';
  spec: SharedArrayBuffer | ArrayBuffer;
  specType: 'u64' | 'f64';
  out: SharedArrayBuffer | ArrayBuffer;
  outType: 'i64' | 'u64' | 'f64';
  edges: Float64Array | null;
}

/** Test-only: makes the worker die, to prove the pool heals (needs NDMMAP_TEST_HOOKS=1). */
export interface CrashTask { kind: 'crash' }

export type Task = ReduceTask | ApplyTask | DistTask | CrashTask;

/** What a task resolves to: nothing, or an error description (piscina would drop `code`). */
export type TaskResult = null | { error: { code: string; message: string; syscall?: string; path?: string } };

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
