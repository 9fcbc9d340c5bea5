/**
 * Recursive-descent parser for ndmmap's numexpr-like expression language: Python's expression syntax
 * and precedence (loosest first), without chained comparisons:
 *
 *   expr   := or [('<' | '<=' | '>' | '>=' | '==' | '!=') or]      (`a < b < c` is an error)
 *   or     := xor ('|' xor)*           xor   := and ('^' and)*      and := shift ('&' shift)*
 *   shift  := sum (('<<' | '>>') sum)*  sum   := term (('+' | '-') term)*
 *   term   := unary (('*' | '/' | '//' | '%') unary)*
 *   unary  := ('-' | '+' | '~') unary | power
 *   power  := atom ['**' unary]        (so `-x**2` is `-(x**2)`, `2**-1` works, `**` is right-assoc)
 *   atom   := number | name | constant | func '(' args ')' | '(' expr ')'
 *
 * As in Python, `&` binds tighter than comparisons: write `(x > 0) & (y < 1)`. Names are looked up in
 * `Map`s and `Set`s, never on objects, so `constructor` or `__proto__` are just unknown names.
 */
import { describe, exprError, Lexer, literalValue, type Token } from './lex.js';
import { CONSTANTS, FUNCTIONS } from './ufuncs.js';

/** Longest expression accepted, in characters; far beyond any hand-written one, small enough to parse fast. */
export const MAX_LENGTH = 10_000;
/** Deepest nesting accepted (parentheses, unary signs, `**`, call arguments): keeps recursion off the stack limit. */
export const MAX_DEPTH = 200;

/** Binary operators, as written. */
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' |
  '&' | '|' | '^' | '<<' | '>>';
/** Unary operators. */
export type UnaryOp = '-' | '+' | '~';

/** A parsed expression. `int` is the exact value of an integer literal (`2`, `0xff`; not `2.0` or `pi`). */
export type Node =
  | { readonly k: 'num'; readonly value: number; readonly int: bigint | null; readonly pos: number }
  | { readonly k: 'bool'; readonly value: boolean; readonly pos: number }
  | { readonly k: 'var'; readonly name: string; readonly pos: number }
  | { readonly k: 'un'; readonly op: UnaryOp; readonly a: Node; readonly pos: number }
  | { readonly k: 'bin'; readonly op: BinaryOp; readonly a: Node; readonly b: Node; readonly pos: number }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Node[]; readonly pos: number };

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);
/** Binary levels from loosest to tightest below comparisons. */
const LEVELS: readonly (readonly string[])[] = [['|'], ['^'], ['&'], ['<<', '>>'], ['+', '-'], ['*', '/', '//', '%']];

/** Options for {@link parse}. */
export interface ParseOptions {
  /** Variable names the expression may use (`x`, `y`, vars, `i`, `i0`…). Default: from `inputs`. */
  vars?: readonly string[];
  /** Shorthand: 1 input (only `x`) or 2 (`x` and `y`). Default 2. */
  inputs?: number;
}

/**
 * Parse `text` into a syntax tree.
 * @param text the expression, e.g. `'sqrt(x**2 + y**2)'`; at most {@link MAX_LENGTH} characters.
 * @throws `ERR_NDMMAP_EXPR` naming the position and what was expected, e.g. `unknown variable 'foo' at 4; …`.
 * @example parse('-x**2') // { k: 'un', op: '-', a: { k: 'bin', op: '**', ... } }
 */
export function parse(text: string, opts: ParseOptions = {}): Node {
  if (typeof text !== 'string') exprError(`expression must be a string, got ${typeof text}`);
  if (text.length > MAX_LENGTH) exprError(`expression is longer than ${MAX_LENGTH} characters (got ${text.length})`);
  const vars = opts.vars ?? ((opts.inputs ?? 2) < 2 ? ['x'] : ['x', 'y']);
  return new Parser(text, vars).parseAll();
}

/** The functions, sorted, for messages. */
const FUNCTION_LIST = [...FUNCTIONS.keys()].sort().join(', ');

class Parser {
  private readonly lex: Lexer;
  private tok: Token;
  private depth = 0;
  private readonly vars: ReadonlySet<string>;

  constructor(private readonly text: string, private readonly varList: readonly string[]) {
    this.lex = new Lexer(text);
    this.vars = new Set(varList);
    this.tok = this.lex.next();
  }

  parseAll(): Node {
    if (this.tok.kind === 'end') exprError('empty expression');
    const node = this.expr();
    const rest: Token = this.tok;
    if (rest.kind !== 'end') exprError(`trailing input at ${rest.pos}: expected an operator or the end, got ${describe(rest)}`);
    return node;
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lex.next();
    return t;
  }

  private isOp(...ops: readonly string[]): boolean {
    return this.tok.kind === 'op' && ops.includes(this.tok.text);
  }

  private expect(op: string, context: string): void {
    if (!this.isOp(op)) exprError(`expected '${op}' at ${this.tok.pos} ${context}, got ${describe(this.tok)}`);
    this.advance();
  }

  private expr(): Node {
    const a = this.level(0);
    if (this.tok.kind !== 'op' || !COMPARISONS.has(this.tok.text)) return a;
    const t = this.advance();
    const b = this.level(0);
    if (this.tok.kind === 'op' && COMPARISONS.has(this.tok.text))
      exprError(`comparisons cannot be chained at ${this.tok.pos}; use parentheses`);
    return { k: 'bin', op: t.text as BinaryOp, a, b, pos: t.pos };
  }

  // Left-associative binary levels, a loop per level (a long `x+x+…+x` never recurses per operator).
  private level(i: number): Node {
    if (i === LEVELS.length) return this.unary();
    let a = this.level(i + 1);
    while (this.isOp(...LEVELS[i])) {
      const t = this.advance();
      a = { k: 'bin', op: t.text as BinaryOp, a, b: this.level(i + 1), pos: t.pos };
    }
    return a;
  }

  // Every recursive path passes through here, so this is where nesting is counted.
  private unary(): Node {
    if (++this.depth > MAX_DEPTH) exprError(`expression nests deeper than ${MAX_DEPTH} levels at ${this.tok.pos}`);
    let node: Node;
    if (this.isOp('-', '+', '~')) {
      const t = this.advance();
      node = { k: 'un', op: t.text as UnaryOp, a: this.unary(), pos: t.pos };
    } else {
      node = this.power();
    }
    this.depth--;
    return node;
  }

  private power(): Node {
    const a = this.atom();
    if (!this.isOp('**')) return a;
    const t = this.advance();
    return { k: 'bin', op: '**', a, b: this.unary(), pos: t.pos };
  }

  private atom(): Node {
    const t = this.tok;
    if (t.kind === 'num') {
      this.advance();
      const v = literalValue(t.text);
      return typeof v === 'bigint' ? { k: 'num', value: Number(v), int: v, pos: t.pos } : { k: 'num', value: v, int: null, pos: t.pos };
    }
    if (t.kind === 'name') return this.name();
    if (this.isOp('(')) {
      this.advance();
      const node = this.expr();
      this.expect(')', `to close the '(' at ${t.pos}`);
      return node;
    }
    exprError(`unexpected ${describe(t)} at ${t.pos}, expected a number, a name or '('`);
  }

  /** Is the next non-space character after the current token an opening parenthesis? */
  private calledHere(t: Token): boolean {
    return /^[ \t\r\n]*\(/.test(this.text.slice(t.pos + t.text.length, t.pos + t.text.length + 64));
  }

  // The name is checked before the lexer moves on, so its error comes before any later one.
  private name(): Node {
    const t = this.tok;
    if (this.vars.has(t.text)) {
      this.advance();
      return { k: 'var', name: t.text, pos: t.pos };
    }
    const value = CONSTANTS.get(t.text);
    if (value !== undefined) {
      this.advance();
      return typeof value === 'boolean' ? { k: 'bool', value, pos: t.pos } : { k: 'num', value, int: null, pos: t.pos };
    }
    const def = FUNCTIONS.get(t.text);
    if (def === undefined) this.unknown(t);
    this.advance();
    this.expect('(', `after '${t.text}'`);
    const args: Node[] = [];
    if (!this.isOp(')')) {
      args.push(this.expr());
      while (this.isOp(',')) {
        this.advance();
        args.push(this.expr());
      }
    }
    this.expect(')', `to close the call of '${t.text}' at ${t.pos}`);
    if (args.length !== def.arity)
      exprError(`'${t.text}' at ${t.pos} takes ${def.arity} argument${def.arity === 1 ? '' : 's'}, got ${args.length}`);
    return { k: 'call', fn: t.text, args, pos: t.pos };
  }

  private unknown(t: Token): never {
    // numpy's functions by their Python spelling: the expression language has them bare
    if (/^(np|numpy|math)$/.test(t.text) && this.calledHere(t) === false)
      exprError(`unknown name '${t.text}' at ${t.pos}: drop the '${t.text}.' prefix (functions are called bare: sqrt(x), not ${t.text}.sqrt(x))`);
    if (t.text === 'y' && this.vars.has('x'))
      exprError(`'y' at ${t.pos} needs a second input (the y option, or a var named y), but none was given`);
    if (this.calledHere(t)) exprError(`unknown function '${t.text}' at ${t.pos}; functions: ${FUNCTION_LIST}`);
    const known = [...this.varList, ...CONSTANTS.keys()].join(', ');
    exprError(`unknown name '${t.text}' at ${t.pos}; variables and constants: ${known}`);
  }
}
