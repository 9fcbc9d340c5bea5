/**
 * numpy's `np.diff(a, n, axis, prepend, append)` on memmaps: `n` rounds of `a[1:] - a[:-1]` along
 * the axis (`!=` for bool, as numpy's `not_equal`), each a native apply; unsigned integers wrap, the
 * result keeps the (promoted) dtype. Intermediate rounds live in scratch files that nothing outlives.
 */
import { type DType, type DTypeName, dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { checkAxis } from '../../layout.js';
import { MemMap, checkMemMap } from '../../memmap.js';
import { type OutTarget, copyInto, intoTarget, scratch } from '../convert.js';
import { apply, fill } from '../elementwise.js';
import { promote } from '../embed/operands.js';
import { concatenate } from '../join.js';
import { type NDResult } from '../reduce.js';
import { type RunOptions, checkRunOptions } from '../run.js';

/** A value to put before or after the array along the axis: a scalar (broadcast) or a MemMap. */
export type DiffEdge = number | bigint | boolean | MemMap;

/** Options of `diff`. */
export interface DiffOptions extends RunOptions {
  /** Rounds of differencing (default 1; 0 returns the array itself). */
  n?: number;
  /** The axis to difference along (default -1). */
  axis?: number;
  /** Values before the first element along the axis (numpy's `prepend`). */
  prepend?: DiffEdge;
  /** Values after the last element along the axis (numpy's `append`). */
  append?: DiffEdge;
  /** A MemMap of the result's shape (any dtype: numpy's unsafe cast), or a path for a new `.npy`; default: an `NDResult`. */
  out?: OutTarget;
}

const KNOWN = new Set(['n', 'axis', 'prepend', 'append', 'out', 'threads', 'signal', 'onProgress']);

/** numpy's dtype of `np.asanyarray(v)` for a JS scalar: int64 for integers, float64, bool. */
function scalarDtype(v: number | bigint | boolean): DTypeName {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int64';
  return Number.isInteger(v) ? 'int64' : 'float64';
}

function checkEdge(v: unknown, what: string): DiffEdge | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  checkMemMap(v, what).mapping.check();
  return v as MemMap;
}

/** The edge as an array of the array's shape with `axis` of length 1 (a scalar broadcast), or the MemMap itself. */
function edgeArray(v: DiffEdge, a: MemMap, axis: number, held: MemMap[]): { m?: MemMap; dtype: DTypeName; scalar?: number | bigint | boolean } {
  if (v instanceof MemMap && v.ndim > 0) return { m: v, dtype: v.dtype.name };
  const value = v instanceof MemMap ? v.get() : v;
  const dtype = v instanceof MemMap ? v.dtype.name : scalarDtype(v);
  const shape = a.shape;
  shape[axis] = 1;
  const m = scratch(parseDtype(dtype), shape);
  held.push(m);
  return { m, dtype, scalar: value };
}

/** `a` sliced along `axis`: `spec` there, everything elsewhere. */
function along(a: MemMap, axis: number, spec: string): MemMap {
  return a.slice(...a.shape.map((_, d) => (d === axis ? spec : ':')));
}

/**
 * numpy's `np.diff(a, n=1, axis=-1, prepend, append)`: the n-th discrete difference along `axis`,
 * natively (uint wraps, bool is `!=`, NaN/inf as numpy's subtract). `n` larger than the axis gives
 * an empty result. Written into `out` (a MemMap or a path for a new `.npy`) or an `NDResult`.
 * @throws `ERR_INVALID_ARG_VALUE` (`order must be non-negative but got -1`, `diff requires input that is at
 *   least one dimensional`), `ERR_NDMMAP_AXIS`, `ERR_NDMMAP_SHAPE` — before anything is created.
 * @example const steps = await diff(t, { axis: 0 })
 */
export async function diff(a: MemMap, options: DiffOptions = {}): Promise<MemMap | NDResult> {
  checkMemMap(a, 'the array').mapping.check();
  const opts = checkRunOptions(options) as DiffOptions;
  for (const k of Object.keys(opts)) if (!KNOWN.has(k)) fail('ERR_INVALID_ARG_VALUE', `diff: unknown option '${k}'`);
  const n = opts.n ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n)) fail('ERR_INVALID_ARG_TYPE', `n must be an integer, got ${show(n)}`);
  if (n < 0) fail('ERR_INVALID_ARG_VALUE', `order must be non-negative but got ${n}`);
  if (a.ndim === 0) fail('ERR_INVALID_ARG_VALUE', 'diff requires input that is at least one dimensional');
  const axis = checkAxis(opts.axis ?? -1, a.ndim);
  const pre = checkEdge(opts.prepend, 'prepend'), app = checkEdge(opts.append, 'append');
  const run: RunOptions = { threads: opts.threads, signal: opts.signal, onProgress: opts.onProgress };
  const held: MemMap[] = [];
  try {
    // the combined array's dtype and shape, checked before anything is written
    const edges = [pre, app].map((e) => (e === undefined ? undefined : edgeArray(e, a, axis, held)));
    let dt: DTypeName = a.dtype.name;
    const shape = a.shape;
    for (const e of edges) {
      if (e === undefined) continue;
      dt = promote(dt, e.dtype);
      const s = e.m!.shape;
      if (s.length !== a.ndim || s.some((len, d) => d !== axis && len !== shape[d]))
        fail('ERR_NDMMAP_SHAPE', `all the input array dimensions except for the concatenation axis must match exactly (${show(s)} against ${show(a.shape)})`);
      shape[axis] += s[axis];
    }
    if (n === 0 && edges.every((e) => e === undefined) && opts.out === undefined) return a;
    const final = [...shape];
    final[axis] = Math.max(0, shape[axis] - n);
    const resultDtype: DType = parseDtype(dt);
    checkOut(opts.out, final);
    for (const e of edges) if (e?.scalar !== undefined) await fill(e.m!, e.scalar as number);
    return await intoTarget(opts.out, resultDtype, final, 'C', async (m) => {
      let cur = a;
      if (edges.some((e) => e !== undefined)) {
        cur = scratch(resultDtype, shape);
        held.push(cur);
        const parts = [edges[0]?.m, a, edges[1]?.m].filter((x): x is MemMap => x !== undefined);
        await concatenate(parts, { axis, out: cur, casting: 'unsafe', threads: run.threads, signal: run.signal });
      }
      if (n === 0) { await copyInto(cur, m, 'x', run); return; }
      const expr = dt === 'bool' ? 'x != y' : 'x - y';
      for (let round = 1; round <= n; round++) {
        const s = cur.shape;
        s[axis] = Math.max(0, s[axis] - 1);
        const next = round === n ? m : scratch(resultDtype, s);
        if (next !== m) held.push(next);
        if (next.size > 0) await apply(along(cur, axis, '1:'), expr, { ...run, vars: { y: along(cur, axis, ':-1') }, out: next, flush: next === opts.out });
        cur = next;
      }
    });
  } finally {
    for (const t of held) t.close();
  }
}

function checkOut(out: unknown, shape: number[]): void {
  if (out === undefined || typeof out === 'string') {
    if (out === '') fail('ERR_INVALID_ARG_TYPE', 'out must be a MemMap or a non-empty path');
    return;
  }
  const m = checkMemMap(out, 'out');
  m.mapping.check();
  m.checkWritable();
  if (m.shape.join() !== shape.join()) fail('ERR_NDMMAP_SHAPE', `diff: out has shape ${show(m.shape)}, the result has shape ${show(shape)}`);
}
