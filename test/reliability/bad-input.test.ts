/**
 * The bad-input matrix: every public option with wrong types, negatives, NaN, non-integers, huge
 * values and unknown names. Each case must throw (or reject with) an NdmmapError with the documented
 * `code`, and leave every file in the directory byte-for-byte as it was (no file created either).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NdmmapError, createNpy, dtype, fill, memmap, mergePartials, openNpy, reduce, reducePartial, setThreads, shutdown, type MemMap } from '../../dist/src/index.js';
import { compileExpr } from '../../dist/src/expr/index.js';
import { fingerprint, tmpDir, writeF8 } from './helpers.js';

const dir = tmpDir('badinput');
const F = path.join(dir, 'data.f8'); // 64 x 8 float64 = 4096 bytes
const ODD = path.join(dir, 'odd.bin'); // 4097 bytes
const EMPTY = path.join(dir, 'empty.bin');
const NPY = path.join(dir, 'data.npy');
const TEXT = path.join(dir, 'text.npy'); // not a .npy file
const OUT = path.join(dir, 'out.f8'); // 8 float64
const NEW = path.join(dir, 'absent.f8'); // must never be created
const SUBDIR = path.join(dir, 'subdir');

let a: MemMap; // r+ (64, 8) float64 over F
let r: MemMap; // r over F
let out8: MemMap; // r+ (8,) float64 over OUT
let ro8: MemMap; // r (8,) float64 over OUT

beforeAll(() => {
  writeF8(F, 512);
  fs.writeFileSync(ODD, Buffer.alloc(4097, 7));
  fs.writeFileSync(EMPTY, '');
  fs.writeFileSync(TEXT, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n");
  writeF8(OUT, 8);
  fs.mkdirSync(SUBDIR);
  const n = createNpy(NPY, { dtype: 'int32', shape: [4, 4] });
  n.close();
  a = memmap(F, { dtype: 'float64', shape: [64, 8] });
  r = memmap(F, { dtype: 'float64', mode: 'r', shape: [64, 8] });
  out8 = memmap(OUT, { dtype: 'float64' });
  ro8 = memmap(OUT, { dtype: 'float64', mode: 'r' });
});
afterAll(async () => {
  for (const m of [a, r, out8, ro8]) m?.close();
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Case = [name: string, code: string, run: () => unknown];

const HUGE = 2 ** 60;
const aborted = (): AbortSignal => { const c = new AbortController(); c.abort(); return c.signal; };
/** Options as the user might pass them from untyped code. */
const any = (v: unknown): never => v as never;

const memmapCases: Case[] = [
  // filename
  ...[123, null, undefined, '', {}, ['a']].map((f): Case => [`memmap filename ${String(f)}`, 'ERR_INVALID_ARG_TYPE', () => memmap(any(f))]),
  ['memmap missing file (r)', 'ENOENT', () => memmap(NEW, { mode: 'r' })],
  ['memmap missing file (r+)', 'ENOENT', () => memmap(NEW)],
  ['memmap missing file (c)', 'ENOENT', () => memmap(NEW, { mode: 'c' })],
  ['memmap a directory (r+)', 'ERR_NDMMAP_NOT_FILE', () => memmap(SUBDIR)],
  ['memmap file under a missing dir (w+)', 'ENOENT', () => memmap(path.join(dir, 'no', 'x.f8'), { mode: 'w+', shape: 4 })],
  // options object
  ...[null, 'r', 5, true].map((o): Case => [`memmap options ${String(o)}`, 'ERR_INVALID_ARG_TYPE', () => memmap(F, any(o))]),
  // dtype
  ...['float128', 'complex256', 'c32', '', '<float64', 'f16', 'O', 'S10', 'U4', 'V0', 'M8[xx]', '>>f8', 'float64 ', 'toString', '__proto__', 'i3', 'datetime64']
    .map((d): Case => [`memmap dtype '${d}'`, 'ERR_NDMMAP_DTYPE', () => memmap(F, { dtype: d })]),
  ...[5, {}, [], true, NaN].map((d): Case => [`memmap dtype ${String(d)}`, 'ERR_NDMMAP_DTYPE', () => memmap(F, { dtype: any(d) })]),
  ['w+ with a bad dtype over an existing file', 'ERR_NDMMAP_DTYPE', () => memmap(F, { mode: 'w+', dtype: 'f3', shape: 4 })],
  // mode
  ...['rw', 'R', '', 'w', 'a', 'r+ ', 'toString', '__proto__', 'hasOwnProperty', 'READONLY'].map((m): Case => [`memmap mode '${m}'`, 'ERR_NDMMAP_MODE', () => memmap(F, { mode: m })]),
  ...[5, {}, true].map((m): Case => [`memmap mode ${String(m)}`, 'ERR_NDMMAP_MODE', () => memmap(F, { mode: any(m) })]),
  ['w+ with a bad mode-independent option (order) over an existing file', 'ERR_NDMMAP_ORDER', () => memmap(F, { mode: 'w+', shape: 4, order: 'Z' })],
  // offset
  ['memmap offset -1', 'ERR_OUT_OF_RANGE', () => memmap(F, { offset: -1 })],
  ['memmap offset -0.5', 'ERR_INVALID_ARG_TYPE', () => memmap(F, { offset: -0.5 })],
  ...[1.5, NaN, Infinity, -Infinity, '8', 8n, {}].map((o): Case => [`memmap offset ${String(o)}`, 'ERR_INVALID_ARG_TYPE', () => memmap(F, { offset: any(o) })]),
  ['memmap offset 2^60', 'ERR_OUT_OF_RANGE', () => memmap(F, { offset: HUGE })],
  ['memmap offset past the end (r)', 'ERR_NDMMAP_SIZE', () => memmap(F, { mode: 'r', offset: 4097 })],
  ['memmap offset past the end (r+)', 'ERR_NDMMAP_SIZE', () => memmap(F, { offset: 10_000 })],
  ['memmap offset past the end (c)', 'ERR_NDMMAP_SIZE', () => memmap(F, { mode: 'c', offset: 5000, dtype: 'f8' })],
  ['memmap offset + shape past the end (r)', 'ERR_NDMMAP_SIZE', () => memmap(F, { mode: 'r', offset: 8, shape: 512, dtype: 'f8' })],
  ['w+ offset + size past 2^53', 'ERR_OUT_OF_RANGE', () => memmap(NEW, { mode: 'w+', offset: 2 ** 53 - 8, shape: 4, dtype: 'f8' })],
  // shape
  ['memmap shape -1', 'ERR_OUT_OF_RANGE', () => memmap(F, { shape: -1 })],
  ['memmap shape [4, -2]', 'ERR_OUT_OF_RANGE', () => memmap(F, { shape: [4, -2] })],
  ...[2.5, NaN, Infinity, '4', {}, true, [1.5], [NaN], ['4'], [null], [[2]], { length: 2 }].map((s): Case =>
    [`memmap shape ${JSON.stringify(s) ?? String(s)}`, 'ERR_INVALID_ARG_TYPE', () => memmap(F, { shape: any(s) })]),
  ['memmap shape product past 2^53', 'ERR_OUT_OF_RANGE', () => memmap(F, { shape: [2 ** 27, 2 ** 27] })],
  ['memmap shape product past 2^53 (many dims)', 'ERR_OUT_OF_RANGE', () => memmap(F, { shape: Array(27).fill(4) })],
  ['memmap shape bytes past 2^53 (f8)', 'ERR_OUT_OF_RANGE', () => memmap(F, { shape: 2 ** 51, dtype: 'f8' })],
  ['memmap 65 dims', 'ERR_OUT_OF_RANGE', () => memmap(F, { shape: Array(65).fill(1) })],
  ['memmap shape past the file (r)', 'ERR_NDMMAP_SIZE', () => memmap(F, { mode: 'r', shape: [65, 8], dtype: 'f8' })],
  ['memmap shape past the file (c)', 'ERR_NDMMAP_SIZE', () => memmap(F, { mode: 'c', shape: 4097 })],
  ['memmap huge shape (r)', 'ERR_NDMMAP_SIZE', () => memmap(F, { mode: 'r', shape: 2 ** 40 })],
  ['w+ without a shape over an existing file', 'ERR_NDMMAP_SHAPE', () => memmap(F, { mode: 'w+' })],
  ['write (w+ alias) without a shape', 'ERR_NDMMAP_SHAPE', () => memmap(F, { mode: 'write' })],
  ['w+ with a negative shape over an existing file', 'ERR_OUT_OF_RANGE', () => memmap(F, { mode: 'w+', shape: -4 })],
  ['w+ with a non-integer shape', 'ERR_INVALID_ARG_TYPE', () => memmap(NEW, { mode: 'w+', shape: [2, 0.5] })],
  // order
  ...['X', 'c', 'f', 'A', 'K', '', 5, {}].map((o): Case => [`memmap order ${String(o)}`, 'ERR_NDMMAP_ORDER', () => memmap(F, { order: any(o) })]),
  // file contents
  ['memmap an empty file (r)', 'ERR_NDMMAP_SIZE', () => memmap(EMPTY, { mode: 'r' })],
  ['memmap an empty file with a 0-size shape (r)', 'ERR_NDMMAP_SIZE', () => memmap(EMPTY, { mode: 'r', shape: 0 })],
  ['memmap size not a multiple of the itemsize', 'ERR_NDMMAP_SIZE', () => memmap(ODD, { dtype: 'f8' })],
  ['memmap size not a multiple of the itemsize (r)', 'ERR_NDMMAP_SIZE', () => memmap(ODD, { mode: 'r', dtype: 'i2' })],
];

const npyCases: Case[] = [
  ...[5, null, '', {}].map((f): Case => [`openNpy filename ${String(f)}`, 'ERR_INVALID_ARG_TYPE', () => openNpy(any(f))]),
  ['openNpy missing file', 'ENOENT', () => openNpy(NEW)],
  ['openNpy a directory', 'ERR_NDMMAP_NOT_FILE', () => openNpy(SUBDIR)],
  ...['w+', 'write', 'x', '', 'R', 'toString'].map((m): Case => [`openNpy mode '${m}'`, 'ERR_NDMMAP_MODE', () => openNpy(NPY, { mode: m })]),
  ...[5, {}].map((m): Case => [`openNpy mode ${String(m)}`, 'ERR_NDMMAP_MODE', () => openNpy(NPY, { mode: any(m) })]),
  ...[null, 5, 'r'].map((o): Case => [`openNpy options ${String(o)}`, 'ERR_INVALID_ARG_TYPE', () => openNpy(NPY, any(o))]),
  ['openNpy of a text file', 'ERR_NDMMAP_NPY', () => openNpy(TEXT)],
  ['openNpy of an empty file', 'ERR_NDMMAP_NPY', () => openNpy(EMPTY, { mode: 'r' })],
  ['openNpy of raw data', 'ERR_NDMMAP_NPY', () => openNpy(F, { mode: 'r' })],
  ...[5, null, ''].map((f): Case => [`createNpy filename ${String(f)}`, 'ERR_INVALID_ARG_TYPE', () => createNpy(any(f), { shape: 4 })]),
  ...[undefined, null, 5, 'x'].map((o): Case => [`createNpy options ${String(o)}`, 'ERR_INVALID_ARG_TYPE', () => createNpy(NEW, any(o))]),
  ['createNpy without a shape', 'ERR_NDMMAP_SHAPE', () => createNpy(NPY, any({ dtype: 'f8' }))],
  ['createNpy dtype float128', 'ERR_NDMMAP_DTYPE', () => createNpy(NPY, { dtype: 'float128', shape: 4 })],
  ['createNpy dtype object', 'ERR_NDMMAP_DTYPE', () => createNpy(NPY, { dtype: 'O', shape: 4 })],
  ['createNpy dtype 5', 'ERR_NDMMAP_DTYPE', () => createNpy(NPY, { dtype: any(5), shape: 4 })],
  ['createNpy shape -1', 'ERR_OUT_OF_RANGE', () => createNpy(NPY, { shape: -1 })],
  ['createNpy shape [NaN]', 'ERR_INVALID_ARG_TYPE', () => createNpy(NPY, { shape: [NaN] })],
  ['createNpy shape 1.5', 'ERR_INVALID_ARG_TYPE', () => createNpy(NPY, { shape: 1.5 })],
  ['createNpy shape "4"', 'ERR_INVALID_ARG_TYPE', () => createNpy(NPY, { shape: any('4') })],
  ['createNpy shape product past 2^53', 'ERR_OUT_OF_RANGE', () => createNpy(NPY, { shape: [2 ** 30, 2 ** 30] })],
  ['createNpy bytes past 2^53 (over an existing file)', 'ERR_OUT_OF_RANGE', () => createNpy(NPY, { dtype: 'f8', shape: 2 ** 51 })],
  ['createNpy bytes past 2^53 (new file)', 'ERR_OUT_OF_RANGE', () => createNpy(NEW, { dtype: 'i2', shape: [2 ** 26, 2 ** 26] })],
  ['createNpy order X', 'ERR_NDMMAP_ORDER', () => createNpy(NPY, { shape: 4, order: any('X') })],
  ['createNpy into a missing directory', 'ENOENT', () => createNpy(path.join(dir, 'no', 'x.npy'), { shape: 4 })],
];

const REDUCERS = ['sum', 'prod', 'mean', 'min', 'max', 'var', 'std', 'argmin', 'argmax'] as const;

const reduceCases: Case[] = [
  ['reduce unknown name', 'ERR_INVALID_ARG_VALUE', () => reduce(any('median'), a)],
  ['reduce of a non-MemMap', 'ERR_INVALID_ARG_TYPE', () => reduce('sum', any({}))],
  ...REDUCERS.flatMap((op): Case[] => [
    [`${op} axis 2 of 2-d`, 'ERR_NDMMAP_AXIS', () => a[op]({ axis: 2 })],
    [`${op} axis -3 of 2-d`, 'ERR_NDMMAP_AXIS', () => a[op]({ axis: -3 })],
    [`${op} axis 2^60`, 'ERR_NDMMAP_AXIS', () => a[op]({ axis: HUGE })],
  ]),
  ...[1.5, NaN, Infinity, '0', ['0'], {}, true].map((ax): Case => [`sum axis ${String(ax)}`, 'ERR_INVALID_ARG_TYPE', () => a.sum({ axis: any(ax) })]),
  ...['x', NaN, Infinity, -Infinity, {}, 1n].map((d): Case => [`var ddof ${String(d)}`, 'ERR_INVALID_ARG_TYPE', () => a.var({ ddof: any(d) })]),
  ...[0, -1, 1.5, 257, HUGE, NaN, '2', null].map((t): Case => [`sum threads ${String(t)}`, 'ERR_OUT_OF_RANGE', () => a.sum({ threads: any(t) })]),
  ...[{}, 'abort', true, new AbortController()].map((s): Case => [`sum signal ${String(s)}`, 'ERR_INVALID_ARG_TYPE', () => a.sum({ signal: any(s) })]),
  ['sum with an aborted signal', 'ABORT_ERR', () => a.sum({ signal: aborted() })],
  ['apply with an aborted signal', 'ABORT_ERR', () => a.apply('x + 1', { signal: aborted() })],
  ...[5, 'f', {}, true].map((p): Case => [`sum onProgress ${String(p)}`, 'ERR_INVALID_ARG_TYPE', () => a.sum({ onProgress: any(p) })]),
  ...[null, 5, 'axis'].map((o): Case => [`sum options ${String(o)}`, 'ERR_INVALID_ARG_TYPE', () => a.sum(any(o))]),
  ['sum out without an axis', 'ERR_NDMMAP_SHAPE', () => a.sum({ out: out8 })],
  ['sum out wrong shape', 'ERR_NDMMAP_SHAPE', () => a.sum({ axis: 1, out: out8 })],
  ['sum out wrong dtype', 'ERR_NDMMAP_DTYPE', () => a.argmax({ axis: 0, out: out8 })],
  ['sum out read-only', 'ERR_NDMMAP_READONLY', () => a.sum({ axis: 0, out: ro8 })],
  ...[{}, [], 'out.f8', 5, { shape: [8], dtype: dtype('f8') }].map((o): Case => [`sum out ${JSON.stringify(o)}`, 'ERR_INVALID_ARG_TYPE', () => a.sum({ axis: 0, out: any(o) })]),
  ['min of an empty view', 'ERR_NDMMAP_EMPTY', () => a.slice('0:0').min()],
  ['argmax of an empty view', 'ERR_NDMMAP_EMPTY', () => a.slice('5:5').argmax({ axis: 0 })],
];

const partialCases: Case[] = [
  ['reducePartial unknown name', 'ERR_INVALID_ARG_VALUE', () => reducePartial(any('median'), a)],
  ['reducePartial of a non-MemMap', 'ERR_INVALID_ARG_TYPE', () => reducePartial('sum', any({}))],
  ...[null, 5, 'x', [1], [0, 1, 2], [0.5, 2], [0, NaN], ['0', '2'], [0, Infinity]].map((rows): Case =>
    [`reducePartial rows ${JSON.stringify(rows)}`, 'ERR_INVALID_ARG_VALUE', () => reducePartial('sum', a, { rows: any(rows) })]),
  ['reducePartial axis 2', 'ERR_NDMMAP_AXIS', () => reducePartial('sum', a, { axis: 2 })],
  ['reducePartial ddof NaN', 'ERR_INVALID_ARG_TYPE', () => reducePartial('var', a, { ddof: NaN })],
  ['reducePartial threads 0', 'ERR_OUT_OF_RANGE', () => reducePartial('sum', a, { threads: 0 })],
  ['reducePartial of a 0-d array', 'ERR_NDMMAP_INDEX', () => reducePartial('sum', a.slice(0, 0))],
  ...[[], null, undefined, 5, 'x', [null], [{}], [{ format: 'ndmmap-partial/1' }], [[]]].map((l): Case =>
    [`mergePartials ${JSON.stringify(l)}`, 'ERR_NDMMAP_PARTIAL', () => mergePartials(any(l))]),
];

const applyCases: Case[] = [
  ...[5, null, undefined, {}, ['x']].map((e): Case => [`apply expr ${String(e)}`, 'ERR_NDMMAP_EXPR', () => a.apply(any(e))]),
  ...['', ' ', 'x +', 'foo(x)', 'x y', 'x + 1)', '(x', 'x +* 2', 'sqrt()', 'sqrt(x, x)', 'where(x)', 'z', 'X', 'y',
    'process.exit(1)', 'globalThis', "require('fs')", '__proto__', 'constructor', 'x.constructor', 'x[0]', 'x; 1', 'x = 1',
    'x ? 1 : 2', '`x`', "'x'", 'x\n+1 garbage', '1e', '0x', '1..2', 'x @ x', 'lambda: 0', 'x if x else 0', 'x +'.repeat(5000)]
    .map((e): Case => [`apply expr ${JSON.stringify(e.length > 40 ? e.slice(0, 40) + '…' : e)}`, 'ERR_NDMMAP_EXPR', () => a.apply(e)]),
  ['apply deep nesting', 'ERR_NDMMAP_EXPR', () => a.apply('('.repeat(10_000) + 'x' + ')'.repeat(10_000))],
  ['apply in place on a read-only array', 'ERR_NDMMAP_READONLY', () => r.apply('x + 1')],
  ['apply out read-only', 'ERR_NDMMAP_READONLY', () => a.slice(0).apply('x', { out: ro8 })],
  ['apply out wrong shape', 'ERR_NDMMAP_SHAPE', () => a.apply('x', { out: out8 })],
  ['apply y that does not broadcast', 'ERR_NDMMAP_SHAPE', () => a.apply('x + y', { y: out8.slice('0:5') })],
  ['apply a var that does not broadcast', 'ERR_NDMMAP_SHAPE', () => a.apply('x + v', { vars: { v: new Float64Array(5) } })],
  ['apply a var that grows x in place', 'ERR_NDMMAP_SHAPE', () => a.apply('x + v', { vars: { v: { data: new Float64Array(128), shape: [2, 64, 1] } } })],
  ['apply a var whose shape does not fit its data', 'ERR_NDMMAP_SHAPE', () => a.apply('x + v', { vars: { v: Object.assign(new Float64Array(6), { shape: [4] }) } })],
  ...['str', {}, [1, 2], null, new DataView(new ArrayBuffer(8)), () => 1, Symbol('v')].map((v): Case =>
    [`apply var ${String(typeof v === 'symbol' ? 'symbol' : JSON.stringify(v) ?? v)}`, 'ERR_INVALID_ARG_TYPE', () => a.apply('x + v', { vars: { v: any(v) } })]),
  ['apply vars not an object', 'ERR_INVALID_ARG_TYPE', () => a.apply('x', { vars: any(5) })],
  ['apply a var named like a function', 'ERR_INVALID_ARG_VALUE', () => a.apply('x', { vars: { sin: 1 } })],
  ['apply a var named like an index variable', 'ERR_INVALID_ARG_VALUE', () => a.apply('x', { vars: { i0: 1 } })],
  ['apply a var named x', 'ERR_INVALID_ARG_VALUE', () => a.apply('x', { vars: { x: 1 } })],
  ['apply a var with a dtype its data cannot hold', 'ERR_NDMMAP_DTYPE', () => a.apply('x + v', { vars: { v: { data: new Int32Array(8), dtype: 'float64' } } })],
  ['apply an unknown option', 'ERR_INVALID_ARG_VALUE', () => a.apply('x', any({ varz: {} }))],
  ['apply an unknown variable', 'ERR_NDMMAP_EXPR', () => a.apply('x - mu')],
  ['apply an unknown function', 'ERR_NDMMAP_EXPR', () => a.apply('foo(x)')],
  ['apply an index variable past the rank', 'ERR_NDMMAP_EXPR', () => a.apply('i2')],
  ['apply int8 + 300 (numpy\'s OverflowError)', 'ERR_NDMMAP_EXPR', () => memmap(F, { dtype: 'int8' }).apply('x + 300')],
  ['apply a shift count out of int8', 'ERR_NDMMAP_EXPR', () => memmap(F, { dtype: 'int8' }).apply('x << 200')],
  ['apply bitwise and of floats', 'ERR_NDMMAP_EXPR', () => a.apply('x & 1')],
  ['apply an integer to a negative constant power', 'ERR_NDMMAP_EXPR', () => memmap(F, { dtype: 'int16' }).apply('x ** -2')],
  ['apply a var overlapping the output with another layout', 'ERR_NDMMAP_OVERLAP', () => a.slice('0:32').apply('x + v', { vars: { v: a.slice('1:33') } })],
  ['apply a broadcast row of the output itself', 'ERR_NDMMAP_OVERLAP', () => a.apply('x - v', { vars: { v: a.slice(0) } })],
  ['apply out overlapping with another layout', 'ERR_NDMMAP_OVERLAP', () => a.slice('0:32').apply('x', { out: a.slice('1:33') })],
  ['apply out reversed over itself', 'ERR_NDMMAP_OVERLAP', () => a.slice(0).apply('x', { out: a.slice(0, '::-1') })],
  ...[{}, 'out', 5, [1]].map((o): Case => [`apply out ${JSON.stringify(o)}`, 'ERR_INVALID_ARG_TYPE', () => a.apply('x', { out: any(o) })]),
  ...[{}, 'y', 5].map((y): Case => [`apply y ${JSON.stringify(y)}`, 'ERR_INVALID_ARG_TYPE', () => a.apply('x + y', { y: any(y) })]),
  ['apply threads 0', 'ERR_OUT_OF_RANGE', () => a.apply('x', { threads: 0 })],
  ['apply of a non-MemMap', 'ERR_INVALID_ARG_TYPE', () => (any(fill) as typeof fill)(any({}), 1)],
  ['compileExpr with one input using y', 'ERR_NDMMAP_EXPR', () => compileExpr('x + y', { inputs: [dtype('f8')], target: dtype('f8') })],
  ['compileExpr with 3 inputs', 'ERR_NDMMAP_EXPR', () => compileExpr('x', { inputs: [dtype('f8'), dtype('f8'), dtype('f8')], target: dtype('f8') })],
  ['compileExpr with a non-dtype', 'ERR_INVALID_ARG_TYPE', () => compileExpr('x', { inputs: [any('f8')], target: dtype('f8') })],
];

const fillCases: Case[] = [
  ...['1', null, undefined, {}, [1], Symbol('x')].map((v): Case => [`fill f8 with ${String(v)}`, 'ERR_INVALID_ARG_TYPE', () => a.fill(any(v))]),
  ['fill int8 with 300', 'ERR_OUT_OF_RANGE', () => memmap(F, { dtype: 'int8' }).fill(300)],
  ['fill uint8 with -1', 'ERR_OUT_OF_RANGE', () => memmap(F, { dtype: 'uint8' }).fill(-1)],
  ['fill int64 with 2^64', 'ERR_OUT_OF_RANGE', () => memmap(F, { dtype: 'int64' }).fill(2n ** 64n)],
  ['fill int32 with Infinity', 'ERR_OUT_OF_RANGE', () => memmap(F, { dtype: 'int32' }).fill(Infinity)],
  ['fill int16 with NaN', 'ERR_INVALID_ARG_VALUE', () => memmap(F, { dtype: 'int16' }).fill(NaN)],
  ['fill read-only', 'ERR_NDMMAP_READONLY', () => r.fill(0)],
  ['fill threads -1', 'ERR_OUT_OF_RANGE', () => a.fill(0, { threads: -1 })],
];

const indexCases: Case[] = [
  ...[[64, 0], [0, 8], [-65, 0], [0, -9], [HUGE, 0]].map((i): Case => [`get ${i}`, 'ERR_NDMMAP_INDEX', () => a.get(...i)]),
  ...[[1.5, 0], [NaN, 0], [Infinity, 0], ['0', 0], [null, 0], [0n, 0], [[0], 0]].map((i): Case => [`get ${String(i)}`, 'ERR_NDMMAP_INDEX', () => a.get(...any(i) as number[])]),
  ['get with too few indices', 'ERR_NDMMAP_INDEX', () => a.get(0)],
  ['get with too many indices', 'ERR_NDMMAP_INDEX', () => a.get(0, 0, 0)],
  ['set out of bounds', 'ERR_NDMMAP_INDEX', () => a.set([64, 0], 1)],
  ['set with a NaN index', 'ERR_NDMMAP_INDEX', () => a.set([NaN, 0], 1)],
  ['set index of wrong arity', 'ERR_NDMMAP_INDEX', () => a.set(0, 1)],
  ...['1', null, {}].map((v): Case => [`set value ${String(v)}`, 'ERR_INVALID_ARG_TYPE', () => a.set([0, 0], any(v))]),
  ['set int8 value 128', 'ERR_OUT_OF_RANGE', () => memmap(F, { dtype: 'int8', shape: 16 }).set(0, 128)],
  ['set on a read-only array', 'ERR_NDMMAP_READONLY', () => r.set([0, 0], 1)],
  ['assign on a read-only array', 'ERR_NDMMAP_READONLY', () => r.assign(1)],
  ['assign wrong nested shape', 'ERR_NDMMAP_SHAPE', () => a.slice(0).assign([1, 2, 3])],
  ['assign wrong typed array length', 'ERR_NDMMAP_SHAPE', () => a.slice(0).assign(new Float64Array(7))],
  ['assign wrong MemMap shape', 'ERR_NDMMAP_SHAPE', () => a.slice(0).assign(a.slice(1, '0:4'))],
  ['assign a bad element (atomic: nothing written)', 'ERR_INVALID_ARG_TYPE', () => a.slice(0).assign([1, 2, 3, 4, 5, 6, 7, any('8')])],
  ['assign an out-of-range element (atomic)', 'ERR_OUT_OF_RANGE', () => memmap(F, { dtype: 'uint8', shape: 4 }).assign([1, 2, 3, 256])],
  ...['1:2:0', 'a', '1:2:3:4', '1.5', '1:x', '--1', ' ', '[0]'].map((s): Case => [`slice '${s}'`, 'ERR_NDMMAP_INDEX', () => a.slice(s)]),
  ...[1.5, NaN, 64, -65, HUGE, true, undefined, [0], 0n].map((s): Case => [`slice ${String(s)}`, 'ERR_NDMMAP_INDEX', () => a.slice(any(s))]),
  ...[{ step: 0 }, { start: 1.5 }, { stop: NaN }, { step: 'x' }].map((s): Case => [`slice ${JSON.stringify(s)}`, 'ERR_NDMMAP_INDEX', () => a.slice(any(s))]),
  ['slice with too many indices', 'ERR_NDMMAP_INDEX', () => a.slice(0, 0, 0)],
  ['slice with two ellipses', 'ERR_NDMMAP_INDEX', () => a.slice('...', '...')],
  ['typedArray start -1', 'ERR_OUT_OF_RANGE', () => a.typedArray(-1)],
  ['typedArray stop past the end', 'ERR_OUT_OF_RANGE', () => a.typedArray(0, 513)],
  ['typedArray stop 2^60', 'ERR_OUT_OF_RANGE', () => a.typedArray(0, HUGE)],
  ['typedArray start > stop', 'ERR_OUT_OF_RANGE', () => a.typedArray(5, 4)],
  ['typedArray NaN', 'ERR_OUT_OF_RANGE', () => a.typedArray(NaN)],
  ['typedArray of a strided view', 'ERR_NDMMAP_LAYOUT', () => a.slice('::2').typedArray()],
  ['typedArray big-endian', 'ERR_NDMMAP_LAYOUT', () => memmap(F, { dtype: '>f8' }).typedArray()],
  ['typedArray float16', 'ERR_NDMMAP_LAYOUT', () => memmap(F, { dtype: 'f2' }).typedArray()],
  ['reshape to a different size', 'ERR_NDMMAP_RESHAPE', () => a.reshape([3, 5])],
  ['reshape two unknown dims', 'ERR_NDMMAP_RESHAPE', () => a.reshape([-1, -1])],
  ['reshape negative dim', 'ERR_NDMMAP_RESHAPE', () => a.reshape([-2, -256])],
  ['reshape NaN', 'ERR_NDMMAP_RESHAPE', () => a.reshape([NaN])],
  ...[null, 'x', {}].map((s): Case => [`reshape ${String(s)}`, 'ERR_INVALID_ARG_TYPE', () => a.reshape(any(s))]),
  ['reshape order X', 'ERR_NDMMAP_ORDER', () => a.reshape([512], any('X'))],
  ['reshape a non-contiguous view', 'ERR_NDMMAP_RESHAPE', () => a.slice('::2').reshape(-1)],
  ['transpose axis 5', 'ERR_NDMMAP_AXIS', () => a.transpose(5, 0)],
  ['transpose repeated axis', 'ERR_NDMMAP_AXIS', () => a.transpose(0, 0)],
  ['transpose wrong count', 'ERR_NDMMAP_AXIS', () => a.transpose(0)],
  ['transpose axis "a"', 'ERR_INVALID_ARG_TYPE', () => a.transpose(any('a'), 0)],
  ['setThreads 0', 'ERR_OUT_OF_RANGE', () => setThreads(0)],
  ['setThreads 1.5', 'ERR_OUT_OF_RANGE', () => setThreads(1.5)],
  ['dtype(null)', 'ERR_NDMMAP_DTYPE', () => dtype(any(null))],
];

const ALL: [string, Case[]][] = [
  ['memmap', memmapCases], ['openNpy/createNpy', npyCases], ['reductions', reduceCases],
  ['partials', partialCases], ['apply', applyCases], ['fill', fillCases], ['indices and views', indexCases],
];

/** Every file in the directory with its hash and size, plus whether the absent target appeared. */
function snapshot(): Record<string, string> {
  const s: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    s[f] = fs.statSync(p).isDirectory() ? `dir:${fs.readdirSync(p).join()}` : fingerprint(p);
  }
  return s;
}

describe('bad-input matrix', () => {
  for (const [group, cases] of ALL) {
    describe(group, () => {
      it.each(cases)('%s → %s', async (_name, code, run) => {
        const before = snapshot();
        let err: unknown;
        try {
          await run();
        } catch (e) {
          err = e;
        }
        expect(err, 'expected an error').toBeInstanceOf(NdmmapError);
        expect((err as NdmmapError).code).toBe(code);
        expect((err as Error).message.length).toBeGreaterThan(5);
        expect(snapshot()).toEqual(before);
      });
    });
  }

  it('counts', () => {
    const n = ALL.reduce((s, [, c]) => s + c.length, 0);
    console.log(`bad-input matrix: ${n} cases`);
    expect(n).toBeGreaterThan(300);
  });
});
