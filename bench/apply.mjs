// apply('x * 2 + 1') in place on 2 GiB of float64: the pool vs one thread vs the native in-place loops
// over the same mapping (bench/ceiling.cc: p[i] *= 2 on 2 threads, the write ceiling, and the
// fused p[i] = p[i] * 2 + 1) vs numpy's `a *= 2; a += 1`, without flush; then with it. A row of the
// ceiling's own 2-thread ÷ 1-thread rate says whether writes can scale on the machine at all.
// All modify the same scratch file; values grow (to inf after a thousand runs: no slower).
import { BYTES, ceiling, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('scratch.bin');
  const ceil1 = ceiling(file, 2, 'mul'), mulOne = ceiling(file, 1, 'mul'), fused1 = ceiling(file, 2, 'apply');
  const a = memmap(file, { dtype: 'float64', mode: 'r+' });
  const t = await time({
    'apply pool': () => a.apply('x * 2 + 1', { flush: false }),
    'apply 1 thread': () => a.apply('x * 2 + 1', { flush: false, threads: 1 }),
  }, 3);
  a.flush();
  const tf = await time({ 'apply flushed': () => a.apply('x * 2 + 1') }, 3);
  const np = numpy(file, 'f8', [a.size], 'apply', 3);
  const npf = numpy(file, 'f8', [a.size], 'apply_flush', 3);
  a.close();
  const ceil = Math.max(ceil1, ceiling(file, 2, 'mul'));
  const fused = Math.max(fused1, ceiling(file, 2, 'apply'));
  return [
    { op: "apply('x * 2 + 1') in place", pool: gbps(BYTES, t['apply pool']), one: gbps(BYTES, t['apply 1 thread']), ceiling: ceil, numpy: np && gbps(BYTES, np) },
    { op: "apply('x * 2 + 1') in place ÷ the fused native loop", pool: gbps(BYTES, t['apply pool']), ceiling: fused },
    { op: 'native ceiling p[i] *= 2 in place (2 threads vs 1)', pool: ceil, one: mulOne },
    { op: "apply('x * 2 + 1') + flush", pool: gbps(BYTES, tf['apply flushed']), numpy: npf && gbps(BYTES, npf) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
