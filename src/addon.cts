/**
 * Loads the addon through node-gyp-build: a local build (build/Release, what `npm install` compiles
 * from binding.gyp in a checkout or where no prebuild fits) first, else the package's prebuild
 * (prebuilds/<platform>-<arch>/, made by `npm pack`; on a musl system that is not Alpine, the musl one:
 * see addon-path.cts). CommonJS on purpose: worker threads load it
 * through `require`, never through the ESM loader (a pool torn down while a worker was still loading
 * an ES module could abort the process). Every thread gets its own instance of the addon; the mapping
 * registry behind it is process-wide. src/native.ts checks the addon's contract against src/ at load.
 */

import pick = require('./addon-path.cjs');

/** What the addon says about itself: every table src/ must agree with (checked by src/native.ts). */
export interface Contract {
  /** sha256 (16 hex digits) of the contract spec the addon was built from. */
  hash: string;
  dtypes: string[];
  kernels: { name: string; id: number; state: number }[];
  maxDims: number;
  maxOperands: number;
  maxWindow: number;
  advice: Record<string, number>;
  mapModes: { read: number; shared: number; copy: number };
  vm: { format: number; block: number; maxStack: number; maxOperands: number; ops: Record<string, number>; isa: string };
  /** The instruction set the kernels were picked for: 'avx512', 'avx2' or 'baseline'. */
  isa: string;
  /** Embeddings kernels (native/embed/embed.h). */
  embed: { maxQueries: number; candWords: number; ops: Record<string, number>; metrics: Record<string, number> };
  /** Distribution kernels (native/stats/dist.h): mode ids and the spec layout. */
  dist: { modes: Record<string, number>; specHead: number; windowWords: number; binParams: number; axisHead: number; numpyBlock: number; methodMedian: number };
}

/** The addon's functions (native/glue/addon.cc, native/glue/glue_reduce.cc). Positions and lengths are file bytes. */
export interface Native {
  contract: Contract;
  /** The caller may close `fd` once it returns: the addon keeps a shared descriptor of the file. */
  map(fd: number, mode: number, fileStart: number, length: number, path?: string): number;
  unmap(id: number): boolean;
  /** The mapped file's size now (fstat of the addon's descriptor). */
  fileSize(id: number): number;
  /** Allocate the file's blocks under [position, position + length) (fallocate, size kept). */
  reserve(id: number, position: number, length: number): void;
  sync(id: number, position: number, length: number): void;
  advise(id: number, position: number, length: number, advice: number): void;
  fallocate(fd: number, offset: number, length: number): void;
  /** Bytes of [offset, offset + length) of the open file that are holes (SEEK_HOLE/SEEK_DATA; 0 where unknown). */
  holes(fd: number, offset: number, length: number): number;
  /** Allocate the holes of [offset, offset + length) (fallocate, size kept); a no-op where the file system cannot. */
  reserveBlocks(fd: number, offset: number, length: number): void;
  /** An ArrayBuffer over file bytes; its memory stays mapped, the same length, until it is collected. */
  window(id: number, position: number, length: number): { buffer: ArrayBuffer };
  /** Is the file (device, inode) mapped by a mapping that is open (or closed but still used by a call), in any thread? */
  fileInUse(dev: bigint, ino: bigint): boolean;
  /** Mappings of files not yet released (closed mappings still in use by a call count). */
  liveMappings(): number;
  /**
   * Memory the addon owns (huge-page advised), as an ArrayBuffer JS reads and an id the pool's threads
   * write through (a gather's dstArena); zero-filled unless `dirty` (then perhaps the block of a freed
   * result, its pages already faulted in: for a caller that writes every byte); freed once collected.
   */
  resultBuffer(bytes: number, dirty?: boolean): { id: number; buffer: ArrayBuffer };
  /**
   * [result buffers not yet freed (still referenced, or held by a running call), bytes of freed ones
   * kept mapped for the next dirty resultBuffer (at most 256 MiB)].
   */
  liveArenas(): [number, number];
  /** Address ranges of closed mappings kept reserved (anonymous) until their buffers are collected. */
  reservedRanges(): number;
  /** One block of a reduction (descriptor format in src/engine/descriptor.cts). */
  reduce(desc: Float64Array, out: Float64Array, value?: Uint8Array | null, valueConsts?: Float64Array | null,
    mask?: Uint8Array | null, maskConsts?: Float64Array | null, buffers?: ArrayBufferView[]): void;
  /** Merge `groups` partial states per output in group order into `out`. */
  /** Write `src` (C order, dtype code srcType) into the strided block `out` [id, dtype, swap, position, ...byte strides]. */
  put(src: ArrayBufferView, srcType: number, shape: Float64Array, out: Float64Array): void;
  combine(kernel: number, valueType: number, param: Float64Array, input: Float64Array, groups: number, out: Float64Array): void;
  /** Errors the addon throws are of this class (`new C(code, message, { syscall, path })`) from then on. */
  setErrorClass(c: new (code: string, message: string, extra: { syscall?: string; path?: string }) => Error): void;
  /**
   * One block of a distribution pass (native/stats/dist.h): key histograms and key collection (`spec` a
   * BigUint64Array), value histograms and bincount (`spec` the Float64Array of bin parameters).
   */
  dist(desc: Float64Array, spec: BigUint64Array | Float64Array, out: BigInt64Array | BigUint64Array | Float64Array,
    edges: Float64Array | null, value?: Uint8Array | null, valueConsts?: Float64Array | null,
    mask?: Uint8Array | null, maskConsts?: Float64Array | null): void;
  /** Sort `keys` in place over each [start, length] pair of `ranges`. */
  sortKeys(keys: BigUint64Array, ranges: Float64Array): void;
  /** Place the keys of `ranks` (ascending, relative to `start`) of keys[start, start + length) where a sort would. */
  selectKeys(keys: BigUint64Array, start: number, length: number, ranks: Float64Array): void;
  /** numpy's [lo, hi, gamma] of quantile q among n values as the axis kernel computes them (method: methods.ts order, 13 median). */
  planQuantile(method: number, n: number, q: number): Float64Array;
  /** The C library's pow (op 0), log2 (1) and powf (2): numpy's and Python's, bit for bit. */
  libm(op: number, x: number, y: number): number;
  /** Sort the (key, weight) pairs [start, start + count) of `pairs` by key, ties in order. */
  sortPairs(pairs: BigUint64Array, start: number, count: number): void;
  /**
   * One block of rows of a dot or search call (descriptor in native/glue/glue_embed.cc); a search may take
   * a row filter program (bool, of the row index) instead of a filter array.
   */
  embed(desc: Float64Array, queries: ArrayBufferView, out: ArrayBufferView, filterCode?: Uint8Array, filterConsts?: Float64Array): void;
  /** The k best of one block of a top-k plan, into BigUint64 state slots. */
  topk(desc: Float64Array, out: BigUint64Array, k: number, largest: boolean): void;
  /** Merge `groups` top-k states per output, in any order, into `out`. */
  mergeTopk(input: BigUint64Array, groups: number, k: number, out: BigUint64Array): void;
  /** Sort a block of rows along an axis (the `order` descriptor of contract/spec.mjs; ids <= -3: buffers[-3 - id]). */
  order(desc: Float64Array, buffers?: ArrayBufferView[]): void;
  /** One output range [o0, o1) of the k-way merge of a long row's sorted runs (the `orderMerge` descriptor). */
  orderMerge(desc: Float64Array, buffers?: ArrayBufferView[]): void;
  /** One phase of the partition sort of a long row (the `orderPart` descriptor; src/engine/order/part.ts). */
  orderPart(desc: Float64Array, splitters: BigUint64Array, table: Float64Array): void;
  /** One block of a take, or of a mask's counts (into `table`) or positions (the `gather` descriptor; src/engine/gather-native.ts). */
  gather(desc: Float64Array, buffers?: ArrayBufferView[], table?: Float64Array): void;
  /**
   * One block of an apply: descriptor [ndim, nOps, shape, out, operands…], each operand [source,
   * dtype, swap, position, ...strides] with source a mapping id, -1 (absent), -2 (an index variable)
   * or -3 - b (buffers[b]); format in native/glue/glue_apply.cc. `dry`: evaluate, write nothing.
   */
  apply(code: Uint8Array, consts: Float64Array, desc: Float64Array, buffers?: ArrayBufferView[], dry?: boolean): void;
  /** One block of a cumulative sum/product (contract `scan` descriptor); `slots` hold carries and totals (bits of the accumulator's values). */
  scan(desc: Float64Array, slots?: BigUint64Array): void;
  /** Block totals → the running values the next blocks start from, in place, in the accumulator's arithmetic. */
  scanCarries(op: number, acc: number, slots: BigUint64Array, count: number): void;
  /** unique / isin / searchsorted kernels (native/glue/glue_unique.cc). */
  lookup: LookupNative;
}

/**
 * unique(), isin() and searchsorted() (native/order/lookup.h). `desc` is a reduce descriptor of one block
 * of a plan over every dim, its value type the key kind's (0 float64, 1 int64, 2 uint64). A mapped
 * output is a Float64Array [mapping id, byte position] of a C-contiguous native-endian array.
 */
export interface LookupNative {
  /** Count the block's values into the call's table; 1 once it holds more than `bound` values. needFirst 0: first indices may be 0. */
  hash(desc: Float64Array, kind: number, callId: number, bound: number, needFirst: number): number;
  /** The call's table, sorted (first-occurrence keys, counts, first indices): its size (-1 none, -2 overflowed). */
  finish(callId: number, keys: BigUint64Array, counts: BigInt64Array, first: BigInt64Array): number;
  /** The inverse of the block's values (ranks from finish) into out[flat index]. */
  inverse(desc: Float64Array, kind: number, callId: number, out: BigInt64Array | Float64Array, total: number): void;
  drop(callId: number): void;
  /** keys[flat index] of the block's values. */
  gather(desc: Float64Array, kind: number, keys: BigUint64Array): void;
  /** Sort gathered keys with their indices and read off the runs: the number of unique values. */
  sort(keys: BigUint64Array, idx: BigUint64Array, tmp: BigUint64Array, counts: BigInt64Array, inv: BigInt64Array | Float64Array | null, equalNan: boolean, kind: number): number;
  /** The values of the first n keys as dtype `dtype` (a code) into `out`. */
  values(keys: BigUint64Array, n: number, kind: number, dtype: number, out: ArrayBufferView): void;
  /** Binary searches of the block's values: mode 0 left, 1 right (int64 out), 2 isin, 3 not in (uint8 out). */
  search(desc: Float64Array, kind: number, sorted: Float64Array | BigUint64Array, sorter: BigInt64Array | Float64Array | null,
    mode: number, out: BigInt64Array | Uint8Array | Float64Array, total: number, buffers?: ArrayBufferView[]): void;
}

/**
 * `NDMMAP_ADDON` (an absolute path) loads another build of the addon, e.g. the sanitizer build of
 * scripts/asan.sh; workers inherit the environment, so they load the same one.
 */
export const native: Native = (process.env.NDMMAP_ADDON ? require(process.env.NDMMAP_ADDON) : packageAddon()) as Native;

/** The addon node-gyp-build picks for this package (dist/src/ is two levels below its root; see addon-path.cts). */
function packageAddon(): unknown {
  const root = require('node:path').join(__dirname, '..', '..');
  return pick.loadAddon(root, {
    ...pick.addonDeps,
    resolve: (dir) => {
      try {
        return pick.addonDeps.resolve(dir);
      } catch (err) {
        throw Object.assign(new Error(`ndmmap: no native addon for ${process.platform}-${process.arch} (Node ${process.versions.node}) in ${root}: ` +
          'no prebuild fits and none was compiled; reinstall with a C++ compiler, make and python3 on PATH (npm rebuild ndmmap)',
        { cause: err }), { code: 'ERR_NDMMAP_ADDON' });
      }
    },
  });
}
