// The kernels are compiled for three instruction sets (baseline x86-64, AVX2, AVX-512) and picked at
// load; the lanes are the same on all three, so every reduction gives the same bits whichever runs
// (NDMMAP_ISA forces a lower one): every reduction and dtype, float16 in buffered and unbuffered
// layouts, numpy's two-pass variances, fused reductions with vars.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../../dist/src/native.js';
import { REDUCTIONS } from '../../dist/src/engine/reductions/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-isa-');
afterAll(() => tmp.remove());
const DIST = new URL('../../dist/', import.meta.url).pathname;

const script = (files: Record<string, string>): string => `
  import { memmap, shutdown } from '${DIST}src/index.js';
  import { REDUCTIONS } from '${DIST}src/engine/reductions/index.js';
  import { native } from '${DIST}src/native.js';
  const out = { isa: native.contract.isa, r: {} };
  const enc = (v) => typeof v === 'number' ? Buffer.from(new Float64Array([v]).buffer).toString('hex') : String(v);
  for (const [dt, file] of Object.entries(${JSON.stringify(files)})) {
    const a = memmap(file, { dtype: dt, mode: 'r' }).reshape([-1, 64]);
    for (const red of REDUCTIONS) {
      for (const axis of [null, 0, 1]) {
        try {
          const r = await a[red.method]({ axis });
          out.r[dt + ' ' + red.name + ' ' + axis] = typeof r === 'object' ? [...r.data].map(enc).join(',') : enc(r);
        } catch (e) { out.r[dt + ' ' + red.name + ' ' + axis] = e.code; }
      }
    }
    // float16 as numpy buffers it (byte-swapped, uncoalesced) or not (transposed), and the variances
    // numpy's two passes give; fused reductions with vars
    const views = dt === 'float16' ? [['T', a.T], ['::2', a.slice('::2')], ['be', memmap(file, { dtype: '>f2', mode: 'r' }).reshape([-1, 64])]] : [];
    for (const [k, v] of views) {
      for (const op of ['sum', 'mean', 'nansum', 'var', 'nanstd']) out.r[dt + ' ' + k + ' ' + op] = enc(await v[op]());
    }
    if (dt === 'float64' || dt === 'float32') {
      const mu = await a.mean({ axis: 0 });
      out.r[dt + ' vars'] = [...(await a.sum({ expr: '(x - mu) * (x - mu)', vars: { mu }, axis: 0 })).data].map(enc).join(',');
      out.r[dt + ' mean='] = [...(await a.var({ axis: 0, mean: { data: mu.data, shape: [1, 64] } })).data].map(enc).join(',');
      out.r[dt + ' int dtype'] = enc(await a.var({ dtype: 'int32' }));
    }
    a.close();
  }
  await shutdown();
  console.log(JSON.stringify(out));
`;

describe('instruction sets', () => {
  it('baseline, AVX2 and the best one give bit-identical results for every reduction and dtype', () => {
    const files: Record<string, string> = {};
    let s = 99;
    const rnd = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
    const n = 64 * 4096; // 2 MiB of float64: the pool path
    const DTYPES = ['float64', 'float32', 'float16', 'int16', 'uint16', 'uint8', 'int64', 'bool'];
    for (const dt of DTYPES) {
      const file = path.join(tmp.dir, `${dt}.bin`);
      const size = { float64: 8, float32: 4, float16: 2, int16: 2, uint16: 2, uint8: 1, int64: 8, bool: 1 }[dt]!;
      const b = Buffer.alloc(n * size);
      for (let i = 0; i < n; i++) {
        const x = (rnd() - 0.3) * 10 ** Math.floor(rnd() * 6 - 2);
        if (dt === 'float64') b.writeDoubleLE(i % 997 === 0 ? NaN : x, i * 8);
        else if (dt === 'float32') b.writeFloatLE(x, i * 4);
        else if (dt === 'float16') b.writeUInt16LE(Math.floor(rnd() * 0x7bff) | (rnd() < 0.5 ? 0x8000 : 0), i * 2);
        else if (dt === 'int16') b.writeInt16LE(Math.floor(rnd() * 65536) - 32768, i * 2);
        else if (dt === 'uint16') b.writeUInt16LE(i % 1009 === 0 ? 65535 : Math.floor(rnd() * 65536), i * 2);
        else if (dt === 'uint8') b[i] = Math.floor(rnd() * 256);
        else if (dt === 'int64') b.writeBigInt64LE(BigInt(Math.floor((rnd() - 0.5) * 2 ** 52)), i * 8);
        else b[i] = rnd() < 0.5 ? 1 : 0;
      }
      fs.writeFileSync(file, b);
      files[dt] = file;
    }
    const body = path.join(tmp.dir, 'run.mjs');
    fs.writeFileSync(body, script(files));
    const run = (isa?: string) => {
      const r = spawnSync(process.execPath, [body], { encoding: 'utf8', maxBuffer: 2 ** 28, env: { ...process.env, ...(isa ? { NDMMAP_ISA: isa } : {}) } });
      expect(r.status, `${r.signal} ${r.stderr.slice(-2000)} ${r.stdout.slice(-300)} ${String(r.error)}`).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { isa: string; r: Record<string, string> };
    };
    const best = run();
    expect(best.isa).toBe(native.contract.isa);
    for (const isa of ['avx2', 'baseline']) {
      const other = run(isa);
      if (isa === 'avx2' && best.isa === 'baseline') continue; // a CPU without AVX2 cannot run it
      expect(other.isa).toBe(isa);
      const diff = Object.keys(best.r).filter((k) => best.r[k] !== other.r[k]);
      expect(diff, `${isa} differs from ${best.isa}`).toEqual([]);
    }
    // every dtype × reduction × axis, the 3 float16 views × 5 ops, the 3 fused cases of 2 dtypes
    expect(Object.keys(best.r).length).toBe(DTYPES.length * REDUCTIONS.length * 3 + 3 * 5 + 2 * 3);
  }, 120_000);
});
