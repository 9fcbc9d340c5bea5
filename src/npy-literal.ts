/**
 * A tiny parser for the Python literal subset found in `.npy` headers. It never evaluates anything:
 * it recognises dicts, tuples, lists, string literals, `True`/`False` and decimal integers (with the
 * Python 2 `L` suffix), and rejects every other token.
 */
import { fail } from './errors.js';

/** A parsed Python literal. Tuples and lists stay distinct because numpy's checks tell them apart. */
export type PyLiteral =
  | string
  | boolean
  | bigint
  | { readonly tuple: readonly PyLiteral[] }
  | { readonly list: readonly PyLiteral[] }
  | { readonly dict: ReadonlyMap<string, PyLiteral> };

/** Whitespace Python tolerates inside brackets (implicit line joining); `\f` and `\r` from odd writers. */
const SPACE = /[ \t\n\r\f]/;

/**
 * Deepest bracket nesting accepted, dict braces included: Python's parser (so numpy's np.load) stops
 * at 200 levels, and the recursion here must stay far from the JS stack limit (~2800 levels).
 */
export const MAX_NESTING = 200;

/** Python 3 `int(...)` accepts no leading zeros ("0", "12", not "012"); `L` is Python 2's long suffix. */
const INT = /^-?(0|[1-9][0-9]*)L?/;

/** The text of the header near `pos`, for messages. */
function near(s: string, pos: number): string {
  const t = s.slice(pos, pos + 20);
  return t === '' ? 'end of header' : `'${t}'`;
}

/**
 * Parse `text` as one Python literal followed only by whitespace.
 * @throws `ERR_NDMMAP_NPY` naming the position and the text found there.
 * @example parsePyLiteral("{'a': (1, 2), }") // { dict: Map { 'a' => { tuple: [1n, 2n] } } }
 */
export function parsePyLiteral(text: string): PyLiteral {
  let pos = 0;
  let depth = 0;
  const bad = (what: string): never =>
    fail('ERR_NDMMAP_NPY', `Cannot parse header: expected ${what} at offset ${pos}, got ${near(text, pos)}`);

  const skip = (): void => {
    while (pos < text.length && SPACE.test(text[pos])) pos++;
  };

  const str = (): string => {
    const quote = text[pos++];
    let out = '';
    for (;;) {
      if (pos >= text.length || text[pos] === '\n') bad(`closing ${quote}`);
      const c = text[pos++];
      if (c === quote) return out;
      if (c === '\\') {
        // Only the escapes a repr() of a dtype string could contain; anything else is not ours.
        const e = text[pos++];
        if (e === '\\' || e === "'" || e === '"') out += e;
        else { pos -= 2; bad('a plain string (only \\\\, \\\' and \\" escapes are read)'); }
      } else {
        out += c;
      }
    }
  };

  // Items up to `close`, comma separated, trailing comma allowed; reports whether a comma was seen.
  const items = (close: string, item: () => void): boolean => {
    let comma = false;
    skip();
    while (text[pos] !== close) {
      if (pos >= text.length) bad(`'${close}'`);
      item();
      skip();
      if (text[pos] === ',') { pos++; comma = true; skip(); } else if (text[pos] !== close) bad(`',' or '${close}'`);
    }
    pos++;
    return comma;
  };

  const value = (): PyLiteral => {
    skip();
    const c = text[pos];
    if (c === "'" || c === '"') return str();
    if (c === '(' || c === '[' || c === '{') {
      if (depth === MAX_NESTING) fail('ERR_NDMMAP_NPY', `Cannot parse header: nested more than ${MAX_NESTING} levels deep at offset ${pos}`);
      depth++;
      const v = container(c);
      depth--;
      return v;
    }
    return scalar();
  };

  const container = (c: string): PyLiteral => {
    if (c === '(') {
      pos++;
      const out: PyLiteral[] = [];
      const comma = items(')', () => out.push(value()));
      // `(5)` is just 5 in Python; only `()`, `(5,)` and `(3, 4)` are tuples.
      return out.length === 1 && !comma ? out[0] : { tuple: out };
    }
    if (c === '[') {
      pos++;
      const out: PyLiteral[] = [];
      items(']', () => out.push(value()));
      return { list: out };
    }
    if (c === '{') {
      pos++;
      const out = new Map<string, PyLiteral>();
      items('}', () => {
        skip();
        const at = pos;
        if (text[pos] !== "'" && text[pos] !== '"') bad('a string key');
        const key = str();
        skip();
        if (text[pos] !== ':') bad("':'");
        pos++;
        // Python keeps the last of duplicate keys; a header with two 'shape's is not numpy's, so refuse.
        if (out.has(key)) { pos = at; bad(`a key not seen before ('${key}' is repeated)`); }
        out.set(key, value());
      });
      return { dict: out };
    }
    return bad('a bracket');
  };

  const scalar = (): PyLiteral => {
    const rest = text.slice(pos);
    if (/^True\b/.test(rest)) { pos += 4; return true; }
    if (/^False\b/.test(rest)) { pos += 5; return false; }
    const m = INT.exec(rest);
    if (m && !/^[\w.]/.test(rest.slice(m[0].length))) {
      pos += m[0].length;
      return BigInt(m[0].replace('L', ''));
    }
    return bad('a string, True, False, an integer, a tuple, a list or a dict');
  };

  const result = value();
  skip();
  if (pos < text.length) bad('end of header');
  return result;
}
