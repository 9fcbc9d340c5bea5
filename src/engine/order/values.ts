/**
 * The value arguments of searchsorted and isin as numpy discovers them: a MemMap, a typed array
 * (its dtype; `{ data, shape, dtype }` too), a JS array (nested for n-d; numbers, bigints, booleans)
 * or a scalar. numpy's searchsorted and isin make an array of a Python value first, so a Python int is
 * int64 and a float float64 (not NEP 50's weak scalars): an integral number here is an int, as in the
 * expressions (`{ float: 2 }` is Python's 2.0).
 */
import { type DTypeName, dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { type PyFloat, classify } from '../operands.js';
import { type Operand, bufferOperand, mapOperand } from './pass.js';

/** What searchsorted's `v` and isin's `test` may be. */
export type ValuesArg = import('../operands.js').VarValue | readonly unknown[];

/** A value argument as an operand; `scalar` when it was one value (a 0-d result). */
export interface Values { op: Operand; scalar: boolean }

const INT64_MIN = -(2n ** 63n), UINT64_MAX = 2n ** 64n - 1n;

function flatten(v: readonly unknown[], what: string): { flat: unknown[]; shape: number[] } {
  const shape: number[] = [];
  for (let x: unknown = v; Array.isArray(x); x = x[0]) shape.push(x.length);
  const flat: unknown[] = [];
  const walk = (x: unknown, d: number): void => {
    if (d === shape.length) { flat.push(x); return; }
    if (!Array.isArray(x) || x.length !== shape[d]) fail('ERR_NDMMAP_SHAPE', `${what}: a ragged nested array (numpy: setting an array element with a sequence)`);
    for (const y of x) walk(y, d + 1);
  };
  walk(v, 0);
  return { flat, shape };
}

/** numpy's dtype of one Python value. */
function scalarDtype(x: unknown, what: string): DTypeName {
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'bigint') {
    if (x < INT64_MIN || x > UINT64_MAX) fail('ERR_OUT_OF_RANGE', `${what}: Python int too large to convert to C long`);
    return x >= 2n ** 63n ? 'uint64' : 'int64';
  }
  if (typeof x === 'number') return Number.isInteger(x) && Math.abs(x) < 2 ** 63 ? 'int64' : 'float64';
  if (x !== null && typeof x === 'object' && typeof (x as PyFloat).float === 'number') return 'float64';
  return fail('ERR_INVALID_ARG_TYPE', `${what} must be a MemMap, a typed array, an array of numbers or a number, got ${show(x)}`);
}

/** The operand of a value argument (a JS array or scalar in the dtype numpy's array() gives it). */
export function values(v: unknown, what: string): Values {
  if (Array.isArray(v) || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ||
    (v !== null && typeof v === 'object' && typeof (v as PyFloat).float === 'number' && !('data' in v))) {
    const scalar = !Array.isArray(v);
    const { flat, shape } = scalar ? { flat: [v], shape: [] } : flatten(v as unknown[], what);
    let dt: DTypeName = 'bool';
    const kinds = flat.map((x) => scalarDtype(x, what));
    if (kinds.includes('float64') || (kinds.includes('uint64') && flat.some((x) => typeof x === 'number' ? x < 0 : typeof x === 'bigint' && x < 0n))) dt = 'float64';
    else if (kinds.includes('uint64')) dt = 'uint64';
    else if (kinds.includes('int64')) dt = 'int64';
    else if (flat.length === 0) dt = 'float64'; // np.array([]) is float64
    const num = (x: unknown): number => typeof x === 'object' && x !== null ? (x as PyFloat).float : Number(x);
    let data: ArrayBufferView;
    if (dt === 'float64') data = Float64Array.from(flat, num);
    else if (dt === 'int64') data = BigInt64Array.from(flat, (x) => BigInt(x as number | bigint | boolean));
    else if (dt === 'uint64') data = BigUint64Array.from(flat, (x) => BigInt(x as number | bigint | boolean));
    else data = Uint8Array.from(flat, (x) => (x ? 1 : 0));
    return { op: bufferOperand(data, parseDtype(dt), shape), scalar };
  }
  const c = classify(what, v);
  if (typeof c !== 'object' || !('dtype' in c)) return fail('ERR_INVALID_ARG_TYPE', `${what}: unsupported value ${show(v)}`);
  if (c.memmap !== undefined) return { op: mapOperand(c.memmap), scalar: false };
  return { op: bufferOperand(c.buffer!, c.dtype, c.shape), scalar: false };
}
