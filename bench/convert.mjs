// Gather, mask and convert, each vs numpy on the same files in the same run:
// - take: 10% random rows (100,000 of 1,000,000 by default) of a 1,000,000 x 384 float32 file into memory,
//   numpy's a[idx]; compress: the rows a random 10% mask keeps, numpy's np.compress(mask, a, axis=0);
// - astype float64 -> float32 of BYTES/2 (1 GiB by default) into a float32 file, numpy's out[:] = a on memmaps;
// - copy of the same float64 file as a 2-D array to F order into a file, numpy's outF[:] = a on memmaps.
// BENCH_MIB scales every size (the row count is min(1,000,000, BYTES / 1536)). GB/s count the bytes read.
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, DIR, ROOT, createNpy, dataFile, gbps, memmap, numpy, time } from './common.mjs';

const { take, compress, astype, copy } = await import(path.join(ROOT, 'dist/src/index.js'));
const D = 384;

/** A raw file of `bytes` (made once): the output of the conversions. */
function rawFile(name, bytes) {
  const f = path.join(DIR, name);
  if (!fs.existsSync(f) || fs.statSync(f).size !== bytes) { fs.writeFileSync(f, Buffer.alloc(0)); fs.truncateSync(f, bytes); }
  return f;
}

export async function run() {
  const rows = Math.min(1_000_000, Math.floor(BYTES / (D * 4)));
  const k = Math.round(rows / 10);
  const embFile = await dataFile('convert-emb.bin', rows * D * 4);
  const emb = memmap(embFile, { dtype: 'float32', mode: 'r', shape: [rows, D] });
  const idx = createNpy(path.join(DIR, 'convert-idx.npy'), { dtype: 'int64', shape: [k] });
  const mask = createNpy(path.join(DIR, 'convert-mask.npy'), { dtype: 'bool', shape: [rows] });
  let s = 7;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const it = idx.typedArray();
  for (let j = 0; j < k; j++) it[j] = BigInt(Math.floor(rnd() * rows));
  const mt = mask.typedArray();
  for (let j = 0; j < rows; j++) mt[j] = rnd() < 0.1 ? 1 : 0;
  idx.flush(); mask.flush();

  const half = BYTES / 2;
  const f8File = await dataFile('convert-f8.bin', half);
  const a = memmap(f8File, { dtype: 'float64', mode: 'r', shape: [half / 8] });
  const f4File = rawFile('convert-out.f4', half / 2);
  const o4 = memmap(f4File, { dtype: 'float32', mode: 'r+', shape: [half / 8] });
  const n = 2 ** Math.floor(Math.log2(Math.sqrt(half / 8)));
  const shape = [n, half / 8 / n];
  const a2 = memmap(f8File, { dtype: 'float64', mode: 'r', shape });
  const fFile = rawFile('convert-out-F.f8', half);
  const oF = memmap(fFile, { dtype: 'float64', mode: 'r+', shape, order: 'F' });

  const t = await time({
    'take pool': () => take(emb, idx, { axis: 0 }), 'take 1t': () => take(emb, idx, { axis: 0, threads: 1 }),
    'compress pool': () => compress(emb, mask, { axis: 0 }), 'compress 1t': () => compress(emb, mask, { axis: 0, threads: 1 }),
    'astype pool': () => astype(a, 'float32', { out: o4 }), 'astype 1t': () => astype(a, 'float32', { out: o4, threads: 1 }),
    'copyF pool': () => copy(a2, { out: oF }), 'copyF 1t': () => copy(a2, { out: oF, threads: 1 }),
  }, 3);
  const kept = Array.from(mt).reduce((x, y) => x + y, 0);
  const np = {
    take: numpy(embFile, 'f4', [rows, D], 'take_rows', 3, path.join(DIR, 'convert-idx.npy')),
    compress: numpy(embFile, 'f4', [rows, D], 'compress_rows', 3, path.join(DIR, 'convert-mask.npy')),
    astype: numpy(f8File, 'f8', [half / 8], 'assign:f4:C', 3, f4File),
    copyF: numpy(f8File, 'f8', shape, 'assign:f8:F', 3, fFile),
  };
  for (const m of [emb, idx, mask, a, o4, a2, oF]) m.close();
  const rowBytes = D * 4;
  const row = (op, name, bytes) => ({ op, pool: gbps(bytes, t[`${name} pool`]), one: gbps(bytes, t[`${name} 1t`]), numpy: np[name] && gbps(bytes, np[name]) });
  return [
    row(`take ${k} random rows of ${rows}x${D} f4 (a[idx])`, 'take', k * rowBytes),
    row(`compress 10% rows of ${rows}x${D} f4`, 'compress', kept * rowBytes),
    row(`astype f8 → f4 ${half / 2 ** 20} MiB → out file`, 'astype', half),
    row(`copy ${shape.join('x')} f8 C → F out file`, 'copyF', half),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
