/**
 * numpy's `unique(ar, axis=k)`: the distinct slices along an axis (rows of a 2-D array for axis 0),
 * as numpy computes them — the axis moved first, every slice one record of m fields compared field by
 * field (numpy views them as a structured dtype): sorted lexicographically with NaN after every number,
 * equal when every field is `==` (so -0.0 equals 0.0, and a slice holding a NaN equals no other slice:
 * numpy ignores `equal_nan` along an axis), stable, so of equal slices the first occurrence is kept.
 * The slices are read into memory (a C-order copy, made natively) and sorted there; the inverse is 1-D
 * (numpy 2's shape along an axis).
 */
import { type DType, dtype as parseDtype } from '../../dtype.js';
import { fail } from '../../errors.js';
import { checkAxis } from '../../layout.js';
import { MemMap } from '../../memmap.js';
import { copy, type OutTarget, checkTarget, intoTarget } from '../convert.js';
import { type NDResult, allocate } from '../reduce.js';
import { type OrderRunOptions } from './pass.js';

/** What unique() returns with flags (unique.ts's UniqueResult). */
interface Result {
  values: NDResult;
  indices?: NDResult<'int64'>;
  inverseIndices?: NDResult<'int64'> | MemMap;
  counts?: NDResult<'int64'>;
}

type Held = ArrayLike<number> | ArrayLike<bigint>;

/** Is `d` compared as numbers here (bool, integers, floats)? Records, complex and datetimes are not. */
function numeric(d: DType): boolean {
  return ['b', 'i', 'u', 'f'].includes(d.kind) && d.fields === undefined;
}

/** numpy's field compare: NaN after every number, two NaNs tied (npy's `a < b || (b != b && a == a)`). */
function compareRows(d: Held, m: number, r: number, s: number): number {
  const x0 = r * m, y0 = s * m;
  for (let i = 0; i < m; i++) {
    const x = d[x0 + i], y = d[y0 + i];
    if (x < y) return -1;
    if (x > y) return 1;
    if (x !== y) {
      const xn = x !== x, yn = y !== y; // NaN: only floats can be
      if (xn && !yn) return 1;
      if (yn && !xn) return -1;
    }
  }
  return 0;
}

/** numpy's field-wise `==` of two slices: NaN equals nothing, -0.0 equals 0.0. */
function sameRow(d: Held, m: number, r: number, s: number): boolean {
  const x0 = r * m, y0 = s * m;
  for (let i = 0; i < m; i++) if (!(d[x0 + i] == d[y0 + i])) return false; // eslint-disable-line eqeqeq
  return true;
}

/**
 * The distinct slices of `a` along `axis`, with numpy's flags.
 * @throws `ERR_NDMMAP_AXIS` (numpy's AxisError text), `ERR_NDMMAP_DTYPE` (records, complex, datetimes)
 */
export async function uniqueAlongAxis(a: MemMap, axisIn: unknown, flags: { ri: boolean; rv: boolean; rc: boolean },
  out: OutTarget | undefined, opts: OrderRunOptions): Promise<NDResult | Result> {
  const axis = checkAxis(axisIn, a.ndim);
  if (!numeric(a.dtype))
    fail('ERR_NDMMAP_DTYPE', `unique() along an axis is implemented for bool, integer and float dtypes, not ${a.dtype.str}`);
  const n = a.shape[axis];
  const rest = a.shape.filter((_, k) => k !== axis);
  const m = rest.reduce((p, x) => p * x, 1);
  const target = checkTarget(out, [n], 'unique');
  // the axis first, the rest in their order (np.moveaxis), copied to C order natively
  const moved = a.transpose(axis, ...rest.map((_, k) => (k < axis ? k : k + 1)));
  const { threads, signal, onProgress } = opts;
  const progress = onProgress === undefined ? undefined : (p: { doneBytes: number; totalBytes: number }) => onProgress({ pass: 'copy', ...p });
  const held = m * n === 0 ? { data: allocate(a.dtype.name, 0) } : (await copy(moved, { threads, signal, onProgress: progress }) as NDResult);
  const d = held.data as Held;
  const order = Array.from({ length: n }, (_, i) => i);
  if (m > 0) order.sort((r, s) => compareRows(d, m, r, s)); // stable: ties keep the first occurrence first
  // groups of equal slices in sorted order; with m = 0 every slice is equal (numpy: one empty slice)
  const inverse = new BigInt64Array(n), first: number[] = [], counts: number[] = [];
  for (let k = 0; k < n; k++) {
    const r = order[k];
    if (k === 0 || !sameRow(d, m, order[k - 1], r)) { first.push(r); counts.push(0); }
    counts[counts.length - 1]++;
    inverse[r] = BigInt(first.length - 1);
  }
  const u = first.length;
  const values = moveBack(d, first, m, rest, axis, a.dtype.name);
  const vr = { shape: [...rest.slice(0, axis), u, ...rest.slice(axis)], dtype: a.dtype.name, data: values } as NDResult;
  if (!flags.ri && !flags.rv && !flags.rc) return vr;
  const i64 = (xs: number[]): NDResult<'int64'> => ({ shape: [u], dtype: 'int64', data: BigInt64Array.from(xs, BigInt) });
  const r: Result = { values: vr };
  if (flags.ri) r.indices = i64(first);
  if (flags.rv) {
    r.inverseIndices = out === undefined ? { shape: [n], dtype: 'int64', data: inverse }
      : await intoTarget(target, parseDtype('int64'), [n], 'C', async (t) => { (t.typedArray() as BigInt64Array).set(inverse); t.flush(); }) as MemMap;
  }
  if (flags.rc) r.counts = i64(counts);
  return r;
}

/** The kept slices (rows of `d`, m values each) as a C-order array with the new axis back at `axis`. */
function moveBack(d: Held, rows: number[], m: number, rest: number[], axis: number, dt: MemMap['dtype']['name']): NDResult['data'] {
  const u = rows.length;
  const outData = allocate(dt, u * m) as unknown as { [i: number]: number | bigint };
  // out index of (g, j) with j the flat index over `rest`: rest split at axis into outer (before) and inner
  const inner = rest.slice(axis).reduce((p, x) => p * x, 1);
  for (let g = 0; g < u; g++) {
    const src = rows[g] * m;
    for (let j = 0; j < m; j++) {
      const o = Math.floor(j / inner), i = j % inner;
      outData[(o * u + g) * inner + i] = d[src + j];
    }
  }
  return outData as unknown as NDResult['data'];
}
