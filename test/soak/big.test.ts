// Files past Node 20's 4 GiB buffer cap, through the whole engine: a 6 GiB sparse file (no disk used)
// is reduced and written end to end, and the process's anonymous memory stays small while it is read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemMap, memmap } from '../../dist/src/index.js';

const GiB = 2 ** 30;
const SIZE = 6 * GiB;
let dir: string;
let file: string;
let a: MemMap;

function rssAnonKiB(): number {
  const m = /RssAnon:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return Number(m![1]);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-big-'));
  file = path.join(dir, 'sparse.f8');
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, SIZE);
  fs.closeSync(fd);
  a = memmap(file, { dtype: 'float64', mode: 'r+' });
});

afterAll(() => {
  a?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a 6 GiB file through the engine', () => {
  it('reduces every element, with values planted past 4 GiB found by index', async () => {
    const n = SIZE / 8;
    a.set(n - 1, 5);
    a.set(Math.floor((4 * GiB) / 8) + 3, -7); // just past the 4 GiB mark
    a.set(12, 2);
    const before = rssAnonKiB();
    const seen: number[] = [];
    expect(await a.sum({ onProgress: (p) => seen.push(p.doneBytes) })).toBe(0);
    const after = rssAnonKiB();
    // seconds of reading: progress arrives as blocks finish, strictly increasing, ending at the total
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    expect(seen.at(-1)).toBe(SIZE);
    expect(await a.max()).toBe(5);
    expect(await a.argmax()).toBe(n - 1);
    expect(await a.argmin()).toBe(Math.floor((4 * GiB) / 8) + 3);
    expect(await a.min()).toBe(-7);
    // the file's pages are file-backed: reading 6 GiB must not grow anonymous memory
    expect(after - before).toBeLessThan(64 * 1024);
  });

  it('applies an expression to a range past 4 GiB and reads it back from the file', async () => {
    const n = SIZE / 8;
    const tail = a.slice(`${n - 1000}:`);
    await tail.fill(1.5);
    await tail.apply('x * 2 + 1');
    expect(await tail.sum()).toBe(4000);
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(16);
    fs.readSync(fd, buf, 0, 16, SIZE - 16);
    fs.closeSync(fd);
    expect([buf.readDoubleLE(0), buf.readDoubleLE(8)]).toEqual([4, 4]);
  });
});
