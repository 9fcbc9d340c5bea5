/**
 * close() while Node's own asynchronous native code still holds a raw pointer into a typed array
 * (crypto.randomFill, zlib.deflate on the libuv threadpool), and MemMaps left open by a worker
 * thread that exits. Each scenario runs in a child process: a segfault there fails one test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClean, lastJson, runChild, tmpDir } from './helpers.js';

const dir = tmpDir('inflight');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** 16 MiB: the threadpool works on it for a while, and mmap can place the next file in its range. */
const N = 16 * 2 ** 20;

/**
 * The threadpool has one thread (UV_THREADPOOL_SIZE=1) and a slow pbkdf2 occupies it first, so the
 * async operation on the typed array starts only after close() and after a second file has been
 * mapped (mmap reuses the freed range when it can: the operation would then reach that file).
 */
function closeDuringAsync(op: 'randomFill' | 'deflate', mode: 'r+' | 'r' | 'c', dtype: string) {
  const a = path.join(dir, `a-${op}-${mode}.bin`);
  const b = path.join(dir, `b-${op}-${mode}.bin`);
  return runChild(dir, `async-${op}-${mode}`, `
    import crypto from 'node:crypto';
    import fs from 'node:fs';
    import zlib from 'node:zlib';
    import { memmap } from '$DIST/src/index.js';
    import { native } from '$DIST/src/native.js';
    const A = ${JSON.stringify(a)}, B = ${JSON.stringify(b)}, N = ${N};
    const ranges = (f) => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(f)).map((l) => l.split(' ')[0]);
    // incompressible contents, so deflate reads its input in many threadpool steps
    const contentA = crypto.randomBytes(N);
    fs.writeFileSync(A, contentA);
    fs.writeFileSync(B, Buffer.alloc(N, 0x5a));
    const base = native.liveMappings();
    const a = memmap(A, { mode: ${JSON.stringify(mode)}, dtype: ${JSON.stringify(dtype)} });
    const ta = a.typedArray();
    const out = { rangesA: ranges(A) };
    crypto.pbkdf2('p', 's', 200000, 32, 'sha256', () => {}); // holds the only threadpool thread
    const done = new Promise((resolve) => {
      if (${JSON.stringify(op)} === 'randomFill') crypto.randomFill(ta, (e) => resolve(e ? e.code : 'filled'));
      else zlib.deflate(ta, (e, z) => resolve(e ? e.code : zlib.inflateSync(z)));
    });
    a.close();
    const b = memmap(B, { mode: 'r+' }); // mapped right after close: may land in a's old range
    out.rangesB = ranges(B);
    const r = await done;
    if (Buffer.isBuffer(r)) {
      out.result = 'deflated';
      out.inflatedLength = r.length;
      // what deflate read: never b's bytes; after close, the closed array's range holds zeros
      out.inflatedHasB = r.includes(Buffer.alloc(64, 0x5a));
    } else out.result = r;
    const count = (f, want) => { const x = fs.readFileSync(f); let c = 0; for (let i = 0; i < x.length; i++) if (x[i] !== want(i)) c++; return c; };
    out.changedA = count(A, (i) => contentA[i]);
    out.changedB = count(B, () => 0x5a);
    out.bGet = b.get(12345);
    b.close();
    out.live = native.liveMappings() - base;
    out.mapsNamingA = ranges(A).length;
    console.log(JSON.stringify(out));
  `, { env: { UV_THREADPOOL_SIZE: '1' } });
}

describe('close() while Node async native code uses a typed array', () => {
  for (const mode of ['r+', 'r', 'c'] as const) {
    it(`crypto.randomFill then close() (mode '${mode}'): no crash, no bytes in the file or in the next file mapped`, () => {
      const r = closeDuringAsync('randomFill', mode, 'uint8');
      expectClean(r);
      expect(lastJson(r)).toMatchObject({ result: 'filled', changedA: 0, changedB: 0, bGet: 0x5a, live: 0, mapsNamingA: 0 });
    });
  }

  for (const mode of ['r+', 'r'] as const) {
    it(`zlib.deflate then close() (mode '${mode}'): no crash, never reads the next file mapped`, () => {
      const r = closeDuringAsync('deflate', mode, 'float64');
      expectClean(r);
      expect(lastJson(r)).toMatchObject({ result: 'deflated', inflatedLength: N, inflatedHasB: false, changedA: 0, changedB: 0, live: 0, mapsNamingA: 0 });
    });
  }

  it('the closed range stays reserved (anonymous, the same length) until the typed arrays are collected, then is unmapped', () => {
    const file = path.join(dir, 'gc.bin');
    fs.writeFileSync(file, Buffer.alloc(N, 1));
    const r = runChild(dir, 'gc', `
      import fs from 'node:fs';
      import { memmap } from '$DIST/src/index.js';
      import { native } from '$DIST/src/native.js';
      const F = ${JSON.stringify(file)};
      const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l).map((l) => {
        const [range, perms, , , , name] = l.split(/ +/);
        const [lo, hi] = range.split('-').map((x) => BigInt('0x' + x));
        return { lo, hi, range, perms, name };
      });
      const rangesOf = (f) => maps().filter((m) => m.name === f);
      const covered = (r) => maps().some((m) => m.lo <= r.lo && m.hi >= r.hi);
      const settle = async () => { for (let i = 0; i < 5; i++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); } };
      const out = {};
      const base = native.reservedRanges();
      for (const mode of ['r+', 'r', 'c']) {
        const a = memmap(F, { mode });
        let ta = a.typedArray();
        let dv = new DataView(a.slice('100:200').typedArray().buffer);
        // the ranges typed arrays point into: windows (mode 'r': private remaps) or the writable mapping
        const before = rangesOf(F).filter((m) => m.perms.startsWith('rw'));
        a.close();
        // still referenced (native code may hold its address): the ranges stay mapped, the same
        // length, as anonymous memory: never the file, never handed back to mmap
        ta[7] = 9;
        const held = {
          mapsNamingFile: rangesOf(F).length, covered: before.filter(covered).length, len: ta.length,
          dvWrites: (() => { try { dv.setUint8(3, 9); return dv.getUint8(3); } catch { return 'threw'; } })(),
          zeros: ta[6] === 0 && ta[8] === 0, reserved: native.reservedRanges() - base,
        };
        ta = undefined; dv = undefined;
        await settle();
        out[mode] = { held, windows: before.length, reservedAfterGc: native.reservedRanges() - base, mapsNamingFile: rangesOf(F).length };
      }
      console.log(JSON.stringify(out));
    `, { args: ['--expose-gc'] });
    expectClean(r);
    const out = lastJson<Record<string, { held: Record<string, number>; windows: number; reservedAfterGc: number; mapsNamingFile: number }>>(r);
    for (const mode of ['r+', 'r', 'c']) {
      const m = out[mode];
      expect(m.held, mode).toMatchObject({ mapsNamingFile: 0, len: N, dvWrites: 9, zeros: true });
      expect(m.windows, mode).toBeGreaterThan(0);
      expect(m.held.covered, mode).toBe(m.windows); // every range a typed array points into is still mapped
      expect(m.held.reserved, mode).toBeGreaterThan(0);
      expect(m.reservedAfterGc, mode).toBe(0);
      expect(m.mapsNamingFile, mode).toBe(0);
    }
  });
});

describe('typed arrays dropped while the MemMap stays open', () => {
  it("mode 'r' private windows are unmapped once collected, not kept until close()", () => {
    const file = path.join(dir, 'open.bin');
    fs.writeFileSync(file, Buffer.alloc(N, 1));
    const r = runChild(dir, 'dropped', `
      import fs from 'node:fs';
      import { memmap } from '$DIST/src/index.js';
      const F = ${JSON.stringify(file)};
      const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(F)).length;
      const settle = async () => { for (let i = 0; i < 5; i++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); } };
      const a = memmap(F, { mode: 'r' });
      // each window is a private remap; filling it makes 16 MiB of copy-on-write pages
      for (let i = 0; i < 100; i++) a.typedArray().fill(2);
      await settle();
      const out = { maps: maps(), rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) };
      a.close();
      console.log(JSON.stringify(out));
    `, { args: ['--expose-gc'] });
    expectClean(r);
    const out = lastJson<{ maps: number; rssMiB: number }>(r);
    expect(out.maps).toBe(1); // the mapping itself
    // under ASan the shadow pages (1/8) of the 1.6 GB of windows stay resident after their munmap (~220
    // MiB, measured on main's code as well)
    // maps === 1 is the exact check (every window unmapped). RSS only tells kept windows apart: 100 filled
    // windows kept until close() hold 1600 MiB; what is left after they go is the heap and malloc's arenas
    // (100-450 MiB depending on the machine and its load: 443 on a CI run).
    expect(out.rssMiB).toBeLessThan(process.env.NDMMAP_ADDON?.includes('asan') ? 1100 : 800);
  });
});

describe('a worker thread that exits with open MemMaps', () => {
  it('its mappings and file descriptors are released when its environment is torn down', () => {
    const file = path.join(dir, 'worker.bin');
    fs.writeFileSync(file, Buffer.alloc(N, 3));
    const r = runChild(dir, 'worker-exit', `
      import fs from 'node:fs';
      import { Worker } from 'node:worker_threads';
      import { native } from '$DIST/src/native.js';
      const F = ${JSON.stringify(file)};
      const fds = () => fs.readdirSync('/proc/self/fd').length;
      const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(F)).length;
      // Node keeps a descriptor (/dev/null) from the first Worker on: start one before the baseline
      await new Promise((res) => new Worker('', { eval: true }).once('exit', res));
      const base = { fds: fds(), live: native.liveMappings(), maps: maps() };
      const code = \`
        import { parentPort } from 'node:worker_threads';
        const { memmap } = await import('$DIST/src/index.js');
        globalThis.keep = [];
        for (const mode of ['r', 'r+', 'c']) {
          const a = memmap(\${JSON.stringify(F)}, { mode });
          a.get(5);
          globalThis.keep.push(a, a.typedArray(0, 4096), await a.sum());
        }
        parentPort.postMessage('opened');
      \`;
      const w = new Worker(code, { eval: true, type: 'module' });
      await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
      const during = { fds: fds() - base.fds, live: native.liveMappings() - base.live, maps: maps() - base.maps };
      await w.terminate(); // never closed: only the environment's teardown can release them
      let after;
      for (let i = 0; i < 100; i++) {
        after = { fds: fds() - base.fds, live: native.liveMappings() - base.live, maps: maps() - base.maps };
        if (after.fds <= 0 && after.live === 0 && after.maps === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      console.log(JSON.stringify({ during, after }));
    `);
    expectClean(r);
    const out = lastJson<{ during: Record<string, number>; after: Record<string, number> }>(r);
    expect(out.during.live).toBe(3);
    expect(out.during.maps).toBeGreaterThan(0);
    expect(out.after).toEqual({ fds: 0, live: 0, maps: 0 });
  });
});

describe('zlib.deflate(a.typedArray(), cb) then close() at once (issue 17, item 7)', () => {
  for (const mode of ['r', 'r+', 'c'] as const) {
    it(`mode '${mode}': no abort; the typed array keeps its length; the file is unchanged`, () => {
      const file = path.join(dir, `zlib-${mode}.bin`);
      const r = runChild(dir, `zlib-${mode}`, `
        import crypto from 'node:crypto';
        import fs from 'node:fs';
        import zlib from 'node:zlib';
        import { memmap } from '$DIST/src/index.js';
        import { native } from '$DIST/src/native.js';
        const F = ${JSON.stringify(file)}, N = ${N};
        const content = crypto.randomBytes(N); // incompressible: deflate reads it in many threadpool steps
        fs.writeFileSync(F, content);
        const base = native.liveMappings();
        const a = memmap(F, { mode: ${JSON.stringify(mode)} });
        const ta = a.typedArray();
        const done = new Promise((resolve) => zlib.deflate(ta, (e, z) => resolve(e ? e.code : zlib.inflateSync(z))));
        a.close();
        const out = { lengthAfterClose: ta.length };
        ta[5] = 7; // a write after close: lost, never in the file
        const r = await done;
        out.result = Buffer.isBuffer(r) ? 'deflated' : r;
        out.inflatedLength = Buffer.isBuffer(r) ? r.length : -1;
        out.unchanged = fs.readFileSync(F).equals(content);
        out.live = native.liveMappings() - base;
        console.log(JSON.stringify(out));
      `);
      expectClean(r);
      expect(lastJson(r)).toEqual({ lengthAfterClose: N, result: 'deflated', inflatedLength: N, unchanged: true, live: 0 });
    });
  }
});
