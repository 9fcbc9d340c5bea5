// Reading test/fixtures/expr/values.json: input sets as typed arrays, elements of result bytes, and
// the distance of a result from the exact value in units in the last place of its dtype.
import { halfToNumber } from '../../dist/src/dtype.js';

export interface Fixture {
  numpy: string;
  n: number;
  sets: Record<string, { dtype: string; b64: string }>;
  cases: {
    group: string; name: string; expr: string; inputs: Record<string, string>;
    dtype?: string; shape?: number[]; expected?: string; exact?: string; error?: [string, string];
  }[];
}

const CLASSES: Record<string, new (b: ArrayBuffer) => ArrayBufferView> = {
  bool: Uint8Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
  uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array, float16: Uint16Array, float32: Float32Array,
  float64: Float64Array,
};

/** A set as an apply var: `{ data, dtype }` (float16 as its bits). */
export function typedSet(s: { dtype: string; b64: string }): { data: ArrayBufferView; dtype: string } {
  const bytes = Buffer.from(s.b64, 'base64');
  const buf = new Uint8Array(bytes).buffer;
  return { data: new CLASSES[s.dtype](buf), dtype: s.dtype };
}

/** Element i of little-endian bytes of dtype dt (bools as booleans, 64-bit ints as bigints). */
export function valueAt(b: Buffer, dt: string, i: number): number | bigint | boolean {
  switch (dt) {
    case 'bool': return b[i] !== 0;
    case 'int8': return b.readInt8(i);
    case 'uint8': return b.readUInt8(i);
    case 'int16': return b.readInt16LE(2 * i);
    case 'uint16': return b.readUInt16LE(2 * i);
    case 'int32': return b.readInt32LE(4 * i);
    case 'uint32': return b.readUInt32LE(4 * i);
    case 'int64': return b.readBigInt64LE(8 * i);
    case 'uint64': return b.readBigUInt64LE(8 * i);
    case 'float16': return halfToNumber(b.readUInt16LE(2 * i));
    case 'float32': return b.readFloatLE(4 * i);
    default: return b.readDoubleLE(8 * i);
  }
}

const FORMAT: Record<string, [number, number, number]> = { // mantissa bits, min exponent, max finite
  float16: [10, -14, 65504], float32: [23, -126, 3.4028234663852886e38], float64: [52, -1022, Number.MAX_VALUE],
};

/** Exponent of a finite non-zero double, exactly (from its bits). */
function exponent(x: number): number {
  const v = new DataView(new Float64Array([x]).buffer);
  const e = (v.getUint16(6, true) >> 4) & 0x7ff;
  return e === 0 ? -1023 - Math.clz32(v.getUint32(0, true)) : e - 1023;
}

/**
 * How many units in the last place of dtype dt `got` is from the exact value hi + lo (a float64
 * pair): 0 when equal, < 1 when `got` is one of the two values of dt around it (faithful rounding).
 * A value beyond dt's range may round to its largest finite value or to infinity.
 */
export function ulpsFrom(got: number, hi: number, lo: number, dt: string): number {
  const [mant, emin, max] = FORMAT[dt];
  if (Math.abs(hi) > max) return got === Math.sign(hi) * Infinity || got === Math.sign(hi) * max ? 0 : Infinity;
  if (!Number.isFinite(got)) return Infinity;
  if (got === hi && lo === 0) return 0;
  const e = hi === 0 ? emin : Math.max(exponent(hi), emin);
  return Math.abs((got - hi) - lo) / 2 ** (e - mant);
}
