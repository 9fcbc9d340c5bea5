// The distribution loops are built per instruction set (native/stats/dist_isa.cc): baseline, AVX2 and the
// best one give the same bits for quantiles (along axes, whole arrays by sample and windows, by the
// radix passes), weighted histograms (numpy's blocks, float and integer weights, given edges) and
// bincount (NDMMAP_ISA forces a lower set in a child process).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../../dist/src/native.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-dist-isa-');
afterAll(() => tmp.remove());
const DIST = new URL('../../dist/', import.meta.url).pathname;

const script = `
  import { memmap, quantile, median, nanquantile, histogram, bincount, shutdown } from '${DIST}src/index.js';
  import { native } from '${DIST}src/native.js';
  const dir = ${JSON.stringify(tmp.dir)};
  const enc = (r) => {
    const v = ArrayBuffer.isView(r) ? [...r] : typeof r === 'object' && r !== null ? ('data' in r ? [...r.data] : [...r.counts, ...r.edges]) : [r];
    return v.map((x) => typeof x === 'number' ? Buffer.from(new Float64Array([x]).buffer).toString('hex') : String(x)).join(',');
  };
  const x = memmap(dir + '/x.f8', { dtype: 'float64', mode: 'r' });
  const rows = x.reshape([-1, 9]);
  const w32 = memmap(dir + '/w.f4', { dtype: 'float32', mode: 'r' });
  const w16 = memmap(dir + '/w.i2', { dtype: 'int16', mode: 'r' });
  const lab = memmap(dir + '/lab.u1', { dtype: 'uint8', mode: 'r' });
  const r = {};
  r.axis = enc(await quantile(rows, [0.1, 0.5, 0.9], { axis: 1, method: 'hazen' }));
  r.axis0 = enc(await median(rows, { axis: 0 }));
  r.nanaxis = enc(await nanquantile(rows, 0.3, { axis: 1 }));
  r.whole = enc(await quantile(x, Array.from({ length: 41 }, (_, i) => i / 40)));
  r.median = enc(await median(x));
  r.sorted = enc(await quantile(memmap(dir + '/s.f8', { dtype: 'float64', mode: 'r' }), [0.25, 0.5, 0.75]));
  r.h32 = enc(await histogram(x, { bins: 13, range: [-3, 3], weights: w32 }));
  r.h16e = enc(await histogram(x, { bins: [-2, -0.1, 0, 0.5, 3], weights: w16 }));
  r.h32e = enc(await histogram(x, { bins: [-2, -0.1, 0, 0.5, 3], weights: w32, density: true }));
  r.auto = enc(await histogram(x, { bins: 'auto', range: [-3, 3] }));
  r.bc = enc(await bincount(lab, { weights: w32 }));
  console.log(JSON.stringify({ isa: native.contract.isa, r }));
  await shutdown();
`;

describe('distribution loops on every instruction set', () => {
  it('baseline, AVX2 and the best one give the same bits', () => {
    const n = 9 * 140_000;
    let s = 17;
    const rnd = (): number => { s = (s * 16807) % 2147483647; return s / 2147483647; };
    const x = Float64Array.from({ length: n }, (_, i) => (i % 1001 === 5 ? NaN : (rnd() - 0.4) * 10 ** Math.floor(rnd() * 3 - 1)));
    fs.writeFileSync(path.join(tmp.dir, 'x.f8'), x);
    fs.writeFileSync(path.join(tmp.dir, 's.f8'), Float64Array.from({ length: 1_500_000 }, (_, i) => i * 1e-3 - 7));
    fs.writeFileSync(path.join(tmp.dir, 'w.f4'), Float32Array.from({ length: n }, () => rnd() * 3));
    fs.writeFileSync(path.join(tmp.dir, 'w.i2'), Int16Array.from({ length: n }, () => Math.floor(rnd() * 60000) - 30000));
    fs.writeFileSync(path.join(tmp.dir, 'lab.u1'), Uint8Array.from({ length: n }, () => Math.floor(rnd() * 40)));
    const body = path.join(tmp.dir, 'run.mjs');
    fs.writeFileSync(body, script);
    const run = (isa?: string): { isa: string; r: Record<string, string> } => {
      const r = spawnSync(process.execPath, [body], { encoding: 'utf8', maxBuffer: 2 ** 28, env: { ...process.env, ...(isa ? { NDMMAP_ISA: isa } : {}) } });
      expect(r.status, `${r.signal} ${r.stderr.slice(-2000)}`).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { isa: string; r: Record<string, string> };
    };
    const best = run();
    expect(best.isa).toBe(native.contract.isa);
    for (const isa of ['avx2', 'baseline']) {
      if (isa === 'avx2' && best.isa === 'baseline') continue; // a CPU without AVX2 cannot run it
      const other = run(isa);
      expect(other.isa).toBe(isa);
      expect(Object.keys(best.r).filter((k) => best.r[k] !== other.r[k]), `${isa} differs from ${best.isa}`).toEqual([]);
    }
  }, 300_000);
});
