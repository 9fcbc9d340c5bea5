/**
 * Tokeniser for the expression language (see parse.ts for the grammar). Lazy: the parser pulls one
 * token at a time, so the first error reported is the leftmost one a reader would notice
 * (`process.exit()` fails on the unknown name `process`, not on the `.` after it).
 */
import { fail } from '../errors.js';

/** Error code of every expression syntax or compile error. */
export const EXPR_ERROR = 'ERR_NDMMAP_EXPR';

/** A token: its kind, its source text, and its offset in the expression (UTF-16 units). */
export interface Token {
  readonly kind: 'num' | 'name' | 'op' | 'end';
  readonly text: string;
  readonly pos: number;
}

// Longest first, so `**` is not read as two `*`, `<<` not as `<` twice, `<=` not as `<` then `=`.
const OPERATORS = ['**', '//', '<<', '>>', '<=', '>=', '==', '!=', '+', '-', '*', '/', '%', '<', '>', '&', '|', '^', '~', '(', ')', ','];

// Python's integer literals with a base prefix (`0xff`, `0o17`, `0b101`, underscores between digits).
const BASED = /0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/y;
// Python's decimal literals: `1`, `1_000`, `1.`, `1.5`, `.5`, `1e-3`, `2.5E+4`.
const DIGITS = '\\d(?:_?\\d)*';
const NUMBER = new RegExp(`(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?`, 'y');
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPACE = /[ \t\r\n]*/y;

/** Throw the expression error `message` (which should name the position). */
export function exprError(message: string): never {
  fail(EXPR_ERROR, message);
}

/** Show a token in an error message: quoted text, or "end of input". */
export function describe(t: Token): string {
  return t.kind === 'end' ? 'end of input' : `'${t.text}'`;
}

/** Reads tokens from `text` one at a time. */
export class Lexer {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** The next token; `end` forever once the input is exhausted. */
  next(): Token {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    const start = SPACE.lastIndex;
    this.pos = start;
    if (start >= this.text.length) return { kind: 'end', text: '', pos: start };
    const num = this.match(BASED, start) ?? this.match(NUMBER, start);
    if (num !== undefined) return { kind: 'num', text: num, pos: start };
    const name = this.match(NAME, start);
    if (name !== undefined) return { kind: 'name', text: name, pos: start };
    for (const op of OPERATORS) {
      if (this.text.startsWith(op, start)) {
        this.pos = start + op.length;
        return { kind: 'op', text: op, pos: start };
      }
    }
    const ch = String.fromCodePoint(this.text.codePointAt(start)!);
    exprError(`unexpected character ${JSON.stringify(ch)} at ${start}`);
  }

  private match(re: RegExp, start: number): string | undefined {
    re.lastIndex = start;
    const m = re.exec(this.text);
    if (m === null) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }
}

/**
 * A numeric literal's value: an exact integer (`bigint`) for integer literals, a float otherwise.
 * Python reads `007` as an error; ndmmap reads it as 7, as it always has.
 */
export function literalValue(text: string): bigint | number {
  const t = text.replace(/_/g, '');
  if (/^0[xXoObB]/.test(t)) return BigInt(t);
  if (/^\d+$/.test(t)) return BigInt(t);
  return Number(t);
}
