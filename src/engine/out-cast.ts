/**
 * numpy's casts of reduction results: `castUnsafe` is an array cast (casting='unsafe') of one value as
 * x86_64 numpy computes it (native/core/cast.h holds the same rules for the kernels: float -> int through
 * cvttsd2si, NaN and out-of-range values give the "integer indefinite" bits), and `canCastSameKind`
 * is `np.can_cast(from, to, 'same_kind')`, what numpy's ufuncs require of an `out=`.
 */
import { type DTypeName } from '../dtype.js';
import { roundTo } from './reductions/common.js';

const TWO31 = 2 ** 31;
const TWO63 = 2 ** 63;
const INT32_MIN = -(2 ** 31);
const INT64_MIN = -(2n ** 63n);

const kind = (t: DTypeName): 'b' | 'u' | 'i' | 'f' => (t === 'bool' ? 'b' : t.startsWith('float') ? 'f' : t.startsWith('u') ? 'u' : 'i');
const bits = (t: DTypeName): number => (t === 'bool' ? 8 : Number(/\d+$/.exec(t)![0]));

/** double -> int32 as cvttsd2si: truncate, indefinite (INT32_MIN) when NaN or out of range. */
function cvtI32(v: number): number {
  return v > -TWO31 - 1 && v < TWO31 ? Math.trunc(v) : INT32_MIN;
}

/** double -> int64 as cvttsd2si (64-bit). */
function cvtI64(v: number): bigint {
  return v >= -TWO63 && v < TWO63 ? BigInt(Math.trunc(v)) : INT64_MIN;
}

/**
 * A value cast to `to` as numpy's casting='unsafe' array cast does: floats round (overflow to inf),
 * integers wrap, floats go to integers through x86's conversions, anything non-zero (NaN too) is True.
 * Returns a bigint for 64-bit integer targets, a number otherwise (bool as 0/1).
 */
export function castUnsafe(v: number | bigint | boolean, to: DTypeName): number | bigint {
  if (typeof v === 'boolean') v = v ? 1 : 0;
  if (to === 'bool') return (typeof v === 'bigint' ? v !== 0n : v !== 0) ? 1 : 0;
  if (kind(to) === 'f') return roundTo(to, Number(v));
  const b = bits(to);
  let i: bigint;
  if (typeof v === 'bigint') i = v;
  else if (b <= 16) i = BigInt(cvtI32(v));
  else if (to === 'int32') i = BigInt(cvtI32(v));
  else if (to === 'uint32' || to === 'int64') i = cvtI64(v);
  else i = v >= TWO63 ? BigInt.asUintN(64, cvtI64(v - TWO63)) ^ (1n << 63n) : cvtI64(v); // uint64: as gcc's (uint64_t)v
  const w = kind(to) === 'u' ? BigInt.asUintN(b, i) : BigInt.asIntN(b, i);
  return b === 64 ? w : Number(w);
}

/** `np.can_cast(from, to, 'same_kind')`: bool to anything, ints to ints (not signed to unsigned) or floats, floats to floats. */
export function canCastSameKind(from: DTypeName, to: DTypeName): boolean {
  const f = kind(from), t = kind(to);
  if (f === 'b') return true;
  if (t === 'b') return false;
  if (f === 'f') return t === 'f';
  if (f === 'i') return t !== 'u';
  return true;
}

/** The loop numpy's sqrt picks for an integer or bool input: the smallest float every value fits. */
export function sqrtLoop(t: DTypeName): DTypeName {
  if (kind(t) === 'f') return t;
  return t === 'bool' || bits(t) === 8 ? 'float16' : bits(t) === 16 ? 'float32' : 'float64';
}

/** numpy's sqrt in loop type `t` (float16 through float32, as numpy's half loop). */
export function sqrtIn(t: DTypeName, v: number): number {
  return t === 'float16' ? roundTo('float16', Math.fround(Math.sqrt(v))) : roundTo(t, Math.sqrt(v));
}
