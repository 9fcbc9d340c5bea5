/**
 * The VM's loops are compiled for three instruction sets (baseline, AVX2, AVX-512) and picked at load;
 * NDMMAP_ISA forces a lower one. Every copy must give the same bytes: the same C++ with no FMA
 * contraction and the same lane structure, whatever the vector width. Runs each set in a child process
 * (the choice is made at load) over expressions of every kind, and compares digests.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../../dist/src/native.js';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const EXPRS = [
  'x * 2 + 1', '(x - m) / s', 'sin(x) + cos(x * 3)', 'exp(x * 0.01) - log1p(abs(x))', 'x ** 2.5 + hypot(x, m)',
  'float16(x) * float16(m) + 1', 'float32(x) * 0.1 + float32(m) / 3', 'int8(x) * 3 // 7 + (int8(m) << 2)',
  'where(x > m, sqrt(abs(x)), -x) + clip(x, -1, 1)', 'arctan2(x, m) + tanh(x) - arcsinh(m)', 'uint32(x * 1e3) % 17',
  'round(x * 10) + floor(x) * ceil(m) + trunc(x)', 'sin(i * 1e-3) + i0 - i1',
  'fmod(x, m) + copysign(x, -m) + nextafter(x, m) + signbit(x) + float16(nextafter(float16(x), float16(m)))',
  'sin(x * 1e30) + cos(x * x * 1e6) + float32(sin(float32(x) * 1e20))',
];
const SCRIPT = `
  import crypto from 'node:crypto';
  import fs from 'node:fs';
  import os from 'node:os';
  import path from 'node:path';
  const { memmap, shutdown } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/index.js'))});
  const { native } = await import(${JSON.stringify(path.join(ROOT, 'dist/src/native.js'))});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-isa-'));
  const n = 3000;
  const x = memmap(path.join(dir, 'x.f8'), { dtype: 'float64', mode: 'w+', shape: [n / 3, 3] });
  await x.apply('sin(i * 12.9898) * 43758.5453 % 7 - 3.5', { flush: false });
  const m = Float64Array.from({ length: 3 }, (_, k) => k + 0.75);
  const h = crypto.createHash('sha256');
  for (const e of ${JSON.stringify(EXPRS)}) {
    const o = memmap(path.join(dir, 'o.f8'), { dtype: 'float64', mode: 'w+', shape: [n / 3, 3] });
    await x.apply(e, { vars: { m, s: Float64Array.of(2, 0.5, 3) }, out: o, flush: false });
    h.update(fs.readFileSync(path.join(dir, 'o.f8')));
    o.close();
  }
  x.close();
  await shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ isa: native.contract.vm.isa, digest: h.digest('hex') }));
`;

function run(isa: string | undefined): { isa: string; digest: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    encoding: 'utf8', env: { ...process.env, ...(isa ? { NDMMAP_ISA: isa } : {}) },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('the VM gives the same bits on every instruction set', () => {
  it(`baseline, avx2 and this machine's best (${native.contract.vm.isa}) agree`, () => {
    const best = run(undefined);
    const base = run('baseline');
    expect(base.isa).toBe('baseline');
    expect(base.digest).toBe(best.digest);
    if (best.isa !== 'baseline') {
      const avx2 = run('avx2');
      expect(avx2.isa).toBe('avx2');
      expect(avx2.digest).toBe(best.digest);
    }
  });
});
