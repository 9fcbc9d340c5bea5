/**
 * The `.npy` header: parse it without evaluating anything, and write it byte for byte as numpy does.
 *
 * The format (numpy `lib/_format_impl.py`, NEP 1), byte by byte:
 *
 * | bytes          | content                                                                   |
 * |----------------|---------------------------------------------------------------------------|
 * | 0–5            | magic `\x93NUMPY` (0x93 'N' 'U' 'M' 'P' 'Y')                              |
 * | 6              | major version: 1, 2 or 3                                                  |
 * | 7              | minor version: 0                                                          |
 * | 8–9  (v1)      | HEADER_LEN, little-endian uint16                                          |
 * | 8–11 (v2, v3)  | HEADER_LEN, little-endian uint32                                          |
 * | 10 or 12 …     | HEADER_LEN bytes of header: latin1 text (v1, v2) or utf-8 text (v3)       |
 * | 10/12 + HEADER_LEN … | the array data, C or Fortran order, no gaps, to the end of the file |
 *
 * The header is the `repr` of a Python dict with exactly the keys `'descr'` (a dtype string such as
 * `'<f8'`), `'fortran_order'` (`True`/`False`) and `'shape'` (a tuple of ints: `()`, `(5,)`, `(3, 4)`).
 * numpy writes the keys sorted, each as `'key': repr(value), `, so the dict ends with `, }`:
 *
 *     {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }
 *
 * then 21 − len(str(growth axis length)) spaces (room to grow the first axis, or the last for
 * Fortran order, in place), then spaces and one final `\n` so that magic + version + length + header is a
 * multiple of 64 bytes. numpy uses version 1.0 unless the header does not fit in a uint16 (then 2.0), and
 * 3.0 only for a header that is not latin1. Old Python 2 files may write integers as `5L`.
 */
import { fail, NdmmapError, show } from './errors.js';
import { dtype, type DType } from './dtype.js';
import { descrOf } from './dtype-ext.js';
import { MAX_DIMS } from './layout.js';
import { parsePyLiteral, type PyLiteral } from './npy-literal.js';

/** `\x93NUMPY`: 0x93 is not ASCII, so a text file never starts this way. */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** Magic plus the two version bytes. */
const MAGIC_LEN = 8;
/** A zip archive's local file header: what np.savez / np.savez_compressed write (.npz). */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** What to do with an .npz: its members are .npy files (compressed ones cannot be mapped in place). */
export const NPZ_HINT = 'this is a zip archive (an .npz from np.savez), not one array: extract a member and map that .npy, ' +
  "e.g. unzip data.npz x.npy, or python3 -c \"import zipfile; zipfile.ZipFile('data.npz').extract('x.npy')\"";
/** numpy pads headers so data is 64-byte aligned (mmap-friendly for every dtype). */
const NPY_ALIGN = 64;
/** numpy leaves room for the growth axis to reach len(str(8 * 2**64 - 1)) digits without a rewrite. */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Largest shape product we accept: element indices must be exact in a JS number. */
const MAX_SIZE = 2n ** 53n;
/** numpy's `_MAX_HEADER_SIZE`: refuses longer headers as unsafe; ours for simple dtypes stay under 2 KiB. */
const MAX_HEADER_LEN = 10000;
/** The three keys numpy requires, no more, no fewer. */
const EXPECTED_KEYS = ['descr', 'fortran_order', 'shape'];

/** What a `.npy` header says. */
export interface NpyHeader {
  /** Format version, `[1, 0]`, `[2, 0]` or `[3, 0]`. */
  version: [number, number];
  /** The dtype string as written, e.g. `'<f8'`; a record's list as numpy writes it (`[('t', '<f8'), ('v', '<i2')]`). */
  descr: string;
  dtype: DType;
  fortranOrder: boolean;
  shape: number[];
  /** Bytes from the start of the file to the first element (a multiple of 64 for numpy's files). */
  dataOffset: number;
}

/** Thrown when `bytes` holds only part of the header: read `needed` bytes and call again. */
export class NpyShortError extends NdmmapError {
  /** How many bytes from the start of the file the parser needs. */
  readonly needed: number;
  constructor(needed: number, have: number) {
    super('ERR_NDMMAP_NPY_SHORT', `.npy header needs the first ${needed} bytes of the file, got ${have}`);
    this.needed = needed;
  }
}

function bad(message: string): never {
  return fail('ERR_NDMMAP_NPY', message);
}

/** Python's repr of a parsed literal, for messages that quote the header. */
function repr(v: PyLiteral): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return String(v);
  if ('tuple' in v) return `(${v.tuple.map(repr).join(', ')}${v.tuple.length === 1 ? ',' : ''})`;
  if ('list' in v) return `[${v.list.map(repr).join(', ')}]`;
  return `{${[...v.dict].map(([k, x]) => `'${k}': ${repr(x)}`).join(', ')}}`;
}

/** A parsed literal as the JS values `dtype()` takes: tuples and lists as arrays, ints as numbers. */
function toJs(v: PyLiteral): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'object') return v;
  if ('tuple' in v) return v.tuple.map(toJs);
  if ('list' in v) return v.list.map(toJs);
  return Object.fromEntries([...v.dict].map(([k, x]) => [k, toJs(x)]));
}

function parseDescr(v: PyLiteral): DType {
  if (typeof v === 'object' && 'list' in v) {
    // numpy's descr_to_dtype: a record's list, '' entries of |V<n> are padding (dropped, offsets kept).
    try {
      return dtype(toJs(v) as unknown[]);
    } catch (e) {
      return bad(`descr is not a valid dtype descriptor: ${repr(v)} (${(e as Error).message})`);
    }
  }
  if (typeof v !== 'string') return bad(`descr is not a valid dtype descriptor: ${repr(v)} (expected a dtype string or a list of fields)`);
  if (/^[<>=|]?O\d*$/.test(v)) bad(`descr ${show(v)} is an object array of pickled Python objects; not supported`);
  try {
    return dtype(v);
  } catch (e) {
    return bad(`descr is not a valid dtype descriptor: ${show(v)} (${(e as Error).message})`);
  }
}

function parseShape(v: PyLiteral): number[] {
  if (typeof v !== 'object' || !('tuple' in v) || !v.tuple.every((x) => typeof x === 'bigint'))
    bad(`shape is not valid: ${repr(v)} (expected a tuple of integers)`);
  const dims = (v as { tuple: bigint[] }).tuple;
  if (dims.length > MAX_DIMS) bad(`shape is not valid: ${repr(v)} (maximum supported dimension for an ndarray is currently ${MAX_DIMS}, found ${dims.length})`);
  if (dims.some((d) => d < 0n)) bad(`shape is not valid: ${repr(v)} (negative dimensions are not allowed)`);
  const size = dims.reduce((a, d) => a * d, 1n);
  if (size > MAX_SIZE || dims.some((d) => d > MAX_SIZE))
    bad(`shape is not valid: ${repr(v)} (more than 2**53 elements)`);
  return dims.map(Number);
}

/**
 * Parse the header of a `.npy` file from its first bytes.
 * @param bytes the start of the file (64 KiB covers any header numpy writes for the supported dtypes)
 * @param fileSize the whole file's size in bytes, to check that the data fits
 * @throws `ERR_NDMMAP_NPY_SHORT` (an `NpyShortError` with `needed`) when `bytes` ends inside the header;
 *   `ERR_NDMMAP_NPY` for anything that is not a readable numpy header or a file too small for its shape.
 * @example parseNpyHeader(firstBytes, stat.size).shape // [3, 4]
 */
export function parseNpyHeader(bytes: Uint8Array, fileSize: number): NpyHeader {
  const need = (n: number, what: string): void => {
    if (n > fileSize) bad(`file too small for the ${what}: needs ${n} bytes, the file has ${fileSize}`);
    if (n > bytes.length) throw new NpyShortError(n, bytes.length);
  };
  need(MAGIC_LEN, '.npy magic string');
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) bad(NPZ_HINT);
  if (MAGIC.some((b, i) => bytes[i] !== b)) {
    const got = [...bytes.subarray(0, 6)].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`));
    bad(`the magic string is not correct; expected '\\x93NUMPY', got '${got.join('')}'`);
  }
  const version: [number, number] = [bytes[6], bytes[7]];
  if (version[1] !== 0 || version[0] < 1 || version[0] > 3)
    bad(`we only support format version (1,0), (2,0), and (3,0), not (${version[0]}, ${version[1]})`);
  const lenBytes = version[0] === 1 ? 2 : 4;
  need(MAGIC_LEN + lenBytes, 'header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = lenBytes === 2 ? view.getUint16(MAGIC_LEN, true) : view.getUint32(MAGIC_LEN, true);
  const dataOffset = MAGIC_LEN + lenBytes + headerLen;
  if (dataOffset > fileSize)
    bad(`header length ${headerLen} runs past the end of the file: the header ends at byte ${dataOffset}, the file has ${fileSize}`);
  if (headerLen > MAX_HEADER_LEN)
    bad(`Header info length (${headerLen}) is large and may not be safe to load securely (numpy's limit is ${MAX_HEADER_LEN})`);
  need(dataOffset, 'header');

  const raw = bytes.subarray(MAGIC_LEN + lenBytes, dataOffset);
  let text: string;
  if (version[0] === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return bad('the header of a version 3.0 file is not valid utf-8');
    }
  } else {
    // True latin1 (TextDecoder's 'latin1' is windows-1252).
    text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  }
  const d = parsePyLiteral(text);
  if (typeof d !== 'object' || !('dict' in d)) return bad(`Header is not a dictionary: ${repr(d)}`);
  const keys = [...d.dict.keys()].sort();
  if (keys.join() !== EXPECTED_KEYS.join())
    bad(`Header does not contain the correct keys: [${keys.map((k) => `'${k}'`).join(', ')}] (expected 'descr', 'fortran_order', 'shape')`);

  const fortranOrder = d.dict.get('fortran_order')!;
  if (typeof fortranOrder !== 'boolean') bad(`fortran_order is not a valid bool: ${repr(fortranOrder)}`);
  const dt = parseDescr(d.dict.get('descr')!);
  const shape = parseShape(d.dict.get('shape')!);
  const nbytes = shape.reduce((a, n) => a * BigInt(n), BigInt(dt.itemsize));
  if (BigInt(dataOffset) + nbytes > BigInt(fileSize))
    bad(`file too small for shape ${show(shape)} of ${show(dt.str)}: needs ${dataOffset} header + ${nbytes} data bytes, the file has ${fileSize}`);
  return { version, descr: typeof d.dict.get('descr') === 'string' ? d.dict.get('descr') as string : descrOf(dt), dtype: dt, fortranOrder: fortranOrder as boolean, shape, dataOffset };
}

/**
 * The `.npy` header numpy (`np.save`, `np.lib.format.open_memmap`) writes for this array, byte for byte.
 * @param dt element type; its `str` (`'<f8'`, `'|b1'`, `'>i4'`) becomes `descr`
 * @param shape dimensions, non-negative integers; `[]` for a 0-d array
 * @param fortranOrder true if the data is stored in Fortran (column-major) order
 * @returns magic through final `\n`; the data starts right after, at a multiple of 64 bytes
 * @throws `ERR_INVALID_ARG_VALUE` for a dimension that is not a non-negative safe integer.
 * @example formatNpyHeader(dtype('<f8'), [3, 4], false).length // 128
 */
export function formatNpyHeader(dt: DType, shape: number[], fortranOrder: boolean): Uint8Array {
  const d = dtype(dt);
  for (const n of shape)
    if (!Number.isSafeInteger(n) || n < 0) fail('ERR_INVALID_ARG_VALUE', `shape must hold non-negative integers, got ${show(shape)}`);
  const tuple = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  let header = `{'descr': ${descrOf(d)}, 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${tuple}, }`;
  if (shape.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[fortranOrder ? shape.length - 1 : 0]).length);
  // The header is ASCII, so latin1 and utf-8 agree and version 3.0 is never needed.
  const hlen = header.length + 1;
  const pad = (lenBytes: number): number => NPY_ALIGN - ((MAGIC_LEN + lenBytes + hlen) % NPY_ALIGN);
  const lenBytes = hlen + pad(2) <= 0xffff ? 2 : 4;
  const padlen = pad(lenBytes);
  const total = MAGIC_LEN + lenBytes + hlen + padlen;
  const out = new Uint8Array(total);
  out.set(MAGIC);
  out[6] = lenBytes === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lenBytes === 2) view.setUint16(MAGIC_LEN, hlen + padlen, true);
  else view.setUint32(MAGIC_LEN, hlen + padlen, true);
  const body = header + ' '.repeat(padlen) + '\n';
  for (let i = 0; i < body.length; i++) out[MAGIC_LEN + lenBytes + i] = body.charCodeAt(i);
  return out;
}
