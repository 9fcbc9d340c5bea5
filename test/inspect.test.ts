// util.inspect / console.log of a MemMap is numpy's repr (values from test/fixtures/inspect, made by
// numpy's array2string with memmap's prefix) followed by dtype, shape, mode and file; Symbol.dispose
// closes the memmap.
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type DTypeSpec, dtype, memmap } from '../dist/src/index.js';
import { manifest, parseValue, tempDir } from './helpers.js';

interface Case { name: string; dtype: string; shape: number[]; values: string[] | null; body: string }
const CASES = manifest<Case[]>('inspect');
/** The formulas of make.py for the cases too large to store. */
const LARGE: Record<string, (i: number) => number | bigint> = {
  'float32 embeddings, abridged': (i) => (i % 97) / 10,
  'int64 3-d, abridged': (i) => BigInt(i) * 1000003n - 10n ** 9n,
};

const t = tempDir();
afterAll(() => t.remove());

describe('util.inspect(MemMap)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: numpy\'s repr body, then dtype, shape, mode, file', (_name, c) => {
    const f = t.file(`${c.name.replace(/\W+/g, '-')}.bin`);
    const a = memmap(f, { dtype: c.dtype as DTypeSpec, mode: 'w+', shape: c.shape });
    const size = c.shape.reduce((x, y) => x * y, 1);
    const value = c.values === null ? LARGE[c.name] : (i: number) => parseValue(c.values![i], c.dtype);
    const flat = a.reshape(-1);
    for (let i = 0; i < size; i++) flat.set(i, value(i));
    const dt = String(dtype(c.dtype as DTypeSpec));
    const fields = `dtype=${dt.startsWith('>') ? `'${dt}'` : dt}, shape=(${c.shape.join(', ')}${c.shape.length === 1 ? ',' : ''}), mode='w+', file='${f}')`;
    const text = inspect(a);
    expect(text.startsWith(`memmap(${c.body},`)).toBe(true);
    expect(text.slice(`memmap(${c.body},`.length).trimStart()).toBe(fields);
    a.close();
  });

  it('a closed memmap prints its fields, never throws', () => {
    const a = memmap(t.file('closed.f8'), { dtype: 'float64', mode: 'w+', shape: [2, 2] });
    a.close();
    expect(inspect(a)).toBe(`memmap(<closed>, dtype=float64, shape=(2, 2), mode='w+', file='${t.file('closed.f8')}')`);
  });

  it('shows no internals (mapping, layout, fd)', () => {
    const a = memmap(t.file('plain.u1'), { mode: 'w+', shape: [4] });
    const text = inspect({ a }, { depth: 4 });
    expect(text).toMatch(/memmap\(\[0, 0, 0, 0\]/);
    expect(text).not.toMatch(/mapping|layout|Mapping|byteOffset/);
    a.close();
  });
});

describe('Symbol.dispose', () => {
  it('closes the memmap (what `using a = memmap(…)` calls at the end of the block)', () => {
    const a = memmap(t.file('disposed.u1'), { mode: 'w+', shape: [4] });
    expect(typeof Symbol.dispose).toBe('symbol');
    a[Symbol.dispose]();
    expect(a.closed).toBe(true);
    expect(() => a.get(0)).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_CLOSED' }));
  });
});
