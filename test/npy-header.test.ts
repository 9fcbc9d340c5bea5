import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dtype } from '../dist/src/dtype.js';
import { formatNpyHeader, NpyShortError, parseNpyHeader } from '../dist/src/npy-header.js';

const NPY = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'npy');

interface NpyCase {
  file: string;
  writer: string;
  version: [number, number];
  descr: string;
  fortran_order: boolean;
  shape: number[];
  header_len: number;
  data_offset: number;
}
const cases: NpyCase[] = JSON.parse(readFileSync(join(NPY, 'cases.json'), 'utf8'));
const read = (file: string): Uint8Array => new Uint8Array(readFileSync(join(NPY, file)));

/** A .npy file from header text, with the length field right unless told otherwise. */
function npy(header: string, o: { version?: number[]; magic?: number[]; dataBytes?: number; headerLen?: number } = {}): Uint8Array {
  const [major, minor] = o.version ?? [1, 0];
  const text = new TextEncoder().encode(header);
  const lenBytes = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lenBytes + text.length + (o.dataBytes ?? 0));
  out.set(o.magic ?? [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  out[6] = major;
  out[7] = minor;
  const view = new DataView(out.buffer);
  const len = o.headerLen ?? text.length;
  if (lenBytes === 2) view.setUint16(8, len, true);
  else view.setUint32(8, len, true);
  out.set(text, 8 + lenBytes);
  return out;
}
const parse = (bytes: Uint8Array) => parseNpyHeader(bytes, bytes.length);
const dict = (descr: string, fortran: string, shape: string) =>
  `{'descr': ${descr}, 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

/** Assert the call throws NdmmapError with `code` and a message matching `re`. */
function expectError(fn: () => unknown, code: string, re: RegExp): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected an error').toBeInstanceOf(Error);
  expect((err as { code: string }).code).toBe(code);
  expect((err as Error).message).toMatch(re);
}

describe('parseNpyHeader on numpy-written files', () => {
  it('covers versions 1.0, 2.0 and 3.0', () => {
    expect(new Set(cases.map((c) => c.version.join('.')))).toEqual(new Set(['1.0', '2.0', '3.0']));
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s', (_, c) => {
    const bytes = read(c.file);
    const h = parseNpyHeader(bytes, bytes.length);
    expect(h.version).toEqual(c.version);
    expect(h.descr).toBe(c.descr);
    expect(h.dtype.str).toBe(c.descr);
    expect(h.fortranOrder).toBe(c.fortran_order);
    expect(h.shape).toEqual(c.shape);
    expect(h.dataOffset).toBe(c.data_offset);
    expect(h.dataOffset % 64).toBe(0);
  });

  it('asks for more bytes when given only the start of the file', () => {
    const c = cases.find((x) => x.file === 'om_u1_pad64.npy')!;
    const bytes = read(c.file);
    for (const [have, needed] of [[4, 8], [9, 10], [64, c.data_offset]]) {
      let err: unknown;
      try {
        parseNpyHeader(bytes.subarray(0, have), bytes.length);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NpyShortError);
      expect((err as NpyShortError).code).toBe('ERR_NDMMAP_NPY_SHORT');
      expect((err as NpyShortError).needed).toBe(needed);
    }
    const v2 = read('f8_2d_C_v2.npy');
    expect(() => parseNpyHeader(v2.subarray(0, 11), v2.length)).toThrow(expect.objectContaining({ needed: 12 }));
  });
});

describe('formatNpyHeader', () => {
  const v1 = cases.filter((c) => c.version[0] === 1);

  it.each(v1.map((c) => [c.file, c] as const))('matches numpy byte for byte: %s', (_, c) => {
    const expected = read(c.file).subarray(0, c.data_offset);
    const got = formatNpyHeader(dtype(c.descr), c.shape, c.fortran_order);
    expect(Buffer.from(got).toString('latin1')).toBe(Buffer.from(expected).toString('latin1'));
  });

  it('covers the shapes and dtypes that have special spellings', () => {
    const seen = v1.map((c) => `${c.descr} ${JSON.stringify(c.shape)} ${c.fortran_order}`);
    for (const want of ['|u1 [] false', '<f8 [0] false', '|b1 [5] false', '>i4 [2,3] false', '<i8 [2,3,4] true'])
      expect(seen).toContain(want);
  });

  it('writes what parseNpyHeader reads', () => {
    const h = formatNpyHeader(dtype('>f2'), [7, 0, 12345678901], true);
    expect(h.length % 64).toBe(0);
    expect(parse(h)).toMatchObject({ version: [1, 0], descr: '>f2', fortranOrder: true, shape: [7, 0, 12345678901], dataOffset: h.length });
  });

  it('rejects a shape that is not non-negative integers', () => {
    expectError(() => formatNpyHeader(dtype('<f8'), [2, -1], false), 'ERR_INVALID_ARG_VALUE', /non-negative integers, got \(2, -1\)/);
    expectError(() => formatNpyHeader(dtype('<f8'), [1.5], false), 'ERR_INVALID_ARG_VALUE', /got \(1.5,\)/);
  });
});

describe('parseNpyHeader reads the literal subset numpy writes', () => {
  it('in any key order, with either quote, with or without trailing comma', () => {
    const h = parse(npy(`{"shape": (3, 4), 'fortran_order': True, 'descr': "<i2"}   \n`, { dataBytes: 24 }));
    expect(h).toMatchObject({ descr: '<i2', fortranOrder: true, shape: [3, 4] });
  });

  it("Python 2's long suffix and 1-tuples", () => {
    expect(parse(npy(dict("'<u2'", 'False', '(5L,)'), { dataBytes: 10 })).shape).toEqual([5]);
    expect(parse(npy(dict("'<u2'", 'False', '(2L, 3L)'), { dataBytes: 12 })).shape).toEqual([2, 3]);
  });

  it('a version 3.0 utf-8 header', () => {
    expect(parse(npy(dict("'|b1'", 'False', '()'), { version: [3, 0], dataBytes: 1 })).shape).toEqual([]);
  });
});

describe('parseNpyHeader errors', () => {
  const ok = dict("'<f8'", 'False', '(2,)');
  const E = 'ERR_NDMMAP_NPY';

  it('bad magic', () => {
    expectError(() => parse(npy(ok, { magic: [0x50, 0x4b, 5, 6, 0, 0], dataBytes: 16 })), E, /magic string is not correct; expected '\\x93NUMPY', got 'PK\\x05\\x06\\x00\\x00'/);
  });

  it('a zip archive (an .npz) says so and how to extract a member', () => {
    expectError(() => parse(npy(ok, { magic: [0x50, 0x4b, 3, 4, 0, 0], dataBytes: 16 })), E, /^this is a zip archive \(an \.npz from np\.savez\), not one array: extract a member and map that \.npy/);
  });

  it('file shorter than the magic', () => {
    expectError(() => parseNpyHeader(new Uint8Array([0x93, 0x4e]), 2), E, /file too small for the \.npy magic string/);
  });

  it('unsupported versions', () => {
    expectError(() => parse(npy(ok, { version: [4, 0], dataBytes: 16 })), E, /only support format version .* not \(4, 0\)/);
    expectError(() => parse(npy(ok, { version: [1, 1], dataBytes: 16 })), E, /not \(1, 1\)/);
  });

  it('header length past the end of the file', () => {
    expectError(() => parse(npy(ok, { headerLen: 5000, dataBytes: 16 })), E, /header length 5000 runs past the end of the file/);
    expectError(() => parse(npy(ok, { version: [2, 0], headerLen: 0xfffffff0 })), E, /header length 4294967280 runs past/);
  });

  it('header longer than numpy would read', () => {
    const long = dict("'<f8'", 'False', '(2,)').replace('\n', ' '.repeat(10001) + '\n');
    expectError(() => parse(npy(long, { version: [2, 0], dataBytes: 16 })), E, /Header info length \(10\d+\) is large/);
  });

  it('unterminated dict', () => {
    expectError(() => parse(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), `)), E, /Cannot parse header: expected '}' .* got end of header/);
    expectError(() => parse(npy(`{'descr': '<f8`)), E, /Cannot parse header: expected closing '/);
  });

  it('not a dict, or trailing text', () => {
    expectError(() => parse(npy(`('<f8', False, (2,))`)), E, /Header is not a dictionary/);
    expectError(() => parse(npy(`${ok.trim()} x`)), E, /expected end of header/);
  });

  it('missing, extra and repeated keys', () => {
    expectError(() => parse(npy(`{'descr': '<f8', 'shape': (2,)}`)), E, /Header does not contain the correct keys: \['descr', 'shape'\]/);
    expectError(() => parse(npy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}`)), E,
      /correct keys: \['descr', 'fortran_order', 'shape', 'x'\]/);
    expectError(() => parse(npy(`{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}`)), E, /'descr' is repeated/);
  });

  it('descr that is not a supported dtype', () => {
    expectError(() => parse(npy(dict("'<U5'", 'False', '(2,)'), { dataBytes: 40 })), E, /descr is not a valid dtype descriptor: '<U5'/);
    expectError(() => parse(npy(dict("'float128'", 'False', '(2,)'), { dataBytes: 40 })), E, /descr is not a valid dtype descriptor/);
    expectError(() => parse(npy(dict("'|O'", 'False', '(2,)'), { dataBytes: 16 })), E, /object array .* not supported/);
    expectError(() => parse(npy(dict("[('a', '<f8'), ('b', '<U5')]", 'False', '(2,)'), { dataBytes: 56 })), E,
      /descr is not a valid dtype descriptor: \[\('a', '<f8'\), \('b', '<U5'\)\] \(data type '<U5' not understood\)/);
    expectError(() => parse(npy(dict('8', 'False', '(2,)'), { dataBytes: 16 })), E, /descr is not a valid dtype descriptor: 8/);
  });

  it('descr as a Python expression is never evaluated', () => {
    expectError(() => parse(npy(dict("__import__('os').system('echo hi')", 'False', '(2,)'), { dataBytes: 16 })), E,
      /Cannot parse header: expected a string, True, False.* got '__import__/);
    expectError(() => parse(npy(dict(`"__import__('os')"`, 'False', '(2,)'), { dataBytes: 16 })), E,
      /descr is not a valid dtype descriptor: '__import__\('os'\)'/);
    expectError(() => parse(npy(dict("'<f8'", 'False', '(1+1,)'), { dataBytes: 16 })), E, /Cannot parse header/);
  });

  it('fortran_order that is not a bool', () => {
    expectError(() => parse(npy(dict("'<f8'", '0', '(2,)'), { dataBytes: 16 })), E, /fortran_order is not a valid bool: 0/);
  });

  it('negative or non-integer shape', () => {
    expectError(() => parse(npy(dict("'<f8'", 'False', '(2, -3)'))), E, /shape is not valid: \(2, -3\) \(negative dimensions/);
    expectError(() => parse(npy(dict("'<f8'", 'False', "('2',)"))), E, /shape is not valid: \('2',\)/);
    expectError(() => parse(npy(dict("'<f8'", 'False', '(True, 2)'))), E, /shape is not valid: \(True, 2\)/);
    expectError(() => parse(npy(dict("'<f8'", 'False', '[2, 3]'))), E, /shape is not valid: \[2, 3\]/);
    expectError(() => parse(npy(dict("'<f8'", 'False', '2'))), E, /shape is not valid: 2/);
    expectError(() => parse(npy(dict("'<f8'", 'False', '(2.5,)'))), E, /Cannot parse header: .* got '2\.5,\)/);
  });

  it('shape with more than 2**53 elements', () => {
    expectError(() => parse(npy(dict("'|u1'", 'False', '(4294967296, 4194304)'))), E, /more than 2\*\*53 elements/);
  });

  it('file too small for the shape', () => {
    const bytes = npy(dict("'<f8'", 'False', '(3, 4)'), { dataBytes: 95 });
    expectError(() => parse(bytes), E, /file too small for shape \(3, 4\) of '<f8': needs \d+ header \+ 96 data bytes, the file has/);
    const real = read('f8_2d_C.npy');
    expectError(() => parseNpyHeader(real.subarray(0, 200), 200), E, /needs 128 header \+ 96 data bytes, the file has 200/);
  });

  it('a version 3.0 header that is not utf-8', () => {
    const bytes = npy(dict("'<f8'", 'False', '(2,)'), { version: [3, 0], dataBytes: 16 });
    bytes[14] = 0xff;
    expectError(() => parse(bytes), E, /not valid utf-8/);
  });
});

describe('parseNpyHeader: deep nesting', () => {
  const E = 'ERR_NDMMAP_NPY';
  const nest = (open: string, close: string, inner: string, depth: number): string => open.repeat(depth) + inner + close.repeat(depth);

  it('thousands of levels of (), [] or {} are ERR_NDMMAP_NPY, not a RangeError', () => {
    // 4900 levels is the deepest that fits numpy's 10000-byte header limit; a recursive parser runs out of stack near 2800.
    const shapes = [4900, 2500].flatMap((d) => [nest('(', ')', '3,', d), nest('[', ']', '3', d)]);
    for (const shape of [...shapes, nest("{'a': ", '}', '3', 1400)]) {
      const h = dict("'<f8'", 'False', shape);
      expectError(() => parse(npy(h, { dataBytes: 24 })), E, /Cannot parse header: .*nested more than 200 levels deep at offset \d+/);
    }
  });

  it("numpy's limit: 200 levels parse (the dict's brace and 199 parentheses), 201 do not", () => {
    // np.load accepts 'shape': ((…(3,)…)) with 199 parentheses and refuses 200 (Python's parser stops at 200 levels).
    expect(parse(npy(dict("'<f8'", 'False', nest('(', ')', '3,', 199)), { dataBytes: 24 })).shape).toEqual([3]);
    expectError(() => parse(npy(dict("'<f8'", 'False', nest('(', ')', '3,', 200)), { dataBytes: 24 })), E, /nested more than 200 levels/);
  });
});
