/**
 * numpy's string bin estimators ('auto' 'fd' 'doane' 'scott' 'stone' 'rice' 'sturges' 'sqrt'), with
 * numpy's arithmetic operation by operation: the statistics (np.std, np.mean: pairwise sums from the
 * add identity, integers summed as float64 in 8,192-element buffers) in the data's float type, Python
 * floats weak (NEP 50), `x.size ** p` by the C library's pow. The values are read in numpy's C order;
 * percentiles (fd, auto) are exact (quantile's methods), stone's histograms numpy's own bin arithmetic.
 */
import { type DTypeName, roundHalf } from '../../dtype.js';
import { native } from '../../native.js';
import { lerp, planQ, rounder } from './methods.js';
import { numpySum } from './numpy-sum.js';

export const ESTIMATORS = ['stone', 'auto', 'doane', 'fd', 'rice', 'scott', 'sqrt', 'sturges'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

/** The (trimmed) values in C order, their dtype (bool read as uint8) and their extremes. */
export interface Values { v: ArrayLike<number>; dt: DTypeName; min: number; max: number }

/** Counts of `nbins` equal-width bins over the range (numpy's histogram of the values). */
export type HistogramOf = (nbins: number) => Promise<ArrayLike<number | bigint>>;

const isFloat = (t: DTypeName): boolean => t.startsWith('float');
const pow = (x: number, y: number): number => native.libm(0, x, y);
const log2 = (x: number): number => native.libm(1, x, 0);

/** numpy's _ptp: max - min in the data's type, unsigned for integers. */
function ptp(x: Values): number {
  return isFloat(x.dt) ? rounder(x.dt)(x.max - x.min) : x.max - x.min;
}

/** np.mean of the values: float types in their own (float16 summed as float32, cast in buffers), integers in float64. */
function mean(x: Values): number {
  const n = x.v.length;
  if (!isFloat(x.dt)) return numpySum(x.v, (y) => y, true) / n;
  if (x.dt === 'float64') return numpySum(x.v) / n;
  if (x.dt === 'float32') return Math.fround(numpySum(x.v, Math.fround) / n);
  return rounder('float16')(numpySum(x.v, Math.fround, true) / n);
}

/** A Python float meeting a numpy scalar of the data's type: cast to it (straight from the double). */
function castIn(dt: DTypeName): (y: number) => number {
  return dt === 'float32' ? Math.fround : dt === 'float16' ? roundHalf : (y) => y;
}

/** np.std: numpy's _var (mean, deviations squared in the data's float type, their pairwise sum) then sqrt. */
function std(x: Values): number {
  const n = x.v.length;
  const t: DTypeName = isFloat(x.dt) ? x.dt : 'float64';
  const r = rounder(t);
  // _var's mean: umr_sum in the type (float16: the half sum), then divided in it
  const m = !isFloat(x.dt) ? numpySum(x.v, (y) => y, true) / n
    : x.dt === 'float16' ? r(rounder('float16')(numpySum(x.v, Math.fround)) / n) : r(numpySum(x.v, t === 'float32' ? Math.fround : (y) => y) / n);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) { const e = r(x.v[i] - m); d[i] = r(e * e); }
  const s = x.dt === 'float16' ? rounder('float16')(numpySum(d, Math.fround)) : numpySum(d, t === 'float32' ? Math.fround : (y) => y);
  return r(Math.sqrt(r(s / n)));
}

/** np.percentile(x, [75, 25]) as floats (linear; array q: float64), their difference. */
function iqr(x: Values, sorted: () => Float64Array): number {
  const s = sorted();
  const at = (q: number): number => {
    const p = planQ('linear', s.length, q);
    return lerp(x.dt === 'bool' ? 'uint8' : x.dt, 'float64', s[p.lo], s[p.hi], p.gamma);
  };
  return at(0.75) - at(0.25);
}

/** The bin width numpy's estimator `name` gives for the values (0 when it cannot tell). */
export async function binWidth(name: Estimator, x: Values, hist: HistogramOf): Promise<number> {
  const n = x.v.length;
  // numpy scalars of a float type meeting a Python float: the float cast to the type, the operation rounded in it
  const D = isFloat(x.dt) ? rounder(x.dt) : (y: number) => y;
  const C = isFloat(x.dt) ? castIn(x.dt) : (y: number) => y;
  let sortedCache: Float64Array | undefined;
  const sorted = (): Float64Array => (sortedCache ??= Float64Array.from(x.v).sort());
  const sqrtW = (): number => ptp(x) / Math.sqrt(n);
  const sturges = (): number => ptp(x) / (log2(n) + 1.0);
  const fd = (): number => 2.0 * iqr(x, sorted) * pow(n, -1.0 / 3.0);
  switch (name) {
    case 'sqrt': return sqrtW();
    case 'sturges': return sturges();
    case 'rice': return D(ptp(x) / C(2.0 * pow(n, 1.0 / 3)));
    case 'scott': return D(C(pow(24.0 * pow(Math.PI, 0.5) / n, 1.0 / 3.0)) * std(x));
    case 'fd': return fd();
    case 'auto': {
      const f = fd(), st = sturges(), sq = sqrtW();
      const corrected = sq / 2 > f ? sq / 2 : f; // Python's max keeps the first of equals
      return st < corrected ? st : corrected;
    }
    case 'doane': {
      if (n <= 2) return 0.0;
      const sg1 = Math.sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)));
      const sigma = std(x);
      if (!(sigma > 0.0)) return 0.0;
      const t: DTypeName = isFloat(x.dt) ? x.dt : 'float64';
      const r = rounder(t);
      const m = mean(x);
      const cube = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const z = r(r(x.v[i] - m) / sigma);
        cube[i] = t === 'float64' ? pow(z, 3) : r(native.libm(2, z, 3)); // powf for float32 and float16
      }
      const g1 = mean({ ...x, v: cube, dt: t });
      return ptp(x) / (1.0 + log2(n) + log2(1.0 + Math.abs(g1) / sg1));
    }
    case 'stone': {
      const p = ptp(x);
      if (n <= 1 || p === 0) return 0;
      const upper = Math.max(100, Math.floor(Math.sqrt(n)));
      let best = 1, bestJ = Infinity;
      for (let nbins = 1; nbins <= upper; nbins++) {
        const hh = D(p / nbins);
        const c = await hist(nbins);
        let dot = 0;
        for (let k = 0; k < c.length; k++) { const pk = Number(c[k]) / n; dot += pk * pk; }
        const j = (2 - (n + 1) * dot) / hh;
        if (j < bestJ) { bestJ = j; best = nbins; } // min() keeps the first of equals
      }
      return D(p / best);
    }
  }
}
