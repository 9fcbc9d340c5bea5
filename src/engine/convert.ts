/**
 * Copy and convert through the apply engine (native, parallel, numpy's casts and any layout):
 * `astype`, `copy`, and the pieces `concatenate`/`stack` and `MemMap.assign` share — numpy's casting
 * rules, where a result goes (a MemMap, a new `.npy`, or memory), and numpy's buffering of overlaps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { type DType, type DTypeName, dtype as parseDtype, typedArrayClass } from '../dtype.js';
import { type DTypeSpec } from '../dtype-types.js';
import { fail, NdmmapError, show } from '../errors.js';
import { type Order, isContiguous } from '../layout.js';
import { MemMap, memmap } from '../memmap.js';
import { openNpy } from '../npy.js';
import { viewLayout } from '../record.js';
import { writeAtomically } from '../save.js';
import { type ApplyOptions, apply, applyNow } from './elementwise.js';
import { promote } from './embed/operands.js';
import { canCastSameKind } from './out-cast.js';
import { checkAnyMemMap, checkHeld, checkOpaqueCast, copyOpaque, isOpaque, reprDtype, sameResult } from './opaque.js';
import { type NDResult } from './reduce.js';
import { type RunOptions, checkRunOptions } from './run.js';

/** numpy's casting rules, loosest last. */
export type Casting = 'no' | 'equiv' | 'safe' | 'same_kind' | 'unsafe';
const CASTINGS: readonly Casting[] = ['no', 'equiv', 'safe', 'same_kind', 'unsafe'];

/** Where a conversion writes: a MemMap, a path (a new `.npy` through createNpy), or memory (an NDResult). */
export type OutTarget = MemMap | string;

/** Options of `astype`. */
export interface AstypeOptions extends RunOptions {
  /** A MemMap of the same shape, or a path: a new `.npy` (createNpy); default: an `NDResult` in memory. */
  out?: OutTarget;
  /** Memory order of a new file: `'C'`, `'F'`, `'A'` (F if the array is F-contiguous) or `'K'` (default: as the array is laid out). */
  order?: Order | 'A' | 'K';
  /** numpy's casting rule (default `'unsafe'`, as ndarray.astype). */
  casting?: Casting;
}

/** Options of `copy`: astype's, without a dtype or casting (default order `'C'`, as ndarray.copy). */
export type CopyOptions = Omit<AstypeOptions, 'casting'>;

/** A dtype as numpy prints it in messages: `dtype('float64')`, `dtype('>i2')` for non-native order. */
export const npDtype = (d: DType): string => `dtype('${d.byteorder === '>' ? d.str : d.name}')`;

/** `np.can_cast(from, to, casting)` for the dtypes here. */
export function canCast(from: DType, to: DType, casting: Casting): boolean {
  if (casting === 'unsafe') return true;
  if (casting === 'no') return from.str === to.str;
  if (from.name === to.name) return true;
  if (casting === 'equiv') return false;
  const safe = promote(from.name, to.name) === to.name;
  return safe || (casting === 'same_kind' && canCastSameKind(from.name, to.name));
}

/** @throws `ERR_INVALID_ARG_VALUE` for a rule numpy does not have. */
export function checkCasting(c: unknown, fallback: Casting): Casting {
  if (c === undefined) return fallback;
  if (!CASTINGS.includes(c as Casting)) fail('ERR_INVALID_ARG_VALUE', `casting must be one of 'no', 'equiv', 'safe', 'same_kind', or 'unsafe' (got ${show(c)})`);
  return c as Casting;
}

/** @throws `ERR_NDMMAP_DTYPE` with numpy's TypeError text. */
export function checkCast(from: DType, to: DType, casting: Casting): void {
  if (!canCast(from, to, casting)) fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from ${npDtype(from)} to ${npDtype(to)} according to the rule '${casting}'`);
}

/** The order of a new array: numpy's 'K' and 'A' resolved against `a`'s layout. */
export function resolveOrder(order: unknown, a: MemMap | undefined, fallback: Order | 'A' | 'K'): Order {
  const o = order ?? fallback;
  if (!['C', 'F', 'A', 'K'].includes(o as string)) fail('ERR_NDMMAP_ORDER', `order must be one of 'C', 'F', 'A', or 'K' (got ${show(order)})`);
  if (o === 'C' || o === 'F') return o;
  const f = a !== undefined && a.ndim > 1 && isContiguous(a.layout, 'F') && !isContiguous(a.layout, 'C');
  return f ? 'F' : 'C';
}

/** Checked before anything is created: a MemMap `out` of the wanted shape, or a non-empty path. */
export function checkTarget(out: unknown, shape: readonly number[], what: string): OutTarget | undefined {
  if (out === undefined) return undefined;
  if (typeof out === 'string') {
    if (out === '') fail('ERR_INVALID_ARG_TYPE', 'out must be a MemMap or a non-empty path');
    return out;
  }
  const m = checkAnyMemMap(out, 'out');  // records, datetimes, complex too: copies check their casts
  m.mapping.check();
  m.checkWritable();
  if (m.shape.join() !== shape.join())
    fail('ERR_NDMMAP_SHAPE', `${what}: out has shape ${show(m.shape)}, the result has shape ${show([...shape])} (numpy: Output array is the wrong shape)`);
  return m;
}

/** The C-order values of a scratch array, as an NDResult holds them (float16 as float32 values, bool as 0/1 bytes). */
function readBack(m0: MemMap, name: DTypeName): NDResult {
  // datetime64/timedelta64 results are their int64 counts (their dtype keeps numpy's name)
  const m = m0.dtype.kind === 'M' || m0.dtype.kind === 'm' ? new MemMap(m0.mapping, viewLayout(m0.layout, parseDtype('int64')), m0.offset) : m0;
  const Ctor = typedArrayClass(m.dtype)!;
  const data = m.size === 0 ? new Ctor(0) : (m.typedArray() as Uint8Array).slice();
  return { shape: m.shape, dtype: name, data } as NDResult;
}

/**
 * Run `write` into a target of `dtype`/`shape`/`order`: the MemMap `out`, a new `.npy` at the path
 * `out` (written atomically), or a scratch file (unlinked at once: nothing is left behind) read back as an NDResult.
 * `write` gets the MemMap to fill and the expression that casts `x` into it.
 */
export async function intoTarget(out: OutTarget | undefined, dt: DType, shape: number[], order: Order,
  write: (m: MemMap, expr: string) => Promise<void>): Promise<MemMap | NDResult> {
  if (out instanceof MemMap) {
    await write(out, 'x');
    return out;
  }
  if (out !== undefined) {
    // atomic, as saveNpy: a failed call leaves no new file, and an existing one as it was
    const file = path.resolve(out);
    await writeAtomically(file, { dtype: dt, shape, order }, async (m) => {
      await write(m, 'x');
      m.flush();
    });
    return openNpy(file, { mode: 'r+' });
  }
  // float16 results are held as float32 values (rounded to float16 first, as the cast rounds them)
  const held = dt.name === 'float16' ? parseDtype('float32') : parseDtype(dt.name);
  const m = scratch(held, shape);
  try {
    await write(m, dt.name === 'float16' ? 'float32(float16(x))' : 'x');
    return readBack(m, dt.name);
  } finally {
    m.close();
  }
}

/**
 * A zero-filled C-order array in a temporary file that is unlinked as soon as it is mapped: next to
 * `near` (a file's path) when its directory takes it, else in os.tmpdir(). Its blocks are reserved
 * before it is mapped (`w+`), so a full disk is an `ENOSPC` here, never a SIGBUS in a kernel.
 * @throws `ENOSPC` (naming both places when neither takes it, and the bytes needed), other OS errors.
 */
export function scratch(dt: DType, shape: number[], near?: string): MemMap {
  const name = `ndmmap-scratch-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  let nearError: unknown;
  if (near !== undefined) {
    // next to the user's file first (its disk is sized for it; os.tmpdir() is often a RAM-backed tmpfs)
    const file = path.join(path.dirname(near), `.${name}`);
    try {
      const m = memmap(file, { dtype: dt, shape, mode: 'w+' });
      fs.rmSync(file, { force: true });
      return m;
    } catch (err) {
      nearError = err;
      fs.rmSync(file, { force: true });
    }
  }
  const file = path.join(os.tmpdir(), name);
  try {
    const m = memmap(file, { dtype: dt, shape, mode: 'w+' });
    fs.rmSync(file, { force: true });
    return m;
  } catch (err) {
    fs.rmSync(file, { force: true });
    // a user whose disk is full must learn that both places were tried, not only the second
    if (nearError instanceof NdmmapError && err instanceof NdmmapError)
      fail(err.code, `${err.message}; a scratch file of ${shape.reduce((t, n) => t * n, dt.itemsize)} bytes fits neither next to the file nor in os.tmpdir() (next to the file: ${nearError.message})`,
        { syscall: err.syscall, path: err.path, cause: nearError });
    throw err;
  }
}

/**
 * `dst[...] = expr(src)`, natively. When `src` and `dst` share bytes in another layout, numpy
 * buffers the source: so do we, through a scratch copy of `src` (refused as ERR_NDMMAP_OVERLAP by
 * apply before anything is written, so the retry starts clean).
 */
export async function copyInto(src: MemMap, dst: MemMap, expr: string, opts: ApplyOptions): Promise<void> {
  if (isOpaque(src.dtype) || isOpaque(dst.dtype)) return copyOpaque(src, dst, opts);
  try {
    await apply(src, expr, { ...opts, out: dst });
  } catch (e) {
    if (!(e instanceof NdmmapError) || e.code !== 'ERR_NDMMAP_OVERLAP') throw e;
    const tmp = scratch(parseDtype(src.dtype.name), src.shape);
    try {
      await apply(src, 'x', { out: tmp, flush: false });
      await apply(tmp, expr, { ...opts, out: dst });
    } finally {
      tmp.close();
    }
  }
}

/** The synchronous copyInto of `MemMap.assign`: `dst[...] = v` with numpy's broadcasting and unsafe cast. */
export function assignNow(dst: MemMap, v: unknown, call: string): void {
  try {
    applyNow(dst, 'v', { vars: { v: v as MemMap } }, call);
  } catch (e) {
    if (!(e instanceof NdmmapError) || e.code !== 'ERR_NDMMAP_OVERLAP' || !(v instanceof MemMap)) throw e;
    const tmp = scratch(parseDtype(v.dtype.name), v.shape);
    try {
      applyNow(tmp, 'v', { vars: { v } }, call);
      applyNow(dst, 'v', { vars: { v: tmp } }, call);
    } finally {
      tmp.close();
    }
  }
}

/**
 * numpy's `a.astype(dtype)`: every element cast (numpy's rules: floats truncate toward zero into
 * integers, integers wrap, NaN is True), natively and in parallel, into `out` (a MemMap of the same
 * shape, or a path for a new `.npy` in `order`) or an `NDResult`.
 * @throws `ERR_NDMMAP_DTYPE` (`Cannot cast array data from dtype('float64') to dtype('int16') according
 *   to the rule 'same_kind'`), `ERR_NDMMAP_SHAPE`, `ERR_NDMMAP_ORDER`, `ERR_INVALID_ARG_VALUE` — before
 *   anything is created or written.
 * @example await a.astype('float32', { out: 'a32.npy' })
 */
export async function astype(a: MemMap, dtype: DTypeSpec | DType, options: AstypeOptions = {}): Promise<MemMap | NDResult> {
  checkAnyMemMap(a, 'the array').mapping.check();
  const opts = checkRunOptions(options) as AstypeOptions;
  const dt = parseDtype(dtype as DTypeSpec);
  const casting = checkCasting(opts.casting, 'unsafe');
  if (isOpaque(a.dtype) || isOpaque(dt)) checkOpaqueCast(a.dtype, dt, casting);
  else checkCast(a.dtype, dt, casting);
  return convert(a, dt, opts, 'astype');
}

/**
 * numpy's `a.copy(order)`: the same values in a new array (C order by default; `'F'` converts C ↔ F
 * natively), into `out` (a MemMap or a path) or an `NDResult` (always C order).
 * @example const f = await a.copy({ out: 'a_F.npy', order: 'F' })
 */
export async function copy(a: MemMap, options: CopyOptions = {}): Promise<MemMap | NDResult> {
  checkAnyMemMap(a, 'the array').mapping.check();
  const opts = checkRunOptions(options) as CopyOptions;
  return convert(a, a.dtype, { ...opts, order: opts.order ?? 'C' }, 'copy');
}

async function convert(a: MemMap, dt: DType, opts: AstypeOptions, what: string): Promise<MemMap | NDResult> {
  const order = resolveOrder(opts.order, a, 'K');
  const out = checkTarget(opts.out, a.shape, what);
  if (out instanceof MemMap && !sameResult(out.dtype, dt))
    fail('ERR_NDMMAP_DTYPE', `${what}: out has ${reprDtype(out.dtype)}, the result is ${reprDtype(dt)} (assign() casts into any numeric dtype)`);
  checkHeld(dt, out, what);
  if (out === undefined && order === 'F' && opts.order === 'F')
    fail('ERR_INVALID_ARG_VALUE', `${what}: an NDResult holds C order; give out (a path or a MemMap) for order 'F'`);
  const { threads, signal, onProgress } = opts;
  return intoTarget(out, dt, a.shape, order, (m, expr) => copyInto(a, m, expr, { threads, signal, onProgress }));
}
