/**
 * Running a task's blocks on this thread: the pool's workers (workers/task.cts re-exports this) and
 * inline calls on the calling thread. Blocks are claimed one at a time from a shared counter, so
 * threads balance themselves; each native call holds its mappings for its duration, so a concurrent
 * close() cannot unmap under it. CommonJS, like everything a worker loads.
 */
import fs = require('node:fs');
import wt = require('node:worker_threads');
import addon = require('../addon.cjs');
import tasks = require('./tasks.cjs');
import contract = require('../gen/contract.cjs');

type ReduceTask = tasks.ReduceTask;
type ReduceBlock = tasks.ReduceBlock;
const { native } = addon;
const { ARRIVED, DONE, NEXT, STOP, THREADS, TICK, WORKERS } = tasks;

/**
 * Test-only fault injection (NDMMAP_TEST_HOOKS=1): the first pool worker to claim a block while the
 * file NDMMAP_TEST_CRASH_FILE exists deletes it and exits, so exactly one worker dies mid-call.
 */
const CRASH_FILE = process.env.NDMMAP_TEST_HOOKS === '1' && !wt.isMainThread ? process.env.NDMMAP_TEST_CRASH_FILE : undefined;

/**
 * Test-only (NDMMAP_TEST_SPREAD=1): a pool worker that ran its first block of a call waits (at most
 * 2 s) until every thread the call was posted to has joined, so tests that compare thread counts
 * know both threads ran blocks even on a machine too busy to wake the second one in time.
 */
const SPREAD = process.env.NDMMAP_TEST_SPREAD === '1' && !wt.isMainThread;

function waitForOthers(cells: Int32Array): void {
  const want = Atomics.load(cells, THREADS);
  const until = Date.now() + 2000;
  for (let n = Atomics.load(cells, ARRIVED); n < want && Date.now() < until && Atomics.load(cells, STOP) === 0; n = Atomics.load(cells, ARRIVED))
    Atomics.wait(cells, ARRIVED, n, 5);
}

function maybeCrash(): void {
  if (CRASH_FILE === undefined) return;
  try { fs.unlinkSync(CRASH_FILE); } catch { return; } // another worker won the race, or no crash armed
  process.exit(70);
}

/** Blocks the current runTask may still claim: helpOnce() runs one, everything else runs to the end. */
let budget = Infinity;
/** Does this thread count in the call's WORKERS cell? (The coordinator helping a cold pool does not.) */
let counted = true;

/** Claim and run blocks until none are left or the call is stopped. */
function claimLoop<B extends { bytes: number }>(control: SharedArrayBuffer | ArrayBuffer, blocks: B[], run: (b: B) => void): void {
  const cells = new Int32Array(control);
  const done = new BigInt64Array(control);
  let joined = false;
  if (SPREAD && counted) {
    Atomics.add(cells, ARRIVED, 1);
    Atomics.notify(cells, ARRIVED);
  }
  for (; budget > 0; budget--) {
    if (Atomics.load(cells, STOP) !== 0) return;
    const i = Atomics.add(cells, NEXT, 1);
    if (i >= blocks.length) return;
    let first = false;
    if (!joined && counted) {
      joined = first = true;
      Atomics.add(cells, WORKERS, 1);
    }
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
    if (SPREAD && first) waitForOthers(cells);
  }
}

/** Header doubles of a reduce descriptor (contract/spec.mjs `reduce`). */
export const DESC_HEAD = contract.REDUCE.SIZE;
const OPERAND_FIELDS = contract.REDUCE_OPERAND.SIZE;
/** Scratch for descriptors: the native call copies what it needs, so one per thread suffices. */
let descScratch = new Float64Array(256);

/**
 * Pack a block into native reduce's descriptor: the `reduce` head, nOps `reduceOperand` records, then per
 * dim (length, multiplier, nOps byte strides) (contract/spec.mjs).
 */
export function reduceDescriptor(t: ReduceTask, b: ReduceBlock): Float64Array {
  const nOps = t.operands.length;
  const need = DESC_HEAD + OPERAND_FIELDS * nOps + b.dims.length * (2 + nOps);
  if (descScratch.length < need) descScratch = new Float64Array(need);
  const d = descScratch;
  let k = contract.packReduce(d, {
    kernel: t.kernel, valueType: t.valueType, nOps, nOut: b.nOut, nRed: b.dims.length - b.nOut, indexBase: b.indexBase,
    outBase: b.outBase, maskOperand: t.maskOperand, param0: t.param[0], param1: t.param[1], valueRound: t.valueRound,
  });
  for (let o = 0; o < nOps; o++) {
    const [id, dt, swap] = t.operands[o];
    k = contract.packReduceOperand(d, { id, dtype: dt, swap, position: b.pos[o] }, k);
  }
  for (const dim of b.dims) for (let i = 0; i < dim.length; i++) d[k++] = dim[i];
  return d.subarray(0, k);
}

function runReduce(t: ReduceTask): void {
  const out = new Float64Array(t.out, 0, t.outLength);
  const dontneed = native.contract.advice.dontneed;
  claimLoop(t.control, t.blocks, (b) => {
    native.reduce(reduceDescriptor(t, b), out, t.value?.code, t.value?.consts, t.mask?.code, t.mask?.consts, t.buffers);
    // Bigger than RAM: let the kernel drop what we have read (the page cache keeps it if it can).
    if (t.release) try { native.advise(t.operands[0][0], b.pos[0], b.bytes, dontneed); } catch { /* a hint only */ }
  });
}

/** Pack an apply block into native apply's descriptor (native/glue/glue_apply.cc). */
export function applyDescriptor(t: tasks.ApplyTask, b: tasks.ApplyBlock): Float64Array {
  const nd = b.shape.length, n = t.operands.length;
  const d = new Float64Array(contract.APPLY.SIZE + nd + (n + 1) * (contract.APPLY_OPERAND.SIZE + nd));
  let k = contract.packApply(d, { ndim: nd, nOps: n });
  d.set(b.shape, k);
  k += nd;
  const put = (ref: tasks.ApplyRef, i: number): void => {
    k = contract.packApplyOperand(d, { id: ref[0], dtype: ref[1], swap: ref[2], position: b.pos[i] }, k);
    for (let j = 0; j < nd; j++) d[k++] = b.steps[j * (n + 1) + i];
  };
  put(t.out, n);
  for (let i = 0; i < n; i++) put(t.operands[i], i);
  return d;
}

function runDist(t: tasks.DistTask): void {
  const spec = t.specType === 'u64' ? new BigUint64Array(t.spec, ...t.specAt) : new Float64Array(t.spec, ...t.specAt);
  const out = t.outType === 'i64' ? new BigInt64Array(t.out, ...t.outAt) : t.outType === 'u64' ? new BigUint64Array(t.out, ...t.outAt) : new Float64Array(t.out, ...t.outAt);
  const r = t as unknown as ReduceTask;
  claimLoop(t.control, t.blocks, (b) => {
    native.dist(reduceDescriptor(r, b), spec, out, t.edges, t.value?.code, t.value?.consts, t.mask?.code, t.mask?.consts);
  });
}

function runApply(t: tasks.ApplyTask): void {
  claimLoop(t.control, t.blocks, (b) => native.apply(t.code, t.consts, applyDescriptor(t, b), t.buffers, t.dry === true));
}

function runEmbed(t: tasks.EmbedTask): void {
  const desc = t.desc.slice();
  const out = t.outWords ? new BigUint64Array(t.out) : new Uint8Array(t.out);
  claimLoop(t.control, t.blocks, (b) => {
    desc[contract.EMBED.rowStart] = b.rowStart; desc[contract.EMBED.rowCount] = b.rowCount; desc[contract.EMBED.slot] = b.slot;
    native.embed(desc, t.queries, out, t.filter?.code, t.filter?.consts);
  });
}

/** Pack a top-k block: the `topk` head (contract/spec.mjs), then dims (length, mul, stride)... */
export function topkDescriptor(t: tasks.TopKTask, b: ReduceBlock): Float64Array {
  const d = new Float64Array(contract.TOPK.SIZE + 3 * b.dims.length);
  const [id, dtype, swap] = t.operand;
  let k = contract.packTopk(d, { nOut: b.nOut, nRed: b.dims.length - b.nOut, indexBase: b.indexBase, outBase: b.outBase, id, dtype, swap, position: b.pos[0] });
  for (const dim of b.dims) { d[k++] = dim[0]; d[k++] = dim[1]; d[k++] = dim[2]; }
  return d;
}

function runTopK(t: tasks.TopKTask): void {
  const out = new BigUint64Array(t.out);
  claimLoop(t.control, t.blocks, (b) => native.topk(topkDescriptor(t, b), out, t.k, t.largest));
}

function runScan(t: tasks.ScanTask): void {
  const slots = t.slots === null ? undefined : new BigUint64Array(t.slots, 0, Math.floor(t.slots.byteLength / 8));
  claimLoop(t.control, t.blocks, (b) => native.scan(b.desc, slots));
}

function runOrder(t: tasks.OrderTask): void {
  const desc = t.desc.slice();
  claimLoop(t.control, t.blocks, (b) => {
    desc[contract.ORDER.rowStart] = b.rowStart; desc[contract.ORDER.rowCount] = b.rowCount;
    native.order(desc, t.buffers);
  });
}

function runOrderMerge(t: tasks.OrderMergeTask): void {
  const desc = t.desc.slice();
  claimLoop(t.control, t.blocks, (b) => {
    desc[contract.ORDER_MERGE.o0] = b.o0; desc[contract.ORDER_MERGE.o1] = b.o1;
    native.orderMerge(desc);
  });
}

function runOrderPart(t: tasks.OrderPartTask): void {
  const desc = t.desc.slice();
  const splitters = new BigUint64Array(t.splitters);
  claimLoop(t.control, t.blocks, (b) => {
    desc[contract.ORDER_PART.i0] = b.i0; desc[contract.ORDER_PART.i1] = b.i1;
    native.orderPart(desc, splitters, new Float64Array(t.table, b.at * 8, b.len));
  });
}

function runGather(t: tasks.GatherTask): void {
  const desc = t.desc.slice();
  const table = t.table === null ? undefined : new Float64Array(t.table);
  claimLoop(t.control, t.blocks, (b) => {
    desc[contract.GATHER.p0] = b.p0; desc[contract.GATHER.p1] = b.p1; desc[contract.GATHER.o0] = b.o0;
    native.gather(desc, t.buffers, table);
  });
}

/** value type codes of the key kinds (float64, int64, uint64, datetime: int64 counts) */
const KIND_TYPES = ['float64', 'int64', 'uint64', 'int64'].map((n) => contract.DTYPE_TABLE.find((d) => d.name === n)!.code);

function runLookup(t: tasks.LookupTask): void {
  const r = {
    kernel: 0, valueType: KIND_TYPES[t.keyKind], operands: [t.operand], maskOperand: -1, param: [0, 0], valueRound: -1,
  } as unknown as ReduceTask;
  const o = native.lookup as unknown as Record<string, (...a: unknown[]) => number>;
  const stop = new Int32Array(t.control);
  claimLoop(t.control, t.blocks, (b) => {
    const got = o[t.op](reduceDescriptor(r, b), t.keyKind, ...t.args, t.buffers);
    if (t.op === 'hash' && got === 1) Atomics.store(stop, STOP, 1); // too many values: the sort path takes over
  });
}

/** Hold a warmup task until every worker has one (at most 10 s: a worker that never starts is not waited for). */
function warm(t: tasks.WarmupTask): void {
  const cells = new Int32Array(t.control);
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  const until = Date.now() + 10_000;
  for (let n = Atomics.load(cells, 0); n < t.threads && Date.now() < until; n = Atomics.load(cells, 0)) Atomics.wait(cells, 0, n, 50);
}

/**
 * Run at most one block of a pool call on this thread (the coordinator, while the pool's threads are
 * still starting), without counting as one of the call's workers.
 */
export function helpOnce(t: tasks.Task): tasks.TaskResult {
  budget = 1;
  counted = false;
  try {
    return runTask(t);
  } finally {
    budget = Infinity;
    counted = true;
  }
}

/** Run one task on this thread; errors come back as data so their `code` survives the thread hop. */
export function runTask(t: tasks.Task): tasks.TaskResult {
  try {
    if (t.kind === 'reduce') runReduce(t);
    else if (t.kind === 'apply') runApply(t);
    else if (t.kind === 'embed') runEmbed(t);
    else if (t.kind === 'topk') runTopK(t);
    else if (t.kind === 'dist') runDist(t);
    else if (t.kind === 'scan') runScan(t);
    else if (t.kind === 'order') runOrder(t);
    else if (t.kind === 'orderMerge') runOrderMerge(t);
    else if (t.kind === 'orderPart') runOrderPart(t);
    else if (t.kind === 'gather') runGather(t);
    else if (t.kind === 'warmup') warm(t);
    else if (t.kind === 'lookup') runLookup(t);
    else if (t.kind === 'crash' && process.env.NDMMAP_TEST_HOOKS === '1') process.exit(70);
    return null;
  } catch (err) {
    const e = err as { code?: string; message?: string; syscall?: string; path?: string };
    const error: { code: string; message: string; syscall?: string; path?: string } = { code: e.code ?? 'ERR_NDMMAP_WORKER', message: e.message ?? String(err) };
    if (typeof e.syscall === 'string') error.syscall = e.syscall;
    if (typeof e.path === 'string') error.path = e.path;
    return { error };
  }
}
