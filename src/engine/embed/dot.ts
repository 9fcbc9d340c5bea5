/**
 * `dot(a, v)`: numpy's `a @ v` for a (…, D) MemMap and a D-vector or D×Q matrix, in parallel over row
 * blocks. The result dtype is numpy's promotion; integers wrap, float16 accumulates in float32.
 */
import { type DTypeName, type Scalar, dtype as parseDtype } from '../../dtype.js';
import { fail, show } from '../../errors.js';
import { MemMap, checkMemMap } from '../../memmap.js';
import { type NDResult, allocate } from '../reduce.js';
import { type RunOptions, checkRunOptions } from '../run.js';
import { writeResult } from '../write-out.js';
import { type VectorLike, computeArray, plainDtype, promote, readOperand, sameKind } from './operands.js';
import { MAX_QUERIES, embedDescriptor, planRows, resultBuffer, rowCount, runRows } from './rows.js';

/** Options of `dot`. */
export interface DotOptions extends RunOptions {
  /** Write the result into this MemMap (numpy's `out`, casting 'same_kind'); it is flushed. */
  out?: MemMap;
}

const SIGNATURE = '(n?,k),(k,m?)->(n?,m?)';

/** The dtype a result array holds its values in (float16 as float32, bool as 0/1 bytes). */
export function heldAs(r: DTypeName): DTypeName { return r === 'float16' ? 'float32' : r === 'bool' ? 'uint8' : r; }

/**
 * numpy's `a @ v`: a (…, D) array times a D-vector (→ shape (…)) or a D×Q matrix (→ (…, Q), Q ≤ 64).
 * A 1-D `a` with a vector gives a scalar (a bigint for 64-bit integers, a boolean for bool).
 * @param v a typed array (1-D), `{ data, shape: [D] | [D, Q] }` (C order), a MemMap, or numbers
 *   (numpy's default int64/float64 for plain numbers)
 * @param options out (a MemMap of the result's shape), threads, signal, onProgress
 * @throws `ERR_NDMMAP_SHAPE` (numpy's matmul core-dimension messages), `ERR_NDMMAP_DTYPE` (non-numeric
 *   vector; `out` not castable), `ERR_OUT_OF_RANGE` (Q > 64), `ERR_INVALID_ARG_TYPE`, `ERR_NDMMAP_CLOSED`.
 * @example const scores = await dot(emb, Float32Array.from(query)); // shape (N,), float32
 */
export async function dot(a: MemMap, v: VectorLike, options: DotOptions = {}): Promise<Scalar | NDResult | MemMap> {
  checkMemMap(a, 'the array');
  const opts = checkRunOptions(options);
  a.mapping.check();
  if (a.ndim === 0)
    fail('ERR_NDMMAP_SHAPE', `matmul: Input operand 0 does not have enough dimensions (has 0, gufunc core with signature ${SIGNATURE} requires 1)`);
  const op = readOperand(v, 'the vector');
  if (op.shape.length === 0 || op.shape.length > 2)
    fail('ERR_NDMMAP_SHAPE', `matmul: Input operand 1 does not have enough dimensions (has ${op.shape.length}, gufunc core with signature ${SIGNATURE} requires 1)`);
  const D = a.shape[a.ndim - 1];
  if (op.shape[0] !== D)
    fail('ERR_NDMMAP_SHAPE', `matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature ${SIGNATURE} (size ${op.shape[0]} is different from ${D})`);
  const matrix = op.shape.length === 2;
  const Q = matrix ? op.shape[1] : 1;
  if (Q > MAX_QUERIES) fail('ERR_OUT_OF_RANGE', `dot takes at most ${MAX_QUERIES} columns, got ${Q}`);
  const r = promote(a.dtype.name, op.dtype ?? plainDtype(op.values));
  const mode = r === 'float16' || r === 'float32' ? 'float32' : r === 'float64' ? 'float64' : 'int64';
  const outShape = [...a.shape.slice(0, -1), ...(matrix ? [Q] : [])];
  const out = options.out;
  if (out !== undefined) checkDotOut(out, outShape, r);
  // v is (D, Q) in C order; the kernel wants each column contiguous (Q x D).
  const queries = computeArray(mode, op.values, (i) => (i % D) * Q + Math.floor(i / D), Q * D);
  const N = rowCount(a);
  const plan = planRows(a, 0, N);
  const held = heldAs(r);
  const item = parseDtype(held).itemsize;
  const buf = resultBuffer(N * Q * item, plan.totalBytes);
  const desc = embedDescriptor(a, { op: 0, mode: parseDtype(mode).code, metric: 0, k: 0, Q, outType: parseDtype(r).code, storeType: parseDtype(held).code });
  a.checkFile();
  await runRows({ desc, queries, out: buf, outWords: false, blocks: plan.blocks }, plan.totalBytes, opts);
  a.mapping.check(); // closed during the call: the blocks that had not started were skipped
  const data = allocate(r, N * Q);
  const Ctor = data.constructor as new (b: ArrayBufferLike, o: number, n: number) => typeof data;
  (data as { set(x: ArrayLike<number | bigint>): void }).set(new Ctor(buf, 0, N * Q) as ArrayLike<number | bigint>);
  if (out !== undefined) { writeResult(out, data, r); return out; }
  if (outShape.length === 0) {
    const x = data[0];
    return r === 'bool' ? x !== 0 : x;
  }
  return { shape: outShape, dtype: r, data };
}

function checkDotOut(out: MemMap, shape: number[], r: DTypeName): void {
  checkMemMap(out, 'out');
  out.mapping.check();
  if (out.shape.join() !== shape.join() || out.ndim !== shape.length)
    fail('ERR_NDMMAP_SHAPE', `matmul: Output operand 0 has a mismatch in its core dimension, expected shape ${show(shape)}, got ${show(out.shape)}`);
  if (!sameKind(r, out.dtype.name))
    fail('ERR_NDMMAP_DTYPE', `Cannot cast ufunc 'matmul' output from dtype('${r}') to dtype('${out.dtype.name}') with casting rule 'same_kind'`);
  out.checkWritable();
  out.checkFile();
}
