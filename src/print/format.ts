/**
 * Printing results: human text as numpy prints it, or JSON (`{"result": R}`) with what JSON cannot
 * hold spelt as strings.
 */
import { type DTypeName, type Scalar } from '../dtype.js';
import { type NDResult } from '../engine/reduce.js';
import { type FloatName, floatScalar, shortestNumber } from './floats.js';
import { arrayRepr } from './repr.js';

/** A JSON value for a result: numbers, the strings 'nan' 'inf' '-inf', big ints as strings, nested arrays. */
export type JsonResult = number | string | boolean | JsonResult[];

/** A value the CLI prints: a scalar with its numpy result dtype, or an axis result. */
export type Printable = { scalar: Scalar; dtype: DTypeName } | NDResult;

const isFloat = (d: DTypeName): d is FloatName => d.startsWith('float');

/**
 * One element as JSON: NaN/±inf as strings; integers outside 2^53 as decimal strings; float32/float16
 * with their own shortest digits (`0.1`, not `0.10000000149011612`).
 */
export function jsonScalar(v: Scalar, dt: DTypeName): JsonResult {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (dt === 'bool') return v !== 0;
  return isFloat(dt) ? shortestNumber(v, dt) : v;
}

/** An axis result as nested JSON arrays (C order). */
export function jsonArray(r: NDResult): JsonResult {
  const { shape, data, dtype } = r;
  const walk = (k: number, base: number, stride: number): JsonResult => {
    if (k === shape.length) return jsonScalar(data[base], dtype);
    const inner = stride / Math.max(shape[k], 1);
    return Array.from({ length: shape[k] }, (_, i) => walk(k + 1, base + i * inner, inner));
  };
  return walk(0, 0, shape.reduce((a, b) => a * b, 1));
}

/** A scalar as `print(np.float64(x))` / `print(np.int64(n))` / `print(np.True_)` shows it. */
export function textScalar(v: Scalar, dt: DTypeName): string {
  if (typeof v === 'boolean' || dt === 'bool') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  return isFloat(dt) ? floatScalar(v, dt) : String(v);
}

function asScalar(p: Printable): { scalar: Scalar; dtype: DTypeName } | undefined {
  if ('scalar' in p) return p;
  // numpy returns a scalar, not a 0-d array, when an axis reduction leaves no axes (1-D, axis 0).
  if (p.shape.length === 0) return { scalar: p.data[0], dtype: p.dtype };
  return undefined;
}

/** The text a command prints for a result (without the trailing newline). */
export function formatText(p: Printable): string {
  const s = asScalar(p);
  if (s !== undefined) return textScalar(s.scalar, s.dtype);
  const r = p as NDResult;
  return arrayRepr(r.shape, r.dtype, r.data);
}

/** The JSON line a command prints for a result with --json. */
export function formatJson(p: Printable): string {
  const s = asScalar(p);
  const result = s !== undefined ? jsonScalar(s.scalar, s.dtype) : jsonArray(p as NDResult);
  return JSON.stringify({ result });
}
