/**
 * One element of an extended dtype (src/dtype-ext.ts) as JS reads and writes it:
 *
 * | dtype                  | `get()` gives                               | `set()` takes                              |
 * |------------------------|---------------------------------------------|--------------------------------------------|
 * | record                 | a plain object `{ t: 1.5, v: 3 }` (nested objects, arrays for sub-array fields) | the same object, an array (numpy's tuple) or one scalar for every field |
 * | datetime64/timedelta64 | the int64 count as a `bigint` (NaT is `-(2n ** 63n)`); the unit is `dtype.unit` | a bigint or an integer number |
 * | complex64/complex128   | `{ re, im }`                                | `{ re, im }` or a real number              |
 * | raw bytes (`V8`)       | a `Uint8Array` copy                         | a `Uint8Array` of the itemsize             |
 */
import { type DType, castScalar, readScalar, writeScalar, dtype as parseDtype } from './dtype.js';
import { fail, show } from './errors.js';
import { sizeOf } from './layout.js';

/** A value cast for storage: what `writeExt` writes. */
export type Prepared = number | bigint | Uint8Array | readonly Prepared[] | { readonly [k: string]: Prepared };

/** The float type of a complex's two halves. */
function half(dt: DType): DType {
  return parseDtype(`${dt.byteorder === '>' ? '>' : '<'}f${dt.itemsize / 2}`);
}

/** Read one element of an extended dtype at `off`. */
export function readExt(view: DataView, off: number, dt: DType): unknown {
  if (dt.fields !== undefined) {
    const out: Record<string, unknown> = {};
    for (const n of dt.names!) out[n] = readAny(view, off + dt.fields[n][1], dt.fields[n][0]);
    return out;
  }
  if (dt.subdtype !== undefined) {
    const [base, shape] = dt.subdtype;
    const flat = Array.from({ length: sizeOf(shape) }, (_, i) => readAny(view, off + i * base.itemsize, base));
    const nest = (k: number, start: number): unknown[] => {
      const inner = sizeOf(shape.slice(k + 1));
      return Array.from({ length: shape[k] }, (_, i) => (k === shape.length - 1 ? flat[start + i] : nest(k + 1, start + i * inner)));
    };
    return nest(0, 0);
  }
  if (dt.kind === 'M' || dt.kind === 'm') return view.getBigInt64(off, dt.byteorder !== '>');
  if (dt.kind === 'c') {
    const h = half(dt);
    return { re: readScalar(view, off, h), im: readScalar(view, off + h.itemsize, h) };
  }
  return new Uint8Array(view.buffer.slice(view.byteOffset + off, view.byteOffset + off + dt.itemsize));
}

/** Read one element of any dtype. */
export function readAny(view: DataView, off: number, dt: DType): unknown {
  return dt.code >= 0 ? readScalar(view, off, dt) : readExt(view, off, dt);
}

/**
 * Cast a JS value for storage as an extended dtype with numpy's rules (each field cast as its own
 * dtype; an out-of-range field fails before anything is written).
 * @throws `ERR_INVALID_ARG_TYPE`/`ERR_INVALID_ARG_VALUE`/`ERR_OUT_OF_RANGE` as `castScalar`.
 */
export function castExt(value: unknown, dt: DType): Prepared {
  if (dt.fields !== undefined) {
    const names = dt.names!;
    if (Array.isArray(value)) {
      if (value.length !== names.length) fail('ERR_INVALID_ARG_VALUE', `could not assign tuple of length ${value.length} to structure with ${names.length} fields.`);
      return Object.fromEntries(names.map((n, i) => [n, castAny(value[i], dt.fields![n][0])]));
    }
    if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
      const v = value as Record<string, unknown>;
      for (const k of Object.keys(v)) if (!Object.hasOwn(dt.fields, k)) fail('ERR_INVALID_ARG_VALUE', `no field of name ${k}`);
      return Object.fromEntries(names.map((n) => {
        if (!Object.hasOwn(v, n)) fail('ERR_INVALID_ARG_VALUE', `a record value needs every field: missing '${n}' (fields ${names.map((x) => `'${x}'`).join(', ')})`);
        return [n, castAny(v[n], dt.fields![n][0])];
      }));
    }
    // numpy: one scalar is assigned to every field.
    return Object.fromEntries(names.map((n) => [n, castAny(value, dt.fields![n][0])]));
  }
  if (dt.subdtype !== undefined) {
    const [base, shape] = dt.subdtype;
    const n = sizeOf(shape);
    const flat = Array.isArray(value) ? (value as unknown[]).flat(shape.length) : Array.from({ length: n }, () => value);
    if (flat.length !== n || flat.some((x) => Array.isArray(x)))
      fail('ERR_INVALID_ARG_VALUE', `could not broadcast input array into shape ${show([...shape])}`);
    return flat.map((x) => castAny(x, base));
  }
  if (dt.kind === 'M' || dt.kind === 'm') {
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    if (typeof value !== 'bigint') fail('ERR_INVALID_ARG_TYPE', `a ${dt.name} value must be an integer count of ${dt.unit} (a bigint or an integer number), got ${show(value)}`);
    return castScalar(value, parseDtype('int64'));
  }
  if (dt.kind === 'c') {
    const h = half(dt);
    if (typeof value === 'object' && value !== null && 're' in value && 'im' in value)
      return [castScalar((value as { re: unknown }).re, h), castScalar((value as { im: unknown }).im, h)];
    return [castScalar(value, h), 0];
  }
  if (!(value instanceof Uint8Array) || value.length !== dt.itemsize)
    fail('ERR_INVALID_ARG_TYPE', `a ${dt.str} value must be a Uint8Array of ${dt.itemsize} bytes, got ${show(value)}`);
  return value;
}

/** Cast for any dtype. */
export function castAny(value: unknown, dt: DType): Prepared {
  return dt.code >= 0 ? castScalar(value, dt) : castExt(value, dt);
}

/** Write a value prepared by `castExt` for `dt` at `off`. */
export function writeExt(view: DataView, off: number, dt: DType, v: Prepared): void {
  if (dt.fields !== undefined) {
    for (const n of dt.names!) writeAny(view, off + dt.fields[n][1], dt.fields[n][0], (v as Record<string, Prepared>)[n]);
  } else if (dt.subdtype !== undefined) {
    const base = dt.subdtype[0];
    (v as Prepared[]).forEach((x, i) => writeAny(view, off + i * base.itemsize, base, x));
  } else if (dt.kind === 'M' || dt.kind === 'm') {
    view.setBigInt64(off, v as bigint, dt.byteorder !== '>');
  } else if (dt.kind === 'c') {
    const h = half(dt);
    writeScalar(view, off, h, (v as number[])[0]);
    writeScalar(view, off + h.itemsize, h, (v as number[])[1]);
  } else {
    new Uint8Array(view.buffer, view.byteOffset + off, dt.itemsize).set(v as Uint8Array);
  }
}

/** Write a value prepared by `castAny` for any dtype. */
export function writeAny(view: DataView, off: number, dt: DType, v: Prepared): void {
  if (dt.code >= 0) writeScalar(view, off, dt, v as number | bigint);
  else writeExt(view, off, dt, v);
}
