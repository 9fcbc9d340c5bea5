/**
 * numpy's `repr(ndarray)` for result arrays: `array([...], dtype=...)`, numpy's line wrapping and
 * element formats, abridged with `...` past `THRESHOLD` elements (a port of numpy's arrayprint).
 */
import { type DTypeName } from '../dtype.js';
import { FLOAT_PRECISION, type FloatName, nonFinite, positional, scientific } from './floats.js';

/** numpy's print options: threshold, edgeitems, linewidth, precision (np.get_printoptions()). */
export const THRESHOLD = 1000;
export const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;
const PRECISION = 8;
/** numpy leaves out `dtype=` for the types an array literal implies. */
const IMPLIED = new Set<DTypeName>(['float64', 'int64', 'bool']);

type Value = number | bigint;

/** Build numpy's per-element format from the elements that will be shown. */
function formatter(vals: Value[], dt: DTypeName, ndim: number): (v: Value) => string {
  if (dt === 'bool') return (v) => (v ? (ndim > 0 ? ' True' : 'True') : 'False');
  if (!dt.startsWith('float')) {
    const width = Math.max(0, ...vals.map((v) => String(v).length));
    return (v) => String(v).padStart(width);
  }
  const t = dt as FloatName;
  const xs = vals as number[];
  const finite = xs.filter(Number.isFinite);
  const nz = finite.filter((x) => x !== 0).map(Math.abs);
  let exp = false;
  if (nz.length) {
    const max = Math.max(...nz), min = Math.min(...nz);
    exp = max >= 10 ** Math.min(8, FLOAT_PRECISION[t]) || min < 0.0001 || max / min > 1000;
  }
  let padLeft = 0, padRight = 0, precision = PRECISION, minDigits = 0, expDigits = 2;
  if (finite.length && exp) {
    const parts = finite.map((x) => scientific(x, t, { precision: PRECISION, trim: '.' }).split('e'));
    expDigits = Math.max(...parts.map((p) => p[1].length)) - 1;
    const mant = parts.map((p) => p[0].split('.'));
    precision = minDigits = Math.max(...mant.map((m) => m[1].length));
    padLeft = Math.max(...mant.map((m) => m[0].length));
    padRight = expDigits + 2 + precision;
  } else if (finite.length) {
    const parts = finite.map((x) => positional(x, t, { precision: PRECISION, trim: '.' }).split('.'));
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
  }
  if (finite.length !== xs.length) {
    const negInf = xs.some((x) => x === -Infinity) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
  }
  return (v) => {
    const x = v as number;
    if (!Number.isFinite(x)) return nonFinite(x).padStart(padLeft + padRight + 1);
    return exp
      ? scientific(x, t, { precision, minDigits, trim: '.', padLeft, expDigits })
      : positional(x, t, { precision, minDigits, trim: '.', padLeft, padRight });
  };
}

function extendLine(s: string, line: string, word: string, width: number, indent: string): [string, string] {
  if (line.length + word.length > width && line.length > indent.length) {
    s += line.trimEnd() + '\n';
    line = indent;
  }
  return [s, line + word];
}

function extendLinePretty(s: string, line: string, word: string, width: number, indent: string): [string, string] {
  const words = word.split('\n');
  if (words.length === 1) return extendLine(s, line, word, width, indent);
  const maxLen = Math.max(...words.map((w) => w.length));
  let hang: string;
  if (line.length + maxLen > width && line.length > indent.length) {
    s += line.trimEnd() + '\n';
    line = indent + words[0];
    hang = indent;
  } else {
    hang = ' '.repeat(line.length);
    line += words[0];
  }
  for (const w of words.slice(1)) { s += line.trimEnd() + '\n'; line = hang + w; }
  return [s, line + ' '.repeat(maxLen - words[words.length - 1].length)];
}

/** Indices shown along an axis of length n. */
function shownIndices(n: number, summary: boolean): number[] {
  const all = [...Array(n).keys()];
  return summary && n > 2 * EDGE_ITEMS ? [...all.slice(0, EDGE_ITEMS), ...all.slice(n - EDGE_ITEMS)] : all;
}

/** Python's tuple repr of a shape. */
export function shapeRepr(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** How `arrayRepr` opens and closes: numpy's `memmap(` prefix and fields for a MemMap. */
export interface ReprOptions {
  /** What opens the text (default `'array('`). */
  prefix?: string;
  /** The fields after the values (default: numpy's `shape=` when abridged, `dtype=` unless implied). */
  extras?: (summary: boolean, size: number) => string[];
}

/**
 * `repr(np.asarray(result))` as numpy 2 prints it.
 * @param shape result shape; @param dtype result dtype name
 * @param values values in C order, or a function reading the value at a C-order index (only the
 *   elements shown are read: at most 6 per axis once the array has more than 1000)
 * @example arrayRepr([3], 'float64', new Float64Array([1.5, 2.25, 3])) // 'array([1.5 , 2.25, 3.  ])'
 */
export function arrayRepr(shape: readonly number[], dtype: DTypeName, values: ArrayLike<Value> | ((i: number) => Value), options: ReprOptions = {}): string {
  const at = typeof values === 'function' ? values : (i: number): Value => values[i];
  const size = shape.reduce((a, b) => a * b, 1);
  const summary = size > THRESHOLD;
  const strides = shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
  const shown: Value[] = [];
  const collect = (k: number, base: number): void => {
    if (k === shape.length) { shown.push(at(base)); return; }
    for (const i of shownIndices(shape[k], summary)) collect(k + 1, base + i * strides[k]);
  };
  if (size > 0) collect(0, 0);
  const fmt = formatter(shown, dtype, shape.length);
  const prefix = options.prefix ?? 'array(';
  const width = LINE_WIDTH - 1; // numpy subtracts len(')')
  const rec = (k: number, base: number, indent: string, curWidth: number): string => {
    if (k === shape.length) return fmt(at(base));
    const next = indent + ' ';
    const n = shape[k];
    const showSummary = summary && 2 * EDGE_ITEMS < n;
    const lead = showSummary ? EDGE_ITEMS : 0;
    const trail = showSummary ? EDGE_ITEMS : n;
    const idx = [...Array(lead).keys(), ...(showSummary ? [-1] : []), ...Array.from({ length: trail }, (_, j) => n - trail + j)];
    let s = '';
    if (shape.length - k === 1) {
      const elemWidth = curWidth - 1;
      let line = indent;
      idx.forEach((i, j) => {
        const word = i < 0 ? '...' : rec(k + 1, base + i * strides[k], next, curWidth - 1);
        [s, line] = (i < 0 ? extendLine : extendLinePretty)(s, line, word, j === idx.length - 1 ? elemWidth : elemWidth, indent);
        if (j < idx.length - 1) line += ', ';
      });
      s += line;
    } else {
      const sep = ',' + '\n'.repeat(shape.length - k - 1);
      idx.forEach((i, j) => {
        s += indent + (i < 0 ? '...' : rec(k + 1, base + i * strides[k], next, curWidth - 1)) + (j < idx.length - 1 ? sep : '');
      });
    }
    return '[' + s.slice(indent.length) + ']';
  };
  const body = size === 0 ? '[]' : rec(0, 0, ' '.repeat(prefix.length + 1), width);
  const extras: string[] = options.extras?.(summary, size) ?? [];
  if (options.extras === undefined) {
    if ((size === 0 && !(shape.length === 1 && shape[0] === 0)) || summary) extras.push(`shape=${shapeRepr(shape)}`);
    if (!IMPLIED.has(dtype) || size === 0) extras.push(`dtype=${dtype}`);
  }
  if (extras.length === 0) return `${prefix}${body})`;
  const head = `${prefix}${body},`;
  const tail = extras.join(', ') + ')';
  const last = head.length - (head.lastIndexOf('\n') + 1);
  return head + (last + tail.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ') + tail;
}
