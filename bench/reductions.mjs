// The reduction vocabulary at the speed of its bytes: every reduction of the registry over float64,
// float32, int16, uint8 and bool files of the same size, each against the same-run float64 `sum` of
// the same number of bytes and against numpy's same call (np.NAME(a)) on the same file; nanmean/nanstd
// of float64 with 1% NaN; the fused `sum({ expr: 'x * x', axis: 1 })` of a 200000 x 384 float32 .npy
// against numpy's `(a * a).sum(axis=1)`; axis-0 reductions against the same-run axis=None rate.
// BENCH_REDUCE_MIB (default 512) sets the per-dtype file size, BENCH_MIB the nan* file, BENCH_ROWS the rows.
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, DIR, createNpy, gbps, memmap, numpy, openNpy, time } from './common.mjs';
import { REDUCE_NAMES } from '../dist/src/index.js';

const MIB = Number(process.env.BENCH_REDUCE_MIB ?? 512);
const ROWS = Number(process.env.BENCH_ROWS ?? 200000);
const DTYPES = { float64: ['f8', 'sin(i * 0.37) * 1000'], float32: ['f4', 'sin(i * 0.37) * 1000'],
  int16: ['i2', 'int16(sin(i * 0.37) * 30000)'], uint8: ['u1', 'uint8(i % 251)'], bool: ['b1', 'sin(i * 0.37) > 0'] };
const camel = (n) => n.replace(/_(\w)/g, (_, c) => c.toUpperCase());

/** A raw file of `bytes` holding `expr` of the index, made once by ndmmap's own apply. */
async function file(name, dt, bytes, expr) {
  fs.mkdirSync(DIR, { recursive: true });
  const f = path.join(DIR, name);
  if (fs.existsSync(f) && fs.statSync(f).size === bytes) return f;
  const size = bytes / { float64: 8, float32: 4, int16: 2, uint8: 1, bool: 1 }[dt];
  const a = memmap(f, { dtype: dt, mode: 'w+', shape: [size] });
  await a.apply(expr);
  a.flush();
  a.close();
  return f;
}

export async function run() {
  const rows = [];
  const bytes = MIB * 2 ** 20;
  // the reference: float64 sum over the same number of bytes, measured in this run
  const f8 = await file(`reduce-f8-${MIB}.bin`, 'float64', bytes, DTYPES.float64[1]);
  const ref = memmap(f8, { dtype: 'float64', mode: 'r' });
  const refT = await time({ sum: () => ref.sum() }, 5);
  ref.close();
  const refRate = gbps(bytes, refT.sum);
  for (const [dt, [code, expr]] of Object.entries(DTYPES)) {
    const f = dt === 'float64' ? f8 : await file(`reduce-${code}-${MIB}.bin`, dt, bytes, expr);
    const a = memmap(f, { dtype: dt, mode: 'r' });
    const tasks = {};
    for (const name of REDUCE_NAMES) {
      // numpy refuses some (ptp of bool): so does ndmmap, with numpy's error; nothing to time
      try { await a[camel(name)]({ threads: 1, signal: AbortSignal.abort() }); } catch (e) { if (e.code !== 'ABORT_ERR') continue; }
      tasks[name] = () => a[camel(name)]();
    }
    let t;
    try { t = await time(tasks, 3); } finally { a.close(); }
    for (const name of Object.keys(tasks)) {
      let np;
      try { np = numpy(f, code, [bytes / a.itemsize], `fn:${name}`, 3); } catch { np = undefined; }
      rows.push({ op: `${name} ${dt}`, pool: gbps(bytes, t[name]), sumf8: refRate, numpy: np && gbps(bytes, np) });
    }
  }
  // nanmean / nanstd of float64 with 1% NaN (sin(k) > cos(0.01π) for 1% of k)
  const nanFile = await file('nan-f8.bin', 'float64', BYTES, 'where(sin(i * 0.7) > 0.99950656, nan, sin(i * 0.37))');
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
  const te = await time({ sq1: () => e.sum({ expr: 'x * x', axis: 1 }), ax0: () => e.sum({ axis: 0 }), all: () => e.sum() }, 3);
  const eb = e.nbytes;
  e.close();
  const npSq = numpy(embFile, 'f4', [ROWS, 384], 'sqsum1', 3);
  rows.push({ op: `sum(expr 'x * x', axis=1) ${ROWS}x384 f4`, pool: gbps(eb, te.sq1), numpy: npSq && gbps(eb, npSq) });
  rows.push({ op: `sum axis=0 ${ROWS}x384 f4`, pool: gbps(eb, te.ax0), axisNone: gbps(eb, te.all) });
  // axis 0 of the 2 GiB float64 square
  const sq = await file('f8-square.bin', 'float64', BYTES, 'sin(i * 0.37)');
  const side = 2 ** Math.floor(Math.log2(Math.sqrt(BYTES / 8)));
  const s = memmap(sq, { dtype: 'float64', mode: 'r', shape: [side, BYTES / 8 / side] });
  const ts = await time({ ax0: () => s.sum({ axis: 0 }), all: () => s.sum(), mean0: () => s.mean({ axis: 0 }), max0: () => s.max({ axis: 0 }) }, 3);
  s.close();
  rows.push({ op: `sum axis=0 ${side}x${BYTES / 8 / side} f8`, pool: gbps(BYTES, ts.ax0), axisNone: gbps(BYTES, ts.all) });
  rows.push({ op: `mean axis=0 ${side}x${BYTES / 8 / side} f8`, pool: gbps(BYTES, ts.mean0), axisNone: gbps(BYTES, ts.all) });
  rows.push({ op: `max axis=0 ${side}x${BYTES / 8 / side} f8`, pool: gbps(BYTES, ts.max0), axisNone: gbps(BYTES, ts.all) });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
