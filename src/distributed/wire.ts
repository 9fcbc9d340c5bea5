/**
 * What travels through Redis between `submit` and the workers: the job data of shard (leaf) and merge
 * jobs, reduction options and raw-file layouts as JSON, and failures as `CODE: message` reasons so
 * the submitter can rethrow the worker's error with its code. Job data read back from Redis is
 * untrusted: `checkShardJob`/`checkMergeJob` validate every field before anything is opened.
 */

import { fail, show } from '../errors.js';
import { type ReduceOptions } from '../engine/reduce.js';
import { type PartialState } from '../engine/partial.js';
import { isReduceName } from '../engine/reductions/index.js';
import { OP_FORMAT, type OpHeader, distOp } from './ops.js';

/** Version of the job data, so a worker refuses jobs from an incompatible submitter. */
export const WIRE_VERSION = 2;

/** A raw file's numpy.memmap layout (dtype with its byte order, as numpy's `dtype.str`), or a `.npy`. */
export type WireLayout = { kind: 'npy' } | { kind: 'raw'; dtype: string; shape: number[]; offset: number; order: 'C' | 'F' };

/** The reduction options a partial depends on, as JSON (`initial`: 64-bit ints as decimal strings). */
export interface WireOptions {
  axis: number | number[] | null; keepdims: boolean; ddof: number | null; dtype: string | null;
  where: string | null; initial: number | string | boolean | null; expr: string | null;
}

/**
 * What makes a file the same unchanged file on every machine that mounts it: inode, size, modification
 * and change times (ns, decimal), a hash of its first `headBytes` bytes.
 */
export interface FileIdentity { ino: string; size: number; mtimeNs: string; ctimeNs: string; headBytes: number; head: string }

/** The fields every partial state of one job shares: checked at every node of the tree (another operation's: its name). */
export type PartialHeader = Pick<PartialState, 'format' | 'op' | 'dtype' | 'options' | 'arrayShape' | 'valueDtype' | 'kernel' | 'valueType'> | OpHeader;

/** A leaf: reduce `rows` of `file` into a partial state. */
export interface ShardJob {
  v: number; file: string; layout: WireLayout; op: string; options: WireOptions | Record<string, unknown>; rows: [number, number];
  identity: FileIdentity; header: PartialHeader; cacheTtl: number;
}

/** A merge node: combine the children's states, which must cover `rows` exactly. */
export interface MergeJob { v: number; rows: [number, number]; children: number; header: PartialHeader }

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isRows = (v: unknown): v is [number, number] =>
  Array.isArray(v) && v.length === 2 && v.every((x) => Number.isSafeInteger(x) && x >= 0) && v[0] <= v[1];

function bad(what: string, v: unknown): never {
  return fail('ERR_NDMMAP_PARTIAL', `a job from Redis has a bad ${what}: ${show(typeof v === 'object' ? JSON.stringify(v)?.slice(0, 200) : v)}`);
}

/** Reduction options as JSON. */
export function encodeOptions(o: ReduceOptions): WireOptions {
  if (o.where !== undefined && typeof o.where !== 'string') fail('ERR_INVALID_ARG_VALUE', 'a distributed reduction takes where as an expression, not a MemMap');
  if (o.out !== undefined || o.y !== undefined) fail('ERR_INVALID_ARG_VALUE', 'a distributed reduction takes neither out nor y');
  const i = o.initial;
  return {
    axis: o.axis === undefined ? null : typeof o.axis === 'number' || o.axis === null ? o.axis : [...o.axis],
    keepdims: o.keepdims === true, ddof: o.ddof ?? null, dtype: o.dtype === undefined ? null : typeof o.dtype === 'string' ? o.dtype : o.dtype.str,
    where: o.where ?? null, expr: o.expr ?? null,
    initial: i === undefined ? null : typeof i === 'bigint' ? i.toString() : typeof i === 'number' && !Number.isFinite(i) ? String(i) : i,
  };
}

/** Reduction options back from JSON (the engine validates their values, as for a local call). */
export function decodeOptions(w: unknown): ReduceOptions {
  if (!isObject(w)) bad('options', w);
  const o: ReduceOptions = {};
  if (w.axis !== null) {
    if (!(typeof w.axis === 'number' || (Array.isArray(w.axis) && w.axis.length <= 64 && w.axis.every((k) => typeof k === 'number')))) bad('axis', w.axis);
    o.axis = w.axis as number | number[];
  }
  if (w.keepdims === true) o.keepdims = true;
  if (w.ddof !== null) { if (typeof w.ddof !== 'number') bad('ddof', w.ddof); o.ddof = w.ddof; }
  for (const k of ['dtype', 'where', 'expr'] as const) {
    if (w[k] === null) continue;
    if (typeof w[k] !== 'string' || (w[k] as string).length > 10_000) bad(k, w[k]);
    (o as Record<string, unknown>)[k] = w[k] as string;
  }
  const i = w.initial;
  if (typeof i === 'string') {
    if (/^-?\d{1,20}$/.test(i)) o.initial = BigInt(i);
    else if (['NaN', 'Infinity', '-Infinity'].includes(i)) o.initial = Number(i);
    else bad('initial', i);
  } else if (typeof i === 'number' || typeof i === 'boolean') o.initial = i;
  else if (i !== null) bad('initial', i);
  return o;
}

function checkHeader(h: unknown): PartialHeader {
  if (isObject(h) && h.format === OP_FORMAT && distOp(h.op) !== undefined) return h as unknown as PartialHeader;
  if (!isObject(h) || !isReduceName(h.op) || !isObject(h.options) || !Array.isArray(h.arrayShape)) bad('partial header', h);
  return h as unknown as PartialHeader;
}

/**
 * A shard job's data, checked.
 * @throws `ERR_NDMMAP_PARTIAL` for anything a submitter of this version would not have written.
 */
export function checkShardJob(d: unknown): ShardJob {
  if (!isObject(d) || d.v !== WIRE_VERSION) bad(`version (expected a shard job of ndmmap wire version ${WIRE_VERSION})`, isObject(d) ? d.v : d);
  if (typeof d.file !== 'string' || d.file === '' || d.file.includes('\0')) bad('file', d.file);
  const other = distOp(d.op);
  if (typeof d.op !== 'string' || (!isReduceName(d.op) && other === undefined)) bad('reduction', d.op);
  if (!isRows(d.rows)) bad('row range', d.rows);
  const l = d.layout;
  if (!isObject(l) || !(l.kind === 'npy' || (l.kind === 'raw' && typeof l.dtype === 'string' && Array.isArray(l.shape) &&
      l.shape.length <= 64 && l.shape.every((n) => Number.isSafeInteger(n) && n >= 0) && Number.isSafeInteger(l.offset) && (l.order === 'C' || l.order === 'F')))) bad('layout', l);
  const id = d.identity;
  const dec = (v: unknown): boolean => typeof v === 'string' && /^\d{1,25}$/.test(v);
  if (!isObject(id) || !Number.isSafeInteger(id.size) || !dec(id.ino) || !dec(id.mtimeNs) || !dec(id.ctimeNs) || typeof id.head !== 'string' ||
      !Number.isSafeInteger(id.headBytes) || (id.headBytes as number) < 0 || (id.headBytes as number) > 2 ** 20) bad('file identity', id);
  if (!Number.isSafeInteger(d.cacheTtl) || (d.cacheTtl as number) < 0) bad('cache time', d.cacheTtl);
  if (other === undefined) decodeOptions(d.options);
  else if (!isObject(d.options)) bad('options', d.options);
  const h = checkHeader(d.header);
  if ((other === undefined) !== ('kernel' in h) || h.op !== d.op) bad('partial header', h);
  return d as unknown as ShardJob;
}

/**
 * A merge job's data, checked.
 * @throws `ERR_NDMMAP_PARTIAL`
 */
export function checkMergeJob(d: unknown): MergeJob {
  if (!isObject(d) || d.v !== WIRE_VERSION) bad(`version (expected a merge job of ndmmap wire version ${WIRE_VERSION})`, isObject(d) ? d.v : d);
  if (!isRows(d.rows)) bad('row range', d.rows);
  if (!Number.isSafeInteger(d.children) || (d.children as number) < 1) bad('child count', d.children);
  checkHeader(d.header);
  return d as unknown as MergeJob;
}

/** Codes no retry can cure: the job itself is wrong (options, data, a file that differs). */
const PERMANENT = /^ERR_(NDMMAP_(PARTIAL|USAGE|DTYPE|SHAPE|AXIS|MODE|ORDER|EXPR|INDEX|EMPTY|SIZE|NPY|NOT_FILE)|INVALID_ARG_\w+|OUT_OF_RANGE)$/;

/** Is an error one that a retry (perhaps on another worker) cannot cure? */
export function isPermanent(code: string): boolean {
  return PERMANENT.test(code);
}

/** A job's failure reason: `CODE: message (worker NAME)`, as BullMQ stores it. */
export function failureReason(err: unknown, worker: string): { code: string; reason: string } {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code) ? e.code : 'ERR_NDMMAP_WORKER';
  const msg = String(e?.message ?? err).replace(/\s*\n\s*/g, ' ');
  return { code, reason: `${msg.startsWith(`${code}:`) ? msg : `${code}: ${msg}`} (worker ${worker})` };
}

/**
 * The NdmmapError a failure reason stands for: its code, and the message (OS errors keep their
 * `ENOENT: ` prefix as Node's do); a reason with no code (BullMQ's own, e.g. a job stalled too often)
 * is `ERR_NDMMAP_WORKER`.
 */
export function reasonError(reason: string, job: string): never {
  const m = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(reason);
  if (m === null) return fail('ERR_NDMMAP_WORKER', `job ${job} failed: ${reason}`);
  return fail(m[1], m[1].startsWith('ERR_') ? m[2] : reason);
}
