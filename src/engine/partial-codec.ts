/**
 * Partial state slots as JSON and back, exactly: floats as JSON numbers (shortest round-trip digits)
 * with the strings `'nan'`, `'inf'`, `'-inf'`, `'-0'` for what JSON cannot hold; the bits of 64-bit
 * integers as decimal strings; indices as numbers. Reading checks every value (states may come from
 * files or a shared Redis, so they are untrusted).
 */
import { fail, show } from '../errors.js';
import { type SlotKind } from './kernels.js';

/** Format tag of a partial, so a merge can refuse anything else. */
export const PARTIAL_FORMAT = 'ndmmap-partial/2';

/** A JSON number, or a string for what JSON cannot hold: `'nan'`, `'inf'`, `'-inf'`, `'-0'`, 64-bit ints. */
export type JsonNum = number | string;

const bits = new DataView(new ArrayBuffer(8));

/** How a value type's 'v' slots are stored: integer bits (signed or not) or a float64. */
export function intKind(vt: string): 'i' | 'u' | null {
  if (vt.startsWith('float')) return null;
  return vt.startsWith('u') ? 'u' : 'i';
}

/** One slot as JSON: floats with 'nan'/'inf'/'-0' strings, integer bit patterns as decimal strings. */
export function encodeSlot(x: number, kind: SlotKind, iv: 'i' | 'u' | null): JsonNum {
  const k = kind === 'v' ? iv ?? 'f' : kind === 'x' ? 'i' : kind;
  if (k === 'f') {
    if (Number.isNaN(x)) return 'nan';
    if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
    return Object.is(x, -0) ? '-0' : x;
  }
  bits.setFloat64(0, x, true);
  const v = k === 'u' ? bits.getBigUint64(0, true) : bits.getBigInt64(0, true);
  // indices (always below 2^53) stay JSON numbers; 64-bit values are decimal strings
  return kind === 'x' ? Number(v) : v.toString();
}

/**
 * One slot back from JSON, as the float64 (or float64-held integer bits) the native combine reads.
 * @throws `ERR_NDMMAP_PARTIAL` for anything `encodeSlot` would not have written.
 */
export function decodeSlot(v: unknown, kind: SlotKind, iv: 'i' | 'u' | null): number {
  const k = kind === 'v' ? iv ?? 'f' : kind === 'x' ? 'i' : kind;
  if (k === 'f') {
    if (typeof v === 'number') return v;
    const t: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 };
    if (typeof v === 'string' && Object.hasOwn(t, v)) return t[v];
    return fail('ERR_NDMMAP_PARTIAL', `expected a number in a partial state, got ${show(v)}`);
  }
  if (!((typeof v === 'string' && /^-?\d{1,20}$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v))))
    fail('ERR_NDMMAP_PARTIAL', `expected an integer in a partial state, got ${show(v)}`);
  const b = BigInt(v as string | number);
  const lo = k === 'u' ? 0n : -(2n ** 63n), hi = k === 'u' ? 2n ** 64n - 1n : 2n ** 63n - 1n;
  if (b < lo || b > hi) fail('ERR_NDMMAP_PARTIAL', `integer ${b} out of range in a partial state`);
  if (k === 'u') bits.setBigUint64(0, b, true); else bits.setBigInt64(0, b, true);
  return bits.getFloat64(0, true);
}

/** A global index from a shard-local one (int64 bits held in a float64; -1 means none and stays). */
export function shiftIndex(x: number, shift: number): number {
  bits.setFloat64(0, x, true);
  const idx = bits.getBigInt64(0, true);
  if (idx < 0n) return x;
  bits.setBigInt64(0, idx + BigInt(shift), true);
  return bits.getFloat64(0, true);
}
