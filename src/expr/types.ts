/**
 * The numpy dtype of an expression's result: numpy's type promotion per operation, with Python number
 * literals "weak" (NEP 50: `x * 2` of float32 stays float32, `x + 1` of int8 stays int8).
 */
import { type DType, type DTypeName } from '../dtype.js';
import { type Node } from './parse.js';

/** A concrete dtype, or a weak Python int/float. */
type T = DTypeName | 'weak-int' | 'weak-float';

const FLOAT_BITS: Partial<Record<DTypeName, number>> = { float16: 16, float32: 32, float64: 64 };
const INT_BITS: Partial<Record<DTypeName, number>> = {
  int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16, uint32: 32, uint64: 64,
};

const isWeak = (t: T): t is 'weak-int' | 'weak-float' => t === 'weak-int' || t === 'weak-float';
const floatOf = (bits: number): DTypeName => (bits <= 16 ? 'float16' : bits <= 32 ? 'float32' : 'float64');
const signed = (bits: number): DTypeName => (`int${bits}` as DTypeName);

/** The smallest float that holds every value of an integer type (numpy's safe casts). */
function floatFor(t: DTypeName): number {
  if (t === 'bool') return 16;
  const b = INT_BITS[t];
  if (b === undefined) return FLOAT_BITS[t]!;
  return b <= 8 ? 16 : b <= 16 ? 32 : 64;
}

/** numpy's result_type of two concrete dtypes. */
function promoteConcrete(a: DTypeName, b: DTypeName): DTypeName {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  const fa = FLOAT_BITS[a], fb = FLOAT_BITS[b];
  if (fa !== undefined || fb !== undefined) return floatOf(Math.max(fa ?? floatFor(a), fb ?? floatFor(b)));
  const ua = a.startsWith('u'), ub = b.startsWith('u');
  const ba = INT_BITS[a]!, bb = INT_BITS[b]!;
  if (ua === ub) return ba >= bb ? a : b;
  const [s, sb, u] = ua ? [b, bb, ba] : [a, ba, bb];
  if (sb > u) return s;
  return u < 64 ? signed(u * 2) : 'float64';
}

function promote(a: T, b: T): T {
  if (isWeak(a) && isWeak(b)) return a === 'weak-float' || b === 'weak-float' ? 'weak-float' : 'weak-int';
  if (isWeak(a) || isWeak(b)) {
    const [w, c] = isWeak(a) ? [a, b as DTypeName] : [b as 'weak-int' | 'weak-float', a as DTypeName];
    if (w === 'weak-int') return c === 'bool' ? 'int64' : c;
    return FLOAT_BITS[c] !== undefined ? c : 'float64';
  }
  return promoteConcrete(a, b);
}

const FLOAT_FUNCS = new Set(['sqrt', 'exp', 'log', 'log1p', 'sin', 'cos', 'tan']);

function typeOf(n: Node, inputs: readonly DType[]): T {
  switch (n.k) {
    case 'num': return n.int !== null ? 'weak-int' : 'weak-float';
    case 'var': return inputs[n.name === 'x' ? 0 : 1].name;
    case 'neg': return typeOf(n.a, inputs);
    case 'bin': {
      if (['<', '<=', '>', '>=', '==', '!='].includes(n.op)) return 'bool';
      const t = promote(typeOf(n.a, inputs), typeOf(n.b, inputs));
      if (n.op !== '/') return t;
      if (t === 'weak-int') return 'weak-float';
      return t === 'weak-float' || FLOAT_BITS[t as DTypeName] !== undefined ? t : 'float64';
    }
    case 'call': {
      const args = n.args.map((a) => typeOf(a, inputs));
      if (n.fn === 'where') return promote(args[1], args[2]);
      if (n.fn === 'clip') return promote(promote(args[0], args[1]), args[2]);
      if (n.fn === 'min' || n.fn === 'max') return promote(args[0], args[1]);
      const t = args[0];
      if (FLOAT_FUNCS.has(n.fn)) return isWeak(t) ? 'weak-float' : floatOf(FLOAT_BITS[t] ?? floatFor(t));
      if (n.fn === 'round' && t === 'bool') return 'float16';
      return t; // abs, floor, ceil, round keep the type
    }
  }
}

/** numpy's dtype for the result of `node` over inputs of these dtypes (weak results as int64/float64). */
export function exprDtype(node: Node, inputs: readonly DType[]): DTypeName {
  const t = typeOf(node, inputs);
  return t === 'weak-int' ? 'int64' : t === 'weak-float' ? 'float64' : t;
}
