/**
 * Issue 21: an in-place a.sort() that crashes leaves the original bytes or the sorted bytes, never a
 * mixture (src/journal.ts). The process is killed (SIGKILL, test hooks of sortInPlace) after half of
 * the copy back — the file is then a mixture on disk — and the next memmap()/openNpy() of the file
 * replays the journal: the file is sorted, the journal gone. Killed before the commit: the file is
 * untouched and the uncommitted journal is removed by the next open. A second in-place sort of the
 * same file while one runs is EBUSY; mode w+ and a replaced file drop a journal without replaying it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, openNpy, createNpy } from '../../dist/src/index.js';
import { describeExit, fingerprint, runChild, tmpDir } from './helpers.js';

const dir = tmpDir('sort-journal');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const HOOKS = (at: string) => ({ NDMMAP_TEST_HOOKS: '1', NDMMAP_TEST_JOURNAL_CRASH: at });
const journal = (f: string) => path.join(path.dirname(f), `.${path.basename(f)}.ndmmap-journal`);

/** n float64 values, distinct enough that a half-sorted file is not sorted. */
function values(n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = ((i * 2654435761) % 1000003) - 500000 + (i % 7) / 8;
  v[5] = NaN;
  v[6] = -0;
  return v;
}
const npSorted = (v: Float64Array): Float64Array => Float64Array.from(v).sort((x, y) => (Number.isNaN(x) ? 1 : Number.isNaN(y) ? -1 : x - y));
const readF8 = (f: string, at = 0): Float64Array => { const b = fs.readFileSync(f); return new Float64Array(b.buffer.slice(b.byteOffset + at, b.byteOffset + b.length)); };
const same = (x: Float64Array, y: Float64Array): boolean => x.length === y.length && x.every((a, i) => Object.is(a, y[i]) || (a === 0 && y[i] === 0));

describe('the journal of an in-place sort (issue 21)', () => {
  it('killed halfway through the copy back: a mixture on disk, then the next open completes the sort', () => {
    const f = path.join(dir, 'half.f8');
    const v = values(300_000);
    fs.writeFileSync(f, new Uint8Array(v.buffer));
    const r = runChild(dir, 'half', `
      import { memmap } from '$DIST/src/index.js';
      await memmap(${JSON.stringify(f)}, { dtype: 'float64', mode: 'r+' }).sort();
      console.log('survived');
    `, { env: HOOKS('copy') });
    expect(r.signal, describeExit(r)).toBe('SIGKILL');
    const torn = readF8(f);
    const want = npSorted(v);
    // the crash really left a mixture: sorted at the start, the original at the end
    expect(same(torn.subarray(0, 1000), want.subarray(0, 1000))).toBe(true);
    expect(same(torn.subarray(-1000), v.subarray(-1000))).toBe(true);
    expect(fs.existsSync(journal(f))).toBe(true);
    const a = memmap(f, { dtype: 'float64', mode: 'r' }); // a reader: the open replays first
    expect(same(a.typedArray() as Float64Array, want)).toBe(true);
    a.close();
    expect(same(readF8(f), want)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.includes('journal'))).toEqual([]);
  });

  it('killed halfway through a 2-D view sorted along axis 0 (a strided target): openNpy completes it', () => {
    const f = path.join(dir, 'view.npy');
    const m = createNpy(f, { dtype: '>f8', shape: [4000, 6] });
    const v = values(24_000);
    (m as unknown as { assign(x: unknown): void }).assign({ data: v, shape: [4000, 6] });
    m.flush();
    m.close();
    const r = runChild(dir, 'view', `
      import { openNpy } from '$DIST/src/index.js';
      const a = openNpy(${JSON.stringify(f)}, { mode: 'r+' });
      await a.slice(':', '1::2').sort({ axis: 0 });
      console.log('survived');
    `, { env: HOOKS('copy') });
    expect(r.signal, describeExit(r)).toBe('SIGKILL');
    expect(fs.existsSync(journal(f))).toBe(true);
    const a = openNpy(f, { mode: 'r' });
    const got = a.toArray() as number[][];
    a.close();
    for (let c = 0; c < 6; c++) {
      const col = Float64Array.from({ length: 4000 }, (_, i) => v[i * 6 + c]);
      const want = c % 2 === 1 ? npSorted(col) : col;
      expect(same(Float64Array.from(got, (row) => row[c]), want), `column ${c}`).toBe(true);
    }
    expect(fs.existsSync(journal(f))).toBe(false);
  });

  it('killed after the sort, before the commit: the file is untouched, the next open removes the uncommitted journal', () => {
    const f = path.join(dir, 'early.f8');
    const v = values(100_000);
    fs.writeFileSync(f, new Uint8Array(v.buffer));
    const before = fingerprint(f);
    const r = runChild(dir, 'early', `
      import { memmap } from '$DIST/src/index.js';
      await memmap(${JSON.stringify(f)}, { dtype: 'float64', mode: 'r+' }).sort();
    `, { env: HOOKS('commit') });
    expect(r.signal, describeExit(r)).toBe('SIGKILL');
    expect(fingerprint(f)).toBe(before);
    expect(fs.existsSync(`${journal(f)}.tmp`)).toBe(true);
    memmap(f, { dtype: 'float64', mode: 'r' }).close();
    expect(fingerprint(f)).toBe(before);
    expect(fs.readdirSync(dir).filter((n) => n.includes('early') && n.includes('journal'))).toEqual([]);
  });

  it('a second in-place sort of a file being sorted is EBUSY, before anything is written', async () => {
    const f = path.join(dir, 'busy.f8');
    fs.writeFileSync(f, new Uint8Array(values(1000).buffer));
    const before = fingerprint(f);
    // the first sort's claim, by a live process (this one)
    fs.writeFileSync(`${journal(f)}.tmp`, `ndmmap-journal-uncommitted ${process.pid}\n`);
    const a = memmap(f, { dtype: 'float64', mode: 'r+' });
    await expect(a.sort()).rejects.toMatchObject({ code: 'EBUSY', message: expect.stringContaining(`process ${process.pid}`) });
    expect(fingerprint(f)).toBe(before);
    fs.rmSync(`${journal(f)}.tmp`);
    await a.sort();
    expect(same(readF8(f), npSorted(values(1000)))).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => n.includes('busy') && n.includes('journal'))).toEqual([]);
    a.close();
  });

  it('mode w+ drops a journal without replaying it; so does a journal of a file since replaced', () => {
    const f = path.join(dir, 'stale.f8');
    fs.writeFileSync(f, new Uint8Array(values(1000).buffer));
    const r = runChild(dir, 'stale', `
      import { memmap } from '$DIST/src/index.js';
      await memmap(${JSON.stringify(f)}, { dtype: 'float64', mode: 'r+' }).sort();
    `, { env: HOOKS('copy') });
    expect(r.signal, describeExit(r)).toBe('SIGKILL');
    const j = journal(f);
    const saved = fs.readFileSync(j);
    const w = memmap(f, { dtype: 'float64', mode: 'w+', shape: [10] });
    expect(Array.from(w.typedArray() as Float64Array)).toEqual(new Array(10).fill(0));
    w.close();
    expect(fs.existsSync(j)).toBe(false);
    // a journal whose file was replaced (another inode under the name): removed, the new file kept
    fs.writeFileSync(j, saved);
    fs.rmSync(f);
    fs.writeFileSync(f, new Uint8Array(new Float64Array([3, 2, 1]).buffer));
    const b = memmap(f, { dtype: 'float64', mode: 'r' });
    expect(Array.from(b.typedArray() as Float64Array)).toEqual([3, 2, 1]);
    b.close();
    expect(fs.existsSync(j)).toBe(false);
  });
});
