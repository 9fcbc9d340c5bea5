/**
 * Idempotence and consistency of distributed runs: a file's identity (inode, size, modification and
 * change times in nanoseconds, a hash of its first bytes: the whole `.npy` header), the key a shard's
 * partial is cached under (identity, layout, reduction, options, rows), and the check that a state
 * belongs to the job.
 *
 * Why these fields: `cp -p`, `rsync -t` and `touch -r` restore an mtime, but no user can set a
 * ctime (the kernel stamps it on every write, chmod or utimes) and a rewrite by rename gets a new
 * inode. A write through a shared mapping stamps mtime/ctime only when it faults a clean page in:
 * further writes to a page already dirty change no metadata until writeback cleans the page (the
 * kernel's dirty_expire + dirty_writeback intervals, 35 s by default). So a state is cached only when
 * the file last changed longer ago than that window (`settled`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fail, osError, show } from '../errors.js';
import { PARTIAL_FORMAT, type PartialState } from '../engine/partial.js';
import { type FileIdentity, type PartialHeader, type ShardJob, WIRE_VERSION } from './wire.js';

/** Bytes hashed from the start of a file: the `.npy` header and then some; enough to tell most rewrites apart, cheap per shard. */
const HEAD_BYTES = 4096;
/** A `.npy` header longer than HEAD_BYTES is hashed whole, up to this size. */
export const HEAD_MAX = 2 ** 20;

/** How many leading bytes an identity hashes, for a file whose data starts at `dataOffset`. */
export function headBytes(dataOffset: number): number {
  return Math.min(Math.max(HEAD_BYTES, dataOffset), HEAD_MAX);
}

/** A state is cached only when its file changed at least this long before the shard started (ms). */
export const MIN_SETTLE_MS = 60_000;

/**
 * The identity of `file` as this machine sees it, hashing its first `head` bytes (fewer if the file
 * is shorter: the size tells those apart).
 * @throws OS errors (`ENOENT`…) with the path.
 */
export function fileIdentity(file: string, head: number): FileIdentity {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    const buf = Buffer.alloc(Math.min(head, size));
    let got = 0;
    while (got < buf.length) { const r = fs.readSync(fd, buf, got, buf.length - got, got); if (r === 0) break; got += r; }
    const hash = crypto.createHash('sha256').update(buf.subarray(0, got)).digest('hex');
    return { ino: st.ino.toString(), size, mtimeNs: st.mtimeNs.toString(), ctimeNs: st.ctimeNs.toString(), headBytes: head, head: hash };
  } catch (err) {
    throw osError(err, file);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const iso = (ns: string): string => {
  const ms = Number(BigInt(ns) / 1_000_000n);
  return `${new Date(ms).toISOString().slice(0, -1)}${ns.slice(-6).padStart(6, '0')}Z`;
};

/** What differs between two identities, in words (empty when none). */
export function identityDiffs(want: FileIdentity, got: FileIdentity): string[] {
  const diffs: string[] = [];
  if (want.ino !== got.ino) diffs.push(`inode ${got.ino}, expected ${want.ino} (another file at this path)`);
  if (want.size !== got.size) diffs.push(`size ${got.size} bytes, expected ${want.size}`);
  if (want.mtimeNs !== got.mtimeNs) diffs.push(`modified ${iso(got.mtimeNs)}, expected ${iso(want.mtimeNs)}`);
  if (want.ctimeNs !== got.ctimeNs) diffs.push(`changed ${iso(got.ctimeNs)}, expected ${iso(want.ctimeNs)}`);
  if (want.head !== got.head) diffs.push('different leading bytes (header)');
  return diffs;
}

/**
 * Refuse a file that is not the one the job was planned on (another version on this worker's mount,
 * or the same file written since).
 * @throws `ERR_NDMMAP_PARTIAL` naming what differs.
 */
export function checkIdentity(want: FileIdentity, got: FileIdentity, file: string): void {
  const diffs = identityDiffs(want, got);
  if (diffs.length) fail('ERR_NDMMAP_PARTIAL', `${file} differs from the file the job was submitted on: ${diffs.join(', ')}`);
}

/**
 * Refuse a file that changed while a shard (or the whole job) read it.
 * @throws `ERR_NDMMAP_PARTIAL`
 */
export function checkUnchanged(before: FileIdentity, file: string): void {
  const diffs = identityDiffs(before, fileIdentity(file, before.headBytes));
  if (diffs.length) fail('ERR_NDMMAP_PARTIAL', `${file} changed while the job ran (${diffs.join(', ')}): submit again once it is written`);
}

/**
 * How long after a change a file's metadata can be trusted to show the next write: the kernel's
 * writeback window (`vm.dirty_expire_centisecs` + `vm.dirty_writeback_centisecs`) twice, at least a minute.
 */
export function settleMs(): number {
  const read = (f: string): number => { try { return Number(fs.readFileSync(f, 'utf8').trim()) * 10 || 0; } catch { return 0; } };
  return Math.max(MIN_SETTLE_MS, 2 * (read('/proc/sys/vm/dirty_expire_centisecs') + read('/proc/sys/vm/dirty_writeback_centisecs')));
}

/** Did `id`'s file last change (mtime or ctime) at least `ms` before `now`? */
export function settled(id: FileIdentity, ms: number, now = Date.now()): boolean {
  const last = Number((BigInt(id.mtimeNs) > BigInt(id.ctimeNs) ? BigInt(id.mtimeNs) : BigInt(id.ctimeNs)) / 1_000_000n);
  return now - last >= ms;
}

/** The Redis key a shard's partial state is cached under: a hash of everything the state depends on. */
export function partialKey(job: ShardJob): string {
  const what = [PARTIAL_FORMAT, WIRE_VERSION, job.identity, job.layout, job.op, job.options, job.header, job.rows];
  return `ndmmap:partial:${crypto.createHash('sha256').update(JSON.stringify(what)).digest('hex')}`;
}

/** The fields of a state that every state of its job shares. */
export function headerOf(p: PartialState): PartialHeader {
  const { format, op, dtype, options, arrayShape, valueDtype, kernel, valueType } = p;
  return { format, op, dtype, options, arrayShape, valueDtype, kernel, valueType };
}

/**
 * Refuse a state from another job, another ndmmap version, or for other rows.
 * @throws `ERR_NDMMAP_PARTIAL`
 */
export function checkBelongs(p: PartialState, header: PartialHeader, rows: [number, number], what: string): void {
  const a = JSON.stringify(headerOf(p)), b = JSON.stringify(header);
  if (a !== b) fail('ERR_NDMMAP_PARTIAL', `${what} is not a state of this job: ${a.slice(0, 300)}, expected ${b.slice(0, 300)}`);
  if (p.rows[0] !== rows[0] || p.rows[1] !== rows[1]) fail('ERR_NDMMAP_PARTIAL', `${what} covers rows ${show(p.rows)}, expected ${show(rows)}`);
}
