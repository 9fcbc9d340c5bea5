/**
 * Idempotence and consistency of distributed runs: a file's identity (size, modification time, a
 * hash of its first bytes: the whole `.npy` header), the key a shard's partial is cached under
 * (identity, layout, reduction, options, rows), and the check that a state belongs to the job.
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

/**
 * The identity of `file` as this machine sees it, hashing its first `head` bytes (fewer if the file
 * is shorter: the size tells those apart).
 * @throws OS errors (`ENOENT`…) with the path.
 */
export function fileIdentity(file: string, head: number): FileIdentity {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const st = fs.fstatSync(fd);
    const buf = Buffer.alloc(Math.min(head, st.size));
    let got = 0;
    while (got < buf.length) { const r = fs.readSync(fd, buf, got, buf.length - got, got); if (r === 0) break; got += r; }
    const hash = crypto.createHash('sha256').update(buf.subarray(0, got)).digest('hex');
    return { size: st.size, mtimeMs: Math.floor(st.mtimeMs), headBytes: head, head: hash };
  } catch (err) {
    throw osError(err, file);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Refuse a file that is not the one the job was planned on (another version on this worker's mount).
 * @throws `ERR_NDMMAP_PARTIAL` naming what differs.
 */
export function checkIdentity(want: FileIdentity, got: FileIdentity, file: string): void {
  const diffs: string[] = [];
  if (want.size !== got.size) diffs.push(`size ${got.size} bytes, expected ${want.size}`);
  if (want.mtimeMs !== got.mtimeMs) diffs.push(`modified ${new Date(got.mtimeMs).toISOString()}, expected ${new Date(want.mtimeMs).toISOString()}`);
  if (want.head !== got.head) diffs.push('different leading bytes (header)');
  if (diffs.length) fail('ERR_NDMMAP_PARTIAL', `${file} differs from the file the job was submitted on: ${diffs.join(', ')}`);
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
