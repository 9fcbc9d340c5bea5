// The trust issue's wrong answers and lost writes, each against numpy (trust/cases.json, made by
// make_trust_fixtures.py): ±inf in sums and means on the inline and pool paths and along axes, var/std
// of huge values, zero-length axes, float16 products, products across blocks; an aborted apply that
// must not write after its promise settled; a reduction started from inside onProgress.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { dtype, memmap, type NDResult } from '../../dist/src/index.js';
import { numberToHalf } from '../../dist/src/dtype.js';
import { abortMidCall, manifest, parseValue, tempDir } from '../helpers.js';

interface Case {
  name: string; dtype: string; shape: number[]; fill: string; set: [number, string][]; op: string;
  axis: number | null; kwargs: Record<string, unknown>; result_dtype: string | null; expected: string[] | 'error'; error?: string;
}

const cases = manifest<Case[]>('trust');
const tmp = tempDir('ndmmap-trust-', { memory: true });
afterAll(() => tmp.remove());

/** Write the case's array (fill, then the listed elements) straight as bytes. */
function build(c: Case, file: string): void {
  const dt = dtype(c.dtype);
  const n = c.shape.reduce((a, b) => a * b, 1);
  const buf = Buffer.alloc(Math.max(n * dt.itemsize, 1));
  const le = dt.byteorder !== '>';
  const put = (i: number, s: string): void => {
    const v = parseValue(s, '<f8') as number;
    const at = i * dt.itemsize;
    if (dt.name === 'float64') { if (le) buf.writeDoubleLE(v, at); else buf.writeDoubleBE(v, at); }
    else if (dt.name === 'float32') { if (le) buf.writeFloatLE(v, at); else buf.writeFloatBE(v, at); }
    else if (le) buf.writeUInt16LE(numberToHalf(v), at); else buf.writeUInt16BE(numberToHalf(v), at);
  };
  for (let i = 0; i < n; i++) put(i, c.fill);
  for (const [i, s] of c.set) put(i, s);
  fs.writeFileSync(file, buf);
}

describe('special values against numpy (trust/cases.json)', () => {
  it.each(cases.map((c, k) => [`${c.op} ${c.dtype} ${c.name} axis=${c.axis}`, c, k] as const))('%s', async (_, c, k) => {
    const file = tmp.file(`t${k}.bin`);
    build(c, file);
    const a = memmap(file, { dtype: c.dtype, shape: c.shape, mode: 'r' });
    try {
      if (c.expected === 'error') {
        await expect(a[c.op as 'sum']({ axis: c.axis, ...c.kwargs })).rejects.toMatchObject({ message: c.error!.replace(/^\w+: /, '') });
        return;
      }
      const r = await a[c.op as 'sum']({ axis: c.axis, ...c.kwargs });
      const got = c.axis === null ? [r] : [...(r as NDResult).data];
      const want = c.expected.map((s) => parseValue(s, c.result_dtype!));
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        const w = want[i] as number;
        if (Number.isNaN(w) || !Number.isFinite(w) || w === 0) expect(Object.is(Number(g), w), `[${i}] ${String(g)} vs numpy ${w}`).toBe(true);
        else expect(Math.abs(Number(g) - w), `[${i}] ${String(g)} vs numpy ${w}`).toBeLessThanOrEqual(Math.abs(w) * (c.result_dtype === '<f2' ? 2 ** -9 : c.result_dtype === '<f4' ? 2 ** -20 : 1e-12));
      });
    } finally {
      a.close();
      fs.rmSync(file);
    }
  });

  it('pins the cases numpy is asked about', () => {
    expect(cases.filter((c) => c.shape.reduce((a, b) => a * b, 1) * dtype(c.dtype).itemsize >= 512 * 1024).length).toBeGreaterThan(40);
    expect(cases.filter((c) => c.expected === 'error').length).toBeGreaterThan(20);
  });
});

describe('writes and re-entrancy', () => {
  it('an aborted apply never writes after its promise rejected (a later fill wins everywhere)', async () => {
    const n = 4 * 2 ** 20; // 32 MiB of float64: many blocks on the pool
    const a = memmap(tmp.file('abort.f8'), { dtype: 'float64', mode: 'w+', shape: [n] });
    // One slow thread for the aborted call, so the other worker is free for the fill at once: a block
    // of the aborted call still running when the fill starts would land its ones over the twos.
    const SLOW = 'x * 0 + 1 + 0 * (sin(x) + cos(x) + exp(x) + log1p(x) + tan(x))';
    for (let round = 0; round < 5; round++) {
      const e = await abortMidCall((signal, onProgress) => a.apply(SLOW, { threads: 1, signal, onProgress }), () => undefined);
      expect(e).toMatchObject({ code: 'ABORT_ERR' });
      await a.fill(2);
      // a block of the aborted call still running would leave ones behind
      const t = a.typedArray() as Float64Array;
      let ones = 0;
      for (let i = 0; i < n; i++) if (t[i] !== 2) ones++;
      expect(ones, `round ${round}`).toBe(0);
    }
    a.close();
  });

  it('a reduction started from inside onProgress does not change the outer result (inline and pool)', async () => {
    for (const n of [100, 2 ** 17]) {
      const a = memmap(tmp.file(`re-a${n}.f8`), { dtype: 'float64', mode: 'w+', shape: [n] });
      const b = memmap(tmp.file(`re-b${n}.f8`), { dtype: 'float64', mode: 'w+', shape: [n] });
      await a.fill(1);
      await b.fill(3);
      let inner: unknown;
      const outer = await a.sum({ onProgress: () => { void b.sum().then((v) => { inner = v; }); } });
      const outerSync = await a.sum({ onProgress: () => { void b.max(); } });
      expect(outer).toBe(n);
      expect(outerSync).toBe(n);
      await new Promise((r) => setTimeout(r, 50));
      expect(inner).toBe(3 * n);
      a.close();
      b.close();
    }
  });
});
