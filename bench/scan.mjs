// cumsum of a float64 file (BENCH_MIB, 2 GiB by default) into an out file of the same size, flattened
// (axis None: a two-pass scan) and along axis 0 of a square-ish 2-D view (lines split across threads),
// on the pool and on one thread, vs numpy's np.cumsum(a, axis, out=memmap) on the same files.
import fs from 'node:fs';
import path from 'node:path';
import { BYTES, DIR, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('f8.bin');
  const outFile = path.join(DIR, 'scan-out.f8');
  if (!fs.existsSync(outFile) || fs.statSync(outFile).size !== BYTES) fs.writeFileSync(outFile, Buffer.alloc(0)), fs.truncateSync(outFile, BYTES);
  const n = 2 ** Math.floor(Math.log2(Math.sqrt(BYTES / 8)));
  const shape = [n, BYTES / 8 / n];
  const flat = memmap(file, { dtype: 'float64', mode: 'r', shape: [BYTES / 8] });
  const a = memmap(file, { dtype: 'float64', mode: 'r', shape });
  const oFlat = memmap(outFile, { dtype: 'float64', mode: 'r+', shape: [BYTES / 8] });
  const o = memmap(outFile, { dtype: 'float64', mode: 'r+', shape });
  const t = await time({
    'none pool': () => flat.cumsum({ out: oFlat }), 'none 1t': () => flat.cumsum({ out: oFlat, threads: 1 }),
    'axis0 pool': () => a.cumsum({ axis: 0, out: o }), 'axis0 1t': () => a.cumsum({ axis: 0, out: o, threads: 1 }),
  }, 3);
  const np = { none: numpy(file, 'f8', shape, 'cumsum:N', 3, outFile), axis0: numpy(file, 'f8', shape, 'cumsum:0', 3, outFile) };
  for (const m of [flat, a, oFlat, o]) m.close();
  // GB/s of the input read (the output written is as large again)
  return [
    { op: `cumsum axis=None f8 → out ${BYTES / 2 ** 20} MiB`, pool: gbps(BYTES, t['none pool']), '1 thread': gbps(BYTES, t['none 1t']), numpy: np.none && gbps(BYTES, np.none) },
    { op: `cumsum axis=0 ${shape.join('x')} f8 → out`, pool: gbps(BYTES, t['axis0 pool']), '1 thread': gbps(BYTES, t['axis0 1t']), numpy: np.axis0 && gbps(BYTES, np.axis0) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
