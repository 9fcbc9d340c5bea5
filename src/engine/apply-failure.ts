/**
 * When an apply can fail after it has begun writing: the one failure a value can cause — an integer to
 * a negative power — is found first by a read-only pass when the exponent is data; any other failure
 * after the first block started (abort, close, a fault, a worker's death) says the output is partly
 * written, and how much: numpy's ufuncs never leave half an output, so a caller must be told.
 */
import { DTYPE_CODES } from '../dtype.js';
import { NdmmapError } from '../errors.js';
import { OP } from '../expr/index.js';
import { type RunOptions } from './run.js';
import { DONE, NEXT } from './tasks.cjs';

/** The signed integer dtypes: the only loops of `**` that refuse a negative exponent (numpy's ValueError). */
const SIGNED = new Set(['int8', 'int16', 'int32', 'int64'].map((t) => DTYPE_CODES.indexOf(t as never)));

/** Operand bytes after each opcode (compile.ts): LOAD k, CONST t lo hi, CAST from to; every other op names its dtype. */
const OPERAND_BYTES = new Map<number, number>([[OP.LOAD, 1], [OP.CONST, 3], [OP.CAST, 2]]);

/**
 * Does the program raise a signed integer to a power that is not a constant (an operand, an index
 * variable or anything computed)? Only then can an element fail after others were written: a
 * negative constant exponent fails on the first block, before it stores anything.
 */
export function powerOfData(code: Uint8Array): boolean {
  let at = 2 + code[1];
  let previous = -1; // the instruction that pushed the top of the stack: the exponent, at a POW
  while (at < code.length) {
    const op = code[at];
    if (op === OP.POW && SIGNED.has(code[at + 1]) && previous !== OP.CONST) return true;
    previous = op;
    at += 1 + (OPERAND_BYTES.get(op) ?? 1);
  }
  return false;
}

/**
 * `err` as the error of an apply that ran with `control`: unchanged when no block started (nothing was
 * written), else an `NdmmapError` of the same code whose message ends `… (written: 60%)`, with
 * `partial: true` and `written`.
 */
export function partialError(err: unknown, control: SharedArrayBuffer | ArrayBuffer, totalBytes: number): unknown {
  if (Atomics.load(new Int32Array(control), NEXT) === 0) return err;
  const done = Number(Atomics.load(new BigInt64Array(control), DONE));
  const written = totalBytes > 0 ? Math.min(1, done / totalBytes) : 0;
  const e = err as { code?: unknown; message?: unknown; syscall?: string; path?: string };
  const code = typeof e?.code === 'string' ? e.code : 'ERR_NDMMAP_WORKER';
  const message = `${typeof e?.message === 'string' ? e.message : String(err)}; the output is partly written ` +
    `(written: ${Math.floor(written * 100)}%, in blocks that finished; the rest is untouched or, in the failing block, partly written)`;
  const p = new NdmmapError(code, message, { syscall: e?.syscall, path: e?.path, cause: err });
  if (err instanceof Error && err.name === 'AbortError') p.name = 'AbortError';
  return Object.assign(p, { partial: true, written });
}

/**
 * Progress of one of the two passes of a checked apply (`second`: the writing pass), as a share of
 * one report from 0 to `totalBytes`: the read-only pass is the first half.
 */
export function passProgress(opts: RunOptions, second: boolean): RunOptions {
  const f = opts.onProgress;
  if (f === undefined) return opts;
  return {
    ...opts,
    onProgress: ({ doneBytes, totalBytes }) => f({
      doneBytes: second ? Math.floor(totalBytes / 2) + Math.ceil(doneBytes / 2) : Math.floor(doneBytes / 2), totalBytes,
    }),
  };
}
