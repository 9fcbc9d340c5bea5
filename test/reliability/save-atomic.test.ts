/**
 * saveNpy is atomic: a full disk (a small tmpfs; mounting needs root, else skipped with the reason) or
 * a file-size limit (`ulimit -f`, EFBIG after the temporary file's header is written) fails cleanly,
 * leaves no temporary file, and keeps the old target byte for byte. Each scenario runs in a child.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClean, lastJson, runChild, tmpDir, writeF8 } from './helpers.js';

const dir = tmpDir('save');
const mnt = path.join(dir, 'tmpfs');
let mounted = false;
let why = '';

beforeAll(() => {
  fs.mkdirSync(mnt);
  writeF8(SRC, 2 ** 20);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { encoding: 'utf8' });
  mounted = r.status === 0;
  why = mounted ? '' : `mount -t tmpfs refused (${(r.stderr || r.error?.message || '').trim()}): full-disk save test skipped`;
  if (!mounted) console.warn(why);
});

afterAll(() => {
  if (mounted) spawnSync('umount', [mnt]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** An 8 MiB source, made outside the limits. */
const SRC = path.join(dir, 'src.f8');

/** Child body: save 3n to `where`/out.npy, then try 8 MiB of float64 from a typed array and from a memmap view. */
const body = (where: string, src = SRC) => `
  import fs from 'node:fs';
  import { memmap, saveNpy, shutdown } from '$DIST/src/index.js';
  const target = ${JSON.stringify(path.join(where, 'out.npy'))};
  await saveNpy(target, 3n);
  const out = { old: fs.readFileSync(target).toString('base64') };
  const settle = async (f) => { try { await f(); return 'ok'; } catch (e) { return e.code; } };
  out.typed = await settle(() => saveNpy(target, new Float64Array(2 ** 20)));
  const a = memmap(${JSON.stringify(src)}, { dtype: 'float64', mode: 'r', shape: [2 ** 10, 2 ** 10] });
  out.view = await settle(() => saveNpy(target, a.transpose()));
  a.close();
  out.after = fs.readFileSync(target).toString('base64');
  out.files = fs.readdirSync(${JSON.stringify(where)}).sort();
  await shutdown();
  console.log(JSON.stringify(out));
`;

describe('saveNpy on a failing disk', () => {
  it('a full file system: ENOSPC, no temporary file, the old target intact', ({ skip }) => {
    if (!mounted) return skip(why);
    const r = runChild(dir, 'full', body(mnt));
    expectClean(r);
    const o = lastJson<Record<string, unknown>>(r);
    expect(o).toMatchObject({ typed: 'ENOSPC', view: 'ENOSPC', files: ['out.npy'] });
    expect(o.after).toBe(o.old);
  });

  it('a file-size limit: EFBIG after the header is written, the temporary file removed, the old target intact', () => {
    const where = path.join(dir, 'limit');
    fs.mkdirSync(where);
    const r = runChild(dir, 'limit', body(where), { shell: 'ulimit -f 1024; exec' });
    expectClean(r);
    const o = lastJson<Record<string, unknown>>(r);
    expect(o).toMatchObject({ typed: 'EFBIG', view: 'EFBIG', files: ['out.npy'] });
    expect(o.after).toBe(o.old);
  });
});
