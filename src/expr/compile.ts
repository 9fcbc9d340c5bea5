/**
 * Compiles a syntax tree (parse.ts) to bytecode for the native block VM (native/apply.cc, native/vm.h).
 *
 * Bytecode format, version 1 — a stack machine whose every slot is a *block* of up to 256 elements,
 * numexpr-style, so one dispatch is paid per block, not per element:
 *
 *   byte 0     FORMAT_VERSION (1)
 *   byte 1     compute mode: 0 = float64, 1 = int64 (wrapping), 2 = uint64 (wrapping)
 *   byte 2..   instructions, one opcode byte each; only CONST has an operand:
 *                1 X            push the x block            2 Y       push the y block
 *                3 CONST lo hi  push consts[lo | hi << 8] (u16 little-endian index)
 *               10..22 unary    NEG ABS SQRT EXP LOG LOG1P SIN COS TAN FLOOR CEIL ROUND SQUARE (pop 1, push 1)
 *               32..46 binary   ADD SUB MUL DIV FLOORDIV MOD POW MIN MAX LT LE GT GE EQ NE (pop b, pop a, push a op b)
 *               64 WHERE, 65 CLIP  (pop c, pop b, pop a; push where(a, b, c) / clip(a, b, c))
 *   The program must leave exactly one block on the stack. In the integer modes consts hold int64 bit
 *   patterns (read through a BigInt64Array view) and DIV and SQRT..TAN are invalid. The native side
 *   re-validates everything (opcodes, const indexes, stack depth, mode) and refuses bad code with EINVAL.
 */
import type { DType } from '../dtype.js';
import { exprError } from './lex.js';
import type { BinaryOp, Node } from './parse.js';

/** Version byte at the start of every program; bump when the format changes. */
export const FORMAT_VERSION = 1;
/** Deepest VM stack a program may need; the native side allocates this many blocks at most. */
export const MAX_STACK = 1024;
/** Most distinct constants: CONST's index is a u16. */
export const MAX_CONSTS = 65_536;

/** Compute modes (byte 1 of a program). */
export const MODE = { float64: 0, int64: 1, uint64: 2 } as const;
export type Mode = keyof typeof MODE;

/** Opcodes; keep in step with `enum Op` in native/vm.h. */
export const OP = {
  X: 1, Y: 2, CONST: 3,
  NEG: 10, ABS: 11, SQRT: 12, EXP: 13, LOG: 14, LOG1P: 15, SIN: 16, COS: 17, TAN: 18, FLOOR: 19, CEIL: 20, ROUND: 21, SQUARE: 22,
  ADD: 32, SUB: 33, MUL: 34, DIV: 35, FLOORDIV: 36, MOD: 37, POW: 38, MIN: 39, MAX: 40,
  LT: 41, LE: 42, GT: 43, GE: 44, EQ: 45, NE: 46,
  WHERE: 64, CLIP: 65,
} as const;

const BINARY: ReadonlyMap<BinaryOp, number> = new Map<BinaryOp, number>([
  ['+', OP.ADD], ['-', OP.SUB], ['*', OP.MUL], ['/', OP.DIV], ['//', OP.FLOORDIV], ['%', OP.MOD], ['**', OP.POW],
  ['<', OP.LT], ['<=', OP.LE], ['>', OP.GT], ['>=', OP.GE], ['==', OP.EQ], ['!=', OP.NE],
]);

const CALLS: ReadonlyMap<string, number> = new Map([
  ['abs', OP.ABS], ['sqrt', OP.SQRT], ['exp', OP.EXP], ['log', OP.LOG], ['log1p', OP.LOG1P], ['sin', OP.SIN],
  ['cos', OP.COS], ['tan', OP.TAN], ['floor', OP.FLOOR], ['ceil', OP.CEIL], ['round', OP.ROUND],
  ['min', OP.MIN], ['max', OP.MAX], ['clip', OP.CLIP], ['where', OP.WHERE],
]);

// Functions that map integers to integers exactly (floor/ceil/round are the identity on integers).
const INT_CLOSED_CALLS = new Set(['abs', 'min', 'max', 'clip', 'where', 'floor', 'ceil', 'round']);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * The arithmetic numpy would use for `target[...] = expr` over these inputs, simplified: float64 unless
 * every input and the target are integer/bool and the expression is integer-closed; then uint64 when
 * an input is uint64 and none is signed (numpy keeps uint64 op python-int in uint64), int64 otherwise
 * (uint64 mixed with a signed input is float64 in numpy too).
 */
export function chooseMode(node: Node, inputs: readonly DType[], target: DType): Mode {
  const all = [...inputs, target];
  if (all.some((d) => d.kind === 'f')) return 'float64';
  const hasU64 = inputs.some((d) => d.name === 'uint64');
  const hasSigned = inputs.some((d) => d.kind === 'i');
  if (hasU64 && hasSigned) return 'float64';
  const mode: Mode = hasU64 ? 'uint64' : 'int64';
  return intClosed(node, mode === 'uint64' ? UINT64_MAX : INT64_MAX) ? mode : 'float64';
}

/**
 * Is every node integer-closed? A loop over an explicit stack, not recursion: `x+x+…+x` within
 * MAX_LENGTH is a left-deep tree thousands of nodes deep, more than the JS stack holds.
 */
function intClosed(root: Node, maxLiteral: bigint): boolean {
  const intLiteral = (n: Node): boolean => n.k === 'num' && n.int !== null && n.int <= maxLiteral;
  const todo: Node[] = [root];
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    switch (n.k) {
      case 'num': if (!intLiteral(n)) return false; break;
      case 'var': break;
      case 'neg': todo.push(n.a); break;
      case 'call':
        if (!INT_CLOSED_CALLS.has(n.fn)) return false;
        todo.push(...n.args);
        break;
      case 'bin':
        if (n.op === '/') return false;
        // numpy refuses negative integer powers of integers; a literal exponent is the only sure case.
        if (n.op === '**' && !intLiteral(n.b)) return false;
        todo.push(n.a, n.b);
        break;
    }
  }
  return true;
}

/** Bytecode, constants and the stack depth it needs. */
export interface Emitted {
  code: Uint8Array;
  consts: Float64Array;
  usesY: boolean;
  stack: number;
}

/**
 * Emit the bytecode for `node` in `mode`.
 * @throws `ERR_NDMMAP_EXPR` when the program would exceed {@link MAX_STACK} or {@link MAX_CONSTS}.
 */
export function emit(node: Node, mode: Mode): Emitted {
  const bytes: number[] = [FORMAT_VERSION, MODE[mode]];
  const consts: (number | bigint)[] = [];
  const constIndex = new Map<string, number>();
  let usesY = false;

  const constant = (n: Extract<Node, { k: 'num' }>): number => {
    const v: number | bigint = mode === 'float64' ? n.value : BigInt.asUintN(64, n.int!);
    const key = typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : String(v);
    let i = constIndex.get(key);
    if (i === undefined) {
      i = consts.length;
      if (i >= MAX_CONSTS) exprError(`expression has more than ${MAX_CONSTS} distinct constants`);
      consts.push(v);
      constIndex.set(key, i);
    }
    return i;
  };

  // A leaf's code, or the operands and opcode of an inner node.
  const split = (n: Node): { args: readonly Node[]; op: number } | undefined => {
    switch (n.k) {
      case 'num': {
        const i = constant(n);
        bytes.push(OP.CONST, i & 0xff, i >> 8);
        return undefined;
      }
      case 'var':
        if (n.name === 'y') usesY = true;
        bytes.push(n.name === 'x' ? OP.X : OP.Y);
        return undefined;
      case 'neg': return { args: [n.a], op: OP.NEG };
      case 'call': return { args: n.args, op: CALLS.get(n.fn)! };
      case 'bin':
        // numpy's fast paths for an array to a scalar power: `x**2` is square(x), `x**0.5` is sqrt(x).
        if (n.op === '**' && n.b.k === 'num' && (n.b.value === 2 || (n.b.value === 0.5 && mode === 'float64')))
          return { args: [n.a], op: n.b.value === 2 ? OP.SQUARE : OP.SQRT };
        return { args: [n.a, n.b], op: BINARY.get(n.op)! };
    }
  };

  // Post-order emission with the stack depth each subtree needs: operand i is evaluated with i
  // results already on the stack, so a node needs max(need(arg i) + i). An explicit stack of frames,
  // not recursion: a left-deep `x+x+…+x` is thousands of nodes deep yet needs only 2 slots.
  interface Frame { args: readonly Node[]; op: number; i: number; need: number }
  const walk = (root: Node): number => {
    const frames: Frame[] = [];
    let next: Node | undefined = root;
    let done = 0; // stack depth needed by the subtree just emitted
    for (;;) {
      if (next !== undefined) {
        const inner = split(next);
        next = undefined;
        if (inner !== undefined && inner.args.length > 0) {
          frames.push({ ...inner, i: 0, need: 0 });
          next = inner.args[0];
          continue;
        }
        if (inner !== undefined) bytes.push(inner.op);
        done = 1;
      }
      const f = frames[frames.length - 1];
      if (f === undefined) return done;
      f.need = Math.max(f.need, done + f.i);
      if (++f.i < f.args.length) {
        next = f.args[f.i];
        continue;
      }
      bytes.push(f.op);
      frames.pop();
      done = f.need;
    }
  };

  const stack = walk(node);
  if (stack > MAX_STACK) exprError(`expression needs ${stack} stack slots, more than the ${MAX_STACK} allowed`);
  const constArray = new Float64Array(consts.length);
  if (mode === 'float64') {
    consts.forEach((v, i) => { constArray[i] = v as number; });
  } else {
    const bits = new BigUint64Array(constArray.buffer);
    consts.forEach((v, i) => { bits[i] = v as bigint; });
  }
  return { code: Uint8Array.from(bytes), consts: constArray, usesY, stack };
}
