/**
 * The operands of an elementwise call: `x`, `y` and `vars` as numpy would see them — MemMaps, typed
 * arrays (with a shape), reduction results, Python-like numbers — their shapes broadcast with
 * numpy's rules, their steps aligned to the output's dims.
 */
import { type DType, type DTypeName, dtype as parseDtype, numberToHalf } from '../dtype.js';
import { fail, show } from '../errors.js';
import { type ShapeLike, checkShape, contiguousStrides, sizeOf } from '../layout.js';
import { MemMap } from '../memmap.js';

/** Any typed array a var may be. */
export type VarArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

/** A Python float, integral or not (`{ float: 2 }` is Python's `2.0`). */
export interface PyFloat { readonly float: number }

/**
 * What a var may be: a MemMap; a typed array (1-D, or with a `shape` property); `{ data, shape,
 * dtype? }` such as a reduction's result (`NDResult`); or a number (an integral number is a Python
 * int, others Python floats), bigint (a Python int), boolean (a Python bool) or `{ float }`.
 */
export type VarValue = MemMap | VarArray | { data: VarArray; shape?: ShapeLike; dtype?: string | DType } | number | bigint | boolean | PyFloat;

/** An array operand: a MemMap, or values in JS memory. */
export interface ArrayOperand {
  name: string;
  dtype: DType;
  shape: number[];
  memmap?: MemMap;
  buffer?: ArrayBufferView;
}

const CLASS_DTYPE: ReadonlyMap<unknown, DTypeName> = new Map<unknown, DTypeName>([
  [Int8Array, 'int8'], [Uint8Array, 'uint8'], [Uint8ClampedArray, 'uint8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'],
  [Int32Array, 'int32'], [Uint32Array, 'uint32'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'],
  [Float32Array, 'float32'], [Float64Array, 'float64'],
]);

const classDtype = (v: unknown): DTypeName | undefined =>
  ArrayBuffer.isView(v) ? CLASS_DTYPE.get((v as object).constructor) : undefined;

/** Values of `data` as dtype `name`: the typed array itself, or float16 bits from float32 values. */
function asDtype(what: string, data: VarArray, name: DTypeName): ArrayBufferView {
  const have = classDtype(data)!;
  if (have === name || (name === 'bool' && have === 'uint8')) return data;
  if (name === 'float16' && (have === 'float32' || have === 'float64')) return Uint16Array.from(data as Float32Array, (x) => numberToHalf(x));
  if (name === 'float16' && have === 'uint16') return data; // float16 bits
  return fail('ERR_NDMMAP_DTYPE', `${what}: a ${data.constructor.name} cannot hold dtype ${name}`);
}

/**
 * Classify var `name`: an array operand, or the number it stands for.
 * @throws `ERR_INVALID_ARG_TYPE` for anything else, `ERR_NDMMAP_SHAPE` when a shape does not match its data.
 */
export function classify(name: string, v: unknown): ArrayOperand | number | bigint | boolean | PyFloat {
  const what = name === 'y' ? 'y' : `vars.${name}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as PyFloat).float === 'number' && !('data' in v))
    return { float: (v as PyFloat).float };
  if (v instanceof MemMap) {
    v.mapping.check();
    return { name, dtype: v.dtype, shape: v.shape, memmap: v };
  }
  let data: unknown = v, shape: unknown, dt: unknown;
  if (!ArrayBuffer.isView(v) && v !== null && typeof v === 'object' && 'data' in v) {
    ({ data, shape, dtype: dt } = v as { data: unknown; shape?: unknown; dtype?: unknown });
  } else if (ArrayBuffer.isView(v)) {
    shape = (v as { shape?: unknown }).shape;
  }
  const have = classDtype(data);
  if (have === undefined)
    fail('ERR_INVALID_ARG_TYPE', `${what} must be a MemMap, a typed array, { data, shape }, a number, a bigint or { float }, got ${show(v)}`);
  const arr = data as VarArray;
  const s = shape === undefined ? [arr.length] : checkShape(shape, `${what}.shape`);
  if (sizeOf(s) !== arr.length) fail('ERR_NDMMAP_SHAPE', `${what} has ${arr.length} values, which do not fill shape ${show(s)}`);
  const d = parseDtype(dt === undefined ? have : (dt as string | DType));
  return { name, dtype: parseDtype(d.name), shape: s, buffer: asDtype(what, arr, d.name) };
}

/** A shape as numpy prints it in messages: `(3,4)`, `(5,)`, `()`. */
export const paren = (s: readonly number[]): string => `(${s.join(',')}${s.length === 1 ? ',' : ''})`;

/**
 * numpy's broadcast of `shapes`.
 * @throws `ERR_NDMMAP_SHAPE` with numpy's text: `operands could not be broadcast together with shapes (3,4) (5,)`.
 */
export function broadcastShapes(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let k = 0; k < s.length; k++) {
      const d = rank - s.length + k;
      if (s[k] === out[d] || s[k] === 1) continue;
      if (out[d] !== 1) fail('ERR_NDMMAP_SHAPE', `operands could not be broadcast together with shapes ${shapes.map(paren).join(' ')}`);
      out[d] = s[k];
    }
  }
  return out;
}

/**
 * `expr`'s shape must broadcast into `out` (numpy's `out[...] = expr`); leading length-1 dims beyond
 * out's rank are dropped, as numpy's assignment does (`x[...] = x - mu` with mu of shape (1, 3)).
 */
export function checkInto(exprShape: readonly number[], out: readonly number[]): void {
  let lead = 0;
  while (exprShape.length - lead > out.length && exprShape[lead] === 1) lead++;
  const inner = exprShape.slice(lead);
  const ok = inner.length <= out.length && inner.every((n, k) => n === 1 || n === out[out.length - inner.length + k]);
  if (!ok) fail('ERR_NDMMAP_SHAPE', `could not broadcast input array from shape ${paren(inner)} into shape ${paren(out)}`);
}

/** Byte steps of an array of `shape` with element `strides`, aligned to (broadcast over) `outShape`. */
export function alignSteps(shape: readonly number[], strides: readonly number[], itemsize: number, outShape: readonly number[]): number[] {
  const off = outShape.length - shape.length;
  return outShape.map((n, d) => {
    const k = d - off;
    return k < 0 || (shape[k] === 1 && n !== 1) ? 0 : strides[k] * itemsize;
  });
}

/** Element strides of an operand: its layout's, or C order for values in JS memory. */
export function elementStrides(o: ArrayOperand): readonly number[] {
  return o.memmap !== undefined ? o.memmap.layout.strides : contiguousStrides(o.shape, 'C');
}
