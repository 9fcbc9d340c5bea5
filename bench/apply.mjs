// apply('x * 2 + 1') in place on 2 GiB of float64: the pool vs one thread vs the fused C loop over
// the same mapping (bench/ceiling.cc apply) vs numpy's `a *= 2; a += 1`, without flush; then with it.
// All modify the same scratch file; values grow but stay finite over the few runs made here.
import { BYTES, ceiling, dataFile, gbps, memmap, numpy, time } from './common.mjs';

export async function run() {
  const file = await dataFile('scratch.bin');
  const ceil1 = ceiling(file, 2, 'apply');
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
  const ceil = Math.max(ceil1, ceiling(file, 2, 'apply'));
  return [
    { op: "apply('x * 2 + 1') in place", pool: gbps(BYTES, t['apply pool']), one: gbps(BYTES, t['apply 1 thread']), ceiling: ceil, numpy: np && gbps(BYTES, np) },
    { op: "apply('x * 2 + 1') + flush", pool: gbps(BYTES, tf['apply flushed']), numpy: npf && gbps(BYTES, npf) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
