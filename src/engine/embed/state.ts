/**
 * Top-k states (native/embed/embed.h): slots of uint64 words [count, k x (key, index, value bits)], keys
 * ordered best first with ties by the lower index. Decoding them into values and int64 indices.
 */
import { type DTypeName, halfToNumber } from '../../dtype.js';
import { native } from '../../native.js';
import { CAND_WORDS, slotWords } from './rows.js';

/** Merge `groups` slots per output (group-major) into one slot per output. */
export function mergeStates(states: BigUint64Array, groups: number, outCount: number, k: number): BigUint64Array {
  const W = slotWords(k);
  if (groups === 1) return states.slice(0, outCount * W);
  const merged = new BigUint64Array(outCount * W);
  native.mergeTopk(states.subarray(0, groups * outCount * W), groups, k, merged);
  return merged;
}

const view = new DataView(new ArrayBuffer(8));

/** The value whose raw bits (zero-extended) are `bits`, as a result array of `dtype` holds it. */
export function valueOf(bits: bigint, dtype: DTypeName): number | bigint {
  switch (dtype) {
    case 'float64': view.setBigUint64(0, bits, true); return view.getFloat64(0, true);
    case 'float32': view.setUint32(0, Number(bits), true); return view.getFloat32(0, true);
    case 'float16': return halfToNumber(Number(bits));
    case 'int64': return BigInt.asIntN(64, bits);
    case 'uint64': return bits;
    case 'int8': return (Number(bits) << 24) >> 24;
    case 'int16': return (Number(bits) << 16) >> 16;
    case 'int32': return Number(bits) | 0;
    default: return Number(bits);
  }
}

/** Count, indices and value bits of slot `o`. */
export function slot(states: BigUint64Array, k: number, o: number): { n: number; idx: (j: number) => bigint; bits: (j: number) => bigint } {
  const base = o * slotWords(k);
  return {
    n: Number(states[base]),
    idx: (j) => BigInt.asIntN(64, states[base + 2 + CAND_WORDS * j]),
    bits: (j) => states[base + 3 + CAND_WORDS * j],
  };
}
