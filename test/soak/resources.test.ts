/**
 * Resources: thousands of open/reduce/close cycles leave no file descriptors, no mappings (neither in
 * the native registry nor in /proc/self/maps) and flat memory. Runs in a child with --expose-gc.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClean, lastJson, runChild, tmpDir, writeF8 } from '../reliability/helpers.js';

const dir = tmpDir('resources');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const CYCLES_INLINE = 10_000;
const CYCLES_POOL = 300;
/** RSS growth allowed; under scripts/asan.sh, ASan's quarantine holds freed memory (256 MiB by default). */
const RSS_LIMIT_MIB = process.env.NDMMAP_ADDON?.includes('asan') ? 512 : 64;
/** Mappings the process may gain (the JS heap's pages; ASan's allocator maps more of its own). */
const MAPS_LIMIT = process.env.NDMMAP_ADDON?.includes('asan') ? 400 : 100;

describe('open/reduce/close cycles', () => {
  it(`${CYCLES_INLINE} inline and ${CYCLES_POOL} pool cycles leak no fds, mappings or memory`, () => {
    const small = path.join(dir, 'small.f8');
    const big = path.join(dir, 'big.f8');
    writeF8(small, 512); // 4 KiB: inline path
    writeF8(big, 2 ** 18, () => 1); // 2 MiB: pool path
    const r = runChild(dir, 'cycles', `
      import fs from 'node:fs';
      import { memmap, openNpy, createNpy, shutdown } from '$DIST/src/index.js';
      import { native } from '$DIST/src/native.js';
      const small = ${JSON.stringify(small)}, big = ${JSON.stringify(big)}, npy = ${JSON.stringify(path.join(dir, 'c.npy'))};
      const fds = () => fs.readdirSync('/proc/self/fd').length;
      const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.includes(${JSON.stringify(dir)})).length;
      const settle = async () => { for (let i = 0; i < 3; i++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); } };
      // warm up: the pool, the JIT, the module graph
      { const a = memmap(big, { dtype: 'float64', mode: 'r' }); await a.sum(); a.close(); }
      createNpy(npy, { dtype: 'int16', shape: [64, 8] }).close();
      await settle();
      const base = { fds: fds(), maps: maps(), live: native.liveMappings(), rss: process.memoryUsage().rss };
      let bad = 0;
      for (let i = 0; i < ${CYCLES_INLINE}; i++) {
        const mode = ['r', 'r+', 'c'][i % 3];
        const a = memmap(small, { dtype: 'float64', mode, shape: [64, 8] });
        const s = i % 4 === 0 ? await a.sum() : i % 4 === 1 ? (await a.max({ axis: 1 })).data[0] : i % 4 === 2 ? a.typedArray(5)[0] : a.slice('::-1', 3).get(0);
        if (![130816, 7, 5, 507].includes(s)) bad++;
        if (i % 10 === 0) { const n = openNpy(npy, { mode: 'r' }); await n.mean(); n.close(); }
        a.close();
      }
      await settle();
      const afterInline = { fds: fds() - base.fds, maps: maps() - base.maps, live: native.liveMappings() - base.live, rssMiB: (process.memoryUsage().rss - base.rss) / 2 ** 20 };
      for (let i = 0; i < ${CYCLES_POOL}; i++) {
        const a = memmap(big, { dtype: 'float64', mode: i % 2 ? 'r' : 'r+' });
        const [s, m] = await Promise.all([a.sum(), a.reshape([512, -1]).mean({ axis: 0 })]);
        if (s !== 2 ** 18 || m.data[0] !== 1) bad++;
        if (i % 50 === 0) a.typedArray(0, 16); // a window left for the GC / close to detach
        a.close();
      }
      await settle();
      const afterPool = { fds: fds() - base.fds, maps: maps() - base.maps, live: native.liveMappings() - base.live, rssMiB: (process.memoryUsage().rss - base.rss) / 2 ** 20 };
      // An unclosed MemMap is released by the GC (FinalizationRegistry) too.
      for (let i = 0; i < 200; i++) memmap(small, { dtype: 'float64', mode: 'r' }).get(0);
      for (let i = 0; i < 20 && native.liveMappings() !== base.live; i++) await settle();
      const afterGc = { fds: fds() - base.fds, live: native.liveMappings() - base.live };
      await shutdown();
      console.log(JSON.stringify({ bad, base, afterInline, afterPool, afterGc }));
    `, { args: ['--expose-gc'], timeout: 150_000 });
    expectClean(r);
    const out = lastJson<{ bad: number; afterInline: Record<string, number>; afterPool: Record<string, number>; afterGc: Record<string, number> }>(r);
    console.log(`resource cycles: ${JSON.stringify(out)}`);
    expect(out.bad).toBe(0);
    for (const after of [out.afterInline, out.afterPool]) {
      expect(after).toMatchObject({ fds: 0, maps: 0, live: 0 });
      expect(after.rssMiB).toBeLessThan(RSS_LIMIT_MIB);
    }
    expect(out.afterGc).toEqual({ fds: 0, live: 0 });
  }, 180_000);
});

describe('MemMaps that are never closed', () => {
  it('5,000 memmaps of one file, dropped without close(), do not exhaust file descriptors (ulimit -n 256)', () => {
    const file = path.join(dir, 'many.f8');
    writeF8(file, 512);
    const r = runChild(dir, 'emfile', `
      import fs from 'node:fs';
      import { memmap } from '$DIST/src/index.js';
      const F = ${JSON.stringify(file)};
      const fds = () => fs.readdirSync('/proc/self/fd').length;
      const settle = async () => { for (let i = 0; i < 5; i++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); } };
      { const a = memmap(F, { dtype: 'float64', mode: 'r' }); await a.sum(); a.close(); } // warm up
      await settle();
      const base = fds();
      const out = { opened: 0, wrong: 0, error: null, maxFds: 0 };
      try {
        for (let i = 0; i < 5000; i++) {
          // a tight loop: inline reductions resolve in microtasks, so no FinalizationRegistry callback runs
          const a = memmap(F, { dtype: 'float64', mode: ['r', 'r+', 'c'][i % 3] });
          if ((await a.sum()) !== 130816) out.wrong++;
          out.opened++;
          if (i % 500 === 0) out.maxFds = Math.max(out.maxFds, fds() - base);
        }
      } catch (e) { out.error = e.code ?? String(e); }
      out.endFds = fds() - base;
      // FinalizationRegistry callbacks run when the GC and the event loop get to them (later under ASan)
      for (let i = 0; i < 20 && fds() > base; i++) await settle();
      out.settledFds = fds() - base;
      console.log(JSON.stringify(out));
    `, { args: ['--expose-gc'], shell: 'ulimit -n 256; exec', timeout: 120_000 });
    expectClean(r);
    const out = lastJson<Record<string, unknown>>(r);
    expect(out).toMatchObject({ opened: 5000, wrong: 0, error: null, settledFds: 0 });
    expect(out.maxFds as number).toBeLessThanOrEqual(2); // one descriptor per file and access mode at most
    expect(out.endFds as number).toBeLessThanOrEqual(2);
  }, 150_000);

  it('3,000 memmaps of distinct files, dropped without close(), do not exhaust descriptors when the loop yields (ulimit -n 256)', () => {
    const many = path.join(dir, 'many');
    fs.mkdirSync(many);
    const page = Buffer.alloc(4096, 1);
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(many, `f${i}`), page);
    const r = runChild(dir, 'emfile-distinct', `
      import fs from 'node:fs';
      import { memmap } from '$DIST/src/index.js';
      const fds = () => fs.readdirSync('/proc/self/fd').length;
      const base = fds();
      const out = { opened: 0, wrong: 0, error: null, maxFds: 0 };
      try {
        for (let i = 0; i < 3000; i++) {
          const a = memmap(${JSON.stringify(many)} + '/f' + i, { mode: i % 2 ? 'r' : 'r+' });
          if ((await a.sum()) !== 4096n) out.wrong++;
          out.opened++;
          out.maxFds = Math.max(out.maxFds, fds() - base);
          await new Promise(setImmediate); // the event loop turns: FinalizationRegistry callbacks can run
        }
      } catch (e) { out.error = e.code ?? String(e); }
      console.log(JSON.stringify(out));
    `, { shell: 'ulimit -n 256; exec', timeout: 120_000 });
    expectClean(r);
    const out = lastJson<Record<string, unknown>>(r);
    expect(out).toMatchObject({ opened: 3000, wrong: 0, error: null });
    // each open mapping of a distinct file holds one descriptor until it is collected
    expect(out.maxFds as number).toBeLessThan(200);
  }, 150_000);
});

describe('open/typedArray/sum/close in a for…await loop that never yields to the event loop (issue 17, item 10)', () => {
  it('closed maps whose typed arrays are garbage are released while the loop runs, and memory goes back after it', () => {
    const file = path.join(dir, 'loop.f8');
    writeF8(file, 512); // 4 KiB: inline sums, so the loop runs on microtasks only
    const CYCLES = process.env.NDMMAP_ADDON?.includes('asan') ? 8_000 : 30_000;
    const r = runChild(dir, 'loop', `
      import fs from 'node:fs';
      import { memmap } from '$DIST/src/index.js';
      import { native } from '$DIST/src/native.js';
      const F = ${JSON.stringify(file)};
      const status = () => fs.readFileSync('/proc/self/status', 'utf8');
      const anonMiB = () => Number(/RssAnon:\\s+(\\d+)/.exec(status())[1]) / 1024;
      const maps = () => fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').length;
      const settle = async () => { for (let i = 0; i < 5; i++) { global.gc(); await new Promise((r) => setTimeout(r, 20)); } };
      for (let i = 0; i < 2000; i++) { const a = memmap(F, { dtype: 'float64', mode: 'r' }); a.typedArray(); await a.sum(); a.close(); }
      await settle();
      const base = { anon: anonMiB(), maps: maps(), reserved: native.reservedRanges() };
      let bad = 0, peakReserved = 0;
      for (let i = 0; i < ${CYCLES}; i++) {
        const a = memmap(F, { dtype: 'float64', mode: ['r', 'r+', 'c'][i % 3] });
        const t = a.typedArray();
        if ((await a.sum()) !== 130816 || t[3] !== 3) bad++;
        a.close();
        if (i % 1000 === 999) peakReserved = Math.max(peakReserved, native.reservedRanges() - base.reserved);
      }
      const inLoop = { anon: anonMiB() - base.anon, maps: maps() - base.maps, reserved: native.reservedRanges() - base.reserved, peakReserved };
      await settle();
      const after = { anon: anonMiB() - base.anon, maps: maps() - base.maps, reserved: native.reservedRanges() - base.reserved,
        mapsOfFile: fs.readFileSync('/proc/self/maps', 'utf8').split('\\n').filter((l) => l.endsWith(F)).length };
      console.log(JSON.stringify({ bad, inLoop, after }));
    `, { args: ['--expose-gc'], timeout: 150_000 });
    expectClean(r);
    const out = lastJson<{ bad: number; inLoop: Record<string, number>; after: Record<string, number> }>(r);
    console.log(`for-await cycles: ${JSON.stringify(out)}`);
    expect(out.bad).toBe(0);
    // a few thousand ranges wait for the GC at most, never one per cycle
    expect(out.inLoop.peakReserved).toBeLessThan(5000);
    expect(out.inLoop.maps).toBeLessThan(MAPS_LIMIT);
    expect(out.inLoop.anon).toBeLessThan(RSS_LIMIT_MIB);
    expect(out.after).toMatchObject({ reserved: 0, mapsOfFile: 0 });
    expect(out.after.maps).toBeLessThan(MAPS_LIMIT); // the JS heap's own growth; ranges of ours: reserved 0
    expect(out.after.anon).toBeLessThan(RSS_LIMIT_MIB / 2);
  }, 180_000);
});
