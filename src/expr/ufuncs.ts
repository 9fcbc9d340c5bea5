/**
 * The registry of everything an expression can compute: operators and functions, each as the numpy
 * ufunc it stands for (its name, the VM opcode, its loops in numpy's order), plus the few functions
 * that are not plain ufuncs (`where`, `clip`, `round`, the casts). parse.ts takes the names and
 * arities from here, resolve.ts the loops; the VM opcodes are in compile.ts (`OP`).
 */
import { DTYPE_CODES, type DTypeName } from '../dtype.js';
import { type Loop, loops, sameLoops } from './types.js';

const ALL = '?bBhHiIqQefd';
const NUM = 'bBhHiIqQefd';
const BINT = '?bBhHiIqQ';
const INT = 'bBhHiIqQ';
const FLT = 'efd';

/** A numpy ufunc as the VM runs it. */
export interface UFunc {
  /** numpy's name, for messages (`true_divide`, `bitwise_and`). */
  readonly name: string;
  /** VM opcode name (`OP` in compile.ts); undefined for `positive` (the identity). */
  readonly op?: string;
  readonly nin: number;
  readonly loops: readonly Loop[];
  /** Result dtype rule: `same` as the loop's output, or numpy's special resolvers. */
  readonly rule?: 'truediv' | 'compare';
}

const uf = (name: string, op: string | undefined, nin: number, ls: Loop[], rule?: UFunc['rule']): UFunc =>
  ({ name, op, nin, loops: ls, rule });
const unaryFloat = (name: string, op: string): UFunc => uf(name, op, 1, sameLoops(FLT, 1));

const COMPARE_LOOPS = [...sameLoops('?bBhHiIqQ', 2, '?'), ...loops('qQ->?', 'Qq->?'), ...sameLoops(FLT, 2, '?')];

/** Every ufunc, by numpy name. */
export const UFUNCS: ReadonlyMap<string, UFunc> = new Map([
  uf('add', 'ADD', 2, sameLoops(ALL, 2)),
  uf('subtract', 'SUB', 2, sameLoops(NUM, 2)),
  uf('multiply', 'MUL', 2, sameLoops(ALL, 2)),
  uf('true_divide', 'DIV', 2, sameLoops(FLT, 2), 'truediv'),
  uf('floor_divide', 'FLOORDIV', 2, sameLoops(NUM, 2)),
  uf('remainder', 'MOD', 2, sameLoops(NUM, 2)),
  uf('power', 'POW', 2, sameLoops(NUM, 2)),
  uf('minimum', 'MIN', 2, sameLoops(ALL, 2)),
  uf('maximum', 'MAX', 2, sameLoops(ALL, 2)),
  uf('arctan2', 'ARCTAN2', 2, sameLoops(FLT, 2)),
  uf('hypot', 'HYPOT', 2, sameLoops(FLT, 2)),
  uf('bitwise_and', 'AND', 2, sameLoops(BINT, 2)),
  uf('bitwise_or', 'OR', 2, sameLoops(BINT, 2)),
  uf('bitwise_xor', 'XOR', 2, sameLoops(BINT, 2)),
  uf('left_shift', 'SHL', 2, sameLoops(INT, 2)),
  uf('right_shift', 'SHR', 2, sameLoops(INT, 2)),
  uf('less', 'LT', 2, COMPARE_LOOPS, 'compare'),
  uf('less_equal', 'LE', 2, COMPARE_LOOPS, 'compare'),
  uf('greater', 'GT', 2, COMPARE_LOOPS, 'compare'),
  uf('greater_equal', 'GE', 2, COMPARE_LOOPS, 'compare'),
  uf('equal', 'EQ', 2, COMPARE_LOOPS, 'compare'),
  uf('not_equal', 'NE', 2, COMPARE_LOOPS, 'compare'),
  uf('clip', 'CLIP', 3, sameLoops(ALL, 3)),
  uf('negative', 'NEG', 1, sameLoops(NUM, 1)),
  uf('positive', undefined, 1, sameLoops(NUM, 1)),
  uf('absolute', 'ABS', 1, sameLoops(ALL, 1)),
  uf('sign', 'SIGN', 1, sameLoops(NUM, 1)),
  uf('square', 'SQUARE', 1, sameLoops(NUM, 1)),
  uf('reciprocal', 'RECIP', 1, sameLoops(FLT, 1)),
  uf('invert', 'INVERT', 1, sameLoops(BINT, 1)),
  uf('floor', 'FLOOR', 1, sameLoops(ALL, 1)),
  uf('ceil', 'CEIL', 1, sameLoops(ALL, 1)),
  uf('trunc', 'TRUNC', 1, sameLoops(ALL, 1)),
  uf('rint', 'RINT', 1, sameLoops(FLT, 1)),
  uf('isnan', 'ISNAN', 1, sameLoops(ALL, 1, '?')),
  uf('isinf', 'ISINF', 1, sameLoops(ALL, 1, '?')),
  uf('isfinite', 'ISFINITE', 1, sameLoops(ALL, 1, '?')),
  uf('signbit', 'SIGNBIT', 1, sameLoops(FLT, 1, '?')),
  uf('fmod', 'FMOD', 2, sameLoops(NUM, 2)),
  uf('copysign', 'COPYSIGN', 2, sameLoops(FLT, 2)),
  uf('nextafter', 'NEXTAFTER', 2, sameLoops(FLT, 2)),
  // the identity on real numbers; it has no bool loop, so bools become int8 (numpy's np.conj)
  uf('conjugate', undefined, 1, sameLoops(NUM, 1)),
  ...['sqrt', 'exp', 'expm1', 'log', 'log10', 'log2', 'log1p', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan',
    'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh', 'arctanh'].map((n) => unaryFloat(n, n.toUpperCase())),
].map((u) => [u.name, u]));

/** Binary operators and the ufunc each one calls (Python's operator protocol on numpy arrays). */
export const BINARY_UFUNC: Readonly<Record<string, string>> = {
  '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'true_divide', '//': 'floor_divide', '%': 'remainder',
  '**': 'power', '<': 'less', '<=': 'less_equal', '>': 'greater', '>=': 'greater_equal', '==': 'equal',
  '!=': 'not_equal', '&': 'bitwise_and', '|': 'bitwise_or', '^': 'bitwise_xor', '<<': 'left_shift', '>>': 'right_shift',
};

/** Unary operators and their ufuncs. */
export const UNARY_UFUNC: Readonly<Record<string, string>> = { '-': 'negative', '+': 'positive', '~': 'invert' };

/** How a function name is computed. */
export type FunctionKind =
  | { kind: 'ufunc'; ufunc: string }
  | { kind: 'where' }
  | { kind: 'round' }
  | { kind: 'cast'; to: DTypeName }
  | { kind: 'copy' }
  | { kind: 'ones_like' };

/** A callable name: its arity and what it computes. */
export interface FunctionDef { readonly arity: number; readonly f: FunctionKind }

const fn = (arity: number, f: FunctionKind): FunctionDef => ({ arity, f });
const ufn = (name: string, ufunc = name): [string, FunctionDef] => [name, fn(UFUNCS.get(ufunc)!.nin, { kind: 'ufunc', ufunc })];

/**
 * Every function of the language: numexpr 2.13's set, numpy's names for them, `min`/`max` (ndmmap's
 * first names for minimum/maximum) and numpy's dtype names as casts (`float32(x)` is
 * `x.astype(np.float32)`).
 */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map<string, FunctionDef>([
  ufn('abs', 'absolute'), ufn('absolute'), ufn('sqrt'), ufn('exp'), ufn('expm1'), ufn('log'), ufn('log10'), ufn('log2'),
  ufn('log1p'), ufn('sin'), ufn('cos'), ufn('tan'), ufn('arcsin'), ufn('arccos'), ufn('arctan'), ufn('arctan2'),
  ufn('sinh'), ufn('cosh'), ufn('tanh'), ufn('arcsinh'), ufn('arccosh'), ufn('arctanh'), ufn('hypot'), ufn('floor'),
  ufn('ceil'), ufn('trunc'), ufn('sign'), ufn('minimum'), ufn('maximum'), ufn('min', 'minimum'), ufn('max', 'maximum'),
  ufn('isnan'), ufn('isinf'), ufn('isfinite'), ufn('clip'), ufn('fmod'), ufn('copysign'), ufn('nextafter'),
  ufn('signbit'), ufn('conj', 'conjugate'), ufn('conjugate'),
  ['copy', fn(1, { kind: 'copy' })],
  ['ones_like', fn(1, { kind: 'ones_like' })],
  ['round', fn(1, { kind: 'round' })],
  ['where', fn(3, { kind: 'where' })],
  ...DTYPE_CODES.map((t): [string, FunctionDef] => [t, fn(1, { kind: 'cast', to: t })]),
]);

/**
 * Python's constants of the language (weak floats), and True/False (Python bools). A variable may take
 * any of these names but True and False (numexpr has no constants: its own tests name a variable `e`).
 */
export const CONSTANTS: ReadonlyMap<string, number | boolean> = new Map<string, number | boolean>([
  ['nan', NaN], ['inf', Infinity], ['pi', Math.PI], ['e', Math.E], ['True', true], ['False', false],
]);
