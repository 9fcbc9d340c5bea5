/**
 * apply()'s overlap check: an input and the output that share bytes must be the very same elements,
 * whatever names the two files were opened by (symlink, hard link, relative path).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memmap } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-elementwise-');
afterAll(() => tmp.remove());

const N = 64;

/** The float64 values of a file. */
function values(file: string): number[] {
  const b = fs.readFileSync(file);
  return Array.from({ length: b.length / 8 }, (_, i) => b.readDoubleLE(8 * i));
}

/** A float64 file holding 0..N-1, and a second name for it made by `link`. */
function pair(tag: string, link: (target: string, alias: string) => void): [string, string] {
  const file = tmp.file(`${tag}.f8`);
  fs.writeFileSync(file, new Uint8Array(Float64Array.from({ length: N }, (_, i) => i).buffer));
  const alias = tmp.file(`${tag}-alias.f8`);
  link(file, alias);
  return [file, alias];
}

const LINKS: [string, (target: string, alias: string) => void][] = [
  ['symlink', (t, a) => fs.symlinkSync(t, a)],
  ['hard link', (t, a) => fs.linkSync(t, a)],
  ['relative symlink', (t, a) => fs.symlinkSync(path.basename(t), a)],
];

describe('apply: overlap is decided by file identity, not by name', () => {
  for (const [kind, link] of LINKS) {
    it(`${kind}: a reversed copy onto the same bytes is ERR_NDMMAP_OVERLAP and the file is untouched`, async () => {
      const [file, alias] = pair(`rev-${kind.replace(/ /g, '-')}`, link);
      const a = memmap(file, { dtype: 'float64', mode: 'r+' });
      const b = memmap(alias, { dtype: 'float64', mode: 'r+' });
      const before = fs.readFileSync(file);
      const err = await a.slice('::-1').apply('x', { out: b }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_NDMMAP_OVERLAP', message: expect.stringMatching(/overlaps the output with a different layout/) });
      expect(fs.readFileSync(file).equals(before)).toBe(true);
      // y is checked the same way.
      const y = memmap(alias, { dtype: 'float64', mode: 'r' });
      const errY = await a.apply('x + y', { y: y.slice('::-1'), out: a }).then(() => undefined, (e: unknown) => e);
      expect(errY).toMatchObject({ code: 'ERR_NDMMAP_OVERLAP' });
      a.close(); b.close(); y.close();
    });

    it(`${kind}: the very same elements through the other name are allowed and right`, async () => {
      const [file, alias] = pair(`same-${kind.replace(/ /g, '-')}`, link);
      const a = memmap(file, { dtype: 'float64', mode: 'r+' });
      const b = memmap(alias, { dtype: 'float64', mode: 'r+' });
      await a.apply('x * 2 + 1', { out: b });
      expect(values(file)).toEqual(Array.from({ length: N }, (_, i) => 2 * i + 1));
      a.close(); b.close();
    });
  }

  it('two different files with the same layout never overlap', async () => {
    const [f1] = pair('distinct-1', () => {});
    const [f2] = pair('distinct-2', () => {});
    const a = memmap(f1, { dtype: 'float64', mode: 'r' });
    const b = memmap(f2, { dtype: 'float64', mode: 'r+' });
    await a.slice('::-1').apply('x', { out: b });
    expect(b.get(0)).toBe(N - 1);
    expect(b.get(N - 1)).toBe(0);
    a.close(); b.close();
  });
});
