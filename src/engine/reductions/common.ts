/**
 * Helpers the reduction modules share: numpy's accumulator dtypes, float rounding, integer
 * wraparound, and reading state slots (float64 values, or integer bit patterns) in bulk.
 */
import { type DType, type DTypeName, dtype as parseDtype, roundHalf } from '../../dtype.js';
import { fail } from '../../errors.js';
import { type ResultData } from './types.js';

export const isFloat = (n: DTypeName): boolean => n === 'float16' || n === 'float32' || n === 'float64';
export const isInt = (n: DTypeName): boolean => !isFloat(n) && n !== 'bool';
export const isUnsigned = (n: DTypeName): boolean => n.startsWith('uint');
export const bitsOf = (n: DTypeName): number => parseDtype(n).itemsize * 8;

/** Round a float64 to the float type `n` as numpy stores it (overflow gives ±inf). */
export function roundTo(n: DTypeName, x: number): number {
  return n === 'float32' ? Math.fround(x) : n === 'float16' ? roundHalf(x) : x;
}

/** A wrapped integer of type `n` (numpy's modular integer arithmetic). */
export function wrap(n: DTypeName, v: bigint): bigint {
  const bits = bitsOf(n);
  return isUnsigned(n) ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}

/** numpy's sum/prod accumulator without `dtype=`: int64 for bool and signed, uint64 for unsigned. */
export function sumDtype(dt: DType): DTypeName {
  if (dt.kind === 'f') return dt.name;
  return dt.kind === 'u' ? 'uint64' : 'int64';
}

/** numpy's mean/var accumulator without `dtype=`: float64 for bool and integers, else the float type. */
export function meanDtype(dt: DType): DTypeName {
  return dt.kind === 'f' ? dt.name : 'float64';
}

/** Float64, int64 and uint64 views of a states buffer (integer slots hold bit patterns). */
export function views(states: Float64Array): { f: Float64Array; i: BigInt64Array; u: BigUint64Array } {
  const { buffer, byteOffset, length } = states;
  return { f: states, i: new BigInt64Array(buffer, byteOffset, length), u: new BigUint64Array(buffer, byteOffset, length) };
}

/**
 * The value type a float-accumulating kernel reads, for data `data` and accumulator `acc`: the data's
 * own values when `acc` holds them exactly, else values cast to `acc` first (numpy casts each element
 * to the accumulator before adding: float64 data with dtype=float32 rounds every element).
 */
export function floatValues(data: DType, acc: DTypeName, sumKernel: boolean): DTypeName {
  const rank = (n: DTypeName): number => (n === 'float16' ? 2 : n === 'float32' ? 4 : n === 'float64' ? 8 : 0);
  if (data.kind === 'f') {
    const v = rank(acc) >= data.itemsize ? data.name : acc;
    // float16 read in place only by a sum that also adds in float16; otherwise widened to float32 (exact)
    if (v === 'float16') return sumKernel && acc === 'float16' ? 'float16' : 'float32';
    return v;
  }
  if (acc === 'float64') return data.name === 'bool' ? 'uint8' : data.name;
  return sumKernel && acc === 'float16' ? 'float16' : 'float32';
}

/** numpy's buffer, in elements (its loops cast, byte-swap and gather 8192 at a time). */
export const NUMPY_BUFFER = 8192;

/**
 * The sum kernels' parameters: [64, 0] adds float32/float16 values in float64 (numpy's dtype=float64);
 * [32, B] keeps a float32 or float16 output, B the elements of numpy's buffer when its loop is buffered.
 */
export function sumParam(acc: DTypeName, buffer = 0): [number, number] {
  return acc === 'float64' ? [64, 0] : [32, buffer];
}

/** Store a number or bigint into a result array of any type. */
export function put(out: ResultData, o: number, v: number | bigint | boolean): void {
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) (out as BigInt64Array)[o] = typeof v === 'bigint' ? v : BigInt(v as number);
  else (out as Float64Array)[o] = typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? +v : v;
}

/** numpy's TypeError for a `dtype=` a reduction refuses. */
export function refuse(message: string): never {
  return fail('ERR_NDMMAP_DTYPE', message);
}
