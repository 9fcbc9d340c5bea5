/**
 * A worker's open files, kept between jobs: the shards of one run (and repeated runs) on the same
 * worker map the file once, so its page tables are filled once, as in a local call that reuses one
 * MemMap. The key holds the file's identity (inode, size, mtime, ctime): a changed file is a new
 * entry, and the identity is still checked at every shard's start and end. Idle entries close after
 * `IDLE_MS`; the timer never keeps the process alive.
 */
import { type MemMap } from '../memmap.js';
import { openShardFile } from './open.js';
import { type FileIdentity, type WireLayout } from './wire.js';

/** An unused mapping closes after this long. */
const IDLE_MS = 30_000;
/** At most this many files stay open. */
const MAX_OPEN = 8;

interface Entry { a: MemMap; users: number; timer?: NodeJS.Timeout }

/** Open files by identity, with `use` (borrow one for a job) and `closeAll`. */
export class MappingCache {
  private readonly open = new Map<string, Entry>();

  /** Run `f` on the file opened read-only with `layout`, opening it only if no job has it open. */
  async use<T>(file: string, layout: WireLayout, id: FileIdentity, f: (a: MemMap) => Promise<T>): Promise<T> {
    const key = JSON.stringify([file, layout, id.ino, id.size, id.mtimeNs, id.ctimeNs]);
    let e = this.open.get(key);
    if (e === undefined || e.a.closed) {
      e = { a: openShardFile(file, layout), users: 0 };
      this.open.set(key, e);
      this.trim();
    }
    clearTimeout(e.timer);
    e.users++;
    try {
      return await f(e.a);
    } finally {
      e.users--;
      if (e.users === 0) {
        const entry = e;
        entry.timer = setTimeout(() => this.drop(key, entry), IDLE_MS);
        entry.timer.unref();
      }
    }
  }

  /** Close every file no job uses (all of them once the worker has stopped). */
  closeAll(): void {
    for (const [key, e] of this.open) if (e.users === 0) this.drop(key, e);
  }

  private drop(key: string, e: Entry): void {
    clearTimeout(e.timer);
    if (this.open.get(key) === e) this.open.delete(key);
    if (e.users === 0 && !e.a.closed) e.a.close();
  }

  /** Keep at most MAX_OPEN: the oldest idle ones go first. */
  private trim(): void {
    for (const [key, e] of this.open) {
      if (this.open.size <= MAX_OPEN) break;
      if (e.users === 0) this.drop(key, e);
    }
  }
}
