/**
 * The operands of a reduction, as numpy sees `np.sum(expr, where=mask)`: `x` (the array), `y`, the
 * arrays `vars` names (MemMaps, typed arrays, reduction results) broadcast together into the shape
 * reduced, and a `where` MemMap broadcast into that shape (numpy's `where=` broadcasts one way only).
 * Each operand is laid out over the reduced shape with 0 strides along its broadcast dims, so the
 * native kernels read it like any view.
 */
import { type DType, isSwapped } from '../dtype.js';
import { fail } from '../errors.js';
import { type Layout, contiguousStrides, makeLayout } from '../layout.js';
import { type MemMap } from '../memmap.js';
import { type ArrayOperand, paren } from './operands.js';
import { type OperandRef } from './tasks.cjs';

/** One operand over the reduced shape: a MemMap, or values in JS memory. */
export interface ReduceOperand {
  name: string;
  dtype: DType;
  /** The operand as the reduction walks it: the reduced shape, 0 strides where it is broadcast. */
  layout: Layout;
  memmap?: MemMap;
  buffer?: ArrayBufferView;
}

/** Operand refs ids at or below this name the call's buffers (native/glue/glue_reduce.cc kBuffer0). */
export const BUFFER0 = -3;

/** `o` (any shape broadcastable to `shape`) laid out over `shape`. */
export function broadcastOperand(o: ArrayOperand, shape: readonly number[]): ReduceOperand {
  // a MemMap of the very shape keeps its own (frozen, shared) layout: plans are cached per layout
  if (o.memmap !== undefined && o.shape.length === shape.length && o.shape.every((n, d) => n === shape[d]))
    return { name: o.name, dtype: o.dtype, layout: o.memmap.layout, memmap: o.memmap };
  const own = o.memmap !== undefined ? o.memmap.layout.strides : contiguousStrides(o.shape, 'C');
  const off = shape.length - o.shape.length;
  const strides = shape.map((n, d) => {
    const k = d - off;
    return k < 0 || (o.shape[k] === 1 && n !== 1) ? 0 : own[k];
  });
  const layout = makeLayout(o.dtype, shape, strides, o.memmap !== undefined ? o.memmap.layout.byteOffset : 0);
  return { name: o.name, dtype: o.dtype, layout, memmap: o.memmap, buffer: o.buffer };
}

/**
 * A `where` mask's shape must broadcast into the reduced `shape`, never the other way (numpy's texts;
 * `counted`: mean, var and std, whose first step counts the mask).
 * @throws `ERR_NDMMAP_SHAPE`
 */
export function checkWhereShape(where: readonly number[], shape: readonly number[], counted: boolean): void {
  if (where.length > shape.length) fail('ERR_NDMMAP_SHAPE', 'input operand has more dimensions than allowed by the axis remapping');
  const off = shape.length - where.length;
  if (where.some((n, k) => n !== 1 && n !== shape[off + k])) {
    // mean, var and std count the mask first, through np.broadcast_to: its message
    const tail = counted ? `${paren(where)}  and requested shape ${paren(shape)}` : `${paren(shape)} ${paren(where)} `;
    fail('ERR_NDMMAP_SHAPE', `operands could not be broadcast together with remapped shapes [original->remapped]: ${tail}`);
  }
}

/** The native refs of the operands ([id or BUFFER0 - b, dtype code, swap]) and the buffers they name. */
export function operandRefs(ops: readonly ReduceOperand[], pool: boolean): { refs: OperandRef[]; buffers: ArrayBufferView[] } {
  const buffers: ArrayBufferView[] = [];
  const refs = ops.map((o): OperandRef => {
    if (o.memmap !== undefined) return [o.memmap.mapping.id, o.dtype.code, isSwapped(o.dtype) ? 1 : 0];
    buffers.push(pool ? shared(o.buffer!) : o.buffer!);
    return [BUFFER0 - (buffers.length - 1), o.dtype.code, 0];
  });
  return { refs, buffers };
}

/** A typed array over a SharedArrayBuffer (a copy unless it already is one): the workers share it. */
function shared(b: ArrayBufferView): ArrayBufferView {
  if (b.buffer instanceof SharedArrayBuffer) return b;
  const s = new SharedArrayBuffer(Math.max(b.byteLength, 8));
  new Uint8Array(s).set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  const T = b.constructor as (new (buf: SharedArrayBuffer, at: number, n: number) => ArrayBufferView) & { BYTES_PER_ELEMENT: number };
  return new T(s, 0, b.byteLength / T.BYTES_PER_ELEMENT);
}
