/**
 * Copies and casts of the dtypes without kernels of their own (records, datetime64/timedelta64,
 * complex, raw bytes) for take, compress, concatenate/stack, copy, astype and assign: each becomes
 * a copy the apply engine runs natively, in parallel, over any layout —
 * - one dtype to the same one (numpy's plain copy): the bytes, as uint8 with a trailing itemsize axis;
 * - datetime64/timedelta64 of one unit in the other byte order: the int64 counts;
 * - complex to complex: the float pairs (a trailing axis of 2; complex64 <-> complex128 widens or rounds);
 * - a record to another record: field by field by position, as numpy 2 casts structured dtypes (the
 *   same number of fields, names free except under 'equiv'; each field cast by its own rule).
 * Anything else (a record to a number, a number to a datetime, another datetime unit) is refused
 * before anything runs, with numpy's text where numpy refuses too.
 */
import { type DType, dtype as parseDtype } from '../dtype.js';
import { fail, show } from '../errors.js';
import { makeLayout } from '../layout.js';
import { MemMap } from '../memmap.js';
import { recordDtype } from '../dtype-ext.js';
import { workaround as dtypeWorkaround } from '../dtype-guard.js';
import { bytesLayout, fieldLayout } from '../record.js';
import { type Casting, canCast, copyInto } from './convert.js';
import { type ApplyOptions } from './elementwise.js';

/** Has this dtype no kernel of its own (a record, datetime, complex or raw bytes)? */
export const isOpaque = (dt: DType): boolean => dt.code < 0;
const isTime = (dt: DType): boolean => dt.kind === 'M' || dt.kind === 'm';

/** numpy's repr of a dtype in a cast error: `dtype([('t', '<f8')])`, `dtype('<M8[s]')`, `dtype('float64')`. */
export function reprDtype(dt: DType): string {
  if (dt.fields !== undefined) return `dtype(${String(dt)})`;
  return `dtype('${isOpaque(dt) || dt.byteorder === '>' ? dt.str : dt.name}')`;
}

/** The same type, byte for byte (so a copy is the bytes): numpy's `==` of dtypes with byte order and layout. */
export function sameType(a: DType, b: DType): boolean {
  return a.itemsize === b.itemsize && a.str === b.str && String(a) === String(b) && a.aligned === b.aligned;
}

/** An `out`/result dtype check: equal names for numbers (any byte order), the same type for the others. */
export function sameResult(a: DType, b: DType): boolean {
  if (!isOpaque(a) && !isOpaque(b)) return a.name === b.name;
  if (isTime(a) || a.kind === 'c') return a.name === b.name && a.kind === b.kind;
  return sameType(a, b);
}

/**
 * numpy's promoted form of a dtype (what concatenate/stack give): records packed in field order (aligned
 * ones laid out aligned again), every field and number in native byte order, recursively.
 */
export function canonical(dt: DType): DType {
  if (dt.fields !== undefined)
    return recordDtype(dt.names!.map((n) => {
      const f = dt.fields![n][0];
      return f.subdtype !== undefined ? [n, canonical(f.subdtype[0]), [...f.subdtype[1]]] : [n, canonical(f)];
    }), dt.aligned === true);
  return dt.kind === 'V' ? dt : parseDtype(dt.name);
}

/** The fields of a record, as [dtype, offset] in order. */
const fieldsOf = (dt: DType): Array<readonly [DType, number]> => dt.names!.map((n) => dt.fields![n]);

/** Can a value of `from` be cast to `to` under `casting` (numpy's can_cast, for the pairs ndmmap copies)? */
function castable(from: DType, to: DType, casting: Casting): boolean {
  if (sameType(from, to)) return true;
  if (casting === 'no') return false;
  const fs = from.subdtype, ts = to.subdtype;
  if (fs !== undefined || ts !== undefined) {
    if (fs === undefined || ts === undefined || fs[1].join() !== ts[1].join()) return false;
    return castable(fs[0], ts[0], casting);
  }
  if (from.fields !== undefined || to.fields !== undefined) {
    if (from.fields === undefined || to.fields === undefined || from.names!.length !== to.names!.length) return false;
    if (casting === 'equiv' && from.names!.join('\0') !== to.names!.join('\0')) return false;
    const tf = fieldsOf(to);
    return fieldsOf(from).every(([f], i) => castable(f, tf[i][0], casting));
  }
  if (isTime(from) || isTime(to)) return from.kind === to.kind && from.unit === to.unit;
  if (from.kind === 'c' || to.kind === 'c') {
    if (from.kind !== to.kind) return false;
    return casting === 'unsafe' || casting === 'same_kind' || to.itemsize >= from.itemsize || (casting === 'equiv' && to.itemsize === from.itemsize);
  }
  if (isOpaque(from) || isOpaque(to)) return false;
  return canCast(from, to, casting);
}

/** What ndmmap does for the pairs numpy casts but ndmmap copies only as the same type. */
function workaround(from: DType, to: DType): string {
  if (isTime(from) && isTime(to) && from.kind === to.kind) return ` (ndmmap does not convert datetime units: view the counts with a.view('int64') and scale them)`;
  if (isTime(from) || isTime(to)) return " (view the counts with a.view('int64'): datetime64/timedelta64 copy only to the same kind and unit)";
  if (from.kind === 'c' || to.kind === 'c') return ` (complex copies to complex only: a.view('float${from.kind === 'c' ? from.itemsize * 4 : 64}') gives the float pairs)`;
  const rec = from.fields !== undefined ? from : to.fields !== undefined ? to : undefined;
  if (rec !== undefined) return ` (records cast to records with as many fields, field by field by position; for numbers ${dtypeWorkaround(rec)})`;
  return '';
}

/**
 * numpy's cast check for a copy involving a dtype without kernels (the caller checks the others).
 * @throws `ERR_NDMMAP_DTYPE`: `Cannot cast array data from dtype(...) to dtype(...) according to the rule '...'`.
 */
export function checkOpaqueCast(from: DType, to: DType, casting: Casting): void {
  if (castable(from, to, casting)) return;
  const why = castable(from, to, 'unsafe') ? '' : workaround(from, to);
  fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from ${reprDtype(from)} to ${reprDtype(to)} according to the rule '${casting}'${why}`);
}

/** An NDResult holds numbers (datetime counts too): refuse the others without `out`, before anything runs. */
export function checkHeld(dt: DType, out: unknown, what: string): void {
  if (out !== undefined || !isOpaque(dt) || isTime(dt)) return;
  fail('ERR_NDMMAP_DTYPE', `${what}: a result of dtype ${String(dt)} cannot be held in an NDResult (numbers only): give out (a MemMap of that dtype or a path for a new .npy), or ${dtypeWorkaround(dt)}`);
}

/** A MemMap, of any dtype. @throws `ERR_INVALID_ARG_TYPE` */
export function checkAnyMemMap(v: unknown, what: string): MemMap {
  if (!(v instanceof MemMap)) fail('ERR_INVALID_ARG_TYPE', `${what} must be a MemMap, got ${show(v)}`);
  return v;
}

const viewAs = (m: MemMap, l: ReturnType<typeof makeLayout>): MemMap => new MemMap(m.mapping, l, m.offset);
const bytes = (m: MemMap): MemMap => viewAs(m, bytesLayout(m.layout, parseDtype('uint8')));
const counts = (m: MemMap): MemMap => {
  const l = m.layout;
  return viewAs(m, makeLayout(parseDtype(m.dtype.byteorder === '>' ? '>i8' : '<i8'), l.shape, l.strides, l.byteOffset));
};
const pairs = (m: MemMap): MemMap => {
  const l = m.layout;
  const half = parseDtype(`${m.dtype.byteorder === '>' ? '>' : '<'}f${m.dtype.itemsize / 2}`);
  return viewAs(m, makeLayout(half, [...l.shape, 2], [...l.strides.map((s) => s * 2), 1], l.byteOffset));
};

/**
 * `dst[...] = src` for dtypes without kernels (checked by checkOpaqueCast): the bytes, the counts,
 * the float pairs or field by field, each through the apply engine (natively, any layout, numpy's
 * buffering of overlaps).
 */
export async function copyOpaque(src: MemMap, dst: MemMap, opts: ApplyOptions): Promise<void> {
  const s = src.dtype, d = dst.dtype;
  if (sameType(s, d)) return copyInto(bytes(src), bytes(dst), 'x', opts);
  if (isTime(s) && isTime(d)) return copyInto(counts(src), counts(dst), 'x', opts);
  if (s.kind === 'c' && d.kind === 'c') return copyInto(pairs(src), pairs(dst), 'x', opts);
  if (s.fields !== undefined && d.fields !== undefined && s.names!.length === d.names!.length) {
    for (let i = 0; i < s.names!.length; i++) {
      const f = viewAs(src, fieldLayout(src.layout, s.names![i])), g = viewAs(dst, fieldLayout(dst.layout, d.names![i]));
      await (isOpaque(f.dtype) || isOpaque(g.dtype) ? copyOpaque(f, g, opts) : copyInto(f, g, 'x', opts));
    }
    return;
  }
  fail('ERR_NDMMAP_DTYPE', `Cannot cast array data from ${reprDtype(s)} to ${reprDtype(d)} according to the rule 'unsafe'${workaround(s, d)}`);
}
