/**
 * One open file mapping as the main thread sees it: the native registry id plus the windows
 * (ArrayBuffers) handed to JS. Every view of a memmap shares one Mapping. It holds no file
 * descriptor: the addon keeps one per file, shared by all its mappings (native/core/files.h).
 */
import { constants as bufferConstants } from 'node:buffer';
import { fail, osError } from './errors.js';
import { native } from './native.js';

/** numpy's modes after aliases are resolved. */
export type Mode = 'r' | 'r+' | 'w+' | 'c';
/** Every mode spelling numpy accepts: the codes and their long aliases. */
export type ModeName = Mode | 'readonly' | 'readwrite' | 'write' | 'copyonwrite';

/** Span of one cached element window: 1 GiB keeps every window far below Node 20's 4 GiB cap. */
const WINDOW = 2 ** 30;
/** Windows overlap by this much so an element (a record up to 64 KiB) never straddles two of them. */
const WINDOW_SLACK = 2 ** 16;

/**
 * Windows handed out between two event-loop turns taken for their release (see {@link releaseTurn}).
 * A window's memory is given back by finalizers, which Node runs from the event loop, never from a
 * loop of microtasks; this many windows (each a range that may outlive its mapping) is where an
 * inline call takes one turn so they can run.
 */
const WINDOWS_PER_TURN = 256;
let windowsSinceTurn = 0;

/**
 * Which file a mapping is of, as the kernel knows it (fstat of the open descriptor): two names — a
 * symlink, a hard link, `a/../b` — are one file exactly when device and inode agree. bigint because
 * inode numbers of some file systems (XFS, btrfs, NFS) pass 2^53.
 */
export interface FileIdentity { readonly dev: bigint; readonly ino: bigint }

const leaked = new FinalizationRegistry<number>((id) => {
  native.unmap(id);
});

/** Every window handed out, by its buffer: which mapping, from which file byte. */
const windows = new WeakMap<ArrayBufferLike, { mapping: Mapping; pos: number }>();

/**
 * An event-loop turn (`setImmediate`) when many typed arrays were handed out since the last one, else
 * undefined. Inline calls (small reductions, applies) settle in microtasks, so a `for … await` loop of
 * open/typedArray/sum/close would never let Node run the finalizers that release the windows of
 * closed maps (address ranges, native records, V8's backing stores): +200 MiB over 100,000 cycles.
 * Awaiting this once every {@link WINDOWS_PER_TURN} windows bounds that.
 */
export function releaseTurn(): Promise<void> | undefined {
  if (windowsSinceTurn < WINDOWS_PER_TURN) return undefined;
  windowsSinceTurn = 0;
  return new Promise((resolve) => setImmediate(resolve));
}

/** `value`, resolved after {@link releaseTurn} when one is due: for calls that settle in a microtask. */
export function settleSoon<T>(value: T): Promise<T> {
  const turn = releaseTurn();
  return turn === undefined ? Promise.resolve(value) : turn.then(() => value);
}

/**
 * The file bytes a buffer from {@link Mapping.window} (`typedArray()`) shows: its mapping and the file
 * position of its byte 0; undefined for any other buffer. Such a buffer aliases the file's memory, so
 * writing the file can change what it holds (even a mode 'r' window, until its page is copied).
 */
export function windowOf(buffer: ArrayBufferLike): { mapping: Mapping; pos: number } | undefined {
  return windows.get(buffer);
}

export class Mapping {
  /** Windows for get/set, by index: [view, file position of view byte 0]. */
  // A true private field: structural formatters (a test failure printing a MemMap) never walk the
  // windows' DataViews, which can span the whole mapping (vitest ran out of heap printing one).
  readonly #views = new Map<number, [DataView, number]>();
  private open = true;

  constructor(
    readonly id: number,
    readonly mode: Mode,
    readonly filename: string,
    /** First mapped file byte (page-aligned). */
    readonly fileStart: number,
    /** Mapped bytes from fileStart. */
    readonly length: number,
    /** Device and inode of the file, recorded when it was opened. */
    readonly identity: FileIdentity,
  ) {
    leaked.register(this, id, this);
  }

  /** Is this a mapping of the same file as `other` (whatever names the two were opened by)? */
  sameFile(other: Mapping): boolean {
    return this.identity.dev === other.identity.dev && this.identity.ino === other.identity.ino;
  }

  get closed(): boolean {
    return !this.open;
  }

  /** @throws `ERR_NDMMAP_CLOSED` once closed. */
  check(): void {
    if (!this.open) fail('ERR_NDMMAP_CLOSED', `memmap of '${this.filename}' is closed`, { path: this.filename });
  }

  /**
   * After a parallel call: still open? A close() during the call is nearly always a missing `await`
   * (`a.sum(); a.close()`), so the rejection says so.
   * @throws `ERR_NDMMAP_CLOSED`
   */
  checkAfterCall(call: string): void {
    if (!this.open) {
      fail('ERR_NDMMAP_CLOSED', `memmap of '${this.filename}' was closed while ${call}() was still running; ` +
        `is an await missing (await a.${call}(…) before a.close())?`, { path: this.filename });
    }
  }

  /** A DataView holding file byte `pos` (and the 8 after it), and the file position of its byte 0. */
  dataViewAt(pos: number): [DataView, number] {
    this.check();
    const k = Math.floor((pos - this.fileStart) / WINDOW);
    let v = this.#views.get(k);
    if (v === undefined) {
      const start = this.fileStart + k * WINDOW;
      const len = Math.min(this.fileStart + this.length, start + WINDOW + WINDOW_SLACK) - start;
      v = [new DataView(this.window(start, len)), start];
      this.#views.set(k, v);
    }
    return v;
  }

  /**
   * An ArrayBuffer over file bytes [pos, pos + len). For mode 'r' it is a private copy-on-write
   * remap, so a store through it can never fault. close() does not detach it (Node's own threadpool
   * code may still be reading it: zlib checks the length of its input between chunks and aborts the
   * process when it shrank): its range stays mapped, the same length, until the buffer is collected
   * — after close() as anonymous memory (zeros), not the file.
   */
  window(pos: number, len: number): ArrayBuffer {
    this.check();
    // past the largest buffer this Node makes (4 GiB on Node 20) the addon's window aborts the process
    // ("double free", seen from take() of a 5 GiB file before it read by rows): refuse it here
    if (len > bufferConstants.MAX_LENGTH) fail('ERR_OUT_OF_RANGE', `a window of ${len} bytes is more than the largest buffer of Node ${process.versions.node} (${bufferConstants.MAX_LENGTH})`);
    const { buffer } = native.window(this.id, pos, len);
    windows.set(buffer, { mapping: this, pos });
    windowsSinceTurn++;
    return buffer;
  }

  /** msync the byte range (whole pages around it); no-op for 'r' and 'c'. */
  sync(pos = this.fileStart, len = this.length): void {
    this.check();
    if (this.mode !== 'r+' && this.mode !== 'w+') return;
    try {
      native.sync(this.id, pos, len);
    } catch (err) {
      throw osError(err, this.filename); // an msync failure (EIO…) names the file
    }
  }

  /** Current size of the file on disk (a truncation by another process shows here). */
  fileSize(): number {
    this.check();
    try {
      return native.fileSize(this.id);
    } catch (err) {
      throw osError(err, this.filename);
    }
  }

  /**
   * Allocate the file's blocks under bytes [pos, pos + len) before a write through the mapping, so a
   * full disk is an `ENOSPC` now instead of a fault in the middle of the write. Modes r+/w+ only; a
   * no-op where the file system cannot reserve (the kernels' fault guard still reports ENOSPC).
   * @throws `ENOSPC`, `EFBIG`… (syscall `fallocate`), `ERR_NDMMAP_CLOSED`.
   */
  reserve(pos: number, len: number): void {
    this.check();
    if (len <= 0 || (this.mode !== 'r+' && this.mode !== 'w+')) return;
    try {
      native.reserve(this.id, pos, len);
    } catch (err) {
      throw osError(err, this.filename);
    }
  }

  /**
   * Fail before a call touches bytes up to `end` if another process has truncated the file below
   * that: reading a mapped page past the end of the file is a SIGBUS, not an error.
   * @throws `ERR_NDMMAP_TRUNCATED`, `ERR_NDMMAP_CLOSED`.
   */
  checkExtent(end: number): void {
    const size = this.fileSize();
    if (size < end)
      fail('ERR_NDMMAP_TRUNCATED', `'${this.filename}' was truncated to ${size} bytes while mapped; the array needs ${end}`, { path: this.filename });
  }

  /**
   * Drop the mapping. Work already running in workers holds its own reference and finishes on the
   * file first; then the file is let go: unmapped at once when no typed array was handed out, else
   * its pages are swapped for anonymous memory, kept mapped (the arrays keep their length and read
   * zeros) until the arrays are collected.
   */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.#views.clear();
    leaked.unregister(this);
    native.unmap(this.id);
  }
}
