// Filling a new float32 file from the element index: apply('sin(i * 1e-6)') on a fresh 3 GiB file
// (no flush) vs numpy's chunked `a[k:k+n] = np.sin(np.arange(k, k+n) * 1e-6)` loop on a fresh
// np.memmap; both create their file in every run. BENCH_FILL_MIB sets the size (default 3072).
import fs from 'node:fs';
import path from 'node:path';
import { DIR, gbps, memmap, numpy, time } from './common.mjs';

const BYTES = Number(process.env.BENCH_FILL_MIB ?? 3072) * 2 ** 20;

export async function run() {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, 'fill.f4');
  const n = BYTES / 4;
  const fresh = (threads) => async () => {
    fs.rmSync(file, { force: true });
    const a = memmap(file, { dtype: 'float32', mode: 'w+', shape: [n] });
    await a.apply('sin(i * 1e-6)', { flush: false, ...(threads ? { threads } : {}) });
    a.close();
  };
  const t = await time({ 'pool': fresh(), '1 thread': fresh(1) }, 3);
  const np = numpy(file, 'f4', [n], 'fill_sin', 3);
  fs.rmSync(file, { force: true });
  return [{ op: "fill new file f4 with sin(i * 1e-6)", pool: gbps(BYTES, t.pool), one: gbps(BYTES, t['1 thread']), numpy: np && gbps(BYTES, np) }];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
