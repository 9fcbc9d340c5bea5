/**
 * Merging chunk partials into results, always in chunk order so the answer does not depend on how
 * many threads ran: Neumaier across float sums, Chan et al. across moments, index-aware ties for arg*.
 */
import { type DType, type Scalar, roundHalf } from '../dtype.js';
import { type ReduceName, resultDtype } from './ops.js';

/** Partial state per output, as native/reduce.h writes it (slot-major). */
export const SLOTS = 4;

/** One merged output before casting: a JS number, a bigint (64-bit ints) or a boolean. */
export type Merged = Scalar;

/** Reads slot `slot` of group `g` (one output's partials). */
export type SlotReader = (slot: number, g: number) => number;

const bits = new DataView(new ArrayBuffer(8));
/** A slot's float64 bit pattern read as int64. */
export function i64(x: number): bigint { bits.setFloat64(0, x, true); return bits.getBigInt64(0, true); }
/** A slot's float64 bit pattern read as uint64. */
export function u64(x: number): bigint { bits.setFloat64(0, x, true); return bits.getBigUint64(0, true); }

/** Round a float64 result to the result dtype as numpy stores it. */
export function castFloat(x: number, name: string): number {
  return name === 'float32' ? Math.fround(x) : name === 'float16' ? roundHalf(x) : x;
}

/**
 * Merge groups g = 0..groups-1 of output o from the shared partial buffer `p` (total = groups *
 * outCount outputs per slot) into the value of reduction `name`. `n` is the element count behind
 * each output (mean's divisor), `ddof` var/std's delta degrees of freedom.
 */
export function mergeOne(name: ReduceName, dt: DType, p: Float64Array, groups: number, outCount: number, o: number, n: number, ddof: number): Merged {
  const total = groups * outCount;
  const at = (slot: number, g: number): number => p[slot * total + g * outCount + o];
  const rname = resultDtype(name, dt);
  switch (name) {
    case 'sum': {
      if (dt.kind !== 'f') {
        let acc = 0n;
        for (let g = 0; g < groups; g++) acc += i64(at(0, g));
        return dt.kind === 'u' ? BigInt.asUintN(64, acc) : BigInt.asIntN(64, acc);
      }
      return castFloat(neumaier(at, groups), rname);
    }
    case 'prod': {
      if (dt.kind !== 'f') {
        let acc = 1n;
        for (let g = 0; g < groups; g++) acc = BigInt.asUintN(64, acc * u64(at(0, g)));
        return dt.kind === 'u' ? acc : BigInt.asIntN(64, acc);
      }
      let acc = 1;
      for (let g = 0; g < groups; g++) acc = castFloat(acc * at(0, g), rname);
      return acc;
    }
    case 'mean': {
      return castFloat(neumaier(at, groups) / n, rname);
    }
    case 'min': case 'max':
      return mergeExtreme(name === 'max', dt, at, groups);
    case 'argmin': case 'argmax':
      return mergeArg(name === 'argmax', dt, at, groups);
    case 'var': case 'std': {
      const [k, , m2] = mergeMoments(at, groups);
      const v = (k === 0 ? NaN : m2) / Math.max(k - ddof, 0);
      return castFloat(name === 'std' ? Math.sqrt(v) : v, rname);
    }
  }
}

/** Chan et al.'s pairwise update over groups of (n, mean, M2) in slots 0..2: the merged [n, mean, M2]. */
export function mergeMoments(at: SlotReader, groups: number): [number, number, number] {
  let k = 0, mean = 0, m2 = 0;
  for (let g = 0; g < groups; g++) {
    const nb = at(0, g);
    if (nb === 0) continue;
    const mb = at(1, g), k2 = k + nb, d = mb - mean;
    m2 += at(2, g) + (d * d * k * nb) / k2;
    mean += (d * nb) / k2;
    k = k2;
  }
  return [k, mean, m2];
}

function neumaier(at: SlotReader, groups: number): number {
  const [s, c] = neumaierPair(at, groups);
  return Number.isFinite(s) ? s + c : s;
}

/** Neumaier summation of every group's (sum, compensation) in slots 0 and 1: the running [s, c]. */
export function neumaierPair(at: SlotReader, groups: number): [number, number] {
  let s = 0, c = 0;
  const add = (x: number): void => {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  };
  for (let g = 0; g < groups; g++) { add(at(0, g)); add(at(1, g)); }
  return [s, c];
}

/** A min/max/arg* slot's value: a number, or a bigint for 64-bit integers. */
export function valueOf(dt: DType, x: number): number | bigint {
  if (dt.kind === 'f') return x;
  if (dt.itemsize === 8) return dt.kind === 'u' ? u64(x) : i64(x);
  return Number(i64(x));
}

/** min/max over groups of (value, count); NaN wins; empty groups (count 0) are skipped. */
export function mergeExtreme(max: boolean, dt: DType, at: SlotReader, groups: number): Merged {
  let best: number | bigint | undefined;
  for (let g = 0; g < groups; g++) {
    if (at(1, g) === 0) continue; // empty chunk
    const v = valueOf(dt, at(0, g));
    if (typeof v === 'number' && Number.isNaN(v)) return NaN;
    if (best === undefined || (max ? v > best : v < best)) best = v;
  }
  if (dt.kind === 'b') return best !== 0;
  return best!;
}

function mergeArg(max: boolean, dt: DType, at: SlotReader, groups: number): number {
  return mergeArgState(max, dt, at, groups).index;
}

/**
 * argmin/argmax over groups of (value, index bits): the first NaN, else the extreme with the lowest
 * index. `index` is -1 (and `value` undefined) when every group is empty.
 */
export function mergeArgState(max: boolean, dt: DType, at: SlotReader, groups: number): { value: number | bigint | undefined; index: number } {
  let best: number | bigint | undefined;
  let bi = -1;
  for (let g = 0; g < groups; g++) {
    const i = Number(i64(at(1, g)));
    if (i < 0) continue;
    const v = valueOf(dt, at(0, g));
    const vn = typeof v === 'number' && Number.isNaN(v);
    const bn = typeof best === 'number' && Number.isNaN(best);
    let better: boolean;
    if (best === undefined) better = true;
    else if (bn) better = vn && i < bi;
    else if (vn) better = true;
    else if (v === best) better = i < bi;
    else better = max ? v > best : v < best;
    if (better) { best = v; bi = i; }
  }
  return { value: best, index: bi };
}
