/**
 * Parallel elementwise writes: `apply(a, '(x - mu) / sd', { vars: { mu, sd } })` and `fill(a, v)`.
 * The expression is compiled once here, with numpy's dtype for every operation, and runs natively on
 * blocks in the workers; nothing is ever eval'd.
 */
import { castScalar, isSwapped, type Scalar } from '../dtype.js';
import { fail, show } from '../errors.js';
import { type VarType, compileExpr } from '../expr/index.js';
import { byteExtent, contiguousStrides, makeLayout } from '../layout.js';
import { releaseTurn, windowOf } from '../mapping.js';
import { type MemMap, checkMemMap } from '../memmap.js';
import { type ArrayOperand, type PyFloat, type VarValue, alignSteps, broadcastShapes, checkInto, classify, elementStrides } from './operands.js';
import { type PlanOperand, planApply } from './plan-apply.js';
import { type RunOptions, checkRunOptions, newControl, runCall, runInline, runsInline } from './run.js';
import { checkScalarInto } from './scalar-result.js';
import { type ApplyRef, type ApplyTask } from './tasks.cjs';
import { partialError, passProgress, powerOfData } from './apply-failure.js';

export { type PyFloat, type VarValue } from './operands.js';

/** Options of `apply`. */
export interface ApplyOptions extends RunOptions {
  /** Second input `y` (broadcast with x like any var). */
  y?: MemMap;
  /** Named operands: MemMaps, typed arrays, `{ data, shape }` (a reduction's result), numbers or bigints. */
  vars?: Readonly<Record<string, VarValue>>;
  /** Write here instead of in place: the expression must broadcast to its shape; any dtype (numpy's unsafe cast). */
  out?: MemMap;
  /** msync the written range before resolving (default true); false leaves it to the OS or a later flush(). */
  flush?: boolean;
}

const OPTIONS = new Set(['threads', 'signal', 'onProgress', 'y', 'vars', 'out', 'flush']);
const NONE: ApplyRef = [-1, 0, 0];

/**
 * Reading `src` (aligned to the output's shape with `steps`) while writing `dst` is safe when they
 * share no bytes, or every element reads exactly the one it writes. Files are compared by device and
 * inode: through a symlink or a hard link a reversed copy would otherwise read bytes already written.
 */
function checkOverlap(src: MemMap, steps: readonly number[], dst: MemMap, what: string): void {
  if (!src.mapping.sameFile(dst.mapping)) return;
  const [a0, a1] = byteExtent(src.layout);
  const [b0, b1] = byteExtent(dst.layout);
  if (a1 <= b0 || b1 <= a0) return;
  const outSteps = dst.layout.strides.map((s) => s * dst.itemsize);
  const same = src.layout.byteOffset === dst.layout.byteOffset && src.dtype.str === dst.dtype.str &&
    steps.every((s, d) => s === outSteps[d] || dst.shape[d] === 1);
  if (!same && !interleaved(src, steps, dst, outSteps))
    fail('ERR_NDMMAP_OVERLAP', `${what} overlaps the output with a different layout; write to a separate file`);
}

/**
 * Two fields of the same records (`a.field('t')` read, `a.field('v')` written): the same byte steps,
 * the two elements at one index share no byte, and the elements at distinct indices are at least the
 * span of both apart (each axis's step clears everything the smaller axes reach), so no element
 * read is one written.
 */
function interleaved(src: MemMap, steps: readonly number[], dst: MemMap, outSteps: readonly number[]): boolean {
  if (!steps.every((s, d) => s === outSteps[d] || dst.shape[d] === 1)) return false;
  const a = src.layout.byteOffset;
  const b = dst.layout.byteOffset;
  if (a + src.itemsize > b && b + dst.itemsize > a) return false;
  let reach = Math.max(a + src.itemsize, b + dst.itemsize) - Math.min(a, b);
  const dims = outSteps.map((s, d) => [Math.abs(s), dst.shape[d]]).filter(([, n]) => n > 1).sort((x, y) => x[0] - y[0]);
  for (const [s, n] of dims) {
    if (s < reach) return false;
    reach += s * (n - 1);
  }
  return true;
}

/**
 * A typed-array var to read while writing `dst`: a copy when it shows bytes of `dst`'s file that the
 * call writes (a `typedArray()` window of `dst`'s memmap, or of another memmap of the same file), so
 * every element is read before any is written, as numpy buffers overlapping operands.
 */
function unaliased(view: ArrayBufferView, dst: MemMap): ArrayBufferView {
  const w = windowOf(view.buffer);
  if (w === undefined || !w.mapping.sameFile(dst.mapping)) return view;
  const [lo, hi] = byteExtent(dst.layout);
  const start = w.pos + view.byteOffset;
  if (start + view.byteLength <= lo || hi <= start) return view;
  return (view as Uint8Array).slice();
}

/** The operands an expression may name: x, y and vars, checked and classified. */
type Named = ArrayOperand | number | bigint | boolean | PyFloat;
const isArray = (v: Named | undefined): v is ArrayOperand => typeof v === 'object' && 'dtype' in v;

function namedOperands(a: MemMap, opts: ApplyOptions): Map<string, Named> {
  const named = new Map<string, Named>([['x', classify('x', a)]]);
  if (opts.y !== undefined) named.set('y', classify('y', checkMemMap(opts.y, 'y')));
  if (opts.vars !== undefined) {
    if (opts.vars === null || typeof opts.vars !== 'object') fail('ERR_INVALID_ARG_TYPE', `vars must be an object, got ${show(opts.vars)}`);
    for (const [name, v] of Object.entries(opts.vars)) {
      if (named.has(name)) fail('ERR_INVALID_ARG_VALUE', `vars.${name} is given twice (x is the array itself, y the y option)`);
      named.set(name, classify(name, v));
    }
  }
  return named;
}

/**
 * `out[...] = expr` (`x` = a, `y` = options.y, `vars` by name, `i`/`i0`… the output's indices), with
 * numpy's semantics: every operation in numpy's dtype for its operands, operands broadcast, the result
 * cast into `out` (default: `a` itself). Flushed to disk when the promise resolves (modes r+/w+).
 * @throws `ERR_NDMMAP_EXPR` (syntax, unknown name, types numpy refuses), `ERR_NDMMAP_SHAPE` (shapes
 *   that do not broadcast), `ERR_INVALID_ARG_TYPE` (a var of the wrong type), `ERR_NDMMAP_READONLY`,
 *   `ERR_NDMMAP_OVERLAP`, `ERR_NDMMAP_TRUNCATED`, `ERR_NDMMAP_VALUE` (an integer to a negative power:
 *   a read-only pass looks for one first when the exponent is data) — all before anything is written;
 *   `ABORT_ERR`, `ERR_NDMMAP_CLOSED`, `ENOSPC`/`EIO` (faults), `ERR_NDMMAP_WORKER` once blocks have
 *   started, with `partial: true` and `written` (the share of the output in finished blocks; also
 *   `written: 60%` in the message).
 * @example await apply(a, '(x - mu) / sd', { vars: { mu: await a.mean({ axis: 0 }), sd: await a.std({ axis: 0 }) } });
 */
export async function apply(a: MemMap, expr: string, options: ApplyOptions = {}, /** @internal the method named in errors */ call = 'apply'): Promise<MemMap> {
  const { task, totalBytes, inline, hintLayout, operands, out, opts, checked } = prepare(a, expr, options, call, false);
  /** One pass over every block; the error of a writing pass says what it wrote (computed at once, before the control is reused). */
  const pass = async (t: ApplyTask, o: RunOptions): Promise<void> => {
    try {
      if (inline) runInline(t, totalBytes, o);
      else await runCall(t, totalBytes, o, hintLayout);
      // close() of any operand during the call: some blocks were skipped, so the call did not happen.
      for (const m of operands) m?.mapping.checkAfterCall(call);
    } catch (err) {
      let e = err;
      // a worker found a mapping gone: close() during the call, say so (the missing await)
      if ((err as { code?: unknown })?.code === 'ERR_NDMMAP_CLOSED') try { for (const m of operands) m?.mapping.checkAfterCall(call); } catch (c) { e = c; }
      throw t.dry === true ? e : partialError(e, t.control, totalBytes);
    }
  };
  // An integer to a power found in the data could fail after other blocks were written: look first.
  if (checked) await pass({ ...task, control: newControl(inline), dry: true }, passProgress(opts, false));
  await pass(task, checked ? passProgress(opts, true) : opts);
  const [lo, hi] = byteExtent(out.layout);
  if (opts.flush !== false && hi > lo) out.mapping.sync(lo, hi - lo);
  await releaseTurn();
  return out;
}

/**
 * @internal `apply` on the calling thread, synchronously and without a flush: what the synchronous
 * `MemMap.assign` runs (numpy's `out[...] = src` is synchronous too). One thread, native speed.
 */
export function applyNow(a: MemMap, expr: string, options: ApplyOptions, call: string): MemMap {
  const { task, totalBytes, operands, out, checked } = prepare(a, expr, options, call, true);
  const pass = (t: ApplyTask): void => {
    try {
      runInline(t, totalBytes, {});
      for (const m of operands) m?.mapping.checkAfterCall(call);
    } catch (err) {
      throw t.dry === true ? err : partialError(err, t.control, totalBytes);
    }
  };
  if (checked) pass({ ...task, control: newControl(true), dry: true });
  pass(task);
  return out;
}

/** Everything `apply` checks and plans before the first block runs (`inline` forced for applyNow). */
function prepare(a: MemMap, expr: string, options: ApplyOptions, call: string, forceInline: boolean) {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options) as ApplyOptions;
  for (const k of Object.keys(opts)) if (!OPTIONS.has(k)) fail('ERR_INVALID_ARG_VALUE', `unknown option '${k}' for apply() (options: ${[...OPTIONS].join(', ')})`);
  if (typeof expr !== 'string') fail('ERR_NDMMAP_EXPR', `expression must be a string, got ${show(expr)}`);
  const out = opts.out === undefined ? a : checkMemMap(opts.out, 'out');
  a.mapping.check();
  const named = namedOperands(a, opts);
  out.checkWritable();
  const vars: Record<string, VarType> = {};
  for (const [n, v] of named) vars[n] = isArray(v) ? v.dtype : v;
  const zeroDim = [...named].filter(([, v]) => isArray(v) && v.shape.length === 0).map(([n]) => n);
  const program = compileExpr(expr, { vars, ndim: out.ndim, target: out.dtype, empty: out.size === 0, zeroDim });
  checkScalarInto(program, out.dtype, (n) => {
    const v = named.get(n);
    if (!isArray(v)) return undefined;
    return v.memmap !== undefined ? { dtype: v.dtype, value: v.memmap.get() } : { dtype: v.dtype, buffer: v.buffer! };
  });
  const arrays = program.names.map((n) => named.get(n)).filter(isArray);
  checkInto(broadcastShapes(arrays.map((o) => o.shape)), out.shape);

  const shape = out.shape;
  const buffers: ArrayBufferView[] = [];
  const plan: PlanOperand[] = [];
  const refs: ApplyRef[] = [];
  const used = new Set(program.names);
  const cOrder = contiguousStrides(shape, 'C');
  for (const name of program.operands) {
    const o = named.get(name);
    if (o === undefined) { // an index variable: i (flat C order) or iK
      refs.push([-2, 7, 0]);
      plan.push({ pos: 0, steps: name === 'i' ? cOrder : shape.map((_, d) => (`i${d}` === name ? 1 : 0)), bytes: 0 });
      continue;
    }
    const arr = o as ArrayOperand;
    const steps = alignSteps(arr.shape, elementStrides(arr), arr.dtype.itemsize, shape);
    const full = steps.every((s, d) => s !== 0 || shape[d] === 1);
    if (!used.has(name)) { refs.push(NONE); plan.push({ pos: 0, steps: shape.map(() => 0), bytes: 0 }); continue; }
    if (arr.memmap !== undefined) {
      if (arr.memmap !== out || name !== 'x') checkOverlap(arr.memmap, steps, out, name === 'x' || name === 'y' ? name : `vars.${name}`);
      refs.push([arr.memmap.mapping.id, arr.dtype.code, isSwapped(arr.dtype) ? 1 : 0]);
      plan.push({ pos: arr.memmap.layout.byteOffset, steps, bytes: full ? arr.dtype.itemsize : 0 });
    } else {
      refs.push([-3 - buffers.length, arr.dtype.code, 0]);
      buffers.push(unaliased(arr.buffer!, out));
      plan.push({ pos: 0, steps, bytes: 0 });
    }
  }
  plan.push({ pos: out.layout.byteOffset, steps: out.layout.strides.map((s) => s * out.itemsize), bytes: out.itemsize });
  for (const o of arrays) o.memmap?.checkFile();
  out.checkFile();
  out.reserveWrite();
  const { blocks, totalBytes } = planApply(plan, shape);
  const inline = forceInline || runsInline(totalBytes);
  const task: ApplyTask = {
    kind: 'apply', control: newControl(inline), code: program.code, consts: program.consts, operands: refs,
    out: [out.mapping.id, out.dtype.code, isSwapped(out.dtype) ? 1 : 0], buffers: inline ? buffers : buffers.map(shared),
    blocks, hintId: (named.get('x') as ArrayOperand).memmap!.mapping.id,
  };
  const hintLayout = used.has('x') ? a.layout : makeLayout(out.dtype, shape, out.layout.strides, out.layout.byteOffset);
  if (!used.has('x')) task.hintId = out.mapping.id;
  const operands = [...arrays.map((o) => o.memmap), out];
  return { task, totalBytes, inline, hintLayout, operands, out, opts, checked: powerOfData(program.code) };
}

/** A typed array over a SharedArrayBuffer (a copy unless it already is one): workers share it. */
function shared(b: ArrayBufferView): ArrayBufferView {
  if (b.buffer instanceof SharedArrayBuffer) return b;
  const s = new SharedArrayBuffer(b.byteLength);
  new Uint8Array(s).set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  return new (b.constructor as new (buf: SharedArrayBuffer) => ArrayBufferView)(s);
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
