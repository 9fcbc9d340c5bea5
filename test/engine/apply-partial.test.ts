/**
 * apply() that fails: what can be checked before writing is (an integer to a negative power found
 * in the data: a read-only pre-pass), and where writes did happen the error says so — `partial:
 * true`, `written` (the share of the output in finished blocks) and `written: N%` in the message
 * (issue 17, item 13).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, NdmmapError, shutdown } from '../../dist/src/index.js';
import { abortMidCall, tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-apply-partial-');
afterAll(async () => { await shutdown(); tmp.remove(); });

const hash = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** int64 exponents 1, 1, …, with -1 at `bad` (the 60% mark in the repro). */
function exponents(n: number, bad: number): string {
  const f = tmp.file(`e-${n}-${bad}.i8`);
  const e = new BigInt64Array(n).fill(1n);
  e[bad] = -1n;
  fs.writeFileSync(f, new Uint8Array(e.buffer));
  return f;
}

describe('an integer to a negative power in the data: refused before anything is written', () => {
  for (const [path, n] of [['pool', 2_000_000], ['inline', 4096]] as const) {
    it(`${path}: x ** p with p < 0 at 60% of the data: ERR_NDMMAP_VALUE, out untouched`, async () => {
      const x = memmap(tmp.file(`x-${path}.i8`), { dtype: 'int64', mode: 'w+', shape: [n] });
      await x.apply('i + 2');
      const e = memmap(exponents(n, Math.floor(n * 0.6)), { dtype: 'int64', mode: 'r' });
      const outFile = tmp.file(`out-${path}.i8`);
      const out = memmap(outFile, { dtype: 'int64', mode: 'w+', shape: [n] });
      await out.apply('7');
      const before = hash(outFile);
      const err = await x.apply('x ** p', { vars: { p: e }, out }).catch((er: unknown) => er);
      expect(err).toBeInstanceOf(NdmmapError);
      expect(err).toMatchObject({ code: 'ERR_NDMMAP_VALUE', message: 'Integers to negative integer powers are not allowed.' });
      expect((err as { partial?: boolean }).partial).toBeFalsy();
      expect(hash(outFile)).toBe(before);
      // in place too: x keeps its values
      const xBefore = hash(x.filename);
      await expect(x.apply('x ** p', { vars: { p: e } })).rejects.toMatchObject({ code: 'ERR_NDMMAP_VALUE' });
      expect(hash(x.filename)).toBe(xBefore);
      for (const m of [x, e, out]) m.close();
    });
  }

  it('an exponent made from the index (x ** (1200000 - i)), on the pool: refused, out untouched', async () => {
    const n = 2_000_000;
    const x = memmap(tmp.file('xi.i4'), { dtype: 'int32', mode: 'w+', shape: [n] });
    await x.apply('3');
    const before = hash(x.filename);
    await expect(x.apply('x ** (1200000 - i)')).rejects.toMatchObject({ code: 'ERR_NDMMAP_VALUE' });
    expect(hash(x.filename)).toBe(before);
    await x.apply('x ** (i % 3)'); // never negative: runs
    expect([x.get(0), x.get(1), x.get(2), x.get(n - 1)]).toEqual([1, 3, 9, 3 ** ((n - 1) % 3)]);
    x.close();
  });
});

describe('a failure after writes began says so', () => {
  it('abort in the middle of a pool apply: ABORT_ERR with partial: true, written in (0, 1) and "written: N%" in the message', async () => {
    const n = 8_000_000;
    const a = memmap(tmp.file('abort.f8'), { dtype: 'float64', mode: 'w+', shape: [n] });
    const err = await abortMidCall((signal, onProgress) => a.apply('sin(i * 0.001) * 2', { threads: 1, signal, onProgress }), () => undefined,
      (p) => p.doneBytes > 0 && p.doneBytes < p.totalBytes) as NdmmapError & { partial?: boolean; written?: number };
    expect(err).toBeInstanceOf(NdmmapError);
    expect(err.code).toBe('ABORT_ERR');
    expect(err.partial).toBe(true);
    expect(err.written).toBeGreaterThan(0);
    expect(err.written).toBeLessThan(1);
    expect(err.message).toMatch(/written: \d+%/);
    a.close();
  });

  it('close() of the output in the middle of a pool apply: ERR_NDMMAP_CLOSED with partial: true', async () => {
    const n = 8_000_000;
    const a = memmap(tmp.file('close.f8'), { dtype: 'float64', mode: 'w+', shape: [n] });
    const err = await a.apply('sin(i * 0.001) * 2', {
      threads: 1, onProgress: (p) => { if (p.doneBytes > 0 && p.doneBytes < p.totalBytes) a.close(); },
    }).catch((e: unknown) => e) as NdmmapError;
    expect(err).toMatchObject({ code: 'ERR_NDMMAP_CLOSED', partial: true });
    expect(err.written).toBeGreaterThan(0);
    expect(err.message).toMatch(/is an await missing.*written: \d+%/);
  });

  it('an error before any block ran has no partial flag', async () => {
    const a = memmap(tmp.file('early.f8'), { dtype: 'float64', mode: 'w+', shape: [1000] });
    const ac = new AbortController();
    ac.abort();
    const err = await a.apply('x + 1', { signal: ac.signal }).catch((e: unknown) => e) as { code: string; partial?: boolean };
    expect(err.code).toBe('ABORT_ERR');
    expect(err.partial).toBeFalsy();
    a.close();
  });
});
