/**
 * numpy element types: parsing names and type codes, and reading/writing one element.
 */
import { fail, show } from './errors.js';
import { type AliasNames, type NameOf } from './dtype-types.js';
import { DTYPE_TABLE } from './gen/contract.cjs';
import { extStr, parseExtString, recordDtype, subarray } from './dtype-ext.js';

/**
 * Kind letters as numpy's `dtype.kind`: bool, signed int, unsigned int, float; and the kinds mapped
 * without native kernels (src/dtype-ext.ts): complex, datetime64, timedelta64, record/void.
 */
export type DTypeKind = 'b' | 'i' | 'u' | 'f' | 'c' | 'M' | 'm' | 'V';
/** Byte order as numpy's `dtype.byteorder` after normalisation: little, big, not applicable. */
export type ByteOrder = '<' | '>' | '|';

/**
 * A parsed element type. Plain frozen data, so it crosses to worker threads as is. `String(dt)` and
 * template strings give numpy's `str(dtype)` (`'float64'`, `'>i2'`); `util.inspect` numpy's repr.
 */
export interface DType<N extends DTypeName = DTypeName> {
  /** numpy's name: `'float64'`, `'int8'`, `'bool'`, … */
  readonly name: N;
  /** The native addon's type code (native/core/dtype.h). */
  readonly code: number;
  /** Bytes per element. */
  readonly itemsize: number;
  readonly kind: DTypeKind;
  readonly byteorder: ByteOrder;
  /** numpy's `dtype.str`, e.g. `'<f8'`, `'>i4'`, `'|u1'` (what a `.npy` header holds). */
  readonly str: string;
  /** Records: the field names in order (numpy's `dtype.names`). */
  readonly names?: readonly string[];
  /** Records: numpy's `dtype.fields`, name → `[dtype, byte offset]`. */
  readonly fields?: Readonly<Record<string, readonly [DType, number]>>;
  /** Records made with `align=True` / `aligned: true` (numpy prints them in the dict form). */
  readonly aligned?: boolean;
  /** A sub-array field's type: numpy's `subdtype`, `[base dtype, shape]`. */
  readonly subdtype?: readonly [DType, readonly number[]];
  /** datetime64/timedelta64: the unit, `'ns'`, `'s'`, `'D'`… */
  readonly unit?: string;
}

export type DTypeName =
  | 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'float16' | 'float32' | 'float64';

/** dtype names by native code (contract/spec.mjs, generated into both sides; checked at load by src/native.ts). */
export const DTYPE_CODES: readonly DTypeName[] = DTYPE_TABLE.map((d) => d.name);

/** Kind and itemsize by name, from the contract's dtype table. */
const KIND = Object.fromEntries(DTYPE_TABLE.map((d) => [d.name, [d.kind, d.itemsize]])) as Record<DTypeName, [DTypeKind, number]>;

/** numpy's single-character codes and aliases (Linux x86_64: `l`/`int` are 64-bit). */
const ALIASES: { readonly [K in keyof AliasNames]: AliasNames[K] } = {
  '?': 'bool', b1: 'bool', bool_: 'bool',
  b: 'int8', i1: 'int8', byte: 'int8',
  B: 'uint8', u1: 'uint8', ubyte: 'uint8',
  h: 'int16', i2: 'int16', short: 'int16',
  H: 'uint16', u2: 'uint16', ushort: 'uint16',
  i: 'int32', i4: 'int32', intc: 'int32',
  I: 'uint32', u4: 'uint32', uintc: 'uint32',
  l: 'int64', q: 'int64', i8: 'int64', p: 'int64', int: 'int64', long: 'int64', longlong: 'int64', intp: 'int64',
  L: 'uint64', Q: 'uint64', u8: 'uint64', P: 'uint64', uint: 'uint64', ulong: 'uint64', ulonglong: 'uint64', uintp: 'uint64',
  e: 'float16', f2: 'float16', half: 'float16',
  f: 'float32', f4: 'float32', single: 'float32',
  d: 'float64', f8: 'float64', double: 'float64', float: 'float64',
};

const cache = new Map<string, DType>();

/** numpy's `str(dtype)`: the name in little-endian (native) or no byte order, the code (`'>i2'`) in big. */
function numpyStr(dt: DType): string {
  if (dt.code < 0) return extStr(dt) ?? dt.str;
  return dt.byteorder === '>' ? dt.str : dt.name;
}

/**
 * The prototype of every DType: printing only. On the prototype, not on the objects, so a DType
 * keeps only data of its own: a structured clone (a worker's copy) has the same fields and drops
 * these, and JSON.stringify gives the fields.
 */
export const DTYPE_PROTO = Object.freeze({
  toString(this: DType): string { return numpyStr(this); },
  [Symbol.toPrimitive](this: DType): string { return numpyStr(this); },
  // util.inspect.custom, by its registered name: no node:util import for one symbol.
  [Symbol.for('nodejs.util.inspect.custom')](this: DType): string {
    return this.fields !== undefined ? `dtype(${numpyStr(this)})` : `dtype('${numpyStr(this)}')`;
  },
});

function make(name: DTypeName, order: '<' | '>'): DType {
  const [kind, itemsize] = KIND[name];
  const byteorder: ByteOrder = itemsize === 1 ? '|' : order;
  const key = `${name}${byteorder}`;
  let dt = cache.get(key);
  if (dt === undefined) {
    const fields = { name, code: DTYPE_CODES.indexOf(name), itemsize, kind, byteorder, str: `${byteorder}${kind}${itemsize}` };
    dt = Object.freeze(Object.assign(Object.create(DTYPE_PROTO) as object, fields)) as DType;
    cache.set(key, dt);
  }
  return dt;
}

/**
 * Parse a dtype as numpy does: a name (`'float64'`), a type code with optional byte order
 * (`'<f8'`, `'>i4'`, `'=d'`, `'|u1'`, `'B'`), an existing `DType`; the extended types of
 * src/dtype-ext.ts (`'<M8[ns]'`, `'m8[s]'`, `'c8'`, `'V8'`); a record in numpy's list form
 * (`[['t', '<f8'], ['v', '<i2']]`) or dict form (`{ names, formats, offsets, itemsize, aligned }`).
 * @throws `ERR_NDMMAP_DTYPE` for anything numpy would not read as one of the supported types.
 * @example dtype('>i4').byteorder // '>'
 */
export function dtype<const S extends string | DType>(spec: S): DType<NameOf<S>>;
export function dtype(spec: string | DType | readonly unknown[] | object): DType;
export function dtype(spec: string | DType | readonly unknown[] | object): DType {
  if (typeof spec === 'object' && spec !== null && typeof (spec as DType).name === 'string' && Object.hasOwn(KIND, (spec as DType).name)) {
    const d = spec as DType;
    return make(d.name as DTypeName, d.byteorder === '>' ? '>' : '<');
  }
  if (typeof spec === 'object' && spec !== null && (spec as DType).code === -1 && typeof (spec as DType).str === 'string') {
    const d = spec as DType;
    if (Object.getPrototypeOf(d) === DTYPE_PROTO) return d;
    // A structured clone (a worker's copy) lost the prototype: rebuild it from its data.
    if (d.fields !== undefined)
      return recordDtype({ names: d.names, formats: d.names!.map((n) => dtype(d.fields![n][0])), offsets: d.names!.map((n) => d.fields![n][1]), itemsize: d.itemsize, aligned: d.aligned });
    if (d.subdtype !== undefined) return subarray(dtype(d.subdtype[0]), [...d.subdtype[1]]);
    const ext = parseExtString(d.str);
    if (ext !== undefined) return ext;
  }
  if (Array.isArray(spec) || (typeof spec === 'object' && spec !== null && 'names' in spec)) return recordDtype(spec);
  if (typeof spec === 'string') {
    const ext = parseExtString(spec);
    if (ext !== undefined) return ext;
  }
  if (typeof spec !== 'string') fail('ERR_NDMMAP_DTYPE', `data type must be a string such as 'float64' or '<f8', got ${show(spec)}`);
  let order: '<' | '>' = '<';
  let body = spec;
  const prefixed = /^[<>=|]/.test(spec);
  if (prefixed) {
    if (spec[0] === '>') order = '>';
    body = spec.slice(1);
  }
  // After a byte-order mark numpy takes only type codes ('<f8', '>i', '|b1'), not names ('<float64').
  const name: DTypeName | undefined =
    prefixed && !/^[a-zA-Z?]\d*$/.test(body) ? undefined
      : prefixed && body.length > 3 ? undefined
        : Object.hasOwn(KIND, body) ? (body as DTypeName) : Object.hasOwn(ALIASES, body) ? (ALIASES as Record<string, DTypeName>)[body] : undefined;
  if (name === undefined) {
    const hint = /^[<>=|]?(c\d*|G)$|complex/.test(spec) ? ' (ndmmap maps complex64 and complex128)' : orderHint(spec);
    fail('ERR_NDMMAP_DTYPE', `data type ${show(spec)} not understood${hint}`);
  }
  return make(name, order);
}

/** The dtype for a native code (inverse of `DType.code`), little-endian. */
export function dtypeFromCode(code: number): DType {
  const name = DTYPE_CODES[code];
  if (name === undefined) fail('ERR_NDMMAP_DTYPE', `unknown dtype code ${code}`);
  return make(name, '<');
}

/** Is this dtype stored in the opposite byte order to this machine's (little-endian)? */
export function isSwapped(dt: DType): boolean {
  return dt.byteorder === '>';
}

/** A scalar as ndmmap returns it: 64-bit integers are `bigint`, bool is `boolean`. */
export type Scalar = number | bigint | boolean;

/** IEEE binary16 bits to a number. */
export function halfToNumber(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 0x1f) return man ? NaN : sign * Infinity;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** A number to IEEE binary16 bits, rounding to nearest even straight from the double (as numpy). */
export function numberToHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // subnormal: units of 2^-24, ties to even
    const q = a / 2 ** -24;
    let m = Math.floor(q);
    const r = q - m;
    if (r > 0.5 || (r === 0.5 && m & 1)) m++;
    return sign | m;
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const q = (a / 2 ** e - 1) * 1024;
  let m = Math.floor(q);
  const r = q - m;
  if (r > 0.5 || (r === 0.5 && m & 1)) m++;
  if (m === 1024) { m = 0; e++; }
  return sign | ((e + 15) << 10) | m;
}

/** Round a number to the nearest float16 value. */
export function roundHalf(x: number): number {
  return halfToNumber(numberToHalf(x));
}

/** Read the element of type `dt` at `byteOffset` of `view`. */
export function readScalar(view: DataView, byteOffset: number, dt: DType): Scalar {
  const le = dt.byteorder !== '>';
  switch (dt.name) {
    case 'bool': return view.getUint8(byteOffset) !== 0;
    case 'int8': return view.getInt8(byteOffset);
    case 'uint8': return view.getUint8(byteOffset);
    case 'int16': return view.getInt16(byteOffset, le);
    case 'uint16': return view.getUint16(byteOffset, le);
    case 'int32': return view.getInt32(byteOffset, le);
    case 'uint32': return view.getUint32(byteOffset, le);
    case 'int64': return view.getBigInt64(byteOffset, le);
    case 'uint64': return view.getBigUint64(byteOffset, le);
    case 'float16': return halfToNumber(view.getUint16(byteOffset, le));
    case 'float32': return view.getFloat32(byteOffset, le);
    case 'float64': return view.getFloat64(byteOffset, le);
  }
}

const INT_RANGE: Partial<Record<DTypeName, [bigint, bigint]>> = {
  int8: [-128n, 127n], uint8: [0n, 255n], int16: [-32768n, 32767n], uint16: [0n, 65535n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n], uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n], uint64: [0n, 2n ** 64n - 1n],
};

/**
 * Convert a JS value for storage as `dt` with numpy's rules for `a[i] = value`: floats truncate toward
 * zero into integer types; an integer out of range, NaN or ±inf into an integer type is an error.
 * @throws `ERR_OUT_OF_RANGE` (out of bounds) or `ERR_INVALID_ARG_VALUE` (NaN, wrong type).
 */
export function castScalar(value: unknown, dt: DType): number | bigint {
  if (typeof value === 'boolean') value = value ? 1 : 0;
  if (typeof value !== 'number' && typeof value !== 'bigint')
    fail('ERR_INVALID_ARG_TYPE', `value must be a number, bigint or boolean, got ${show(value)}`);
  if (dt.kind === 'b') return (typeof value === 'bigint' ? value !== 0n : value !== 0) ? 1 : 0;
  if (dt.kind === 'f') return Number(value);
  let big: bigint;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) fail('ERR_INVALID_ARG_VALUE', 'cannot convert float NaN to integer');
    if (!Number.isFinite(value)) fail('ERR_OUT_OF_RANGE', 'cannot convert float infinity to integer');
    big = BigInt(Math.trunc(value));
  } else {
    big = value;
  }
  const [lo, hi] = INT_RANGE[dt.name]!;
  if (big < lo || big > hi) fail('ERR_OUT_OF_RANGE', `Python integer ${big} out of bounds for ${dt.name}`);
  return dt.itemsize === 8 ? big : Number(big);
}

/** Write `value` (already cast by `castScalar`) at `byteOffset` of `view`. */
export function writeScalar(view: DataView, byteOffset: number, dt: DType, value: number | bigint): void {
  const le = dt.byteorder !== '>';
  const v = value as number;
  switch (dt.name) {
    case 'bool': view.setUint8(byteOffset, v ? 1 : 0); break;
    case 'int8': view.setInt8(byteOffset, v); break;
    case 'uint8': view.setUint8(byteOffset, v); break;
    case 'int16': view.setInt16(byteOffset, v, le); break;
    case 'uint16': view.setUint16(byteOffset, v, le); break;
    case 'int32': view.setInt32(byteOffset, v, le); break;
    case 'uint32': view.setUint32(byteOffset, v, le); break;
    case 'int64': view.setBigInt64(byteOffset, BigInt(value), le); break;
    case 'uint64': view.setBigUint64(byteOffset, BigInt(value), le); break;
    case 'float16': view.setUint16(byteOffset, numberToHalf(v), le); break;
    case 'float32': view.setFloat32(byteOffset, v, le); break;
    case 'float64': view.setFloat64(byteOffset, v, le); break;
  }
}

/** The typed array class for zero-copy access to native-order data of `dt`, or undefined (float16). */
export function typedArrayClass(dt: DType):
  | Uint8ArrayConstructor | Int8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor
  | Int32ArrayConstructor | Uint32ArrayConstructor | BigInt64ArrayConstructor | BigUint64ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor | undefined {
  switch (dt.name) {
    case 'bool': case 'uint8': return Uint8Array;
    case 'int8': return Int8Array;
    case 'int16': return Int16Array;
    case 'uint16': return Uint16Array;
    case 'int32': return Int32Array;
    case 'uint32': return Uint32Array;
    case 'int64': return BigInt64Array;
    case 'uint64': return BigUint64Array;
    case 'float32': return Float32Array;
    case 'float64': return Float64Array;
    default: return undefined;
  }
}

/** `'int16be'` → ` (did you mean '>i2'?)`: spellings of other libraries for a byte order, as numpy's codes. */
function orderHint(spec: string): string {
  const m = /^(u?int|float|f|i|u)(8|16|32|64)[-_]?(be|le|big|little)$/i.exec(spec.trim());
  if (m === null) return '';
  const kind = m[1].toLowerCase().startsWith('f') ? 'f' : m[1].toLowerCase().startsWith('u') ? 'u' : 'i';
  const code = `${m[3].toLowerCase().startsWith('b') ? '>' : '<'}${kind}${Number(m[2]) / 8}`;
  try { dtype(code); } catch { return ''; }
  return ` (did you mean '${code}'? numpy spells the byte order as a prefix: '>' big-endian, '<' little)`;
}
