/**
 * numpy's `q` argument: a number, or an array of any shape (nested arrays, a typed array, or an
 * `{ shape, data }` result); the results are stacked with q's shape first. Checked as numpy's
 * `_quantile_is_valid` checks it (a loop for a short 1-D q, else min and max, which fail on an empty
 * q of 2 or more dims).
 */
import { fail, show } from '../../errors.js';

export interface Quantiles {
  /** Flat, C order, in [0, 1] (percentiles divided by 100). */
  qs: number[];
  shape: number[];
  /** A plain number: numpy's weak Python float (the result keeps the data's float type). */
  weak: boolean;
}

function nested(v: unknown, shape: number[], out: unknown[], depth: number): void {
  if (Array.isArray(v)) {
    if (shape.length === depth) shape.push(v.length);
    else if (shape[depth] !== v.length) fail('ERR_INVALID_ARG_VALUE', 'q must be a rectangular array of numbers (all rows of one length)');
    for (const x of v) nested(x, shape, out, depth + 1);
    return;
  }
  if (depth !== shape.length) fail('ERR_INVALID_ARG_VALUE', 'q must be a rectangular array of numbers (all rows of one length)');
  out.push(v);
}

/** q as numbers with its shape. */
export function parseQ(q: unknown, percent: boolean): Quantiles {
  let values: unknown[];
  let shape: number[];
  if (typeof q === 'number') { values = [q]; shape = []; }
  else if (ArrayBuffer.isView(q) && !(q instanceof DataView)) { values = Array.from(q as unknown as ArrayLike<unknown>); shape = [values.length]; }
  else if (Array.isArray(q)) { values = []; shape = []; nested(q, shape, values, 0); }
  else if (q !== null && typeof q === 'object' && Array.isArray((q as { shape?: unknown }).shape) && (q as { data?: unknown }).data !== undefined) {
    const r = q as { shape: number[]; data: ArrayLike<unknown> };
    values = Array.from(r.data);
    shape = [...r.shape];
    if (values.length !== shape.reduce((t, n) => t * n, 1)) fail('ERR_INVALID_ARG_VALUE', `q's data does not fill its shape ${show(shape)}`);
  } else {
    return fail('ERR_INVALID_ARG_TYPE', `q must be a number or an array of numbers, got ${show(q)}`);
  }
  if (values.some((v) => typeof v !== 'number' && typeof v !== 'bigint'))
    fail('ERR_INVALID_ARG_TYPE', `q must be a number or an array of numbers, got ${show(q)}`);
  const qs = values.map((v) => (percent ? Number(v) / 100 : Number(v)));
  const range = percent ? 'Percentiles must be in the range [0, 100]' : 'Quantiles must be in the range [0, 1]';
  if (!(shape.length === 1 && qs.length < 10) && qs.length === 0)
    fail('ERR_INVALID_ARG_VALUE', 'zero-size array to reduction operation minimum which has no identity');
  if (!qs.every((v) => v >= 0 && v <= 1)) fail('ERR_OUT_OF_RANGE', range);
  return { qs, shape, weak: typeof q === 'number' };
}

/** numpy refuses q of more than 2 dims once the array is not empty. */
export function checkQDims(q: Quantiles): void {
  if (q.shape.length > 2) fail('ERR_INVALID_ARG_VALUE', 'q must be a scalar or 1d');
}
