/**
 * Recursive-descent parser for ndmmap's numexpr-like expression language. Grammar, with Python's
 * precedence (loosest first):
 *
 *   expr    := sum [('<' | '<=' | '>' | '>=' | '==' | '!=') sum]     (no chaining: `a < b < c` is an error)
 *   sum     := term (('+' | '-') term)*
 *   term    := unary (('*' | '/' | '//' | '%') unary)*
 *   unary   := ('-' | '+') unary | power
 *   power   := atom ['**' unary]                                       (so `-x**2` is `-(x**2)`, `2**-1` works,
 *   atom    := number | 'x' | 'y' | constant | func '(' args ')' | '(' expr ')'          and `**` is right-assoc)
 *
 * Names are looked up in `Map`s, never on objects, so `constructor` or `__proto__` are just unknown names.
 */
import { describe, exprError, Lexer, type Token } from './lex.js';

/** Longest expression accepted, in characters; far beyond any hand-written one, small enough to parse fast. */
export const MAX_LENGTH = 10_000;
/** Deepest nesting accepted (parentheses, unary signs, `**`, call arguments): keeps recursion off the stack limit. */
export const MAX_DEPTH = 200;

/** Binary operators, as written. */
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Built-in functions and their argument counts. */
export const FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ['abs', 1], ['sqrt', 1], ['exp', 1], ['log', 1], ['log1p', 1], ['sin', 1], ['cos', 1], ['tan', 1],
  ['floor', 1], ['ceil', 1], ['round', 1], ['min', 2], ['max', 2], ['clip', 3], ['where', 3],
]);

const CONSTANTS: ReadonlyMap<string, number> = new Map([['nan', NaN], ['inf', Infinity], ['pi', Math.PI], ['e', Math.E]]);

/** A parsed expression. `int` is the exact value of an integer literal (`2`, not `2.0` or `pi`). */
export type Node =
  | { readonly k: 'num'; readonly value: number; readonly int: bigint | null; readonly pos: number }
  | { readonly k: 'var'; readonly name: 'x' | 'y'; readonly pos: number }
  | { readonly k: 'neg'; readonly a: Node; readonly pos: number }
  | { readonly k: 'bin'; readonly op: BinaryOp; readonly a: Node; readonly b: Node; readonly pos: number }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Node[]; readonly pos: number };

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** Options for {@link parse}. */
export interface ParseOptions {
  /** Number of inputs: 1 (only `x`) or 2 (`x` and `y`). Default 2. */
  inputs?: number;
}

/**
 * Parse `text` into a syntax tree.
 * @param text the expression, e.g. `'sqrt(x**2 + y**2)'`; at most {@link MAX_LENGTH} characters.
 * @throws `ERR_NDMMAP_EXPR` naming the position and what was expected, e.g. `unknown name 'foo' at 4`.
 * @example parse('-x**2') // { k: 'neg', a: { k: 'bin', op: '**', ... } }
 */
export function parse(text: string, opts: ParseOptions = {}): Node {
  if (typeof text !== 'string') exprError(`expression must be a string, got ${typeof text}`);
  if (text.length > MAX_LENGTH) exprError(`expression is longer than ${MAX_LENGTH} characters (got ${text.length})`);
  return new Parser(text, opts.inputs ?? 2).parseAll();
}

class Parser {
  private readonly lex: Lexer;
  private tok: Token;
  private depth = 0;

  constructor(text: string, private readonly inputs: number) {
    this.lex = new Lexer(text);
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

  private isOp(...ops: string[]): boolean {
    return this.tok.kind === 'op' && ops.includes(this.tok.text);
  }

  private expect(op: string, context: string): void {
    if (!this.isOp(op)) exprError(`expected '${op}' at ${this.tok.pos} ${context}, got ${describe(this.tok)}`);
    this.advance();
  }

  private expr(): Node {
    const a = this.sum();
    if (this.tok.kind !== 'op' || !COMPARISONS.has(this.tok.text)) return a;
    const t = this.advance();
    const b = this.sum();
    if (this.tok.kind === 'op' && COMPARISONS.has(this.tok.text))
      exprError(`comparisons cannot be chained at ${this.tok.pos}; use parentheses`);
    return { k: 'bin', op: t.text as BinaryOp, a, b, pos: t.pos };
  }

  private sum(): Node {
    let a = this.term();
    while (this.isOp('+', '-')) {
      const t = this.advance();
      a = { k: 'bin', op: t.text as BinaryOp, a, b: this.term(), pos: t.pos };
    }
    return a;
  }

  private term(): Node {
    let a = this.unary();
    while (this.isOp('*', '/', '//', '%')) {
      const t = this.advance();
      a = { k: 'bin', op: t.text as BinaryOp, a, b: this.unary(), pos: t.pos };
    }
    return a;
  }

  // Every recursive path passes through here, so this is where nesting is counted.
  private unary(): Node {
    if (++this.depth > MAX_DEPTH) exprError(`expression nests deeper than ${MAX_DEPTH} levels at ${this.tok.pos}`);
    let node: Node;
    if (this.isOp('-', '+')) {
      const t = this.advance();
      const a = this.unary();
      node = t.text === '-' ? { k: 'neg', a, pos: t.pos } : a;
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
      const isInt = /^\d+$/.test(t.text);
      return { k: 'num', value: Number(t.text), int: isInt ? BigInt(t.text) : null, pos: t.pos };
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

  // The name is checked before the lexer moves on, so its error comes before any later one.
  private name(): Node {
    const t = this.tok;
    const value = CONSTANTS.get(t.text);
    const arity = FUNCTIONS.get(t.text);
    if (t.text === 'y' && this.inputs < 2) exprError(`'y' at ${t.pos} needs a second input, but only x was given`);
    if (t.text !== 'x' && t.text !== 'y' && value === undefined && arity === undefined)
      exprError(`unknown name '${t.text}' at ${t.pos}`);
    this.advance();
    if (t.text === 'x' || t.text === 'y') return { k: 'var', name: t.text, pos: t.pos };
    if (value !== undefined) return { k: 'num', value, int: null, pos: t.pos };
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
    if (args.length !== arity!)
      exprError(`'${t.text}' at ${t.pos} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`);
    return { k: 'call', fn: t.text, args, pos: t.pos };
  }
}
