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

/** An operand of a reduction: [mappingId (or -3 - b: the call's buffers[b]), dtype code, byte-swapped 0/1]. */
export type OperandRef = [number, number, number];

export interface ReduceTask {
  kind: 'reduce';
  control: SharedArrayBuffer | ArrayBuffer;
  kernel: number;
  valueType: number;
  operands: OperandRef[];
  /** Operands in JS memory (refs -3 - b; over SharedArrayBuffers for pool calls, so workers share them). */
  buffers?: ArrayBufferView[];
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

/**
 * Where an apply operand comes from: [source, dtype code, byte-swapped 0/1], source a mapping id, -1
 * (absent: not read), -2 (an index variable) or -3 - b (the call's buffers[b]).
 */
export type ApplyRef = [number, number, number];

/**
 * One block of an apply: its shape, each operand's start (operands, then the output) and
 * `steps`, dim-major: steps[d * (nOperands + 1) + k] is operand k's step along dim d.
 */
export interface ApplyBlock { shape: number[]; pos: number[]; steps: number[]; bytes: number }

export interface ApplyTask {
  kind: 'apply';
  control: SharedArrayBuffer | ArrayBuffer;
  code: Uint8Array;
  consts: Float64Array;
  /** The program's operands, in order. */
  operands: ApplyRef[];
  out: ApplyRef;
  /** Typed-array operands (over SharedArrayBuffers for pool calls, so workers share them). */
  buffers: ArrayBufferView[];
  blocks: ApplyBlock[];
  /** Mapping whose pages are hinted sequential for a large call (the input's, else the output's). */
  hintId: number;
  /** A read-only pass: evaluate every block, write nothing (finds a failing element before any write). */
  dry?: boolean;
}

/**
 * One block of rows of an embeddings call (native/glue/glue_embed.cc has the descriptor layout): the
 * whole descriptor but the row range and slot, which come from the block.
 */
export interface EmbedBlock { rowStart: number; rowCount: number; slot: number; bytes: number }

export interface EmbedTask {
  kind: 'embed';
  control: SharedArrayBuffer | ArrayBuffer;
  /** The descriptor with rowStart (6), rowCount (7) and slot (8) filled per block. */
  desc: Float64Array;
  /** Q x D query values in the compute type. */
  queries: Float32Array | Float64Array | BigInt64Array;
  /** dot: the result values (rows x Q, store dtype); search: BigUint64 top-k states, slot x Q. */
  out: SharedArrayBuffer | ArrayBuffer;
  /** Typed array kind `out` is viewed as: 'u64' for search states, else the byte view. */
  outWords: boolean;
  blocks: EmbedBlock[];
  /** search: a row filter as a VM program of the row index (bool), evaluated per tile in the pass. */
  filter?: ProgramData;
}

/** A block of a top-k plan: the reduction plan's block (kept dims, then the reduced ones). */
export interface TopKTask {
  kind: 'topk';
  control: SharedArrayBuffer | ArrayBuffer;
  /** [mappingId, dtype code, swap 0/1]. */
  operand: [number, number, number];
  k: number;
  largest: boolean;
  /** BigUint64 top-k states, (groups * outCount) slots. */
  out: SharedArrayBuffer | ArrayBuffer;
  blocks: ReduceBlock[];
}

/**
 * A pass of a distribution (src/engine/stats/): the blocks and operands of a reduction plan, run by
 * native dist() with `spec` (a BigUint64Array's buffer, or the Float64Array bin parameters) into `out`.
 */
export interface DistTask extends Omit<ReduceTask, 'kind' | 'out' | 'outLength' | 'release'> {
  kind: 'dist';
  spec: SharedArrayBuffer | ArrayBuffer;
  specType: 'u64' | 'f64';
  /** [byte offset, elements] of the spec in its buffer (buffers are shared leases of one arena). */
  specAt: [number, number];
  out: SharedArrayBuffer | ArrayBuffer;
  outType: 'i64' | 'u64' | 'f64';
  outAt: [number, number];
  edges: Float64Array | null;
}

/**
 * Rows sorted along an axis (src/engine/order/rows.ts): the `order` descriptor (contract/spec.mjs)
 * whole but rowStart/rowCount, which come from each block.
 */
export interface OrderTask {
  kind: 'order';
  control: SharedArrayBuffer | ArrayBuffer;
  desc: Float64Array;
  buffers: ArrayBufferView[];
  blocks: Array<{ rowStart: number; rowCount: number; bytes: number }>;
}

/** Output ranges of a long row's k-way merge (src/engine/order/long.ts): the `orderMerge` descriptor but o0/o1. */
export interface OrderMergeTask {
  kind: 'orderMerge';
  control: SharedArrayBuffer | ArrayBuffer;
  desc: Float64Array;
  blocks: Array<{ o0: number; o1: number; bytes: number }>;
}

/**
 * A phase of the partition sort of a long row (src/engine/order/part.ts): the `orderPart` descriptor
 * but i0/i1, which come from each block; each block's table is `len` doubles from double `at`.
 */
export interface OrderPartTask {
  kind: 'orderPart';
  control: SharedArrayBuffer | ArrayBuffer;
  desc: Float64Array;
  splitters: SharedArrayBuffer | ArrayBuffer;
  table: SharedArrayBuffer | ArrayBuffer;
  blocks: Array<{ i0: number; i1: number; at: number; len: number; bytes: number }>;
}

/**
 * Blocks of a take or of a mask's counts/positions (src/engine/gather-native.ts): the `gather`
 * descriptor whole but p0/p1/o0, which come from each block; `table` takes the counts of mode 1.
 */
export interface GatherTask {
  kind: 'gather';
  control: SharedArrayBuffer | ArrayBuffer;
  desc: Float64Array;
  buffers: ArrayBufferView[];
  table: SharedArrayBuffer | ArrayBuffer | null;
  blocks: Array<{ p0: number; p1: number; o0: number; bytes: number }>;
}

/** Test-only: makes the worker die, to prove the pool heals (needs NDMMAP_TEST_HOOKS=1). */
export interface CrashTask { kind: 'crash' }

/**
 * warmup(): every worker takes one (int32 cell 0 counts arrivals) and holds it until `threads` have
 * arrived, so each of the pool's workers gets one: it has loaded the addon by the time it runs it.
 */
export interface WarmupTask { kind: 'warmup'; control: SharedArrayBuffer; threads: number }

/** A pass of a scan (src/engine/scan/): each block is a whole `scan` descriptor (contract/spec.mjs). */
export interface ScanTask {
  kind: 'scan';
  control: SharedArrayBuffer | ArrayBuffer;
  /** BigUint64 carry and total slots, or null when no block uses one. */
  slots: SharedArrayBuffer | ArrayBuffer | null;
  blocks: { desc: Float64Array; bytes: number }[];
}

/**
 * A pass of unique / isin / searchsorted (src/engine/order/): the blocks of a plan over every dim of
 * one operand, each run by native lookup[op] with `args` (see src/engine/order/pass.ts).
 */
export interface LookupTask {
  kind: 'lookup';
  control: SharedArrayBuffer | ArrayBuffer;
  op: 'hash' | 'inverse' | 'gather' | 'search';
  /** [mapping id (or -3 - b: buffers[b]), dtype code, swap 0/1]. */
  operand: OperandRef;
  /** Key kind: 0 float64, 1 int64, 2 uint64 (the value type the block is fetched as). */
  keyKind: number;
  blocks: ReduceBlock[];
  buffers?: ArrayBufferView[];
  /** The op's arguments after (desc, kind). */
  args: unknown[];
}

export type Task = ReduceTask | ApplyTask | EmbedTask | TopKTask | DistTask | ScanTask | OrderTask | OrderMergeTask | OrderPartTask | GatherTask | LookupTask | CrashTask | WarmupTask;

/** What a task resolves to: nothing, or an error description (piscina would drop `code`). */
export type TaskResult = null | { error: { code: string; message: string; syscall?: string; path?: string } };

/**
 * Shared control cells of one call: every worker claims the next block index with Atomics.add, so
 * threads balance themselves with no round trip per block; `stop` ends the call at a block boundary.
 */
export const CONTROL_BYTES = 32;
/** Int32 index: next unclaimed block. */
export const NEXT = 0;
/** Int32 index: non-zero once the call is aborted or failed. */
export const STOP = 1;
/** BigInt64 index (of the same buffer viewed as BigInt64Array): bytes finished. */
export const DONE = 1;
/** Int32 index: bumped and notified after each block, so the coordinator can report progress. */
export const TICK = 4;
/** Int32 index: threads that ran at least one block of the call (each adds 1 at its first block). */
export const WORKERS = 5;
/** Int32 index: threads the call was posted to (0 inline). */
export const THREADS = 6;
/** Int32 index: pool threads that have started the call's task (blocks left or not). */
export const ARRIVED = 7;
