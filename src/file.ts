/**
 * Files as ndmmap opens them: regular files only, opened without ever blocking, free space checked
 * before a block is taken, and growth reserved so a mapped write cannot run out of disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fail, osError } from './errors.js';
import { native } from './native.js';

/**
 * open(2) flags by ndmmap's open mode. O_NONBLOCK: a FIFO swapped in after the pre-open check opens
 * at once (to be refused by fstat) instead of waiting forever for a peer; regular files ignore it.
 */
const FLAGS = {
  r: fs.constants.O_RDONLY | fs.constants.O_NONBLOCK,
  'r+': fs.constants.O_RDWR | fs.constants.O_NONBLOCK,
  'w+': fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NONBLOCK,
} as const;

/** statfs reports in blocks; a file system that reports none (tmpfs without a size, procfs) has no known limit. */
const NO_LIMIT = 0;

/** What kind of file `st` is, for messages. */
function kindOf(st: fs.Stats | fs.BigIntStats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * Refuse anything but a regular file: open(2) of a FIFO blocks until a peer comes, a device or a
 * directory has no bytes to map.
 * @throws `ERR_NDMMAP_NOT_FILE`, e.g. `'/tmp/p' is not a regular file (a FIFO)`.
 */
export function checkRegular(file: string, st: fs.Stats | fs.BigIntStats): void {
  if (!st.isFile()) fail('ERR_NDMMAP_NOT_FILE', `'${file}' is not a regular file (${kindOf(st)})`, { path: file });
}

/**
 * `file`'s stat before it is opened, checked to be a regular file; undefined when it cannot be
 * stat'ed (it does not exist yet, or open(2) will report why).
 * @throws `ERR_NDMMAP_NOT_FILE`.
 */
export function statTarget(file: string): fs.Stats | undefined {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(file);
  } catch {
    return undefined;
  }
  checkRegular(file, st);
  return st;
}

/**
 * Open `file` (already checked by {@link statTarget}) and check again on the descriptor, which is
 * what will be mapped: the name may have been swapped for a FIFO or a directory in between.
 * @returns the descriptor and its fstat (bigint: inode numbers may pass 2^53).
 * @throws OS errors (`ENOENT`, `EACCES`…), `ERR_NDMMAP_NOT_FILE`.
 */
export function openTarget(file: string, mode: keyof typeof FLAGS): { fd: number; st: fs.BigIntStats } {
  let fd: number;
  try {
    fd = fs.openSync(file, FLAGS[mode], 0o666);
  } catch (err) {
    throw osError(err, file);
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    checkRegular(file, st);
    return { fd, st };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * Refuse to truncate a file that an open memmap (of any thread) maps, under whatever name it was
 * opened — a symlink, a hard link, `/proc/self/…`: device and inode decide. Its pages would vanish
 * under that mapping: its data lost, and the next access through it a SIGBUS.
 * @throws `ERR_NDMMAP_OVERLAP`.
 */
export function checkNotMapped(file: string, what: string): void {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(file, { bigint: true });
  } catch {
    return; // nothing there (yet): nothing to lose
  }
  if (native.fileInUse(BigInt(st.dev), BigInt(st.ino)))
    fail('ERR_NDMMAP_OVERLAP', `${what} would truncate '${file}', but an open memmap maps it (the same file by device and inode): close that memmap first`, { path: file });
}

/**
 * Fail before any block is taken when the file system of `file` has less than `need` bytes free for
 * it. posix_fallocate of more than is free takes every free block before it fails (other writers see
 * a full disk meanwhile); this check makes that the rare race, not the rule.
 * @param need bytes the file will gain
 * @param freed bytes the file gives back first (its blocks, when `w+` truncates it)
 * @param why what the bytes are for, appended to the message
 * @throws `ENOSPC` (syscall `statfs`).
 */
export function checkSpace(file: string, need: number, freed = 0, why = ''): void {
  if (need <= 0) return;
  let s: fs.StatsFs;
  try {
    s = fs.statfsSync(fs.existsSync(file) ? file : path.dirname(file));
  } catch {
    return; // no such directory, or no statfs here: open(2) or posix_fallocate will say
  }
  if (s.blocks === NO_LIMIT) return;
  // bavail, not bfree: the blocks ext4 keeps for root are the system's reserve, not ours to take.
  const free = s.bavail * s.bsize + freed;
  const needed = Math.ceil(need / s.bsize) * s.bsize;
  if (needed > free)
    fail('ENOSPC', `ENOSPC: no space left on device, statfs '${file}' (needs ${needed} bytes, ${free} are free)${why}`, { syscall: 'statfs', path: file });
}

/**
 * Allocate the holes of a sparse file's bytes [pos, pos + len) before they are mapped for writing:
 * a store through the mapping (`set`, `assign`, a typed array) into a hole on a full disk is a SIGBUS
 * that no guard can turn into an error. A dense file costs one `lseek(SEEK_HOLE)`. Too little free
 * space for the holes is `ENOSPC` (statfs) before a block is taken.
 * @throws `ENOSPC` (statfs, fallocate), other OS errors.
 */
export function reserveHoles(fd: number, file: string, pos: number, len: number): void {
  if (len <= 0) return;
  let holes: number;
  try {
    holes = native.holes(fd, pos, len);
  } catch (err) {
    throw osError(err, file);
  }
  if (holes === 0) return;
  checkSpace(file, holes, 0, `: a sparse file opened for writing has its holes (${holes} bytes) allocated first, ` +
    "so that a write through the mapping cannot fault on a full disk; open it with mode 'r' or 'c' to read it");
  try {
    native.reserveBlocks(fd, pos, len);
  } catch (err) {
    throw osError(err, file);
  }
}

/**
 * Grow the open file from `from` to `to` bytes and reserve the new blocks: running out of disk inside
 * a mapped write would be a SIGBUS. On failure the file is cut back to `from` bytes.
 * @throws `ENOSPC` (statfs, posix_fallocate), `EFBIG` (ulimit -f), other OS errors.
 */
export function growFile(fd: number, file: string, from: number, to: number): void {
  if (to <= from) return;
  checkSpace(file, to - from);
  try {
    fs.ftruncateSync(fd, to);
    native.fallocate(fd, from, to - from);
  } catch (err) {
    // Give back what a failed fallocate reserved (it may have taken much of the disk before ENOSPC).
    try { fs.ftruncateSync(fd, from); } catch { /* keep the first error */ }
    throw osError(err, file);
  }
}

/**
 * fsync the directory holding `file`, so a file it has just created survives a power cut by name.
 * @throws OS errors from open or fsync (`EIO`…); `EINVAL` (a file system that cannot sync
 *   directories) is ignored.
 */
export function syncDir(file: string): void {
  const dir = path.dirname(file);
  let fd: number;
  try {
    fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  } catch (err) {
    throw osError(err, dir);
  }
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EINVAL') throw osError(err, dir);
  } finally {
    fs.closeSync(fd);
  }
}
