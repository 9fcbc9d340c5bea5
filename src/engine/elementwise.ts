/**
 * Parallel elementwise writes: `apply(a, 'x * 2 + 1', { out })` and `fill(a, v)`. The expression is
 * compiled once here and runs natively on blocks in the workers; nothing is ever eval'd.
 */
import { castScalar, type Scalar } from '../dtype.js';
import { fail, show } from '../errors.js';
import { compileExpr } from '../expr/index.js';
import { byteExtent } from '../layout.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { planApply } from './plan-apply.js';
import { type RunOptions, checkRunOptions, newControl, runCall, runInline, runsInline } from './run.js';
import { type ApplyTask } from './tasks.cjs';

/** Options of `apply`. */
export interface ApplyOptions extends RunOptions {
  /** Second input `y`, same shape as `a`. */
  y?: MemMap;
  /** Write here instead of in place (same shape; any dtype: results are cast as numpy's `out[...] = expr`). */
  out?: MemMap;
  /** msync the written range before resolving (default true); false leaves it to the OS or a later flush(). */
  flush?: boolean;
}

function sameShape(a: MemMap, b: MemMap, what: string): void {
  if (a.shape.join() !== b.shape.join())
    fail('ERR_NDMMAP_SHAPE', `${what} has shape ${show(b.shape)}, expected ${show(a.shape)}`);
}

/**
 * Reading `src` while writing `dst` is safe when they share no bytes, or are the very same elements.
 * Files are compared by device and inode, not by name: through a symlink or a hard link a reversed
 * copy would otherwise read bytes it has already overwritten.
 */
function checkOverlap(src: MemMap, dst: MemMap, what: string): void {
  if (!src.mapping.sameFile(dst.mapping)) return;
  const [a0, a1] = byteExtent(src.layout);
  const [b0, b1] = byteExtent(dst.layout);
  if (a1 <= b0 || b1 <= a0) return;
  const same = src.layout.byteOffset === dst.layout.byteOffset && src.dtype.str === dst.dtype.str &&
    src.layout.strides.join() === dst.layout.strides.join();
  if (!same) fail('ERR_NDMMAP_OVERLAP', `${what} overlaps the output with a different layout; write to a separate file`);
}

/**
 * Evaluate `expr` over every element (`x` = a, `y` = options.y) and store it into `options.out`, or
 * into `a` in place, with numpy's casting. Flushed to disk when the promise resolves (modes r+/w+).
 * @throws `ERR_NDMMAP_EXPR` (syntax, unknown name), `ERR_NDMMAP_READONLY` (target in mode 'r'),
 *   `ERR_NDMMAP_SHAPE`, `ERR_NDMMAP_OVERLAP`, `ERR_NDMMAP_TRUNCATED` — all before any worker runs;
 *   `ABORT_ERR`, `ERR_NDMMAP_CLOSED` (an operand closed during the call) after a partial write.
 * @example await apply(a, 'where(x > 0, sqrt(x), 0)', { out: b });
 */
export async function apply(a: MemMap, expr: string, options: ApplyOptions = {}, /** @internal the method named in errors */ call = 'apply'): Promise<MemMap> {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as ApplyOptions;
  if (opts.y !== undefined) checkMemMap(opts.y, 'y');
  if (opts.out !== undefined) checkMemMap(opts.out, 'out');
  if (typeof expr !== 'string') fail('ERR_NDMMAP_EXPR', `expression must be a string, got ${show(expr)}`);
  const { y } = opts;
  const out = opts.out ?? a;
  a.mapping.check();
  if (y !== undefined) { y.mapping.check(); sameShape(a, y, 'y'); }
  if (opts.out !== undefined) sameShape(a, opts.out, 'out');
  out.checkWritable();
  const program = compileExpr(expr, { inputs: y === undefined ? [a.dtype] : [a.dtype, y.dtype], target: out.dtype });
  if (out !== a) checkOverlap(a, out, 'x');
  if (y !== undefined && program.usesY) checkOverlap(y, out, 'y');
  const ops = [
    { id: a.mapping.id, l: a.layout },
    y !== undefined && program.usesY ? { id: y.mapping.id, l: y.layout } : undefined,
    { id: out.mapping.id, l: out.layout },
  ];
  a.checkFile();
  if (y !== undefined && program.usesY) y.checkFile();
  out.checkFile();
  out.reserveWrite();
  const { blocks, totalBytes } = planApply(ops, a.layout.shape);
  const inline = runsInline(totalBytes);
  const task: ApplyTask = { kind: 'apply', control: newControl(inline), code: program.code, consts: program.consts, blocks };
  try {
    if (inline) runInline(task, totalBytes, opts);
    else await runCall(task, totalBytes, opts, a.layout);
  } catch (err) {
    // a worker found a mapping gone: close() during the call, say so (the missing await)
    if ((err as { code?: unknown })?.code === 'ERR_NDMMAP_CLOSED') for (const m of [a, y, out]) m?.mapping.checkAfterCall(call);
    throw err;
  }
  // close() of any operand during the call: some blocks were skipped, so the call did not happen.
  a.mapping.checkAfterCall(call);
  y?.mapping.checkAfterCall(call);
  out.mapping.checkAfterCall(call);
  const [lo, hi] = byteExtent(out.layout);
  if (opts.flush !== false && hi > lo) out.mapping.sync(lo, hi - lo);
  return out;
}

/** A constant as an expression literal, after numpy's checks for `a.fill(value)`. */
function literal(value: Scalar, a: MemMap): string {
  const v = castScalar(value, a.dtype);
  if (typeof v === 'bigint') return v.toString();
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return '-0.0';
  return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? String(v) : v.toExponential(17);
}

/**
 * Set every element to `value` (numpy `a.fill(value)`), in parallel; flushed when it resolves.
 * @throws `ERR_OUT_OF_RANGE` for a value outside an integer dtype, `ERR_NDMMAP_READONLY` in mode 'r'.
 * @example await fill(a, 0);
 */
export async function fill(a: MemMap, value: Scalar, options: RunOptions = {}): Promise<MemMap> {
  checkMemMap(a, 'the array').checkWritable();
  return apply(a, literal(value, a), options, 'fill');
}
