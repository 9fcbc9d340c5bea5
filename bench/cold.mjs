// Cold reads: the file's pages are evicted (posix_fadvise DONTNEED), then dd reads it, evicted again,
// then ndmmap sums it. Compares read rates from disk in the same run.
import { execFileSync } from 'node:child_process';
import { BYTES, HAVE_NUMPY, dataFile, gbps, memmap } from './common.mjs';

function evict(file) {
  execFileSync('python3', ['-c', `import os; fd=os.open(${JSON.stringify(file)}, os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)`]);
}

export async function run() {
  if (!HAVE_NUMPY) return [];
  const file = await dataFile('f8.bin');
  const rows = [];
  for (let r = 0; r < 2; r++) {
    evict(file);
    let t0 = performance.now();
    execFileSync('dd', [`if=${file}`, 'of=/dev/null', 'bs=16M'], { stdio: 'ignore' });
    const dd = (performance.now() - t0) / 1000;
    evict(file);
    const a = memmap(file, { dtype: 'float64', mode: 'r' });
    t0 = performance.now();
    await a.sum();
    const nd = (performance.now() - t0) / 1000;
    a.close();
    rows.push({ op: `cold sum (run ${r + 1})`, pool: gbps(BYTES, nd), dd: gbps(BYTES, dd) });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
