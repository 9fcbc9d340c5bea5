// Standardising the columns of an embeddings file in place: (x - mu) / sd over a 200000 x 384 float32
// .npy with per-column mu, sd (broadcast vars, float32 arithmetic as numpy does it) vs numpy's
// `a -= mu; a /= sd` on the same file. BENCH_ROWS sets the rows (default 200000, the size).
import fs from 'node:fs';
import path from 'node:path';
import { DIR, gbps, numpy, time } from './common.mjs';
import { createNpy, openNpy } from './common.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 200000);
const COLS = 384;

/** The .npy and its column statistics (as .npy files for numpy), made once. */
async function files() {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `emb-${ROWS}x${COLS}.npy`);
  const muFile = file.replace('.npy', '-mu.npy'), sdFile = file.replace('.npy', '-sd.npy');
  if (!fs.existsSync(sdFile)) {
    const a = createNpy(file, { dtype: 'float32', shape: [ROWS, COLS] });
    await a.apply('sin(i * 0.37) * 3 + i1 * 0.01 + 2');
    const mu = createNpy(muFile, { dtype: 'float32', shape: [COLS] });
    const sd = createNpy(sdFile, { dtype: 'float32', shape: [COLS] });
    mu.assign(Array.from((await a.mean({ axis: 0 })).data));
    sd.assign(Array.from((await a.std({ axis: 0 })).data));
    for (const m of [a, mu, sd]) { m.flush(); m.close(); }
  }
  return { file, muFile, sdFile };
}

export async function run() {
  const { file, muFile, sdFile } = await files();
  const a = openNpy(file, { mode: 'r+' });
  const mu = openNpy(muFile, { mode: 'r' }), sd = openNpy(sdFile, { mode: 'r' });
  const vars = { mu: { data: mu.typedArray(), shape: [COLS] }, sd: { data: sd.typedArray(), shape: [COLS] } };
  // Each run standardises again (values shrink toward a fixed point; timing is what matters).
  const t = await time({
    'pool': () => a.apply('(x - mu) / sd', { vars, flush: false }),
    '1 thread': () => a.apply('(x - mu) / sd', { vars, flush: false, threads: 1 }),
  }, 3);
  const bytes = a.nbytes;
  for (const m of [a, mu, sd]) m.close();
  const np = numpy(file, 'f4', [ROWS, COLS], 'standardise', 3, muFile, sdFile);
  return [{ op: `standardise ${ROWS}x${COLS} f4 in place`, pool: gbps(bytes, t.pool), one: gbps(bytes, t['1 thread']), numpy: np && gbps(bytes, np) }];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
