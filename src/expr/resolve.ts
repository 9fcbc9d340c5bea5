/**
 * Typing an expression as numpy evaluates it, one operation at a time (NEP 50): every operation gets
 * the loop numpy's resolver picks for its operands' dtypes, Python numbers take the dtype of the arrays
 * they meet (or fold with Python's semantics when they meet each other), and every operand is cast
 * explicitly to the loop's input type. The result is a typed tree (`IR`) whose every node carries
 * its dtype; compile.ts turns it into bytecode.
 */
import { type DTypeName } from '../dtype.js';
import { type Weak, foldBinary, foldUnary } from './fold.js';
import { exprError } from './lex.js';
import { type Node } from './parse.js';
import { type Loop, findLoop, intRange, isFloat, isInt, promote, weakDefault, weakTarget } from './types.js';
import { BINARY_UFUNC, FUNCTIONS, UFUNCS, UNARY_UFUNC, type UFunc } from './ufuncs.js';
import { type ConstValue, roundTo, scalarCast, weakAs, weakWrapped, wrapInt } from './weak.js';

/** Loop type codes beyond the dtype codes: numpy's exact int64/uint64 comparison loops. */
export const MIXED_QQ = 'int64,uint64';
export const MIXED_QQR = 'uint64,int64';

/** A typed node. `t` is the node's result dtype. */
export type IR =
  | { readonly k: 'const'; readonly t: DTypeName; readonly v: ConstValue }
  | { readonly k: 'load'; readonly t: DTypeName; readonly slot: number }
  | { readonly k: 'op'; readonly op: string; readonly loop: DTypeName | typeof MIXED_QQ | typeof MIXED_QQR; readonly t: DTypeName; readonly args: readonly IR[] }
  | { readonly k: 'cast'; readonly t: DTypeName; readonly a: IR };

/** A value during typing: an array-valued node, or a Python number. */
type Val = { readonly s: 'arr'; readonly ir: IR } | { readonly s: 'weak'; readonly x: Weak };

/** What a variable name stands for: an array operand (slot, dtype) or a Python number. */
export type Binding = { readonly slot: number; readonly dtype: DTypeName } | { readonly weak: Weak };

const arr = (ir: IR): Val => ({ s: 'arr', ir });
const typeOf = (v: Val): DTypeName => (v.s === 'arr' ? v.ir.t : weakDefault(v.x.w));
const constant = (t: DTypeName, v: ConstValue): IR => ({ k: 'const', t, v });

/** `ir` as dtype t: itself, a folded constant, or a cast (numpy's unsafe cast, as loops and astype use). */
export function castTo(ir: IR, t: DTypeName): IR {
  if (ir.t === t) return ir;
  const v = ir.k === 'const' ? castConst(ir.v, ir.t, t) : undefined;
  return v !== undefined ? constant(t, v) : { k: 'cast', t, a: ir };
}

/** A constant cast at compile time where that is exact numpy; undefined: leave it to the VM. */
function castConst(v: ConstValue, from: DTypeName, to: DTypeName): ConstValue | undefined {
  if (to === 'bool') return (typeof v === 'bigint' ? v !== 0n : v !== 0) ? 1n : 0n;
  if (typeof v === 'bigint') {
    if (!isFloat(to)) return wrapInt(v, to);
    // int64 -> float32 rounds once in C; through a JS double it could round twice
    return to === 'float64' || Number(/\d+$/.exec(from)?.[0] ?? 8) <= 16 ? roundTo(Number(v), to) : undefined;
  }
  return isFloat(to) ? roundTo(v, to) : undefined;
}

/** A Python number or array as dtype t (NEP 50 conversion for Python numbers). */
function as(v: Val, t: DTypeName, at: string): IR {
  return v.s === 'arr' ? castTo(v.ir, t) : constant(t, weakAs(v.x, t, at));
}

const NO_LOOP = (u: UFunc, ts: DTypeName[], at: string): never =>
  exprError(`${at}ufunc '${u.name}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe'' (the input types are ${ts.join(', ')})`);

/** The loop numpy picks for concrete input dtypes `ts`. */
function pickLoop(u: UFunc, ts: DTypeName[], at: string): Loop {
  if (u.rule === 'truediv' && ts.every((t) => !isFloat(t))) return { ins: ts.map(() => 'float64'), out: 'float64' };
  if (ts.length > 0 && ts.every((t) => t === 'bool')) {
    if (u.name === 'sign' || u.name === 'positive')
      exprError(`${at}ufunc '${u.name}' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None`);
    if (u.name === 'subtract') exprError(`${at}numpy boolean subtract, the \`-\` operator, is not supported, use the bitwise_xor, the \`^\` operator, or the logical_xor function instead.`);
    if (u.name === 'negative') exprError(`${at}The numpy boolean negative, the \`-\` operator, is not supported, use the \`~\` operator or the logical_not function instead.`);
  }
  return findLoop(u.loops, ts) ?? NO_LOOP(u, ts, at);
}

/** Is Python int `v` outside integer dtype t (a comparison with it has a constant result)? */
function outside(v: Weak, t: DTypeName): 'below' | 'above' | undefined {
  if (v.w !== 'int' || !isInt(t)) return undefined;
  const [lo, hi] = intRange(t);
  return v.v < lo ? 'below' : v.v > hi ? 'above' : undefined;
}

const COMPARE_BELOW: Record<string, boolean> = { less: false, less_equal: false, greater: true, greater_equal: true, equal: false, not_equal: true };

/** A lone Python number as numpy's asarray makes it: int64, uint64 for ints in [2**63, 2**64), float64, bool. */
function lone(x: Weak, at: string): Val {
  const t = x.w === 'int' && x.v >= 2n ** 63n && x.v < 2n ** 64n ? 'uint64' : weakDefault(x.w);
  return arr(constant(t, weakAs(x, t, at)));
}

/** Apply ufunc `name` to values, numpy's way. */
function ufunc(name: string, args: Val[], at: string): Val {
  const u = UFUNCS.get(name)!;
  // np.clip makes its first argument an array (`asarray(3)`: strong int64/float64); the bounds stay weak.
  if (name === 'clip' && args[0].s === 'weak') args = [lone(args[0].x, at), ...args.slice(1)];
  // All Python numbers: numpy makes arrays of them and the result is a numpy scalar, no longer weak.
  if (args.every((a) => a.s === 'weak'))
    args = args.map((a) => (args.length === 1 ? lone((a as { x: Weak }).x, at) : arr(constant(weakDefault((a as { x: Weak }).x.w), weakAs((a as { x: Weak }).x, weakDefault((a as { x: Weak }).x.w), at)))));
  const common = args.filter((a) => a.s === 'arr').map(typeOf).reduce(promote);
  // Comparisons of integer arrays with Python ints outside their range: numpy answers exactly.
  if (u.rule === 'compare' && isInt(common)) {
    for (let k = 0; k < 2; k++) {
      const a = args[k];
      const side = a.s === 'weak' ? outside(a.x, weakTarget(a.x.w, common)) : undefined;
      if (side === undefined) continue;
      // x < big is true for every x; big < x is false: swap the sense for a number on the left
      const below = side === 'below' ? COMPARE_BELOW[u.name] : !COMPARE_BELOW[u.name];
      const r = u.name === 'equal' || u.name === 'not_equal' ? COMPARE_BELOW[u.name] : k === 0 ? !below : below;
      return arr(constant('bool', r ? 1n : 0n));
    }
  }
  // clip: a bound beyond the integer dtype on the side that clips nothing is dropped, as numpy 2 does.
  if (u.name === 'clip' && isInt(common)) {
    args = args.map((a, k) => {
      if (k === 0 || a.s !== 'weak') return a;
      const side = outside(a.x, common);
      if (side !== (k === 1 ? 'below' : 'above')) return a;
      const [lo, hi] = intRange(common);
      return { s: 'weak', x: { w: 'int', v: k === 1 ? lo : hi } };
    });
  }
  // NEP 50: a Python number takes the arrays' kind to choose the loop, then the loop's dtype.
  const ts = args.map((a) => (a.s === 'arr' ? a.ir.t : weakTarget(a.x.w, common)));
  const loop = pickLoop(u, ts, at);
  const ins = args.map((a, k) => as(a, loop.ins[k], at));
  if (u.op === undefined) return arr(ins[0]); // positive: the identity
  const mixed = u.rule === 'compare' && loop.ins[0] !== loop.ins[1];
  const lt = mixed ? (loop.ins[0] === 'int64' ? MIXED_QQ : MIXED_QQR) : loop.ins[0];
  return arr({ k: 'op', op: u.op, loop: lt, t: loop.out, args: ins });
}

/** `a ** b` with numpy 2's fast paths for a float array to a Python scalar power. `empty`: no element is computed. */
function power(a: Val, b: Val, at: string, empty: boolean): Val {
  if (a.s === 'arr' && isFloat(a.ir.t) && b.s === 'weak') {
    const x = b.x;
    const unary = x.w === 'int' && x.v === 2n ? 'SQUARE' : x.w === 'int' && x.v === -1n ? 'RECIP' : x.w === 'float' && x.v === 0.5 ? 'SQRT' : undefined;
    if (unary !== undefined) return arr({ k: 'op', op: unary, loop: a.ir.t, t: a.ir.t, args: [a.ir] });
  }
  const r = ufunc('power', [a, b], at);
  // numpy checks each element, so an empty result raises nothing
  if (b.s === 'weak' && b.x.w === 'int' && b.x.v < 0n && r.s === 'arr' && !isFloat(r.ir.t) && !empty)
    exprError(`${at}Integers to negative integer powers are not allowed.`);
  return r;
}

function where(c: Val, a: Val, b: Val, at: string): Val {
  const cond = c.s === 'arr' ? castTo(c.ir, 'bool') : constant('bool', weakAs(c.x, 'bool', at));
  let ta: DTypeName, tb: DTypeName;
  if (a.s === 'weak' && b.s === 'weak') { ta = weakDefault(a.x.w); tb = weakDefault(b.x.w); }
  else { ta = a.s === 'arr' ? a.ir.t : weakTarget(a.x.w, typeOf(b)); tb = b.s === 'arr' ? b.ir.t : weakTarget(b.x.w, typeOf(a)); }
  const t = promote(ta, tb);
  const val = (v: Val, tv: DTypeName): IR => castTo(v.s === 'arr' ? v.ir : constant(tv, weakWrapped(v.x, tv, at)), t);
  return arr({ k: 'op', op: 'WHERE', loop: t, t, args: [cond, val(a, ta), val(b, tb)] });
}

function round(a: Val, at: string): Val {
  const v = a.s === 'weak' ? lone(a.x, at) : a;
  const t = typeOf(v);
  if (isInt(t)) return v; // np.round of integers: the array itself
  return ufunc('rint', [v], at);
}

function call(fn: string, args: Val[], at: string): Val {
  const f = FUNCTIONS.get(fn)!.f;
  switch (f.kind) {
    case 'ufunc': return ufunc(f.ufunc, args, at);
    case 'where': return where(args[0], args[1], args[2], at);
    case 'round': return round(args[0], at);
    case 'copy': return args[0].s === 'weak' ? lone(args[0].x, at) : args[0]; // np.copy: an array, same dtype
    case 'ones_like': { // np.ones_like: ones of the operand's dtype (and shape: its names still broadcast)
      const t = typeOf(args[0].s === 'weak' ? lone(args[0].x, at) : args[0]);
      return arr(constant(t, t === 'bool' || !isFloat(t) ? 1n : 1));
    }
    case 'cast': {
      const a = args[0];
      return arr(a.s === 'arr' ? castTo(a.ir, f.to) : constant(f.to, scalarCast(a.x, f.to, at)));
    }
  }
}

function weakOf(n: Node): Weak | undefined {
  if (n.k === 'num') return n.int !== null ? { w: 'int', v: n.int } : { w: 'float', v: n.value };
  if (n.k === 'bool') return { w: 'bool', v: n.value };
  return undefined;
}

const children = (n: Node): readonly Node[] => (n.k === 'un' ? [n.a] : n.k === 'bin' ? [n.a, n.b] : n.k === 'call' ? n.args : []);

/**
 * The typed tree of `root`, and every variable name it reads. Iterative: deep left chains never recurse.
 * `empty`: the result has no elements, so errors numpy raises per element (an integer to a negative
 * power) are not raised.
 */
export function resolve(root: Node, bind: (name: string) => Binding, empty = false): { ir: IR | Weak; names: Set<string> } {
  const names = new Set<string>();
  const leaf = (n: Node): Val => {
    const w = weakOf(n);
    if (w !== undefined) return { s: 'weak', x: w };
    const name = (n as { name: string }).name;
    names.add(name);
    const b = bind(name);
    return 'weak' in b ? { s: 'weak', x: b.weak } : arr({ k: 'load', t: b.dtype, slot: b.slot });
  };
  const combine = (n: Node, args: Val[]): Val => {
    const at = `at ${n.pos}: `;
    if (n.k === 'un') return args[0].s === 'weak' ? { s: 'weak', x: foldUnary(n.op, args[0].x, at) } : ufunc(UNARY_UFUNC[n.op], args, at);
    if (n.k === 'call') return call(n.fn, args, at);
    const [a, b] = args;
    if (n.k !== 'bin') throw new Error('unreachable');
    if (a.s === 'weak' && b.s === 'weak') return { s: 'weak', x: foldBinary(n.op, a.x, b.x, at) };
    if (n.op === '**') return power(a, b, at, empty);
    return ufunc(BINARY_UFUNC[n.op], args, at);
  };
  interface Frame { n: Node; kids: readonly Node[]; done: Val[] }
  const stack: Frame[] = [{ n: root, kids: children(root), done: [] }];
  let result: Val | undefined;
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.done.length < f.kids.length) {
      const c = f.kids[f.done.length];
      stack.push({ n: c, kids: children(c), done: [] });
      continue;
    }
    stack.pop();
    const v = f.kids.length === 0 ? leaf(f.n) : combine(f.n, f.done);
    if (stack.length === 0) result = v;
    else stack[stack.length - 1].done.push(v);
  }
  const r = result!;
  return { ir: r.s === 'arr' ? r.ir : r.x, names };
}
