/**
 * The piscina task entry: runs blocks through the native kernels. The mapping is process-wide (native
 * registry), so a worker never maps anything; each native call holds the mapping for its duration.
 */
import { native } from '../src/native.js';
import { type ApplyTask, type ReduceTask, type Task, type TaskResult } from '../src/engine/types.js';

const f64 = (a: number[]): Float64Array => Float64Array.from(a);

/** Run a reduce task's blocks; partials land in the task's shared buffer. */
export function runReduce(t: ReduceTask): void {
  const out = new Float64Array(t.out);
  for (const b of t.blocks) {
    native.reduce(t.mappingId, t.op, t.dtype, t.swap, b.pos,
      f64(b.outShape), f64(b.outStrides), f64(b.outIndexMul),
      f64(b.redShape), f64(b.redStrides), f64(b.redIndexMul), b.indexBase, out, b.outBase);
  }
}

/** Run an apply task's blocks (writes go straight into the mapping). */
export function runApply(t: ApplyTask): void {
  for (const b of t.blocks) native.apply(t.code, t.consts, f64(b.shape), f64(b.x), f64(b.y), f64(b.out));
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
