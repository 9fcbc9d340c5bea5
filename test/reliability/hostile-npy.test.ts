/**
 * Hostile .npy headers, property-based: random bytes, mutated numpy headers and generated header
 * dicts full of Python. parseNpyHeader must either return a header that is consistent with the file
 * or throw an NdmmapError with ERR_NDMMAP_NPY / ERR_NDMMAP_NPY_SHORT — never another exception, and
 * never evaluate anything. Fixed seeds keep CI deterministic.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { NdmmapError, dtype } from '../../dist/src/index.js';
import { formatNpyHeader, parseNpyHeader } from '../../dist/src/npy-header.js';
import { trapEvaluators } from './helpers.js';

const RUNS = 1000;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const DTYPES = ['<f8', '<f4', '<f2', '>f8', '|b1', '|u1', '|i1', '<i2', '>i4', '<u8', '<i8', '>u2'];

/** Counts how parses ended, for the report and to prove the generators reach every outcome. */
const outcomes = new Map<string, number>();


/** Parse, classify, and check the contract; returns the outcome class. */
function check(bytes: Uint8Array, fileSize: number): string {
  let kind: string;
  try {
    const h = parseNpyHeader(bytes, fileSize);
    // A header we accept must describe data that fits in the file, with sane fields.
    expect(h.dataOffset).toBeLessThanOrEqual(fileSize);
    expect(h.dataOffset).toBeLessThanOrEqual(bytes.length);
    expect(h.shape.every((n) => Number.isSafeInteger(n) && n >= 0)).toBe(true);
    const nbytes = h.shape.reduce((a, n) => a * BigInt(n), BigInt(h.dtype.itemsize));
    expect(BigInt(h.dataOffset) + nbytes).toBeLessThanOrEqual(BigInt(fileSize));
    expect(typeof h.fortranOrder).toBe('boolean');
    expect(dtype(h.descr).str).toBe(h.dtype.str);
    kind = 'ok';
  } catch (e) {
    if (!(e instanceof NdmmapError)) throw new Error(`not an NdmmapError: ${String(e)}`, { cause: e });
    if (e.code !== 'ERR_NDMMAP_NPY' && e.code !== 'ERR_NDMMAP_NPY_SHORT') throw new Error(`unexpected code ${e.code}: ${e.message}`);
    // SHORT asks for more of the file: only possible when we were not given all of it.
    if (e.code === 'ERR_NDMMAP_NPY_SHORT') expect(bytes.length).toBeLessThan(fileSize);
    kind = e.code;
  }
  outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
  return kind;
}

/** magic + version + length + text (+ data), with the length field right unless `len` is given. */
function wrap(text: Uint8Array, major: number, minor = 0, len?: number, data = 0): Uint8Array {
  const lenBytes = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lenBytes + text.length + data);
  out.set(MAGIC);
  out[6] = major;
  out[7] = minor;
  const v = new DataView(out.buffer);
  if (lenBytes === 2) v.setUint16(8, (len ?? text.length) & 0xffff, true);
  else v.setUint32(8, (len ?? text.length) >>> 0, true);
  out.set(text, 8 + lenBytes);
  return out;
}

// Anything a hostile header might try: code for Python or JS evaluators, and near-misses of numpy's syntax.
const EVIL = [
  "__import__('os').system('touch /tmp/pwned')", "eval('1')", 'lambda: 0', "globalThis.__ndmmapCanary = 1",
  "(() => { globalThis.__ndmmapCanary = 1 })()", "{'__proto__': {'polluted': True}}", "constructor", "open('/etc/passwd').read()",
  "[x for x in ()]", '1 if True else 0', "'<f8' + 'x'", '2**100', '10**400', "b'<f8'", "u'<f8'", "r'<f8'", '"<f8"', '...', 'None',
  "np.float64", "dtype('f8')", "float('nan')", '1e400', '-1', '0x10', '1_000', '5L', '(1, 2', "'unterminated", '{', '}', '((((((((', '\\x00',
];
const descrValue = fc.oneof(
  fc.constantFrom(...DTYPES).map((d) => `'${d}'`),
  fc.constantFrom('O', '<O8', '|O', 'S10', '<U4', '|V8', '<c16', '<M8[ns]', 'float64', 'f8', '', '<f16', "[('a', '<f8')]", '<f8 ', '>>i4').map((d) => `'${d}'`),
  fc.constantFrom("[('a', '<f8'), ('b', '<i4')]", "{'names': ['a'], 'formats': ['<f8']}", '3', 'True', "('<f8', (2,))"),
  fc.constantFrom(...EVIL),
  fc.string({ maxLength: 12 }).map((s) => `'${s.replace(/['\\]/g, '')}'`),
);
const shapeValue = fc.oneof(
  fc.array(fc.nat({ max: 6 }), { maxLength: 4 }).map((d) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`),
  fc.array(fc.bigInt({ min: -5n, max: 2n ** 70n }), { maxLength: 4 }).map((d) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`),
  fc.constantFrom('()', '(3,)', '[3]', '3', '(3L,)', '(-1,)', '(3.0,)', '(True,)', '(None,)', "('3',)", '(1, (2,))', '(2**60, 2**60)', '(9007199254740993,)'),
  fc.constantFrom(...EVIL),
);
const orderValue = fc.oneof(fc.constantFrom('False', 'True', 'false', '0', '1', "'F'", 'None', 'True and False'), fc.constantFrom(...EVIL));
const key = fc.oneof(fc.constantFrom("'descr'", "'fortran_order'", "'shape'"), fc.constantFrom("'extra'", "'__proto__'", "'constructor'", '"descr"', 'descr', "'shape '", '1', '(1,)'));

/** A header dict in numpy's style, with hostile values, keys, separators and damage. */
const headerText = fc.record({
  entries: fc.oneof(
    fc.tuple(descrValue, orderValue, shapeValue).map(([d, o, s]) => [`'descr': ${d}`, `'fortran_order': ${o}`, `'shape': ${s}`]),
    fc.array(fc.tuple(key, fc.oneof(descrValue, shapeValue, orderValue)).map(([k, v]) => `${k}: ${v}`), { maxLength: 5 }),
  ),
  shuffle: fc.boolean(),
  trailingComma: fc.boolean(),
  close: fc.constantFrom('}', '', '}}', ')', '} extra', '}, }', '}\x00'),
  pad: fc.nat({ max: 80 }),
  newline: fc.constantFrom('\n', '', '\r\n', '\n\n'),
}).map(({ entries, shuffle, trailingComma, close, pad, newline }) => {
  const es = shuffle ? [...entries].reverse() : entries;
  return `{${es.join(', ')}${trailingComma ? ', ' : ''}${close}${' '.repeat(pad)}${newline}`;
});

describe('hostile .npy headers', () => {
  afterAll(() => console.log(`hostile .npy outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`));
  trapEvaluators();

  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 400 }), (b, extra) => {
      check(b, b.length);
      check(b, b.length + extra); // more file than we read: may ask for more (SHORT)
    }), { seed: 0x5eed01, numRuns: RUNS });
  });

  it('random bytes after a valid magic and version', () => {
    fc.assert(fc.property(fc.constantFrom(1, 2, 3), fc.uint8Array({ maxLength: 300 }), (major, tail) => {
      const b = new Uint8Array(8 + tail.length);
      b.set(MAGIC); b[6] = major; b[7] = 0; b.set(tail, 8);
      check(b, b.length);
    }), { seed: 0x5eed02, numRuns: RUNS });
  });

  it('mutated numpy headers: flipped bytes, bad magic and versions, lengths past the file, truncation', () => {
    const valid = fc.record({
      d: fc.constantFrom(...DTYPES),
      shape: fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
      f: fc.boolean(),
    }).map(({ d, shape, f }) => {
      const h = formatNpyHeader(dtype(d), shape, f);
      const n = shape.reduce((a, x) => a * x, 1) * dtype(d).itemsize;
      const out = new Uint8Array(h.length + n);
      out.set(h);
      return out;
    });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('version' as const), major: fc.integer({ min: 0, max: 255 }), minor: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('length' as const), len: fc.oneof(fc.nat({ max: 0xffff }), fc.constant(0xffff), fc.constant(0), fc.nat()) }),
      fc.record({ kind: fc.constant('magic' as const), at: fc.nat({ max: 5 }), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('shortRead' as const), at: fc.nat() }),
    );
    fc.assert(fc.property(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }), (orig, muts) => {
      let b = orig.slice();
      let fileSize = b.length;
      for (const m of muts) {
        if (m.kind === 'flip' && b.length > 0) b[m.at % b.length] = m.byte;
        else if (m.kind === 'truncate') { b = b.slice(0, m.at % (b.length + 1)); fileSize = b.length; }
        else if (m.kind === 'version' && b.length > 7) { b[6] = m.major; b[7] = m.minor; }
        else if (m.kind === 'length' && b.length > 11) new DataView(b.buffer).setUint16(8, m.len & 0xffff, true);
        else if (m.kind === 'magic' && b.length > m.at) b[m.at] = m.byte;
        else if (m.kind === 'shortRead') b = b.slice(0, m.at % (b.length + 1)); // read less than the file
      }
      check(b, fileSize);
    }), { seed: 0x5eed03, numRuns: RUNS });
  });

  it('generated header dicts with Python expressions, bad descr, bad shapes, unterminated dicts', () => {
    const arb = fc.record({
      text: headerText,
      major: fc.constantFrom(1, 1, 2, 3),
      lenDelta: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -20, max: 20 }), fc.constant(2 ** 20)),
      data: fc.nat({ max: 256 }),
    });
    fc.assert(fc.property(arb, ({ text, major, lenDelta, data }) => {
      const bytes = major === 3 ? new TextEncoder().encode(text) : Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
      const b = wrap(bytes, major, 0, Math.max(0, bytes.length + lenDelta), data);
      check(b, b.length);
    }), { seed: 0x5eed04, numRuns: RUNS });
    // The generator reaches both sides of the contract (accepted and rejected headers).
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('ERR_NDMMAP_NPY') ?? 0).toBeGreaterThan(0);
  });

  it('well-formed headers round-trip through format and parse', () => {
    fc.assert(fc.property(fc.constantFrom(...DTYPES), fc.array(fc.nat({ max: 2 ** 12 }), { maxLength: 4 }), fc.boolean(), (d, shape, f) => {
      const h = formatNpyHeader(dtype(d), shape, f);
      const n = shape.reduce((a, x) => a * x, 1) * dtype(d).itemsize;
      const p = parseNpyHeader(h, h.length + n);
      expect([p.descr, p.shape, p.fortranOrder, p.dataOffset]).toEqual([d, shape, f, h.length]);
      expect(p.dataOffset % 64).toBe(0);
    }), { seed: 0x5eed05, numRuns: RUNS });
  });
});
