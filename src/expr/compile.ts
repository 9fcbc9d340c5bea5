/**
 * Compiles a typed tree (resolve.ts) to bytecode for the native block VM (native/vm/vm.h, vm_isa.cc).
 *
 * Bytecode format, version 2 — a stack machine whose every slot is a *block* of up to kBlock
 * elements of one dtype, numexpr-style, so one dispatch is paid per block, not per element. Every
 * instruction names the dtype it computes in; operands are cast explicitly beforehand, so the VM
 * evaluates numpy's loops one operation at a time:
 *
 *   byte 0         FORMAT_VERSION (2)
 *   byte 1         n, the number of operands (at most MAX_OPERANDS)
 *   bytes 2..n+1   the dtype code of each operand (src/dtype.ts DTYPE_CODES): what LOAD k pushes
 *   then instructions, an opcode byte and its operand bytes:
 *     LOAD k            push operand k
 *     CONST t lo hi     push consts[lo | hi << 8] as dtype t (a float64 value for float types, the
 *                       int64 bits of the value for integer types and bool)
 *     CAST from to      pop a `from` block, push it as `to` (numpy's casting='unsafe')
 *     <unary> t         pop a t block, push the result (t, or bool for ISNAN ISINF ISFINITE)
 *     <binary> t        pop b, pop a (both t), push a op b (t, or bool for comparisons); for
 *                       comparisons t may be MIXED_QQ (a int64, b uint64) or MIXED_QQR (the reverse)
 *     WHERE t           pop c (t), b (t), a (bool): push where(a, b, c)
 *     CLIP t            pop hi, lo, x (all t): push clip(x, lo, hi)
 *   The program must leave exactly one block on the stack. The native side re-validates everything
 *   (opcodes, dtypes of every slot, const indexes, stack depth, operand dtypes against the data it is
 *   given) and refuses bad code with EINVAL.
 */
import { DTYPE_CODES, type DTypeName } from '../dtype.js';
import { exprError } from './lex.js';
import { LIMITS, OP as CONTRACT_OP, TYPE_EXTRA } from '../gen/contract.cjs';
import { type IR, MIXED_QQ, MIXED_QQR } from './resolve.js';

/** Version byte at the start of every program; bump when the format changes. */
export const FORMAT_VERSION = LIMITS.vmFormat;
/** Deepest VM stack a program may need; the native side allocates this many blocks at most. */
export const MAX_STACK = LIMITS.vmMaxStack;
/** Most distinct constants: CONST's index is a u16. */
export const MAX_CONSTS = LIMITS.vmMaxConsts;
/** Most operands one program reads (arrays and index variables). */
export const MAX_OPERANDS = LIMITS.vmMaxOperands;
/** Type codes of the exact int64/uint64 comparison loops (after the 12 dtype codes). */
export const TYPE_MIXED = { [MIXED_QQ]: TYPE_EXTRA.mixedQQ, [MIXED_QQR]: TYPE_EXTRA.mixedQQR } as const;

/** Opcodes, from the contract spec (contract/spec.mjs); the addon exports its table and src/native.ts checks it. */
export const OP = CONTRACT_OP;

/** Bytecode, constants and the stack depth it needs. */
export interface Emitted {
  code: Uint8Array;
  consts: Float64Array;
  stack: number;
}

const code = (t: DTypeName): number => DTYPE_CODES.indexOf(t);

/**
 * Emit the bytecode for `root` reading operands of dtypes `operands` (slot k is operand k).
 * @throws `ERR_NDMMAP_EXPR` when the program would exceed {@link MAX_STACK}, {@link MAX_CONSTS} or {@link MAX_OPERANDS}.
 */
export function emit(root: IR, operands: readonly DTypeName[]): Emitted {
  if (operands.length > MAX_OPERANDS) exprError(`an expression reads at most ${MAX_OPERANDS} arrays, got ${operands.length}`);
  const bytes: number[] = [FORMAT_VERSION, operands.length, ...operands.map(code)];
  const consts: (number | bigint)[] = [];
  const constIndex = new Map<string, number>();

  const constant = (t: DTypeName, v: number | bigint): number => {
    const key = `${t}:${typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v)}`;
    let i = constIndex.get(key);
    if (i === undefined) {
      i = consts.length;
      if (i >= MAX_CONSTS) exprError(`expression has more than ${MAX_CONSTS} distinct constants`);
      consts.push(typeof v === 'bigint' ? BigInt.asUintN(64, v) : v);
      constIndex.set(key, i);
    }
    return i;
  };

  // A leaf's bytes (undefined), or the operands of an inner node with the bytes that follow them.
  const split = (n: IR): { args: readonly IR[]; tail: number[] } | undefined => {
    switch (n.k) {
      case 'const': {
        const i = constant(n.t, n.v);
        bytes.push(OP.CONST, code(n.t), i & 0xff, i >> 8);
        return undefined;
      }
      case 'load':
        bytes.push(OP.LOAD, n.slot);
        return undefined;
      case 'cast': return { args: [n.a], tail: [OP.CAST, code(n.a.t), code(n.t)] };
      case 'op': {
        const t = n.loop === MIXED_QQ || n.loop === MIXED_QQR ? TYPE_MIXED[n.loop] : code(n.loop);
        return { args: n.args, tail: [OP[n.op as keyof typeof OP], t] };
      }
    }
  };

  // Post-order emission with the stack depth each subtree needs: operand i is evaluated with i
  // results already on the stack, so a node needs max(need(arg i) + i). An explicit stack of frames,
  // not recursion: a left-deep `x+x+…+x` is thousands of nodes deep yet needs only 2 slots.
  interface Frame { args: readonly IR[]; tail: number[]; i: number; need: number }
  const frames: Frame[] = [];
  let next: IR | undefined = root;
  let done = 0;
  for (;;) {
    if (next !== undefined) {
      const inner = split(next);
      next = undefined;
      if (inner !== undefined) {
        frames.push({ ...inner, i: 0, need: 0 });
        next = inner.args[0];
        continue;
      }
      done = 1;
    }
    const f = frames[frames.length - 1];
    if (f === undefined) break;
    f.need = Math.max(f.need, done + f.i);
    if (++f.i < f.args.length) {
      next = f.args[f.i];
      continue;
    }
    bytes.push(...f.tail);
    frames.pop();
    done = f.need;
  }
  if (done > MAX_STACK) exprError(`expression needs ${done} stack slots, more than the ${MAX_STACK} allowed`);
  const constArray = new Float64Array(consts.length);
  const bits = new BigUint64Array(constArray.buffer);
  consts.forEach((v, i) => { if (typeof v === 'bigint') bits[i] = v; else constArray[i] = v; });
  return { code: Uint8Array.from(bytes), consts: constArray, stack: done };
}
