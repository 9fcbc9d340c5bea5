/**
 * A file system with too little free space: creating or extending a file past it is ENOSPC before
 * any block is taken — the file is not created, truncated or grown, and the free space is as it was.
 * Runs on a 64 MiB tmpfs mounted for the test (root only); skipped, with the reason printed, elsewhere.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNpy, memmap } from '../../dist/src/index.js';
import { fingerprint, tmpDir, writeF8 } from './helpers.js';

const MiB = 2 ** 20;
const dir = tmpDir('space');
const mnt = path.join(dir, 'mnt');
let skip: string | undefined;

beforeAll(() => {
  fs.mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (err) {
    skip = `cannot mount a tmpfs here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
    console.warn(`disk-space tests skipped: ${skip}`);
  }
});
afterAll(() => {
  if (skip === undefined) execFileSync('umount', [mnt]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Free bytes on the test tmpfs. */
const free = (): number => { const s = fs.statfsSync(mnt); return s.bavail * s.bsize; };

/** What `fn` throws, with the file system's free space before and after. */
function refused(fn: () => unknown): { err: Record<string, unknown>; freeBefore: number; freeAfter: number } {
  const freeBefore = free();
  let err: Record<string, unknown> | undefined;
  try {
    (fn() as { close(): void }).close();
  } catch (e) {
    err = e as Record<string, unknown>;
  }
  if (err === undefined) throw new Error('expected ENOSPC, the call succeeded');
  return { err, freeBefore, freeAfter: free() };
}

describe('ENOSPC before any block is taken (64 MiB tmpfs)', () => {
  it('w+ of a new file larger than the free space: no file is left behind', (ctx) => {
    if (skip) return ctx.skip(skip);
    const f = path.join(mnt, 'new.f8');
    const { err, freeBefore, freeAfter } = refused(() => memmap(f, { dtype: 'float64', mode: 'w+', shape: [100 * MiB / 8] }));
    expect(err).toMatchObject({ code: 'ENOSPC', syscall: 'statfs', path: f, message: expect.stringMatching(/no space left on device/) });
    expect(fs.existsSync(f)).toBe(false);
    expect(freeAfter).toBe(freeBefore);
  });

  it('w+ over an existing file: the file keeps its bytes (w+ would have truncated it)', (ctx) => {
    if (skip) return ctx.skip(skip);
    const f = path.join(mnt, 'old.f8');
    writeF8(f, MiB / 8, (i) => i);
    const before = fingerprint(f);
    const { err } = refused(() => memmap(f, { dtype: 'float64', mode: 'w+', shape: [100 * MiB / 8] }));
    expect(err).toMatchObject({ code: 'ENOSPC', path: f });
    expect(fingerprint(f)).toBe(before);
    fs.rmSync(f);
  });

  it('r+ extending a file past the free space: the file keeps its size and bytes', (ctx) => {
    if (skip) return ctx.skip(skip);
    const f = path.join(mnt, 'grow.f8');
    writeF8(f, MiB / 8, (i) => -i);
    const before = fingerprint(f);
    const { err, freeBefore, freeAfter } = refused(() => memmap(f, { dtype: 'float64', mode: 'r+', shape: [100 * MiB / 8] }));
    expect(err).toMatchObject({ code: 'ENOSPC', path: f });
    expect(fingerprint(f)).toBe(before);
    expect(freeAfter).toBe(freeBefore);
    fs.rmSync(f);
  });

  it('createNpy past the free space: nothing is created; an existing .npy is kept', (ctx) => {
    if (skip) return ctx.skip(skip);
    const f = path.join(mnt, 'new.npy');
    const { err } = refused(() => createNpy(f, { dtype: 'float64', shape: [100 * MiB / 8] }));
    expect(err).toMatchObject({ code: 'ENOSPC', syscall: 'statfs', path: f });
    expect(fs.existsSync(f)).toBe(false);
    createNpy(f, { dtype: 'int8', shape: [3] }).close();
    const before = fingerprint(f);
    expect(refused(() => createNpy(f, { dtype: 'float64', shape: [100 * MiB / 8] })).err).toMatchObject({ code: 'ENOSPC' });
    expect(fingerprint(f)).toBe(before);
    fs.rmSync(f);
  });

  it('w+ counts the blocks of the file it replaces: rewriting a 40 MiB file as 50 MiB fits', (ctx) => {
    if (skip) return ctx.skip(skip);
    const f = path.join(mnt, 'replace.f8');
    const a = memmap(f, { dtype: 'uint8', mode: 'w+', shape: [40 * MiB] });
    a.close();
    expect(free()).toBeLessThan(50 * MiB);
    const b = memmap(f, { dtype: 'uint8', mode: 'w+', shape: [50 * MiB] });
    expect(b.shape).toEqual([50 * MiB]);
    b.close();
    fs.rmSync(f);
  });
});
