/**
 * MemMap: an n-d array over a mapped file with numpy.memmap's semantics. A MemMap is a layout plus
 * the shared Mapping; views share the Mapping and write through to the same memory.
 */
import { constants as bufferConstants } from 'node:buffer';
import fs from 'node:fs';
import { type DType, type DTypeName, type Scalar, typedArrayClass } from './dtype.js';
import { castAny as castScalar, readAny as readScalar, writeAny as writeScalar, type Prepared } from './record-values.js';
import { type DTypeSpec, type ExtDTypeSpec, type NameOf, type ScalarOf, type TypedArrays } from './dtype-types.js';
import { fail, show } from './errors.js';
import { elementPositions, toNested } from './access.js';
import { requireNative } from './dtype-guard.js';
import { type Layout, type Order, type ShapeLike, byteExtent, contiguousStrides, isContiguous, makeLayout, shapeEntries, sizeOf } from './layout.js';
import { type Mapping, type Mode, type ModeName } from './mapping.js';
import { type Checked, type OpenOptions, checkOpenOptions, openChecked } from './open.js';
import { type IndexSpec, indexLayout, reshapeLayout, transposeLayout } from './view.js';
import { JOURNAL_DATA, type Replayer, recoverJournal } from './journal.js';

/** The largest ArrayBuffer this Node makes: 4 GiB on Node 20, 2^53 - 1 bytes from Node 22 on. */
const MAX_BUFFER_BYTES = bufferConstants.MAX_LENGTH;

/** Options of `memmap()`, numpy's names and defaults. */
export interface MemmapOptions extends OpenOptions {
  /** numpy dtype name or code (`'float64'`, `'<f8'`, `'>i4'`, `'B'`) or a `DType`; default `'uint8'`; a record, datetime or complex dtype (`ExtDTypeSpec`). */
  dtype?: DTypeSpec | ExtDTypeSpec;
  /** `'r'`, `'r+'` (default), `'w+'`, `'c'` or their long aliases. */
  mode?: ModeName;
  /** Byte position of the first element in the file; default 0; need not be aligned. */
  offset?: number;
  /** Array shape (an integer, an array or an integer typed array; at most 64 dims); default: 1-D from the file size. Required for `'w+'`. */
  shape?: ShapeLike;
  /** `'C'` (default) or `'F'`. */
  order?: Order;
}

/** Any typed array ndmmap hands out. */
export type TypedArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

/** A nested JS array as `toArray()` returns it. */
export type NestedArray = Scalar | NestedArray[];

/**
 * Map a file as an n-d array, like `numpy.memmap(filename, dtype, mode, offset, shape, order)`.
 * The element type is a type parameter: the `dtype` option's literal (`'float32'`, `'<f8'`) or an
 * explicit `memmap<'float32'>(…)` makes `typedArray()` a `Float32Array` and `sum()` a `number`.
 * @param filename path of the file; `'w+'` creates or overwrites it
 * @param options dtype (default `'uint8'`), mode (default `'r+'`), offset (bytes, default 0), shape, order
 * @throws `ENOENT`/`EACCES`… from the OS, `ERR_NDMMAP_MODE`, `ERR_NDMMAP_DTYPE`, `ERR_NDMMAP_SHAPE`,
 *   `ERR_NDMMAP_SIZE`, `ERR_OUT_OF_RANGE` — always before the file is created or changed.
 * @example
 * const a = memmap('data.f8', { dtype: 'float64', mode: 'w+', shape: [1000, 3] });
 * a.set([0, 1], 2.5);
 * a.flush();
 */
export function memmap<D extends DTypeName = never, const S extends DTypeSpec | ExtDTypeSpec = [D] extends [never] ? 'uint8' : DTypeSpec>(
  filename: string, options?: MemmapOptions & { dtype?: S }): MemMap<[D] extends [never] ? NameOf<S> : D>;
export function memmap(filename: string, options: MemmapOptions = {}): MemMap {
  const c = checkOpenOptions(filename, options);
  // an in-place sort that committed and was cut short during its copy back is completed first (journal.ts)
  if (!replaying.has(c.filename)) recoverJournal(c.filename, c.mode === 'w+', REPLAYER);
  return wrapMapping(c, openChecked(c));
}

/** @internal Replays the committed journal of `file` now (sortInPlace after a failed copy back). */
export function replayJournal(file: string): void {
  recoverJournal(file, false, REPLAYER);
}

/** Files whose journal this thread is replaying (their own memmap() calls must not replay it again). */
const replaying = new Set<string>();

/** Writes a journal's values into the view of the file it was taken from, then syncs the file. */
const REPLAYER: Replayer = {
  copy(journal, dt, file, layout) {
    replaying.add(file);
    try {
      if (isContiguous(layout, 'C')) copyBytes(journal, JOURNAL_DATA, file, byteExtent(layout)[0], sizeOf(layout.shape) * dt.itemsize);
      else {
        const src = memmap(journal, { dtype: dt, shape: [...layout.shape], offset: JOURNAL_DATA, mode: 'r' });
        const whole = memmap(file, { dtype: 'uint8', mode: 'r+' });
        try {
          const dst = new MemMap(whole.mapping, layout, 0);
          dst.assign(src);
          dst.flush();
        } finally {
          src.close();
          whole.close();
        }
      }
    } finally {
      replaying.delete(file);
    }
  },
};

/** `bytes` bytes from `from` at `at` into `to` at `pos`, in 16 MiB pieces, then fsync. */
function copyBytes(from: string, at: number, to: string, pos: number, bytes: number): void {
  const r = fs.openSync(from, 'r');
  try {
    const w = fs.openSync(to, 'r+');
    try {
      const b = Buffer.allocUnsafe(Math.min(bytes, 16 * 2 ** 20));
      for (let done = 0; done < bytes;) {
        const n = fs.readSync(r, b, 0, Math.min(b.length, bytes - done), at + done);
        if (n <= 0) fail('ERR_NDMMAP_TRUNCATED', `${from} ends before its ${bytes} bytes`);
        for (let k = 0; k < n;) k += fs.writeSync(w, b, k, n - k, pos + done + k);
        done += n;
      }
      fs.fsyncSync(w);
    } finally {
      fs.closeSync(w);
    }
  } finally {
    fs.closeSync(r);
  }
}

/** @internal The MemMap over a fresh mapping of a checked open (a contiguous array at `c.offset`). */
export function wrapMapping(c: Checked, { mapping, shape }: { mapping: Mapping; shape: number[] }): MemMap {
  const layout = makeLayout(c.dtype, shape, contiguousStrides(shape, c.order), c.offset);
  return new MemMap(mapping, layout, c.offset);
}

/** An n-d array over a memory-mapped file. Create with `memmap()` or `openNpy()`. */
export class MemMap<D extends DTypeName = DTypeName> {
  /** @internal use memmap() */
  constructor(
    /** The shared file mapping (one per memmap() call, shared by every view). */
    readonly mapping: Mapping,
    /** Where the elements are: plain data, what workers receive. */
    readonly layout: Layout,
    /** numpy's `offset`: the byte offset the file was opened at. */
    readonly offset: number,
  ) {}

  get shape(): number[] { return [...this.layout.shape]; }
  get dtype(): DType<D> { return this.layout.dtype as DType<D>; }
  get ndim(): number { return this.layout.shape.length; }
  get size(): number { return sizeOf(this.layout.shape); }
  get itemsize(): number { return this.layout.dtype.itemsize; }
  get nbytes(): number { return this.size * this.itemsize; }
  /** Byte strides, as numpy's `ndarray.strides` (the layout keeps element strides). */
  get strides(): number[] { return this.layout.strides.map((s) => s * this.itemsize); }
  get mode(): Mode { return this.mapping.mode; }
  get filename(): string { return this.mapping.filename; }
  /** `'C'` or `'F'` when the view is contiguous in that order (C wins for 1-D), else `'K'`. */
  get order(): Order | 'K' {
    return isContiguous(this.layout, 'C') ? 'C' : isContiguous(this.layout, 'F') ? 'F' : 'K';
  }
  get closed(): boolean { return this.mapping.closed; }

  /**
   * Read one element; every axis needs an integer index (negative counts from the end).
   * @throws `ERR_NDMMAP_INDEX` when out of bounds, `ERR_NDMMAP_CLOSED` after close().
   * @example a.get(0, -1)
   */
  get(...index: number[]): ScalarOf<D> {
    const pos = this.position(index);
    const [view, base] = this.mapping.dataViewAt(pos);
    return readScalar(view, pos - base, this.dtype) as ScalarOf<D>;
  }

  /**
   * Write one element with numpy's casting for `a[i] = value`.
   * @param index one integer per axis (a plain number for 1-D)
   * @throws `ERR_NDMMAP_READONLY` in mode 'r', `ERR_OUT_OF_RANGE` for an integer out of the dtype's bounds.
   */
  set(index: number | readonly number[], value: Scalar | object): void {
    this.checkWritable();
    const pos = this.position(typeof index === 'number' ? [index] : index);
    const v = castScalar(value, this.dtype);
    const [view, base] = this.mapping.dataViewAt(pos);
    writeScalar(view, pos - base, this.dtype, v);
  }

  /**
   * A view by numpy's basic indexing: integers drop an axis, slices as `'1:10:2'`, `'::-1'`,
   * `{ start, stop, step }`, `null` or `':'` for a whole axis, `'...'`. Never copies.
   * @example a.slice('::-1', 0) // numpy a[::-1, 0]
   */
  slice(...index: IndexSpec[]): MemMap<D> {
    this.mapping.check();
    return new MemMap<D>(this.mapping, indexLayout(this.layout, index), this.offset);
  }

  /** Axes permuted (reversed by default), like `ndarray.transpose`. */
  transpose(...axes: number[]): MemMap<D> {
    this.mapping.check();
    return new MemMap<D>(this.mapping, transposeLayout(this.layout, axes.length ? axes : undefined), this.offset);
  }

  /** The transposed view, like `ndarray.T`. */
  get T(): MemMap<D> { return this.transpose(); }

  /**
   * A new shape for a contiguous view (one dim may be -1); never copies.
   * @param shape an integer, an array or an integer typed array, at most 64 dims
   * @throws `ERR_NDMMAP_RESHAPE`, `ERR_OUT_OF_RANGE` (more than 64 dims), `ERR_INVALID_ARG_TYPE`.
   * @example a.reshape([-1, 4])
   */
  reshape(shape: ShapeLike, order: Order = 'C'): MemMap<D> {
    this.mapping.check();
    const entries = shapeEntries(shape);
    if (entries === undefined)
      fail('ERR_INVALID_ARG_TYPE', `shape must be an integer or a sequence of integers, got ${show(shape)}`);
    if (order !== 'C' && order !== 'F') fail('ERR_NDMMAP_ORDER', `order must be one of 'C', 'F', got ${show(order)}`);
    const dims = entries.map((d) => (typeof d === 'bigint' ? Number(d) : d)) as number[];
    return new MemMap<D>(this.mapping, reshapeLayout(this.layout, dims, order), this.offset);
  }

  /**
   * numpy's `a[...] = value`, synchronous: a scalar or a nested array of the same shape; a MemMap, a
   * typed array (C order: of the array's size, or broadcast as 1-D) or `{ data, shape }` is copied
   * natively (src/convert-methods.ts: broadcasting, numpy's unsafe cast, overlaps buffered). For a
   * parallel copy that does not block the event loop: `await src.copy({ out: a })`.
   */
  assign(value: Scalar | NestedArray | TypedArray | MemMap | { data: TypedArray; shape?: readonly number[] }): void {
    this.checkWritable();
    const positions = elementPositions(this.layout);
    const n = positions.length;
    let read: (i: number) => unknown;
    if (value instanceof MemMap) {
      if (value.shape.join() !== this.shape.join()) fail('ERR_NDMMAP_SHAPE', `could not broadcast input array from shape ${show(value.shape)} into shape ${show(this.shape)}`);
      const src = elementPositions(value.layout);
      read = (i) => { const [v, b] = value.mapping.dataViewAt(src[i]); return readScalar(v, src[i] - b, value.dtype); };
    } else if (ArrayBuffer.isView(value)) {
      if ((value as TypedArray).length !== n) fail('ERR_NDMMAP_SHAPE', `typed array of length ${(value as TypedArray).length} does not match size ${n}`);
      read = (i) => (value as TypedArray)[i];
    } else if (Array.isArray(value)) {
      const flat = flattenChecked(value, this.layout.shape);
      read = (i) => flat[i];
    } else {
      const v = castScalar(value, this.dtype);
      for (const p of positions) { const [view, b] = this.mapping.dataViewAt(p); writeScalar(view, p - b, this.dtype, v); }
      return;
    }
    const vals: Prepared[] = Array.from({ length: n }, (_, i) => castScalar(read(i), this.dtype));
    positions.forEach((p, i) => { const [view, b] = this.mapping.dataViewAt(p); writeScalar(view, p - b, this.dtype, vals[i]); });
  }

  /** A copy of the view as nested JS arrays (a scalar for 0-d). */
  toArray(): NestedArray {
    const positions = elementPositions(this.layout);
    const values = positions.map((p) => { const [v, b] = this.mapping.dataViewAt(p); return readScalar(v, p - b, this.dtype) as Scalar; });
    return toNested(values, this.layout.shape) as NestedArray;
  }

  /**
   * Zero-copy typed array over a contiguous view in native byte order, elements [start, stop) in
   * memory order. Node 20 caps one buffer at 4 GiB (pass a range for larger views); Node 22 and later do not. close()
   * does not empty it (native code such as zlib may still be reading it): it keeps its length, and
   * from then on reads zeros and its writes reach nothing. In mode 'r' it is a private copy-on-write
   * window: writes through it stay in that array and never reach the file.
   * @throws `ERR_NDMMAP_LAYOUT` (not contiguous, big-endian or float16), `ERR_OUT_OF_RANGE` (range).
   */
  typedArray(start = 0, stop = this.size): TypedArrays[D] {
    const Ctor = typedArrayClass(this.dtype);
    if (Ctor !== undefined && this.dtype.byteorder === '>')
      fail('ERR_NDMMAP_LAYOUT', `no typed array for big-endian ${this.dtype.str} data (typed arrays are little-endian here): ` +
        `apply it into a native-order out, e.g. await a.apply('x', { out: memmap('native.bin', { dtype: '${this.dtype.name}', mode: 'w+', shape: a.shape }) }), ` +
        'then take that typedArray(); or read elements with get()/toArray()');
    if (Ctor === undefined) {
      const hint = this.dtype.fields !== undefined ? `, or a field's: a.field('${this.dtype.names![0]}')` : this.dtype.code < 0 ? ", or a view's: a.view('int64') for datetimes, a.view('float64') for complex128" : '';
      fail('ERR_NDMMAP_LAYOUT', `no typed array for dtype ${String(this.dtype)}: use get()/toArray()${hint}`);
    }
    if (!isContiguous(this.layout, 'C') && !isContiguous(this.layout, 'F'))
      fail('ERR_NDMMAP_LAYOUT', 'typedArray() needs a contiguous view');
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > this.size || start > stop)
      fail('ERR_OUT_OF_RANGE', `range must satisfy 0 <= start <= stop <= ${this.size}, got ${start}, ${stop}`);
    if ((stop - start) * this.itemsize > MAX_BUFFER_BYTES)
      fail('ERR_OUT_OF_RANGE', `a typed array is at most 4 GiB on Node ${process.versions.node} (Node 22 and later lift the cap); ask for a range of at most ${Math.floor(MAX_BUFFER_BYTES / this.itemsize)} elements`);
    const [lo] = byteExtent(this.layout);
    const buf = this.mapping.window(lo + start * this.itemsize, (stop - start) * this.itemsize);
    return new Ctor(buf) as TypedArrays[D];
  }

  /** Write changes to disk (msync); when it returns the data is in the file. No-op for 'r' and 'c'. */
  flush(): void {
    this.mapping.sync();
  }

  /**
   * Unmap the file. Every view of this memmap is closed with it; later use throws `ERR_NDMMAP_CLOSED`.
   * Typed arrays handed out keep their length over anonymous memory (zeros) until they are collected.
   * Reductions already running finish first.
   */
  close(): void {
    this.mapping.close();
  }

  /** `using a = memmap(…)` closes it at the end of the block (Node >= 20.19 has Symbol.dispose). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal byte position of one element */
  position(index: readonly number[]): number {
    const l = this.layout;
    if (index.length !== l.shape.length)
      fail('ERR_NDMMAP_INDEX', `expected ${l.shape.length} indices for a ${l.shape.length}-d array, got ${index.length}`);
    let pos = l.byteOffset;
    for (let k = 0; k < index.length; k++) {
      let i = index[k];
      const n = l.shape[k];
      if (!Number.isInteger(i)) fail('ERR_NDMMAP_INDEX', `index must be an integer, got ${show(i)}`);
      if (i < -n || i >= n) fail('ERR_NDMMAP_INDEX', `index ${i} is out of bounds for axis ${k} with size ${n}`);
      if (i < 0) i += n;
      pos += i * l.strides[k] * l.dtype.itemsize;
    }
    return pos;
  }

  /** @internal before a parallel call: the file still holds every byte this view touches. */
  checkFile(): void {
    const [lo, hi] = byteExtent(this.layout);
    if (hi > lo) this.mapping.checkExtent(hi);
  }

  /**
   * @internal before a write through the mapping: reserve the file's blocks under this view (modes
   * r+/w+), so a full disk is a clean `ENOSPC` before any element is written.
   */
  reserveWrite(): void {
    const [lo, hi] = byteExtent(this.layout);
    if (hi > lo) this.mapping.reserve(lo, hi - lo);
  }

  /** @internal */
  checkWritable(): void {
    this.mapping.check();
    if (this.mode === 'r') fail('ERR_NDMMAP_READONLY', 'assignment destination is read-only', { path: this.filename });
  }
}

/** @internal `v`, checked to be a MemMap (`what` names the argument in the message). */
export function checkMemMap(v: unknown, what: string): MemMap {
  if (!(v instanceof MemMap)) fail('ERR_INVALID_ARG_TYPE', `${what} must be a MemMap, got ${show(v)}`);
  requireNative(v.dtype, what);
  return v;
}

function flattenChecked(value: NestedArray[], shape: readonly number[]): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown, k: number): void => {
    if (k === shape.length) {
      if (Array.isArray(v)) fail('ERR_NDMMAP_SHAPE', `nested array is deeper than shape ${show([...shape])}`);
      out.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[k])
      fail('ERR_NDMMAP_SHAPE', `could not broadcast input array into shape ${show([...shape])}`);
    for (const x of v) walk(x, k + 1);
  };
  walk(value, 0);
  return out;
}


