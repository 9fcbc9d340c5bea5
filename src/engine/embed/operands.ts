/**
 * What the embeddings calls take besides the array: query vectors (typed arrays, `{ data, shape }`,
 * MemMaps, plain arrays), numpy's type promotion for `a @ v`, and the compute type of the kernels.
 */
import { type DTypeName, dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { MemMap } from '../../memmap.js';
import { type TypedArray } from '../../memmap.js';

/** A vector or matrix operand: a typed array (1-D), `{ data, shape }`, a MemMap, or nested number arrays. */
export type VectorLike = TypedArray | { data: TypedArray | readonly number[]; shape: readonly number[] } | MemMap | readonly number[] | readonly (readonly number[])[];

/** An operand read into JS: its dtype (null: plain numbers, numpy's default int64/float64 applies), shape and values in C order. */
export interface Operand { dtype: DTypeName | null; shape: number[]; values: ArrayLike<number | bigint> }

const TYPED: [new (...a: never[]) => unknown, DTypeName][] = [
  [Float64Array, 'float64'], [Float32Array, 'float32'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
  [Uint8ClampedArray, 'uint8'], [Int16Array, 'int16'], [Uint16Array, 'uint16'], [Int32Array, 'int32'],
  [Uint32Array, 'uint32'], [BigInt64Array, 'int64'], [BigUint64Array, 'uint64'],
];

function typedDtype(v: unknown): DTypeName | undefined {
  for (const [C, n] of TYPED) if (v instanceof C) return n;
  return undefined;
}

function plainNumbers(list: readonly unknown[], what: string): number[] {
  for (const x of list)
    if (typeof x !== 'number') fail('ERR_NDMMAP_DTYPE', `${what} must hold numbers, got ${show(x)}`);
  return list as number[];
}

/** Read a vector/matrix operand (`what` names it in errors). */
export function readOperand(v: unknown, what: string): Operand {
  const dt = typedDtype(v);
  if (dt !== undefined) return { dtype: dt, shape: [(v as TypedArray).length], values: v as TypedArray };
  if (v instanceof MemMap) {
    v.mapping.check();
    const flat = v.ndim === 0 ? [v.toArray()] : (v.toArray() as unknown[]).flat(Infinity);
    const vals = flat.map((x) => (typeof x === 'boolean' ? Number(x) : x)) as (number | bigint)[];
    return { dtype: v.dtype.name, shape: v.shape, values: vals };
  }
  if (Array.isArray(v)) {
    if (v.length > 0 && Array.isArray(v[0])) {
      const rows = v as unknown[][];
      const n = rows[0].length;
      for (const r of rows)
        if (!Array.isArray(r) || r.length !== n) fail('ERR_NDMMAP_SHAPE', `${what}: rows of a nested array must have one length`);
      return { dtype: null, shape: [rows.length, n], values: plainNumbers(rows.flat(), what) };
    }
    return { dtype: null, shape: [v.length], values: plainNumbers(v, what) };
  }
  if (v !== null && typeof v === 'object' && 'data' in v && 'shape' in v) {
    const o = v as { data: unknown; shape: unknown };
    if (!Array.isArray(o.shape) || !o.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || o.shape.length < 1 || o.shape.length > 2)
      fail('ERR_NDMMAP_SHAPE', `${what}.shape must be 1 or 2 non-negative integers, got ${show(o.shape)}`);
    const inner = readOperand(o.data, what);
    const n = (o.shape as number[]).reduce((a, b) => a * b, 1);
    if (inner.values.length !== n) fail('ERR_NDMMAP_SHAPE', `${what}: ${inner.values.length} values cannot take the shape ${show(o.shape)}`);
    return { dtype: inner.dtype, shape: [...(o.shape as number[])], values: inner.values };
  }
  return fail('ERR_INVALID_ARG_TYPE', `${what} must be a typed array, { data, shape }, a MemMap or an array of numbers, got ${show(v)}`);
}

/** numpy's default dtype of plain numbers: int64 when every one is an integer, else float64. */
export function plainDtype(values: ArrayLike<number | bigint>): DTypeName {
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x === 'number' && !Number.isInteger(x)) return 'float64';
  }
  return 'int64';
}

const INT_BITS: Partial<Record<DTypeName, number>> = { int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16, uint32: 32, uint64: 64 };
const FLOAT_BITS: Partial<Record<DTypeName, number>> = { float16: 16, float32: 32, float64: 64 };

/** The smallest float holding every value of an integer type of `bits` (numpy: 8 → float16, 16 → float32, more → float64). */
function floatFor(bits: number): number { return bits <= 8 ? 16 : bits <= 16 ? 32 : 64; }

/** numpy's `np.result_type(a, b)` for two array dtypes. */
export function promote(a: DTypeName, b: DTypeName): DTypeName {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  const fa = FLOAT_BITS[a], fb = FLOAT_BITS[b];
  if (fa !== undefined && fb !== undefined) return fa >= fb ? a : b;
  if (fa !== undefined || fb !== undefined) {
    const f = (fa ?? fb)!, i = INT_BITS[fa !== undefined ? b : a]!;
    return `float${Math.max(f, floatFor(i))}` as DTypeName;
  }
  const ua = a.startsWith('u'), ub = b.startsWith('u'), ba = INT_BITS[a]!, bb = INT_BITS[b]!;
  if (ua === ub) return ba >= bb ? a : b;
  const [sBits, uBits] = ua ? [bb, ba] : [ba, bb];
  if (uBits < sBits) return `int${sBits}` as DTypeName;
  return uBits < 64 ? (`int${uBits * 2}` as DTypeName) : 'float64';
}

/** The float type a search computes in: float32 for data of at most 16 bits (and float32), float64 otherwise. */
export function searchFloat(d: DTypeName): 'float32' | 'float64' {
  return d === 'float64' || (INT_BITS[d] ?? 0) > 16 ? 'float64' : 'float32';
}

/** numpy's casting='same_kind' between array dtypes (bool < unsigned < signed < float). */
export function sameKind(from: DTypeName, to: DTypeName): boolean {
  const rank = (d: DTypeName): number => ({ b: 0, u: 1, i: 2, f: 3 } as Record<string, number>)[parseDtype(d).kind] ?? 4;
  return rank(to) >= rank(from);
}

/** `values` (C order) as the compute type's typed array, in `order` (a permutation of positions). */
export function computeArray(mode: 'float32' | 'float64' | 'int64', values: ArrayLike<number | bigint>, at: (i: number) => number, n: number):
  Float32Array | Float64Array | BigInt64Array {
  if (mode === 'int64') {
    const r = new BigInt64Array(n);
    for (let i = 0; i < n; i++) { const x = values[at(i)]; r[i] = typeof x === 'bigint' ? BigInt.asIntN(64, x) : BigInt(x); }
    return r;
  }
  const r = mode === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Number(values[at(i)]);
  return r;
}
