/**
 * Issue 21, "Bad input": a full disk for the scratch file of sort / argsort / unique. The file to sort
 * lives on a small tmpfs (8 MiB) with os.tmpdir() on it too, so neither place a scratch file may go
 * can hold one: the call rejects with ENOSPC naming the directories and the bytes, the user's file
 * keeps its bytes (an in-place a.sort() too), no scratch file is left and the process lives (a
 * scratch file written through a sparse mapping on a full tmpfs would be a SIGBUS). Then os.tmpdir()
 * with room: an in-place sort still needs its journal next to the file (src/journal.ts), so it is
 * ENOSPC there, while sort(a, { out }) into os.tmpdir() works. Each scenario runs in
 * a child process (mounting needs root: without it the tests are skipped, with the reason printed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClean, lastJson, runChild, tmpDir } from './helpers.js';

const dir = tmpDir('order-fulldisk');
const mnt = path.join(dir, 'tmpfs');
const roomy = path.join(dir, 'roomy');
const small = path.join(dir, 'small');
let mounted = false;
let why = '';

beforeAll(() => {
  fs.mkdirSync(mnt);
  fs.mkdirSync(roomy);
  fs.mkdirSync(small);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { encoding: 'utf8' });
  mounted = r.status === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]).status === 0;
  why = mounted ? '' : `mount -t tmpfs refused (${(r.stderr || r.error?.message || '').trim()}): scratch full-disk tests skipped`;
  if (!mounted) console.warn(why);
});

afterAll(() => {
  spawnSync('umount', [mnt]);
  spawnSync('umount', [small]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Run `body` in a child after emptying the tmpfs; `$MNT` is the mount point. */
function child(name: string, body: string, tmp: string) {
  for (const f of fs.readdirSync(mnt)) fs.rmSync(path.join(mnt, f), { force: true });
  return runChild(dir, name, body.replaceAll('$MNT', mnt), { env: { TMPDIR: tmp } });
}

/** Child-side: a 5 MiB float64 file on the tmpfs (3 MiB stay free: no 5 MiB scratch fits), helpers. */
const PRELUDE = `
  import crypto from 'node:crypto';
  import fs from 'node:fs';
  import os from 'node:os';
  import { memmap, sort, argsort, unique, shutdown } from '$DIST/src/index.js';
  const N = 5 * 2 ** 17;
  const file = '$MNT/data.f8';
  const v = new Float64Array(N);
  for (let i = 0; i < N; i++) v[i] = ((i * 2654435761) % 1000003) - 500000 + (i % 7) / 8;
  v[3] = NaN; v[4] = -0.0;
  fs.writeFileSync(file, new Uint8Array(v.buffer));
  const hash = () => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const before = hash();
  const left = (d) => fs.readdirSync(d).filter((f) => f.includes('ndmmap-scratch') || f.endsWith('.tmp'));
  const settle = async (f) => { try { await f(); return { ok: true }; } catch (e) { return { code: e.code, message: e.message }; } };
`;

describe('a full disk for the scratch file of sort, argsort and unique (issue 21)', () => {
  it('rejects ENOSPC before anything of the file changes, leaves no scratch file, does not crash', ({ skip }) => {
    if (!mounted) return skip(why);
    const r = child('full', `${PRELUDE}
      const out = { tmpdir: os.tmpdir() === '$MNT' };
      const a = memmap(file, { dtype: 'float64', mode: 'r+' });
      out.inPlace = await settle(() => a.sort());
      out.inPlaceSame = hash() === before;
      out.sort = await settle(() => sort(a));
      out.argsort = await settle(() => argsort(a, { kind: 'stable' }));
      out.sortFlat = await settle(() => sort(a.reshape([1024, 640]).T, { axis: null }));
      out.sortOut = await settle(() => sort(a, { out: '$MNT/sorted.npy' }));
      out.uniqueOut = await settle(() => unique(a, { returnInverse: true, out: '$MNT/inv.npy' }));
      out.sameAfterAll = hash() === before;
      out.left = left('$MNT');
      out.files = fs.readdirSync('$MNT');
      // the file is fine and the pool works: unique (no scratch) counts it
      const u = await unique(a, { returnCounts: true });
      out.uniqueCount = u.values.shape[0] > 0 && Number(u.counts.data.reduce((s, c) => s + c, 0n)) === N;
      a.close();
      await shutdown();
      console.log(JSON.stringify(out));
    `, mnt);
    expectClean(r);
    const out = lastJson<Record<string, { ok?: boolean; code?: string; message?: string } | unknown>>(r);
    for (const k of ['inPlace', 'sort', 'argsort', 'sortFlat', 'sortOut', 'uniqueOut']) {
      const e = out[k] as { code?: string; message?: string };
      expect(e.code, `${k}: ${JSON.stringify(e)}`).toBe('ENOSPC');
      // the directory the scratch (or the new file) was for, and the bytes it needed
      expect(e.message, k).toContain(mnt);
      expect(e.message, k).toMatch(/needs \d+ bytes/);
    }
    expect(out).toMatchObject({ tmpdir: true, inPlaceSame: true, sameAfterAll: true, left: [], files: ['data.f8'], uniqueCount: true });
  });

  it('an in-place sort writes its journal next to the file: no room there is ENOSPC even with room in os.tmpdir(), nothing changed or left; sort into os.tmpdir() works', ({ skip }) => {
    if (!mounted) return skip(why);
    const r = child('journal', `${PRELUDE}
      const out = {};
      const a = memmap(file, { dtype: 'float64', mode: 'r+' });
      out.inPlace = await settle(() => a.sort());
      out.same = hash() === before;
      out.left = [...left('$MNT'), ...left(os.tmpdir())];
      out.journals = fs.readdirSync('$MNT').filter((f) => f.includes('journal'));
      out.elsewhere = await settle(() => sort(a, { out: os.tmpdir() + '/sorted.npy' }));
      a.close();
      await shutdown();
      console.log(JSON.stringify(out));
    `, roomy);
    expectClean(r);
    const out = lastJson<{ inPlace: { code: string; message: string } }>(r);
    expect(out.inPlace.code).toBe('ENOSPC');
    expect(out.inPlace.message).toContain(mnt);
    expect(out.inPlace.message).toMatch(/needs \d+ bytes/);
    expect(out.inPlace.message).toMatch(/journal \(the sorted array\) next to the file/);
    expect(out).toEqual({ inPlace: out.inPlace, same: true, left: [], journals: [], elsewhere: { ok: true } });
  });
});
