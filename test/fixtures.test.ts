// The numpy-made fixtures are whole: every file a manifest names exists with exactly the size its
// dtype, shape and offset imply, so a broken or half-regenerated fixture set fails here first.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Entry {
  file: string;
  dtype?: string;
  descr?: string;
  shape: number[];
  offset?: number;
  data_offset?: number;
  values?: string[];
}

/** Bytes per element from a numpy dtype str such as '<f8' or '|b1'. */
const itemsize = (str: string): number => Number(/^[<>|]?[biuf](\d+)$/.exec(str)![1]);
const product = (shape: number[]): number => shape.reduce((a, n) => a * n, 1);

describe.each(['memmap', 'npy', 'reduce'])('fixtures/%s/cases.json', (folder) => {
  const cases: Entry[] = JSON.parse(readFileSync(join(FIXTURES, folder, 'cases.json'), 'utf8'));

  it('lists cases', () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it('names files that exist with the size dtype, shape and offset imply', () => {
    for (const c of cases) {
      const path = join(FIXTURES, folder, c.file);
      expect(existsSync(path), path).toBe(true);
      const start = c.data_offset ?? c.offset ?? 0;
      // np.memmap(mode='w+') never makes an empty file: it writes max(offset + nbytes, 1) bytes.
      const expected = Math.max(1, start + product(c.shape) * itemsize(c.dtype ?? c.descr!));
      expect(statSync(path).size, c.file).toBe(expected);
    }
  });

  it('fills the bytes before an offset with 0xAB', () => {
    for (const c of cases.filter((x) => (x.offset ?? 0) > 0)) {
      const head = readFileSync(join(FIXTURES, folder, c.file)).subarray(0, c.offset);
      expect([...head].every((b) => b === 0xab), c.file).toBe(true);
    }
  });

  it('holds one value per element where values are listed', () => {
    for (const c of cases.filter((x) => x.values !== undefined))
      expect(c.values!.length, c.file).toBe(product(c.shape));
  });
});

describe('fixtures/reduce/cases.json results', () => {
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'reduce', 'cases.json'), 'utf8'));

  it('gives either an error or one expected value per result element', () => {
    for (const c of cases) {
      if (c.expected === 'error') expect(c.error, c.file).toMatch(/\w/);
      else expect(c.expected.length, `${c.file} ${c.op}`).toBe(product(c.result_shape));
    }
  });
});
