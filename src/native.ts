/**
 * Loads the addon built by `npm install` (binding.gyp). Every thread that imports this gets its own
 * instance of the addon; the mapping registry behind it is process-wide.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The addon's functions (native/addon.cc). Positions and lengths are file bytes. */
export interface Native {
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
  window(id: number, position: number, length: number): { buffer: ArrayBuffer; handle: object };
  detach(handle: object, buffer: ArrayBuffer): void;
  /** Mappings of files not yet released (closed mappings still in use by a call count). */
  liveMappings(): number;
  /** Address ranges of closed mappings kept reserved (anonymous) until their buffers are collected. */
  reservedRanges(): number;
  /** desc: [id, op, dtype, swap, position, indexBase, outBase, nOut, nRed, outShape…, outStrides…,
   *  outIndexMul…, redShape…, redStrides…, redIndexMul…] (see native/addon.cc). */
  reduce(desc: Float64Array, out: Float64Array): void;
  apply(code: Uint8Array, consts: Float64Array, shape: Float64Array, x: Float64Array, y: Float64Array, out: Float64Array): void;
}

/** Map modes of native/registry.h. */
export const MAP_READ = 0;
export const MAP_SHARED = 1;
export const MAP_COPY = 2;

/** madvise hints, by index in native/addon.cc. */
export const ADVICE = { normal: 0, sequential: 1, random: 2, willneed: 3, dontneed: 4 } as const;

/**
 * `NDMMAP_ADDON` (an absolute path) loads another build of the addon, e.g. the sanitizer build of
 * scripts/asan.sh; workers inherit the environment, so they load the same one.
 */
export const native: Native = require(process.env.NDMMAP_ADDON || '../../build/Release/ndmmap.node');
