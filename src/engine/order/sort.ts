/**
 * numpy's ordering calls on a MemMap: `sort` (into a new array, a file or `out`), `a.sort()` in place,
 * `argsort`, `partition` and `argpartition`, along any axis or the flattened array (axis null), every
 * dtype and byte order, any view. One stable order serves every `kind`: NaN last (whatever its sign
 * or payload, in input order), -0.0 and 0.0 tied in input order, ties in input order — numpy's
 * kind='stable' result, which is also a valid result of numpy's other kinds. partition/argpartition
 * select rather than sort (rows that fit one block: native nth_element on (key, position) at each kth,
 * so the element at kth is the stable sort's); longer rows are sorted, which meets the same guarantee.
 */
import { type DType, dtype as parseDtype } from '../../dtype.js';
import { NdmmapError, fail, show } from '../../errors.js';
import { checkAxis, isContiguous } from '../../layout.js';
import fs from 'node:fs';
import { MemMap, checkMemMap, memmap, replayJournal } from '../../memmap.js';
import { JOURNAL_DATA, claimJournal, commitJournal, dropJournal, markJournal } from '../../journal.js';
import { type OutTarget, checkTarget, copyInto, intoTarget, npDtype, scratch } from '../convert.js';
import { type NDResult } from '../reduce.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { countsOf, isDatetime, natLastKeys } from './datetime.js';
import { type OrderMode, sortRows } from './rows.js';

/** Options of `sort`, `argsort`, `partition`, `argpartition`. */
export interface SortOptions extends RunOptions {
  /** The axis (default -1, the last); null sorts the flattened array (C order) into a 1-D result. */
  axis?: number | null;
  /** numpy's kind ('quicksort', 'mergesort', 'heapsort', 'stable', or a prefix; partition: 'introselect'): checked, one stable order for all. */
  kind?: string | null;
  /** A MemMap of the result's shape and dtype, or a path (a new `.npy`); default: an NDResult in memory. */
  out?: OutTarget;
}

/** Options of the in-place `a.sort()` (numpy's ndarray.sort: an integer axis). */
export type SortInPlaceOptions = Omit<SortOptions, 'out' | 'axis'> & { axis?: number };

const KNOWN = ['axis', 'kind', 'out', 'threads', 'signal', 'onProgress'];

function checkOptions(o: SortOptions, what: string, select: boolean): void {
  for (const key of Object.keys(o)) if (!KNOWN.includes(key)) fail('ERR_INVALID_ARG_VALUE', `unknown ${what} option ${show(key)} (options: ${KNOWN.join(', ')})`);
  const k = o.kind;
  if (k === undefined || k === null) return;
  if (typeof k !== 'string') fail('ERR_INVALID_ARG_TYPE', `kind must be a string, got ${show(k)}`);
  if (select) {
    if (k !== 'introselect') fail('ERR_INVALID_ARG_VALUE', `select kind must be 'introselect' (got ${show(k)})`);
  } else if (!'qmhs'.includes(k.charAt(0).toLowerCase()) || k === '') {
    fail('ERR_INVALID_ARG_VALUE', `sort kind must be one of 'quick', 'heap', or 'stable' (got ${show(k)})`);
  }
}

/** The array to sort and its axis: axis null as a 1-D C-order view (or a scratch copy of a non-contiguous one). */
async function rowsOf(a: MemMap, axis: number | null, opts: RunOptions): Promise<{ src: MemMap; axis: number; temp?: MemMap }> {
  if (axis !== null) return { src: a, axis };
  if (isContiguous(a.layout, 'C')) return { src: a.reshape([a.size]), axis: 0 };
  const temp = scratch(parseDtype(a.dtype.name), a.shape);
  await copyInto(a, temp, 'x', { threads: opts.threads, signal: opts.signal });
  return { src: temp.reshape([a.size]), axis: 0, temp };
}

function axisOf(a: MemMap, axis: unknown): number | null {
  if (axis === null) return null;
  return checkAxis(axis ?? -1, a.ndim);
}

/** Checked kth values (numpy's texts): integers, each in -n … n-1; returned as ascending distinct positions. */
function checkKth(kth: unknown, n: number, size: number): number[] {
  const list = typeof kth === 'number' || typeof kth === 'bigint' ? [kth] : Array.isArray(kth) || ArrayBuffer.isView(kth) ? Array.from(kth as ArrayLike<unknown>) : null;
  if (list === null) fail('ERR_INVALID_ARG_TYPE', 'Partition index must be integer');
  for (const v of list) {
    const k = typeof v === 'bigint' ? Number(v) : v;
    if (typeof k !== 'number' || !Number.isInteger(k)) fail('ERR_INVALID_ARG_TYPE', 'Partition index must be integer');
    if (size > 0 && (k < -n || k >= n)) fail('ERR_OUT_OF_RANGE', `kth(=${k < 0 ? k + n : k}) out of bounds (${n})`);
  }
  if (size === 0) return [];
  const at = list.map((v) => { const k = Number(v); return k < 0 ? k + n : k; });
  return [...new Set(at)].sort((x, y) => x - y);
}

/** Everything checked, then the rows sorted into the target (datetime64/timedelta64: their counts, NaT last). */
async function ordered(a0: MemMap, options: SortOptions, mode: OrderMode, what: string, select: boolean, kth?: unknown): Promise<MemMap | NDResult> {
  const dated = a0 instanceof MemMap && isDatetime(a0.dtype) ? a0.dtype : undefined;
  const a = dated !== undefined ? countsOf(a0) : a0;
  checkMemMap(a, 'the array').mapping.check();
  const opts = checkRunOptions(options) as SortOptions;
  checkOptions(opts, what, select);
  const axis = axisOf(a, opts.axis);
  const shape = axis === null ? [a.size] : [...a.shape];
  const kths = select ? checkKth(kth, axis === null ? a.size : a.shape[axis], a.size) : [];
  const dt: DType = mode === 'argsort' ? parseDtype('int64') : a.dtype;
  // what the caller sees: a datetime sort's values carry the unit (and the out/file dtype is the datetime's)
  const shown = mode === 'sort' && dated !== undefined ? dated : dt;
  // a datetime out is checked and written as its counts
  const given = opts.out instanceof MemMap ? opts.out : undefined;
  const out = checkTarget(given !== undefined && isDatetime(given.dtype) ? countsOf(given) : opts.out, shape, what);
  if (given !== undefined && given.dtype.name !== shown.name)
    fail('ERR_NDMMAP_DTYPE', `${what}: out has ${npDtype(given.dtype)}, the result is ${npDtype(parseDtype(shown.name))}`);
  const { threads, signal, onProgress } = opts;
  const run = { threads, signal, onProgress };
  const got = await intoTarget(out, parseDtype(typeof out === 'string' ? shown.name : dt.name), shape, 'C', async (m0, expr) => {
    const m = isDatetime(m0.dtype) ? countsOf(m0) : m0;
    const { src: s0, axis: ax, temp } = await rowsOf(a, axis, run);
    const src = dated !== undefined ? natLastKeys(s0) : s0;
    try {
      if (m.dtype.name === dt.name) { await sortRows(src, m, ax, mode, run, kths); return; }
      // an NDResult of float16 holds float32 values: sort as float16, then widen
      const t = scratch(parseDtype(dt.name), shape);
      try {
        await sortRows(src, t, ax, mode, run, kths);
        await copyInto(t, m, expr, { threads });
      } finally { t.close(); }
    } finally { temp?.close(); }
  });
  if (given !== undefined) return given;
  return got instanceof MemMap || shown === dt ? got : { ...got, dtype: shown.name as never };
}

/**
 * numpy's `np.sort(a, axis, kind)`: a sorted copy, into `out` (a MemMap or a new `.npy` path) or an NDResult.
 * NaN sorts last; ties (and -0.0/0.0) keep their input order whatever `kind`.
 * @throws `ERR_NDMMAP_AXIS`, `ERR_INVALID_ARG_VALUE` (a kind numpy does not know), `ERR_NDMMAP_SHAPE`/`ERR_NDMMAP_DTYPE` (out) — before anything is written.
 * @example const s = await sort(a, { axis: 0, out: 'sorted.npy' })
 */
export function sort(a: MemMap, options: SortOptions = {}): Promise<MemMap | NDResult> {
  return ordered(a, options, 'sort', 'sort', false);
}

/**
 * numpy's `np.argsort(a, axis, kind)`: int64 positions along the axis (flat C-order for axis null) that
 * sort `a` — always numpy's kind='stable' order (so ties by the lower index), the documented default.
 * @example const idx = await argsort(a, { out: 'idx.npy' })
 */
export function argsort(a: MemMap, options: SortOptions = {}): Promise<MemMap | NDResult> {
  return ordered(a, options, 'argsort', 'argsort', false);
}

/**
 * numpy's `np.partition(a, kth, axis)`: element kth (an int or several, negative from the end) in its
 * sorted place, smaller ones before it, larger ones after (NaN last). Each row is selected at every kth
 * (the element there is the stable sort's); a row too long for one block (src/engine/order/long.ts) is
 * sorted in full, which meets the same guarantee.
 * @throws `ERR_OUT_OF_RANGE` `kth(=10) out of bounds (5)`, `ERR_INVALID_ARG_TYPE` `Partition index must be integer`.
 */
export function partition(a: MemMap, kth: number | readonly number[], options: SortOptions = {}): Promise<MemMap | NDResult> {
  return ordered(a, options, 'sort', 'partition', true, kth);
}

/** numpy's `np.argpartition(a, kth, axis)`: the int64 indices of `partition` (the stable argsort). */
export function argpartition(a: MemMap, kth: number | readonly number[], options: SortOptions = {}): Promise<MemMap | NDResult> {
  return ordered(a, options, 'argsort', 'argpartition', true, kth);
}

/**
 * numpy's `a.sort(axis, kind)`: sorts the MemMap's file in place along an (integer) axis. The sorted
 * array is written into a journal next to the file first (src/journal.ts), committed, then copied back:
 * an aborted or failed call before the commit leaves the file unchanged, and a crash after it is
 * completed by the next open of the file — never a mixture of the two.
 * @throws `ERR_NDMMAP_READONLY` for a read-only map, `ENOSPC` when the journal (the array's bytes) does
 *   not fit next to the file, `EBUSY` when another process sorts the same file in place — before
 *   anything of the file is written.
 */
export async function sortInPlace(a0: MemMap, options: SortInPlaceOptions = {}): Promise<void> {
  const dated = a0 instanceof MemMap && isDatetime(a0.dtype);
  const a = dated ? countsOf(a0) : a0;
  checkMemMap(a, 'the array').mapping.check();
  const opts = checkRunOptions(options) as SortInPlaceOptions;
  checkOptions(opts, 'sort', false);
  if (opts.axis === null) fail('ERR_INVALID_ARG_TYPE', "'NoneType' object cannot be interpreted as an integer (a.sort needs an integer axis; sort(a, { axis: null }) flattens)");
  const axis = checkAxis(opts.axis ?? -1, a.ndim);
  a.checkWritable();
  if (a.size <= 1) return; // nothing moves
  const { threads, signal, onProgress } = opts;
  const file = a.filename;
  const temp = claimJournal(file);
  let t: MemMap | undefined;
  let committed = false;
  try {
    try {
      t = memmap(temp, { dtype: parseDtype(a.dtype.str), shape: a.shape, offset: JOURNAL_DATA, mode: 'w+' });
    } catch (e) {
      if (!(e instanceof NdmmapError) || e.code !== 'ENOSPC') throw e;
      fail('ENOSPC', `${e.message}; an in-place sort writes its journal (the sorted array) next to the file before it changes a byte of it: free that space, or sort(a, { out }) into a file elsewhere`,
        { syscall: e.syscall, path: e.path, cause: e });
    }
    markJournal(temp);
    await sortRows(dated ? natLastKeys(a) : a, t, axis, 'sort', { threads, signal, onProgress });
    t.flush();
    testCrash('commit');
    commitJournal(temp, file, a.layout);
    committed = true;
    if (CRASH === 'copy') { // test-only: half of the values copied back, then the process dies
      const h = Math.ceil(a.shape[0] / 2);
      await copyInto(t.slice(`0:${h}`), a.slice(`0:${h}`), 'x', { threads });
      a.flush();
      testCrash('copy');
    }
    await copyInto(t, a, 'x', { threads });
    a.flush();
    dropJournal(file);
  } catch (e) {
    // before the commit the file is untouched: the journal goes; after it, the copy back is redone
    // from the journal here (and else by the next open of the file)
    if (!committed) fs.rmSync(temp, { force: true });
    else { try { replayJournal(file); } catch { /* the next open replays it */ } }
    throw e;
  } finally {
    t?.close();
  }
}

/** Test-only (NDMMAP_TEST_HOOKS=1, NDMMAP_TEST_JOURNAL_CRASH=commit|copy): the process dies there. */
const CRASH = process.env.NDMMAP_TEST_HOOKS === '1' ? process.env.NDMMAP_TEST_JOURNAL_CRASH : undefined;
function testCrash(at: string): void {
  if (CRASH === at) process.kill(process.pid, 'SIGKILL');
}
