/**
 * The piscina task entry: claims blocks of a call one at a time and runs them through the native
 * kernels. The mapping is process-wide (native registry), so a worker never maps anything; each
 * native call holds the mapping for its duration, so a concurrent close() cannot unmap under it.
 */
import fs from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { native } from '../src/native.js';
import { type ApplyTask, type ReduceTask, type Task, type TaskResult, DONE, NEXT, STOP, TICK } from '../src/engine/types.js';

const f64 = (a: number[]): Float64Array => Float64Array.from(a);

/**
 * Test-only fault injection (NDMMAP_TEST_HOOKS=1): the first pool worker to claim a block while the
 * file NDMMAP_TEST_CRASH_FILE exists deletes it and exits, so exactly one worker dies mid-call.
 */
const CRASH_FILE = process.env.NDMMAP_TEST_HOOKS === '1' && !isMainThread ? process.env.NDMMAP_TEST_CRASH_FILE : undefined;

function maybeCrash(): void {
  if (CRASH_FILE === undefined) return;
  try { fs.unlinkSync(CRASH_FILE); } catch { return; } // another worker won the race, or no crash armed
  process.exit(70);
}

/** Claim and run blocks until none are left or the call is stopped. */
function claimLoop<B extends { bytes: number }>(control: SharedArrayBuffer | ArrayBuffer, blocks: B[], run: (b: B) => void): void {
  const cells = new Int32Array(control);
  const done = new BigInt64Array(control);
  for (;;) {
    if (Atomics.load(cells, STOP) !== 0) return;
    const i = Atomics.add(cells, NEXT, 1);
    if (i >= blocks.length) return;
    if (CRASH_FILE !== undefined) maybeCrash();
    try {
      run(blocks[i]);
    } catch (err) {
      Atomics.store(cells, STOP, 1); // the call fails: others stop at their next block
      throw err;
    }
    Atomics.add(done, DONE, BigInt(blocks[i].bytes));
    Atomics.add(cells, TICK, 1);
    Atomics.notify(cells, TICK); // wakes the coordinator's progress watch, if any (a no-op inline)
  }
}

/** Scratch for descriptors: the native call copies what it needs, so one per thread suffices. */
const descScratch = new Float64Array(9 + 6 * 64); // 6 lists of up to MAX_DIMS (src/layout.ts) = kMaxDims

/** Pack a block into native reduce's descriptor (one typed array: a handful of N-API calls). */
export function reduceDescriptor(t: ReduceTask, b: ReduceTask['blocks'][number]): Float64Array {
  const d = descScratch;
  d[0] = t.mappingId; d[1] = t.op; d[2] = t.dtype; d[3] = t.swap ? 1 : 0; d[4] = b.pos;
  d[5] = b.indexBase; d[6] = b.outBase; d[7] = b.outShape.length; d[8] = b.redShape.length;
  let k = 9;
  for (const a of [b.outShape, b.outStrides, b.outIndexMul, b.redShape, b.redStrides, b.redIndexMul]) {
    for (let i = 0; i < a.length; i++) d[k++] = a[i];
  }
  return d.subarray(0, k);
}

/** madvise(MADV_DONTNEED) index in native/addon.cc. */
const DONTNEED = 4;

function runReduce(t: ReduceTask): void {
  const out = new Float64Array(t.out, 0, t.outLength);
  claimLoop(t.control, t.blocks, (b) => {
    native.reduce(reduceDescriptor(t, b), out);
    // Bigger than RAM: let the kernel drop what we have read (the page cache keeps it if it can).
    if (t.release) try { native.advise(t.mappingId, b.pos, b.bytes, DONTNEED); } catch { /* a hint only */ }
  });
}

function runApply(t: ApplyTask): void {
  claimLoop(t.control, t.blocks, (b) => native.apply(t.code, t.consts, f64(b.shape), f64(b.x), f64(b.y), f64(b.out)));
}

/** Run one task on this thread; errors come back as data so their `code` survives the thread hop. */
export function runTask(t: Task): TaskResult {
  try {
    if (t.kind === 'reduce') runReduce(t);
    else if (t.kind === 'apply') runApply(t);
    else if (t.kind === 'crash' && process.env.NDMMAP_TEST_HOOKS === '1') process.exit(70);
    return null;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { error: { code: e.code ?? 'ERR_NDMMAP_WORKER', message: e.message ?? String(err) } };
  }
}

export default runTask;
