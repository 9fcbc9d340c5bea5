// The reduction vocabulary at the speed of its bytes: every reduction of the registry × dtype (float64,
// float32, float16, int64, int16, uint8, bool) × axis (None of 1-D, 0 and -1 of (n, 2048), (0, 1) of
// (64, n, 2048)) over files of the same size, each against the same-run float64 `sum` of the same
// number of bytes and against numpy's same call (np.NAME(a, axis=…)) on the same file; nanmean/nanstd
// of float64 with 1% NaN; the fused `sum({ expr: 'x * x', axis: 1 })` of a 200000 x 384 float32 .npy
// against numpy's `(a * a).sum(axis=1)`; axis-0 sums of that .npy and of the 2 GiB float64 square
// against numpy's and against the same-run axis=None rate.
// BENCH_REDUCE_MIB (default 256) sets the per-dtype file size, BENCH_MIB the nan* file and the square,
// BENCH_ROWS the rows; BENCH_DTYPES / BENCH_AXES (N,0,-1,0+1) pick a part of the grid.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, DIR, HAVE_NUMPY, ROOT, createNpy, gbps, memmap, numpy, openNpy, time } from './common.mjs';
import { REDUCE_NAMES } from '../dist/src/index.js';

const MIB = Number(process.env.BENCH_REDUCE_MIB ?? 256);
const ROWS = Number(process.env.BENCH_ROWS ?? 200000);
/** dtype: [numpy code, itemsize, the fill expression of the element index]. */
const ALL_DTYPES = {
  float64: ['f8', 8, 'sin(i * 0.37) * 1000'], float32: ['f4', 4, 'sin(i * 0.37) * 1000'], float16: ['f2', 2, 'sin(i * 0.37) * 1000'],
  int64: ['i8', 8, 'int64(sin(i * 0.37) * 1e6)'], int16: ['i2', 2, 'int16(sin(i * 0.37) * 30000)'], uint8: ['u1', 1, 'uint8(i % 251)'],
  bool: ['b1', 1, 'sin(i * 0.37) > 0'],
};
const DTYPES = Object.entries(ALL_DTYPES).filter(([dt]) => !process.env.BENCH_DTYPES || process.env.BENCH_DTYPES.split(',').includes(dt));
/** Row length of the 2-D and 3-D views: 2048 elements. */
const COLS = 2048;
const ALL_AXES = [
  ['N', null, (n) => [n]],
  ['0', 0, (n) => [n / COLS, COLS]],
  ['-1', -1, (n) => [n / COLS, COLS]],
  ['0+1', [0, 1], (n) => [64, n / COLS / 64, COLS]],
];
const AXES = ALL_AXES.filter(([k]) => !process.env.BENCH_AXES || process.env.BENCH_AXES.split(',').includes(k));
const camel = (n) => n.replace(/_(\w)/g, (_, c) => c.toUpperCase());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** A raw file of `bytes` holding `expr` of the index, made once by ndmmap's own apply. */
async function file(name, dt, bytes, expr) {
  fs.mkdirSync(DIR, { recursive: true });
  const f = path.join(DIR, name);
  if (fs.existsSync(f) && fs.statSync(f).size === bytes) return f;
  const a = memmap(f, { dtype: dt, mode: 'w+', shape: [bytes / ALL_DTYPES[dt][1]] });
  await a.apply(expr);
  a.flush();
  a.close();
  return f;
}

/** numpy's median seconds of each np.NAME(a, axis) on one file, one process for the lot (undefined: refused). */
function numpyEach(f, code, shape, axisKey, names, repeats = 3) {
  if (!HAVE_NUMPY) return {};
  const out = execFileSync('python3', [path.join(ROOT, 'bench/numpy_ops.py'), f, code, shape.join(','), `fns:${axisKey}:${names.join(',')}`, String(repeats + 1)],
    { encoding: 'utf8', maxBuffer: 1 << 24 });
  const each = JSON.parse(out).each;
  return Object.fromEntries(names.map((n) => [n, each[n] ? median(each[n].slice(1)) : undefined]));
}

/** Every reduction × dtype × axis of the grid, against numpy and the same-run float64 sum. */
async function grid(rows) {
  const bytes = MIB * 2 ** 20;
  const f8 = await file(`reduce-f8-${MIB}.bin`, 'float64', bytes, ALL_DTYPES.float64[2]);
  const ref = memmap(f8, { dtype: 'float64', mode: 'r' });
  const refT = await time({ sum: () => ref.sum() }, 5);
  ref.close();
  const refRate = gbps(bytes, refT.sum);
  for (const [dt, [code, item, expr]] of DTYPES) {
    const f = dt === 'float64' ? f8 : await file(`reduce-${code}-${MIB}.bin`, dt, bytes, expr);
    for (const [axisKey, axis, shapeOf] of AXES) {
      const shape = shapeOf(bytes / item);
      const a = memmap(f, { dtype: dt, mode: 'r', shape });
      const tasks = {};
      for (const name of REDUCE_NAMES) {
        // numpy refuses some (ptp of bool, arg* over a tuple of axes): so does ndmmap, with numpy's error
        try { await a[camel(name)]({ axis, threads: 1, signal: AbortSignal.abort() }); } catch (e) { if (e.code !== 'ABORT_ERR') continue; }
        tasks[name] = () => a[camel(name)]({ axis });
      }
      let t;
      try { t = await time(tasks, 3); } finally { a.close(); }
      const np = numpyEach(f, code, shape, axisKey, Object.keys(tasks));
      for (const name of Object.keys(tasks))
        rows.push({ op: `${name} ${dt} axis=${axisKey === 'N' ? 'None' : axisKey.replace('+', ',')}`, pool: gbps(bytes, t[name]), sumf8: refRate, numpy: np[name] && gbps(bytes, np[name]) });
    }
  }
}

export async function run() {
  const rows = [];
  await grid(rows);
  // nanmean / nanstd of float64 with 1% NaN (sin(k) > cos(0.01π) for 1% of k)
  const nanFile = path.join(DIR, 'nan-f8.bin');
  if (!fs.existsSync(nanFile) || fs.statSync(nanFile).size !== BYTES) {
    const m = memmap(nanFile, { dtype: 'float64', mode: 'w+', shape: [BYTES / 8] });
    await m.apply('where(sin(i * 0.7) > 0.99950656, nan, sin(i * 0.37))');
    m.flush();
    m.close();
  }
  const n = memmap(nanFile, { dtype: 'float64', mode: 'r' });
  const tn = await time({ nanmean: () => n.nanmean(), nanstd: () => n.nanstd(), sum: () => n.sum() }, 3);
  n.close();
  for (const op of ['nanmean', 'nanstd'])
    rows.push({ op: `${op} float64 1% NaN (${BYTES / 2 ** 20} MiB)`, pool: gbps(BYTES, tn[op]), sumf8: gbps(BYTES, tn.sum), numpy: gbps(BYTES, numpy(nanFile, 'f8', [BYTES / 8], `fn:${op}`, 3)) });
  // fused x*x row sums and axis-0 of a 200000 x 384 float32 .npy
  const embFile = path.join(DIR, `emb-red-${ROWS}x384.npy`);
  if (!fs.existsSync(embFile)) {
    const e = createNpy(embFile, { dtype: 'float32', shape: [ROWS, 384] });
    await e.apply('sin(i * 0.37) * 3 + i1 * 0.01');
    e.flush();
    e.close();
  }
  const e = openNpy(embFile, { mode: 'r' });
  const te = await time({ sq1: () => e.sum({ expr: 'x * x', axis: 1 }), ax0: () => e.sum({ axis: 0 }), all: () => e.sum() }, 5);
  const eb = e.nbytes;
  e.close();
  const npSq = numpy(embFile, 'f4', [ROWS, 384], 'sqsum1', 3);
  const npE0 = numpy(embFile, 'f4', [ROWS, 384], 'sum0', 5);
  rows.push({ op: `sum(expr 'x * x', axis=1) ${ROWS}x384 f4`, pool: gbps(eb, te.sq1), numpy: npSq && gbps(eb, npSq) });
  rows.push({ op: `sum axis=0 ${ROWS}x384 f4`, pool: gbps(eb, te.ax0), axisNone: gbps(eb, te.all), numpy: npE0 && gbps(eb, npE0) });
  // axis 0 of the 2 GiB float64 square
  const sq = await file('f8-square.bin', 'float64', BYTES, 'sin(i * 0.37)');
  const side = 2 ** Math.floor(Math.log2(Math.sqrt(BYTES / 8)));
  const shape = [side, BYTES / 8 / side];
  const s = memmap(sq, { dtype: 'float64', mode: 'r', shape });
  const ts = await time({ ax0: () => s.sum({ axis: 0 }), all: () => s.sum(), mean0: () => s.mean({ axis: 0 }), max0: () => s.max({ axis: 0 }) }, 3);
  s.close();
  const np0 = numpyEach(sq, 'f8', shape, '0', ['sum', 'mean', 'max']);
  const sh = shape.join('x');
  rows.push({ op: `sum axis=0 ${sh} f8`, pool: gbps(BYTES, ts.ax0), axisNone: gbps(BYTES, ts.all), numpy: np0.sum && gbps(BYTES, np0.sum) });
  rows.push({ op: `mean axis=0 ${sh} f8`, pool: gbps(BYTES, ts.mean0), axisNone: gbps(BYTES, ts.all), numpy: np0.mean && gbps(BYTES, np0.mean) });
  rows.push({ op: `max axis=0 ${sh} f8`, pool: gbps(BYTES, ts.max0), axisNone: gbps(BYTES, ts.all), numpy: np0.max && gbps(BYTES, np0.max) });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
