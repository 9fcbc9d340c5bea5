/**
 * The dtypes ndmmap maps but does not compute on natively: records (numpy structured dtypes, with
 * padding, alignment, nested records and sub-array fields), datetime64/timedelta64, complex64/128
 * and raw bytes (`'V8'`). They carry `code: -1` (no native kernel); their numeric fields, a
 * datetime's int64 count (`view('int64')`) and a complex array's float pairs (`view('float64')`)
 * are what the engine computes on.
 */
import { fail, show } from './errors.js';
import { type DType, DTYPE_PROTO, dtype } from './dtype.js';

/** numpy's datetime units, coarsest first (`[10s]`-style multiples are not supported). */
export const DATETIME_UNITS = ['Y', 'M', 'W', 'D', 'h', 'm', 's', 'ms', 'us', 'ns', 'ps', 'fs', 'as'] as const;

/** A field as the constructors take it: `[name, format]` or `[name, format, shape]`. */
type FieldSpec = readonly [unknown, unknown, unknown?];

/** Freeze an extended dtype on the printing prototype (so `String(dt)` is numpy's `str`). */
function build(fields: Record<string, unknown>): DType {
  return Object.freeze(Object.assign(Object.create(DTYPE_PROTO) as object, { code: -1, ...fields })) as DType;
}

/** Does this dtype have a native kernel (bool, ints, floats)? Records, datetimes and complex do not. */
export function isNative(dt: DType): boolean {
  return dt.code >= 0;
}

/**
 * Parse the string spellings of the extended scalar types: `'<M8[ns]'`, `'datetime64[s]'`,
 * `'>m8[ms]'`, `'timedelta64[D]'`, `'c8'`, `'<c16'`, `'complex64'`, `'V8'`; undefined if none.
 * @throws `ERR_NDMMAP_DTYPE` for a datetime with a unit numpy does not know.
 */
export function parseExtString(spec: string): DType | undefined {
  let order: '<' | '>' = '<';
  let body = spec;
  if (/^[<>=|]/.test(spec)) { order = spec[0] === '>' ? '>' : '<'; body = spec.slice(1); }
  const prefixed = body !== spec;
  const dt = /^(?:(M8|m8)|(datetime64|timedelta64))\[(\w*)\]$/.exec(body);
  if (dt !== null) {
    if (prefixed && dt[2] !== undefined) return undefined;
    const unit = dt[3];
    if (!(DATETIME_UNITS as readonly string[]).includes(unit))
      fail('ERR_NDMMAP_DTYPE', `Invalid datetime unit in metadata string "[${unit}]" (ndmmap reads the units ${DATETIME_UNITS.join(', ')}; a generic datetime64 has none)`);
    const kind = (dt[1] ?? dt[2]).startsWith('M') || dt[2] === 'datetime64' ? 'M' : 'm';
    return datetime(kind, unit, order);
  }
  const c = /^(?:c(8|16)|complex(64|128)|([FD]))$/.exec(body);
  if (c !== null && !(prefixed && c[2] !== undefined)) {
    const size = c[1] !== undefined ? Number(c[1]) : c[2] !== undefined ? Number(c[2]) / 8 : c[3] === 'F' ? 8 : 16;
    return build({ name: `complex${size * 8}`, itemsize: size, kind: 'c', byteorder: order, str: `${order}c${size}` });
  }
  const v = /^V(\d+)$/.exec(body);
  if (v !== null && Number(v[1]) > 0) return voidBytes(Number(v[1]));
  return undefined;
}

function datetime(kind: 'M' | 'm', unit: string, order: '<' | '>'): DType {
  const name = `${kind === 'M' ? 'datetime64' : 'timedelta64'}[${unit}]`;
  return build({ name, itemsize: 8, kind, byteorder: order, str: `${order}${kind}8[${unit}]`, unit });
}

/** numpy's `np.dtype('V<n>')`: n opaque bytes (what a `.npy` header's padding entries hold). */
function voidBytes(n: number): DType {
  return build({ name: `void${n * 8}`, itemsize: n, kind: 'V', byteorder: '|', str: `|V${n}` });
}

/** A field's format: a dtype spelling, a nested field list or a dict form. */
function format(f: unknown): DType {
  if (Array.isArray(f) || (typeof f === 'object' && f !== null && !('itemsize' in f && 'kind' in f))) return recordDtype(f);
  return dtype(f as string);
}

/** numpy's alignment of a dtype inside an `align=True` record. */
function alignmentOf(dt: DType): number {
  if (dt.subdtype !== undefined) return alignmentOf(dt.subdtype[0]);
  if (dt.fields !== undefined) return Math.max(1, ...Object.values(dt.fields).map(([f]) => alignmentOf(f)));
  if (dt.kind === 'c') return dt.itemsize / 2;
  if (dt.kind === 'V') return 1;
  return dt.itemsize;
}

/** numpy's `np.dtype((base, shape))`: a sub-array field's type (a shape `()` gives `base`). */
export function subarray(base: DType, shapeIn: unknown): DType {
  const shape = typeof shapeIn === 'number' ? [shapeIn] : shapeIn;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d)))
    fail('ERR_NDMMAP_DTYPE', `invalid shape in fixed-type tuple: ${show(shapeIn)}`);
  if ((shape as number[]).some((d) => d < 0)) fail('ERR_NDMMAP_DTYPE', 'invalid shape in fixed-type tuple: dimension smaller then zero.');
  const dims = Object.freeze([...(shape as number[])]);
  if (dims.length === 0 || (dims.length === 1 && dims[0] === 1 && typeof shapeIn === 'number')) return base;
  const n = dims.reduce((a, d) => a * d, 1) * base.itemsize;
  return build({ name: `void${n * 8}`, itemsize: n, kind: 'V', byteorder: '|', str: `|V${n}`, subdtype: Object.freeze([base, dims]) });
}

/**
 * A record dtype from numpy's list form (`[['t', '<f8'], ['v', '<i2'], ['p', '<f4', [3]]]`, padding
 * entries `['', '|V6']` skipped as numpy's `np.load` does) or dict form (`{ names, formats, offsets?,
 * itemsize?, aligned? }`), laid out as numpy lays it out.
 * @throws `ERR_NDMMAP_DTYPE` with numpy's messages (repeated field, bad tuple, itemsize too small).
 */
export function recordDtype(spec: unknown, align = false): DType {
  let names: string[] = [];
  let formats: DType[] = [];
  let offsets: number[] | undefined;
  let itemsize: number | undefined;
  let packedOffsets: number[] | undefined;
  if (Array.isArray(spec)) {
    let pos = 0;
    packedOffsets = [];
    for (const item of spec as unknown[]) {
      if (!Array.isArray(item) || item.length < 2 || item.length > 3)
        fail('ERR_NDMMAP_DTYPE', `Field elements must be 2- or 3-tuples, got ${show(item)}`);
      const [name, f, shape] = item as unknown as FieldSpec;
      if (typeof name !== 'string') fail('ERR_NDMMAP_DTYPE', 'First element of field tuple is neither a tuple nor str');
      let ft = format(f);
      if (shape !== undefined) ft = subarray(ft, shape);
      if (name === '' && ft.kind === 'V' && ft.fields === undefined && ft.subdtype === undefined) { pos += ft.itemsize; continue; }
      names.push(name); formats.push(ft); packedOffsets.push(pos);
      pos += ft.itemsize;
    }
    if (!align) { offsets = packedOffsets; itemsize = pos; }
  } else if (typeof spec === 'object' && spec !== null) {
    const d = spec as { names?: unknown; formats?: unknown; offsets?: unknown; itemsize?: unknown; aligned?: unknown };
    if (!Array.isArray(d.names) || !Array.isArray(d.formats))
      fail('ERR_NDMMAP_DTYPE', `a record dtype dict needs 'names' and 'formats' lists, got ${show(spec)}`);
    if (d.names.length !== d.formats.length || (Array.isArray(d.offsets) && d.offsets.length !== d.names.length))
      fail('ERR_NDMMAP_DTYPE', "'names', 'formats', 'offsets', and 'titles' dict entries must have the same length");
    names = d.names.map((n) => { if (typeof n !== 'string') fail('ERR_NDMMAP_DTYPE', `field names must be strings, got ${show(n)}`); return n; });
    formats = d.formats.map(format);
    if (d.offsets !== undefined) {
      if (!Array.isArray(d.offsets) || !d.offsets.every((o) => Number.isInteger(o) && o >= 0))
        fail('ERR_NDMMAP_DTYPE', `offsets must be non-negative integers, got ${show(d.offsets)}`);
      offsets = d.offsets as number[];
    }
    if (d.itemsize !== undefined) {
      if (!Number.isInteger(d.itemsize) || (d.itemsize as number) < 0) fail('ERR_NDMMAP_DTYPE', `itemsize must be a non-negative integer, got ${show(d.itemsize)}`);
      itemsize = d.itemsize as number;
    }
    align = align || d.aligned === true;
  } else {
    fail('ERR_NDMMAP_DTYPE', `data type ${show(spec)} not understood`);
  }
  const seen = new Set<string>();
  for (const n of names) { if (seen.has(n)) fail('ERR_NDMMAP_DTYPE', `field '${n}' occurs more than once`); seen.add(n); }
  const maxAlign = align ? Math.max(1, ...formats.map(alignmentOf)) : 1;
  if (offsets === undefined) {
    let pos = 0;
    offsets = formats.map((f) => {
      const a = align ? alignmentOf(f) : 1;
      pos = Math.ceil(pos / a) * a;
      const o = pos;
      pos += f.itemsize;
      return o;
    });
  }
  const need = Math.max(0, ...formats.map((f, i) => offsets![i] + f.itemsize));
  const natural = Math.ceil(need / maxAlign) * maxAlign;
  if (itemsize !== undefined && itemsize < need)
    fail('ERR_NDMMAP_DTYPE', `NumPy dtype descriptor requires ${need} bytes, cannot override to smaller itemsize of ${itemsize}`);
  const size = itemsize ?? natural;
  // numpy makes np.dtype([]) but cannot map it (np.memmap divides by the itemsize): refuse it here.
  if (size === 0) fail('ERR_NDMMAP_DTYPE', `a record dtype of 0 bytes cannot be mapped, got ${show(spec)}`);
  const fields = Object.freeze(Object.fromEntries(names.map((n, i) => [n, Object.freeze([formats[i], offsets![i]] as const)])));
  return build({ name: `void${size * 8}`, itemsize: size, kind: 'V', byteorder: '|', str: `|V${size}`, names: Object.freeze(names), fields, aligned: align || undefined });
}

/** Is the record laid out as numpy's list form describes it: in order, no gaps, no aligned flag? */
function isPacked(dt: DType): boolean {
  let pos = 0;
  for (const n of dt.names!) {
    const [f, o] = dt.fields![n];
    if (o !== pos) return false;
    pos += f.itemsize;
  }
  return pos === dt.itemsize && dt.aligned !== true;
}

/** numpy's short construction repr of a field's dtype, as inside `str(record)`. */
function shortRepr(dt: DType): string {
  if (dt.fields !== undefined) return recordStr(dt);
  if (dt.subdtype !== undefined) return `(${shortRepr(dt.subdtype[0])}, (${dt.subdtype[1].join(', ')}${dt.subdtype[1].length === 1 ? ',' : ''}))`;
  if (dt.kind === 'b') return "'?'";
  return `'${dt.itemsize === 1 || dt.kind === 'V' ? dt.str.slice(1) : dt.str}'`;
}

/** numpy's `str(dtype)` of a record: the list form, or the dict form for padded, reordered or aligned ones. */
export function recordStr(dt: DType): string {
  const names = dt.names!;
  if (isPacked(dt)) {
    return `[${names.map((n) => {
      const f = dt.fields![n][0];
      if (f.subdtype !== undefined) return `('${n}', ${shortRepr(f.subdtype[0])}, (${f.subdtype[1].join(', ')}${f.subdtype[1].length === 1 ? ',' : ''}))`;
      return `('${n}', ${shortRepr(f)})`;
    }).join(', ')}]`;
  }
  const list = (xs: string[]): string => `[${xs.join(', ')}]`;
  return `{'names': ${list(names.map((n) => `'${n}'`))}, 'formats': ${list(names.map((n) => shortRepr(dt.fields![n][0])))}, ` +
    `'offsets': ${list(names.map((n) => String(dt.fields![n][1])))}, 'itemsize': ${dt.itemsize}${dt.aligned === true ? ", 'aligned': True" : ''}}`;
}

/** numpy's `str(dtype)` for the extended types; undefined for the native ones. */
export function extStr(dt: DType): string | undefined {
  if (dt.fields !== undefined) return recordStr(dt);
  if (dt.subdtype !== undefined) return `(${shortRepr(dt.subdtype[0])}, (${dt.subdtype[1].join(', ')}${dt.subdtype[1].length === 1 ? ',' : ''}))`;
  if (dt.kind === 'V') return dt.str;
  if (dt.kind === 'M' || dt.kind === 'm' || dt.kind === 'c') return dt.byteorder === '>' ? dt.str : dt.name;
  return undefined;
}

/**
 * numpy's `descr` of a record, as a `.npy` header writes it: the list form with `('', '|V<n>')`
 * entries for the gaps (numpy's `dtype.descr`).
 * @throws `ERR_NDMMAP_DTYPE` for overlapping or out-of-order fields (numpy cannot write those either).
 */
export function recordDescr(dt: DType): string {
  const parts: string[] = [];
  let pos = 0;
  const entries = dt.names!.map((n) => [n, ...dt.fields![n]] as const);
  for (const [n, f, o] of entries) {
    // numpy writes such names with Python's repr (other quotes, escapes) and utf-8 in a version 3.0 header
    if (!/^[\x20-\x7e]*$/.test(n) || /['\\]/.test(n))
      fail('ERR_NDMMAP_DTYPE', `field name ${show(n)} cannot be written to a .npy header by ndmmap (printable ASCII without ' or \\ only)`);
    if (o < pos) fail('ERR_NDMMAP_DTYPE', 'dtype.descr is not defined for types with overlapping or out-of-order fields');
    if (o > pos) parts.push(`('', '|V${o - pos}')`);
    parts.push(f.subdtype !== undefined ? `('${n}', ${descrOf(f.subdtype[0])}, (${f.subdtype[1].join(', ')}${f.subdtype[1].length === 1 ? ',' : ''}))` : `('${n}', ${descrOf(f)})`);
    pos = o + f.itemsize;
  }
  if (dt.itemsize > pos) parts.push(`('', '|V${dt.itemsize - pos}')`);
  return `[${parts.join(', ')}]`;
}

/** A `.npy` descr: `'<f8'` quoted, or a record's list. */
export function descrOf(dt: DType): string {
  return dt.fields !== undefined ? recordDescr(dt) : `'${dt.str}'`;
}
