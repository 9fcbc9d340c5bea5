/**
 * Order-preserving uint64 keys of values, as native/core/keys.h defines them (FloatKey, and its one
 * -0.0 policy) and native/stats/ makes them: a float64's bits with negative values flipped and
 * positive ones offset (-0.0's key is just below +0.0's, so a zero picked among tied -0.0 and +0.0 is -0.0 while any remain below the rank), int64 with the sign bit flipped,
 * uint64 as is. Values of narrower types are read widened to one of those three, exactly.
 */
import { type DType, type DTypeName } from '../../dtype.js';

/** How keys are made for values of a dtype: the value type the kernel reads them as. */
export type KeyKind = 'float64' | 'int64' | 'uint64';

export function keyKind(dt: DType): KeyKind {
  if (dt.kind === 'f') return 'float64';
  return dt.kind === 'u' ? 'uint64' : 'int64';
}

const SIGN = 1n << 63n;
const MASK = (1n << 64n) - 1n;
const bits = new BigUint64Array(1);
const f = new Float64Array(bits.buffer);

/** The value a key stands for: a number for floats, a bigint for integers. */
export function keyValue(kind: KeyKind, key: bigint): number | bigint {
  if (kind === 'uint64') return key;
  if (kind === 'int64') return BigInt.asIntN(64, key ^ SIGN);
  bits[0] = key & SIGN ? key ^ SIGN : ~key & MASK;
  return f[0]; // -0.0 keeps its sign: keys order it just below +0.0
}

export type { DTypeName };
