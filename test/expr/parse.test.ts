import { describe, expect, it } from 'vitest';
import { NdmmapError } from '../../dist/src/errors.js';
import { MAX_DEPTH, MAX_LENGTH, parse, type Node } from '../../dist/src/expr/parse.js';

/** A syntax tree as an S-expression, so precedence reads at a glance. */
function sx(n: Node): string {
  switch (n.k) {
    case 'num': return n.int !== null ? `${n.int}` : Number.isInteger(n.value) ? `${n.value}.0` : `${n.value}`;
    case 'bool': return n.value ? 'True' : 'False';
    case 'var': return n.name;
    case 'un': return n.op === '-' ? `(neg ${sx(n.a)})` : `(${n.op} ${sx(n.a)})`;
    case 'bin': return `(${n.op} ${sx(n.a)} ${sx(n.b)})`;
    case 'call': return `(${n.fn} ${n.args.map(sx).join(' ')})`;
  }
}
const p = (text: string, inputs = 2) => sx(parse(text, { inputs }));
const p2 = (text: string, vars: string[]) => sx(parse(text, { vars }));

/** Expect `fn` to throw ERR_NDMMAP_EXPR with a message matching `re`. */
function throwsExpr(fn: () => unknown, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(NdmmapError);
  expect((err as NdmmapError).code).toBe('ERR_NDMMAP_EXPR');
  expect((err as NdmmapError).message).toMatch(re);
}

describe('parse: precedence and associativity (as Python)', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['x - y - 1', '(- (- x y) 1)'],
    ['x / y / 2', '(/ (/ x y) 2)'],
    ['x // 2 % 3 * 4', '(* (% (// x 2) 3) 4)'],
    ['-x**2', '(neg (** x 2))'],
    ['2**3**2', '(** 2 (** 3 2))'],
    ['2**-1', '(** 2 (neg 1))'],
    ['-2**-x**2', '(neg (** 2 (neg (** x 2))))'],
    ['x * -y', '(* x (neg y))'],
    ['--x', '(neg (neg x))'],
    ['+x', '(+ x)'],
    ['-+-x', '(neg (+ (neg x)))'],
    ['~x & y | x ^ y', '(| (& (~ x) y) (^ x y))'],
    ['x << 2 + 1', '(<< x (+ 2 1))'],
    ['x & 1 == 1', '(== (& x 1) 1)'],
    ['x > 0 | y', '(> x (| 0 y))'],
    ['x | y & x ^ y', '(| x (^ (& y x) y))'],
    ['x >> y >> 1', '(>> (>> x y) 1)'],
    ['-x ** ~y', '(neg (** x (~ y)))'],
    ['x < y + 1', '(< x (+ y 1))'],
    ['x + 1 >= y * 2', '(>= (+ x 1) (* y 2))'],
    ['(x < y) == (y > x)', '(== (< x y) (> y x))'],
    ['x != 0', '(!= x 0)'],
    ['x <= 0', '(<= x 0)'],
    ['x**y*2', '(* (** x y) 2)'],
  ])('%s', (text, tree) => expect(p(text)).toBe(tree));
});

describe('parse: atoms', () => {
  it.each([
    ['10', '10'], ['1e-3', '0.001'], ['.5', '0.5'], ['1.', '1.0'], ['2.5E+4', '25000.0'], ['007', '7'],
    ['12345678901234567890', '12345678901234567890'], ['0xff', '255'], ['0o17', '15'], ['0b101', '5'],
    ['1_000', '1000'], ['1_0.5', '10.5'], ['True', 'True'], ['False', 'False'],
  ])('number %s', (text, tree) => expect(p(text)).toBe(tree));

  it('keeps integer literals exact and decimals as floats', () => {
    const n = parse('9007199254740993');
    expect(n.k === 'num' && n.int).toBe(9007199254740993n);
    const f = parse('2.0');
    expect(f.k === 'num' && f.int).toBe(null);
  });

  it('knows nan, inf, pi and e', () => {
    const v = ['nan', 'inf', 'pi', 'e'].map((t) => parse(t)).map((n) => (n.k === 'num' ? n.value : undefined));
    expect(v).toEqual([NaN, Infinity, Math.PI, Math.E]);
  });

  it('reads whitespace, tabs and newlines', () => expect(p(' x\t+\n1 ')).toBe('(+ x 1)'));

  it.each([
    ['abs(x)'], ['sqrt(x)'], ['exp(x)'], ['log(x)'], ['log1p(x)'], ['sin(x)'], ['cos(x)'], ['tan(x)'],
    ['floor(x)'], ['ceil(x)'], ['round(x)'], ['min(x, y)'], ['max(x, y)'], ['clip(x, 0, 1)'], ['where(x > 0, x, y)'],
    ['arcsin(x)'], ['arccos(x)'], ['arctan(x)'], ['arctan2(x, y)'], ['sinh(x)'], ['cosh(x)'], ['tanh(x)'], ['arcsinh(x)'],
    ['arccosh(x)'], ['arctanh(x)'], ['expm1(x)'], ['log10(x)'], ['log2(x)'], ['hypot(x, y)'], ['trunc(x)'], ['sign(x)'],
    ['minimum(x, y)'], ['maximum(x, y)'], ['isnan(x)'], ['isinf(x)'], ['isfinite(x)'], ['float32(x)'], ['int8(x)'],
    ['bool(x)'], ['uint64(x)'], ['float16(x)'],
  ])('function %s', (text) => {
    const n = parse(text);
    expect(n.k).toBe('call');
    expect(n.k === 'call' && n.fn).toBe(text.slice(0, text.indexOf('(')));
  });

  it('parses nested calls', () => expect(p('max(min(x, 1), -1)')).toBe('(max (min x 1) (neg 1))'));
});

describe('parse: errors', () => {
  it.each([
    ['', /^empty expression$/],
    ['   ', /^empty expression$/],
    ['process.exit()', /^unknown name 'process' at 0; variables and constants: x, y, nan, inf, pi, e, True, False$/],
    ['constructor', /^unknown name 'constructor' at 0;/],
    ['__proto__', /^unknown name '__proto__' at 0;/],
    ['x + toString(x)', /^unknown function 'toString' at 4; functions: abs, absolute, arccos, /],
    ['hasOwnProperty', /unknown name 'hasOwnProperty' at 0/],
    ['require("fs")', /^unknown function 'require' at 0; functions: .*\bwhere\b/],
    ['i + 1', /^unknown name 'i' at 0/],
    ['x +', /^unexpected end of input at 3, expected a number, a name or '\('$/],
    ['x + )', /^unexpected '\)' at 4/],
    ['(x + 1', /^expected '\)' at 6 to close the '\(' at 0, got end of input$/],
    ['x y', /^trailing input at 2: expected an operator or the end, got 'y'$/],
    ['(x + 1))', /^trailing input at 7/],
    ['1e', /^trailing input at 1/],
    ['x(1)', /^trailing input at 1/],
    ['sqrt(x, y)', /^'sqrt' at 0 takes 1 argument, got 2$/],
    ['min(x)', /^'min' at 0 takes 2 arguments, got 1$/],
    ['where(x, y)', /^'where' at 0 takes 3 arguments, got 2$/],
    ['clip()', /^'clip' at 0 takes 3 arguments, got 0$/],
    ['sqrt + 1', /^expected '\(' at 5 after 'sqrt', got '\+'$/],
    ['min(x, y', /^expected '\)' at 8 to close the call of 'min' at 0, got end of input$/],
    ['x < y < 1', /^comparisons cannot be chained at 6/],
    ['x @ 2', /^unexpected character "@" at 2$/],
    ['x = 2', /^unexpected character "=" at 2$/],
    ['x && y', /^unexpected '&' at 3/],
    ['x ~ y', /^trailing input at 2/],
    ['x ** ', /^unexpected end of input at 5/],
    ['x;1', /^unexpected character ";" at 1$/],
    ['`x`', /^unexpected character "`" at 0$/],
  ])('%j', (text, re) => throwsExpr(() => parse(text), re));

  it("refuses 'y' with one input", () => {
    throwsExpr(() => parse('x + y', { inputs: 1 }), /^'y' at 4 needs a second input \(the y option, or a var named y\), but none was given$/);
    expect(p('x + y', 2)).toBe('(+ x y)');
  });

  it('refuses a non-string', () => throwsExpr(() => parse(42 as unknown as string), /must be a string, got number/));

  it('knows the variables it is given, and the index variables', () => {
    expect(p2('(x - mu) / sd', ['x', 'mu', 'sd'])).toBe('(/ (- x mu) sd)');
    expect(p2('sin(i * 1e-6) + i0 - i1', ['x', 'i', 'i0', 'i1'])).toBe('(- (+ (sin (* i 0.000001)) i0) i1)');
    throwsExpr(() => parse('i2', { vars: ['x', 'i', 'i0', 'i1'] }), /^unknown name 'i2' at 0; variables and constants: x, i, i0, i1, nan/);
  });
});

describe('parse: hostile sizes', () => {
  it(`accepts ${MAX_LENGTH} characters and refuses more`, () => {
    const ok = 'x+'.repeat((MAX_LENGTH - 1) / 2) + 'x';
    expect(ok.length).toBe(MAX_LENGTH - 1);
    expect(parse(ok).k).toBe('bin');
    throwsExpr(() => parse(ok + '+1'), new RegExp(`longer than ${MAX_LENGTH} characters \\(got ${MAX_LENGTH + 1}\\)`));
  });

  it(`accepts ${MAX_DEPTH - 1} nested parentheses and refuses deeper`, () => {
    const nest = (d: number) => '('.repeat(d) + 'x' + ')'.repeat(d);
    expect(p(nest(MAX_DEPTH - 1))).toBe('x');
    throwsExpr(() => parse(nest(MAX_DEPTH + 1)), new RegExp(`nests deeper than ${MAX_DEPTH} levels at \\d+`));
    throwsExpr(() => parse(nest(4000)), /nests deeper/);
  });

  it('limits unary chains, power chains and nested calls', () => {
    throwsExpr(() => parse('-'.repeat(5000) + 'x'), /nests deeper/);
    throwsExpr(() => parse('x**'.repeat(1000) + 'x'), /nests deeper/);
    throwsExpr(() => parse('abs('.repeat(1000) + 'x' + ')'.repeat(1000)), /nests deeper/);
    expect(parse('-'.repeat(150) + 'x').k).toBe('un');
    throwsExpr(() => parse('~'.repeat(5000) + 'x'), /nests deeper/);
  });
});
