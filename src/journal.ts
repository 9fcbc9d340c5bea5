/**
 * The journal of an in-place `a.sort()`: the sorted array is written into a journal file next to the
 * user's file (`.NAME.ndmmap-journal`, its values from byte 4096 on), fsynced, and committed by writing
 * its header and renaming it into place; only then are the values copied back into the file, which is
 * fsynced before the journal is removed. A crash before the commit leaves the file's own bytes (the
 * uncommitted journal, `.NAME.ndmmap-journal.tmp`, is removed by the next open once its process is gone);
 * a crash after it leaves a journal that the next memmap()/openNpy() of the file replays before mapping
 * it. Either way the file holds the original bytes or the sorted ones, never a mixture.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DType, dtype as parseDtype } from './dtype.js';
import { fail } from './errors.js';
import { syncDir } from './file.js';
import { type Layout, makeLayout } from './layout.js';

/** Bytes before the values: the header (JSON), zero-padded; a page, so the values map from there. */
export const JOURNAL_DATA = 4096;
const MAGIC = 'ndmmap-journal/1';

interface Header {
  magic: string;
  /** The file's device and inode (decimal strings: bigint stats), when the sort began. */
  dev: string;
  ino: string;
  /** Its size and birth time (ns, 0 where the file system keeps none): an inode number is reused at once. */
  size: string;
  birth: string;
  /** The sorted view of the file: dtype, shape, element strides and byte offset (makeLayout's). */
  dtype: string;
  shape: number[];
  strides: number[];
  byteOffset: number;
}

/** Where the journal of `file` lives. */
export function journalPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.ndmmap-journal`);
}

/** The uncommitted journal's name: one per file, so two in-place sorts of one file cannot both run. */
export function journalTemp(file: string): string {
  return `${journalPath(file)}.tmp`;
}

const UNCOMMITTED = 'ndmmap-journal-uncommitted ';

/** The process that is writing an uncommitted journal (its first line), or 0 when unreadable. */
function writerOf(temp: string): number {
  try {
    const fd = fs.openSync(temp, 'r');
    try {
      const b = Buffer.alloc(64);
      const n = fs.readSync(fd, b, 0, 64, 0);
      const line = b.subarray(0, n).toString('latin1');
      return line.startsWith(UNCOMMITTED) ? Number.parseInt(line.slice(UNCOMMITTED.length), 10) || 0 : 0;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return 0;
  }
}

/**
 * Claims the uncommitted journal of `file` for this process (created exclusively, its first line naming
 * the process; an earlier one whose process is gone is removed first).
 * @throws `EBUSY` when another live process is sorting the same file in place.
 */
export function claimJournal(file: string): string {
  const temp = journalTemp(file);
  for (let tries = 0; ; tries++) {
    try {
      const fd = fs.openSync(temp, 'wx', 0o600);
      try { fs.writeSync(fd, `${UNCOMMITTED}${process.pid}\n`); } finally { fs.closeSync(fd); }
      return temp;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code !== 'EEXIST' || tries > 0)
        fail((code ?? 'ERR_NDMMAP_INTERNAL') as never, `${file}: an in-place sort writes its journal ${temp} next to the file first: ${(e as Error).message}`, { path: temp });
      const pid = writerOf(temp);
      if (pid > 0 && alive(pid))
        fail('EBUSY', `${file}: another in-place sort of this file is running (process ${pid}, journal ${temp})`, { path: file });
      fs.rmSync(temp, { force: true });
    }
  }
}

/** Marks a claimed journal as this process's again (after mode w+ mapped it anew, header zeroed). */
export function markJournal(temp: string): void {
  const fd = fs.openSync(temp, 'r+');
  try { fs.writeSync(fd, `${UNCOMMITTED}${process.pid}\n`, 0); } finally { fs.closeSync(fd); }
}

/**
 * Commits a journal whose values are written and flushed: header, fsync, rename into place, fsync of
 * the directory. From here on a crash is replayed at the next open.
 */
export function commitJournal(temp: string, file: string, layout: Layout): void {
  const st = fs.statSync(file, { bigint: true });
  const h: Header = {
    magic: MAGIC, dev: String(st.dev), ino: String(st.ino), size: String(st.size), birth: String(st.birthtimeNs), dtype: layout.dtype.str,
    shape: [...layout.shape], strides: [...layout.strides], byteOffset: layout.byteOffset,
  };
  const text = Buffer.from(JSON.stringify(h) + '\n');
  const head = Buffer.alloc(JOURNAL_DATA);
  text.copy(head);
  const fd = fs.openSync(temp, 'r+');
  try {
    fs.writeSync(fd, head, 0, JOURNAL_DATA, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, journalPath(file));
  syncDir(file);
}

/** Removes a replayed or completed journal (and makes the removal durable). */
export function dropJournal(file: string): void {
  fs.rmSync(journalPath(file), { force: true });
  syncDir(file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** An uncommitted journal of `file` whose process is gone (a crash during the sort): removed. */
function dropStale(file: string): void {
  const temp = journalTemp(file);
  if (!fs.existsSync(temp)) return;
  const pid = writerOf(temp);
  if (pid > 0 && !alive(pid)) fs.rmSync(temp, { force: true });
}

/** The parts the replay needs, from a journal's header; undefined when it is not one of ours. */
function readHeader(j: string): Header | undefined {
  const fd = fs.openSync(j, 'r');
  try {
    const b = Buffer.alloc(JOURNAL_DATA);
    const n = fs.readSync(fd, b, 0, JOURNAL_DATA, 0);
    const end = b.subarray(0, n).indexOf(10);
    if (end < 0) return undefined;
    const h = JSON.parse(b.subarray(0, end).toString('utf8')) as Header;
    return h.magic === MAGIC ? h : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** The operations a replay needs, passed in by open.ts (this module sits below memmap.ts). */
export interface Replayer {
  /** Copy the C-order values of `dt`/`shape` at JOURNAL_DATA of `journal` into `layout` of `file`, and msync. */
  copy(journal: string, dt: DType, file: string, layout: Layout): void;
}

/**
 * Before `file` is mapped: replays a committed journal (the sort had committed, its copy back may have
 * been cut short), removes one that belongs to another file (the name was reused), and removes
 * uncommitted journals of crashed processes. `truncating` (mode w+): the file is being replaced, so a
 * journal is only removed.
 * @throws the OS error (`EACCES`, `EROFS`…) when a committed journal cannot be replayed into the file.
 */
export function recoverJournal(file: string, truncating: boolean, replay: Replayer): void {
  const j = journalPath(file);
  let st: fs.BigIntStats | undefined;
  try {
    st = fs.statSync(j, { bigint: true, throwIfNoEntry: false });
  } catch {
    return;
  }
  if (st === undefined) {
    dropStale(file);
    return;
  }
  const h = readHeader(j);
  const target = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
  const sameFile = target !== undefined && h !== undefined && String(target.dev) === h.dev && String(target.ino) === h.ino &&
    String(target.size) === h.size && String(target.birthtimeNs) === h.birth;
  if (h === undefined || truncating || !sameFile) {
    fs.rmSync(j, { force: true });
    return;
  }
  const dt = parseDtype(h.dtype);
  const layout = makeLayout(dt, h.shape, h.strides, h.byteOffset);
  try {
    replay.copy(j, dt, file, layout);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    fail((err.code ?? 'ERR_NDMMAP_INTERNAL') as never,
      `${file}: an in-place sort was interrupted after it committed; its journal ${j} could not be replayed (${err.message}). Open the file once where it is writable to complete the sort`);
  }
  dropJournal(file);
  dropStale(file);
}

