/**
 * numpy's pairwise sum (`pairwise_sum` of `_core/src/umath/loops_utils.h.src`), for `x.sum()` and
 * `np.mean`/`np.std` of small in-memory arrays: blocks of 128 with 8 accumulators, halves above.
 * `round` rounds each addition to the accumulator's type (float32 for float32 and float16 data).
 */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length, round: (x: number) => number = (x) => x): number {
  if (n < 8) {
    let res = -0.0;
    for (let i = 0; i < n; i++) res = round(res + a[start + i]);
    return res;
  }
  if (n <= 128) {
    const r = [a[start], a[start + 1], a[start + 2], a[start + 3], a[start + 4], a[start + 5], a[start + 6], a[start + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] = round(r[k] + a[start + i + k]);
    let res = round(round(round(r[0] + r[1]) + round(r[2] + r[3])) + round(round(r[4] + r[5]) + round(r[6] + r[7])));
    for (; i < n; i++) res = round(res + a[start + i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return round(pairwiseSum(a, start, n2, round) + pairwiseSum(a, start + n2, n - n2, round));
}

/** Elements numpy's buffered reductions hand the loop at a time (a cast on the way: integers summed as float64). */
export const NUMPY_BUFSIZE = 8192;

/**
 * numpy's `add.reduce` of a contiguous 1-D array: the identity 0.0 plus the pairwise sum, in
 * buffer-sized chunks added one after the other when the values are cast on the way (`buffered`).
 */
export function numpySum(a: ArrayLike<number>, round: (x: number) => number = (x) => x, buffered = false): number {
  if (!buffered) return round(0 + pairwiseSum(a, 0, a.length, round));
  let s = 0;
  for (let i = 0; i < a.length; i += NUMPY_BUFSIZE) s = round(s + pairwiseSum(a, i, Math.min(NUMPY_BUFSIZE, a.length - i), round));
  return s;
}
