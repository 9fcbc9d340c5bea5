/**
 * A sparse file on a full file system: a 128 MiB file (a hole) on a 64 MiB tmpfs. Touching a page
 * of the hole needs a block the file system no longer has, and the kernel answers with SIGBUS; numpy
 * dies of it. ndmmap reserves the blocks of a write before it starts (fallocate), and turns a fault
 * inside a native kernel into an error. Each scenario runs in a child process on its own tmpfs
 * (mounting needs root: without it the tests are skipped, with the reason printed).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClean, lastJson, runChild, tmpDir, writeF8 } from './helpers.js';

const dir = tmpDir('fulldisk');
const mnt = path.join(dir, 'tmpfs');
let mounted = false;
let why = '';

beforeAll(() => {
  fs.mkdirSync(mnt);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt], { encoding: 'utf8' });
  mounted = r.status === 0;
  why = mounted ? '' : `mount -t tmpfs refused (${(r.stderr || r.error?.message || '').trim()}): full-disk tests skipped`;
  if (!mounted) console.warn(why);
});

afterAll(() => {
  if (mounted) spawnSync('umount', [mnt]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Run `body` in a child after emptying the tmpfs; `$MNT` is the mount point. */
function child(name: string, body: string) {
  for (const f of fs.readdirSync(mnt)) fs.rmSync(path.join(mnt, f), { force: true });
  return runChild(dir, name, body.replaceAll('$MNT', mnt));
}

/** Child-side helpers: a sparse file, filling the tmpfs to the last block, a control reduction. */
const PRELUDE = `
  import fs from 'node:fs';
  import { memmap, shutdown } from '$DIST/src/index.js';
  const sparse = (name, bytes) => { const f = '$MNT/' + name; fs.closeSync(fs.openSync(f, 'w')); fs.truncateSync(f, bytes); return f; };
  const fillUp = () => { const fd = fs.openSync('$MNT/filler', 'w'); const b = Buffer.alloc(65536, 7); try { for (;;) fs.writeSync(fd, b); } catch (e) { if (e.code !== 'ENOSPC') throw e; } finally { fs.closeSync(fd); } };
  const freeUp = () => fs.rmSync('$MNT/filler', { force: true });
  const avail = () => fs.statfsSync('$MNT').bavail;
  // give a file's blocks back (holes again) after it was opened 'r+', which reserved them: what a file
  // system without fallocate, or another process punching holes, leaves under a mapping
  const punch = async (f) => (await import('node:child_process')).execFileSync('fallocate', ['-p', '-o', '0', '-l', String(fs.statSync(f).size), f]);
  const settle = async (f) => { try { return await f(); } catch (e) { return e.code; } };
`;

describe('a sparse file on a full file system', () => {
  it('fill() of an r+ file whose holes are larger than the free space: ENOSPC before any write (pool and inline), no SIGBUS', ({ skip }) => {
    if (!mounted) return skip(why);
    const control = path.join(dir, 'control.f8');
    writeF8(control, 2 ** 20, () => 1);
    const r = child('fill', `${PRELUDE}
      const out = {};
      // opening 'r+' reserves a sparse file's holes (issue 17, item 8): 128 MiB of holes cannot be
      const big = sparse('big.u8', 128 * 2 ** 20);
      out.open = await settle(() => memmap(big, { mode: 'r+' }));
      out.openAvail = avail(); // nothing was taken
      // holes under an open mapping (punched after the open reserved them): apply reserves its range
      const midFile = sparse('mid.u8', 48 * 2 ** 20);
      const a = memmap(midFile, { mode: 'r+' });
      await punch(midFile);
      const filler = fs.openSync('$MNT/filler32', 'w');
      fs.writeSync(filler, Buffer.alloc(32 * 2 ** 20, 3));
      fs.closeSync(filler);
      const before = avail(); // 32 MiB free, 48 MiB of holes
      out.pool = await settle(() => a.fill(1)); // 48 MiB: the pool
      out.poolAvailKept = avail() === before; // the failed reservation is given back
      // read through fs, not get(): reading a hole through the mapping of a full tmpfs faults too
      const zeros = (f) => { const b = fs.readFileSync(f); return b.equals(Buffer.alloc(b.length)); };
      out.poolUntouched = zeros(midFile);
      const smallFile = sparse('small.u8', 256 * 1024);
      const small = memmap(smallFile, { mode: 'r+' });
      await punch(smallFile);
      fillUp();
      out.inline = await settle(() => small.fill(1)); // 256 KiB: on this thread
      out.applyInline = await settle(() => small.apply('x + 1'));
      out.inlineUntouched = zeros(smallFile);
      freeUp();
      fs.rmSync('$MNT/filler32');
      out.afterFree = await settle(async () => { await small.fill(2); return Number(await small.sum()); });
      // the pool still works
      const c = memmap(${JSON.stringify(control)}, { dtype: 'float64', mode: 'r' });
      out.control = await c.sum();
      a.close(); small.close(); c.close();
      await shutdown();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    expect(lastJson(r)).toEqual({
      open: 'ENOSPC', openAvail: 16384, pool: 'ENOSPC', poolAvailKept: true, poolUntouched: true, inline: 'ENOSPC', applyInline: 'ENOSPC',
      inlineUntouched: true, afterFree: 2 * 256 * 1024, control: 2 ** 20,
    });
  });

  it("reductions over the holes of a mode 'r' file (tmpfs allocates on read): ENOSPC from the fault, pool and inline", ({ skip }) => {
    if (!mounted) return skip(why);
    const control = path.join(dir, 'control2.f8');
    writeF8(control, 2 ** 20, () => 1);
    const r = child('reduce', `${PRELUDE}
      const out = {};
      const a = memmap(sparse('big.f8', 128 * 2 ** 20), { dtype: 'float64', mode: 'r' });
      const e = await a.sum().catch((e) => e);
      out.pool = e.code; out.poolMessage = e.message;
      out.poolAgain = await settle(() => a.max({ axis: 0 })); // the same mapping, a different kernel
      const small = memmap(sparse('small.f8', 64 * 1024), { dtype: 'float64', mode: 'r' });
      out.inline = await settle(() => small.sum()); // tmpfs is full now: a 64 KiB hole faults too
      out.inlineArg = await settle(() => small.argmax());
      const c = memmap(${JSON.stringify(control)}, { dtype: 'float64', mode: 'r' });
      out.control = await c.sum();
      out.controlAxis = (await c.reshape([1024, 1024]).sum({ axis: 0 })).data[5];
      a.close();
      // blocks of the failed calls may still run in the background (holding the mapping): let them end
      const { native } = await import('$DIST/src/native.js');
      for (let i = 0; i < 500 && native.liveMappings() > 2; i++) await new Promise((r) => setTimeout(r, 10));
      out.live = native.liveMappings();
      fs.rmSync('$MNT/big.f8'); // frees its pages: the small file's holes read as zeros again
      out.afterFree = await settle(() => small.sum());
      small.close(); c.close();
      await shutdown();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    const out = lastJson<Record<string, unknown>>(r);
    expect(out.poolMessage).toMatch(/big\.f8/);
    delete out.poolMessage;
    expect(out).toEqual({
      pool: 'ENOSPC', poolAgain: 'ENOSPC', inline: 'ENOSPC', inlineArg: 'ENOSPC', control: 2 ** 20, controlAxis: 1024, live: 2, afterFree: 0,
    });
  });

  it('a write kernel faulting on an unreserved hole (no fallocate) rejects ENOSPC, on the main thread and in a worker', ({ skip }) => {
    if (!mounted) return skip(why);
    const r = child('unreserved', `${PRELUDE}
      import { Worker } from 'node:worker_threads';
      // Straight to the native kernel, skipping apply()'s reservation: what a file system without
      // fallocate would do. One element per page, in a strided 1-D block.
      const code = \`
        const { native } = await import('$DIST/src/native.js');
        const { compileExpr } = await import('$DIST/src/expr/index.js');
        const { dtype } = await import('$DIST/src/dtype.js');
        export function run(id) {
          const u8 = dtype('uint8');
          const p = compileExpr('x + 1', { inputs: [u8] });
          const op = [id, u8.code, 0, 0, 4096];
          try { native.apply(p.code, p.consts, Float64Array.of(1, 1, 2 ** 13, ...op, ...op)); return 'ok'; }
          catch (e) { return e.code; }
        }
      \`;
      fs.writeFileSync('$MNT/../kernel.mjs', code);
      const { run } = await import('$MNT/../kernel.mjs');
      const out = {};
      const w8 = sparse('w.u8', 32 * 2 ** 20);
      const a = memmap(w8, { mode: 'r+' }); // reserves the holes…
      await punch(w8); // …which are back under the mapping
      const filler = fs.openSync('$MNT/filler48', 'w');
      fs.writeSync(filler, Buffer.alloc(48 * 2 ** 20, 3)); // 16 MiB stay free: the kernel fills them, then faults
      fs.closeSync(filler);
      out.main = run(a.mapping.id);
      out.mainAvail = avail();
      const w = new Worker(\`
        import { parentPort, workerData } from 'node:worker_threads';
        const { run } = await import('$MNT/../kernel.mjs');
        parentPort.postMessage(run(workerData));
      \`, { eval: true, type: 'module', workerData: a.mapping.id });
      out.worker = await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
      await w.terminate();
      // the mapping and the process are fine: page 0 was written twice (main, then worker)
      out.first = a.get(0);
      a.close();
      await shutdown();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    expect(lastJson(r)).toEqual({ main: 'ENOSPC', mainAvail: 0, worker: 'ENOSPC', first: 2 });
  });
});

describe("a sparse file opened 'r+' (issue 17, item 8)", () => {
  it("set() one element per page after the disk filled up: no SIGBUS, the blocks were reserved at open", ({ skip }) => {
    if (!mounted) return skip(why);
    const r = child('sparse-set', `${PRELUDE}
      const out = {};
      const f = sparse('holes.f8', 8 * 2 ** 20);
      const a = memmap(f, { dtype: 'float64', mode: 'r+' });
      fillUp(); // another writer takes every block left
      for (let i = 0; i < a.size; i += 512) a.set(i, i + 1); // one element per 4 KiB page
      const t = a.typedArray();
      t[t.length - 1] = -1;
      out.values = [a.get(0), a.get(512), a.get(a.size - 512), t[t.length - 1]];
      a.flush();
      a.close();
      freeUp();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    expect(lastJson(r)).toEqual({ values: [1, 513, 8 * 2 ** 20 / 8 - 511, -1] });
  });

  it("opening it 'r+' when the disk cannot hold its holes: ENOSPC at open, before any write; 'r' and 'c' still open", ({ skip }) => {
    if (!mounted) return skip(why);
    const r = child('sparse-open', `${PRELUDE}
      const out = {};
      fillUp();
      const f = sparse('holes.f8', 8 * 2 ** 20);
      try { memmap(f, { dtype: 'float64', mode: 'r+' }); out.rplus = 'opened'; } catch (e) { out.rplus = e.code; out.syscall = e.syscall; out.message = /holes/.test(e.message); }
      out.size = fs.statSync(f).size;
      out.blocks = fs.statSync(f).blocks;
      const c = memmap(f, { dtype: 'float64', mode: 'c' }); c.close();
      const ro = memmap(f, { dtype: 'float64', mode: 'r' }); ro.close();
      freeUp();
      const a = memmap(f, { dtype: 'float64', mode: 'r+' }); // room again: reserved, opened
      a.set(7, 7); out.after = a.get(7); a.close();
      console.log(JSON.stringify(out));
    `);
    expectClean(r);
    expect(lastJson(r)).toEqual({ rplus: 'ENOSPC', syscall: 'statfs', message: true, size: 8 * 2 ** 20, blocks: 0, after: 7 });
  });
});
