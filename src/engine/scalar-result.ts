/**
 * numpy's `out[...] = np.int16(300)`: an expression of numbers (`int16(300)`, `sin(1) * 1e300`), or an
 * operation on 0-d arrays only, gives a numpy scalar, and numpy's setitem reads a scalar going into a
 * signed integer array as a Python int — `int(v)`, NaN and inf refused, then the int must fit
 * (`Python integer 300 out of bounds for int8`, `Python int too large to convert to C long`) — where an
 * array would be cast. Unsigned, bool and float targets take the scalar by a plain cast, as numpy
 * does. The value is computed once by the VM into JS memory, before anything is written.
 */
import { type DType, type Scalar, dtype as parseDtype, readScalar, writeScalar } from '../dtype.js';
import { type Program } from '../expr/index.js';
import { scalarCast } from '../expr/weak.js';
import { native } from '../native.js';

/** Buffer source of an apply operand (native/glue/glue_apply.cc): -3 - b is buffers[b]. */
const BUFFER0 = -3;

/** The one value of a 0-d operand: its element as the VM reads it (native byte order; float16 as bits). */
export type ScalarOperand = { dtype: DType; value: Scalar } | { dtype: DType; buffer: ArrayBufferView };

/**
 * Throw numpy's error when scalar program `p` cannot be assigned into an array of dtype `target`.
 * @param operand the value of each 0-d array operand the program reads, by name
 * @throws `ERR_NDMMAP_EXPR` with numpy's OverflowError/ValueError text.
 */
export function checkScalarInto(p: Program, target: DType, operand: (name: string) => ScalarOperand | undefined): void {
  if (!p.scalar || target.kind !== 'i') return;
  const dt = parseDtype(p.dtype);
  const bytes = new Uint8Array(8);
  const buffers: ArrayBufferView[] = [bytes];
  const n = p.operands.length;
  const desc = new Float64Array(2 + (n + 1) * 4);
  desc.set([0, n, BUFFER0, dt.code, 0, 0]);
  p.operands.forEach((name, k) => {
    const o = p.names.includes(name) ? operand(name) : undefined;
    if (o === undefined) { desc.set([-1, dt.code, 0, 0], 6 + 4 * k); return; } // declared, never read
    let b: ArrayBufferView;
    if ('buffer' in o) b = o.buffer;
    else {
      const native = parseDtype(o.dtype.name); // native byte order
      b = new Uint8Array(8);
      writeScalar(new DataView(b.buffer), 0, native, typeof o.value === 'boolean' ? +o.value : o.value);
    }
    desc.set([BUFFER0 - buffers.length, o.dtype.code, 0, 0], 6 + 4 * k);
    buffers.push(b);
  });
  native.apply(p.code, p.consts, desc, buffers);
  const v = readScalar(new DataView(bytes.buffer), 0, dt);
  const w = typeof v === 'bigint' ? { w: 'int' as const, v } : typeof v === 'boolean' ? { w: 'bool' as const, v }
    : dt.kind === 'f' ? { w: 'float' as const, v } : { w: 'int' as const, v: BigInt(v) };
  scalarCast(w, target.name, 'the result: ');
}
