/**
 * Types only: what a dtype spelling, a dtype name or a reduction's options mean for the TypeScript
 * types of results, so `(await a.sum()) / 2` compiles for a float array and `col.data` is a
 * `Float32Array` without casts. Nothing here exists at run time; src/dtype.ts checks its alias table
 * against `AliasNames`, and test/types/ checks these types against what the functions return.
 */
import { type DType, type DTypeName } from './dtype.js';

/** numpy's aliases and single-character codes (Linux x86_64: `l`, `int` are 64-bit) → names. */
export interface AliasNames {
  '?': 'bool'; b1: 'bool'; bool_: 'bool';
  b: 'int8'; i1: 'int8'; byte: 'int8';
  B: 'uint8'; u1: 'uint8'; ubyte: 'uint8';
  h: 'int16'; i2: 'int16'; short: 'int16';
  H: 'uint16'; u2: 'uint16'; ushort: 'uint16';
  i: 'int32'; i4: 'int32'; intc: 'int32';
  I: 'uint32'; u4: 'uint32'; uintc: 'uint32';
  l: 'int64'; q: 'int64'; i8: 'int64'; p: 'int64'; int: 'int64'; long: 'int64'; longlong: 'int64'; intp: 'int64';
  L: 'uint64'; Q: 'uint64'; u8: 'uint64'; P: 'uint64'; uint: 'uint64'; ulong: 'uint64'; ulonglong: 'uint64'; uintp: 'uint64';
  e: 'float16'; f2: 'float16'; half: 'float16';
  f: 'float32'; f4: 'float32'; single: 'float32';
  d: 'float64'; f8: 'float64'; double: 'float64'; float: 'float64';
}

/** Type codes numpy takes after a byte-order mark (`'<f8'`, `'>i4'`, `'|b1'`, `'=d'`); names are not. */
type TypeCode = '?' | 'b1' | 'b' | 'i1' | 'B' | 'u1' | 'h' | 'i2' | 'H' | 'u2' | 'i' | 'i4' | 'I' | 'u4'
  | 'l' | 'q' | 'i8' | 'p' | 'L' | 'Q' | 'u8' | 'P' | 'e' | 'f2' | 'f' | 'f4' | 'd' | 'f8';

/** A type code with a byte-order mark: `'<f8'`, `'>i2'`, `'|u1'`, `'=d'`. */
export type DTypeCode = `${'<' | '>' | '=' | '|'}${TypeCode}`;

/**
 * Every spelling of a dtype ndmmap's options accept: a name (`'float32'`), an alias or code (`'f4'`,
 * `'<f8'`, `'>i2'`), or a `DType`. A string known only at run time: parse it with `dtype(s)` first.
 */
export type DTypeSpec = DTypeName | keyof AliasNames | DTypeCode | DType;

/** datetime64/timedelta64 units (src/dtype-ext.ts). */
type TimeUnit = 'Y' | 'M' | 'W' | 'D' | 'h' | 'm' | 's' | 'ms' | 'us' | 'ns' | 'ps' | 'fs' | 'as';
/** One field of numpy's list form: `['t', '<f8']`, `['pos', '<f4', [3]]`, `['n', [...nested]]`. */
export type FieldSpec = readonly [string, DTypeSpec | ExtDTypeSpec] | readonly [string, DTypeSpec | ExtDTypeSpec, number | readonly number[]];
/** numpy's dict form of a record dtype. */
export interface RecordDictSpec {
  names: readonly string[]; formats: readonly (DTypeSpec | ExtDTypeSpec)[]; offsets?: readonly number[]; itemsize?: number; aligned?: boolean;
}
/**
 * The dtypes `memmap`, `createNpy` and `view` also take, mapped without native kernels: datetime64/timedelta64 (`'<M8[ns]'`, `'timedelta64[s]'`),
 * complex (`'c8'`, `'complex128'`), raw bytes (`'V8'`), records (list or dict form).
 */
export type ExtDTypeSpec =
  | `${'' | '<' | '>' | '='}${'M8' | 'm8'}[${TimeUnit}]` | `${'datetime64' | 'timedelta64'}[${TimeUnit}]`
  | `${'' | '<' | '>' | '='}${'c8' | 'c16'}` | 'complex64' | 'complex128' | `V${number}`
  | readonly FieldSpec[] | RecordDictSpec;

/** The dtype name a spelling stands for (`'<f8'` → `'float64'`); `DTypeName` when not known statically. */
export type NameOf<S> =
  S extends DType<infer N> ? N
    : S extends DTypeName ? S
      : S extends keyof AliasNames ? AliasNames[S]
        : S extends `${infer M}${infer C}`
          ? M extends '<' | '>' | '=' | '|' ? C extends TypeCode ? AliasNames[C] : DTypeName : DTypeName
          : DTypeName;

/** How one element of a dtype reads in JS: `bigint` for 64-bit integers, `boolean` for bool. */
export type ScalarOf<N extends DTypeName> =
  N extends 'int64' | 'uint64' ? bigint : N extends 'bool' ? boolean : number;

/** The typed array `typedArray()` gives for a dtype (float16 has none: it throws). */
export interface TypedArrays {
  bool: Uint8Array; int8: Int8Array; uint8: Uint8Array; int16: Int16Array; uint16: Uint16Array;
  int32: Int32Array; uint32: Uint32Array; int64: BigInt64Array; uint64: BigUint64Array;
  float16: never; float32: Float32Array; float64: Float64Array;
}

/** The typed array an `NDResult` of a dtype holds (float16 values are held as float32). */
export type ResultArrayOf<N extends DTypeName> = N extends 'float16' ? Float32Array : TypedArrays[N];

/** Dtype names by kind. */
export type SignedName = 'int8' | 'int16' | 'int32' | 'int64';
export type UnsignedName = 'uint8' | 'uint16' | 'uint32' | 'uint64';
export type FloatName = 'float16' | 'float32' | 'float64';
