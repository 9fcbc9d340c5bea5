// The linux-x64 musl prebuild (npm run prebuild:musl, zig's clang for x86_64-linux-musl) cannot be run
// here — no musl Node — so its ELF is checked: a shared object for x86-64, no interpreter, needing
// only musl's libc (which answers to libc.so), its undefined symbols Node-API's and libc's only (no
// glibc symbol versions, no libstdc++: libc++ is linked in). Skipped, saying so, when it was not built.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.join(import.meta.dirname, '../prebuilds/linux-x64/ndmmap.musl.node');
const readelf = (...args: string[]): string => spawnSync('readelf', [...args, BIN], { encoding: 'utf8' }).stdout;
const built = fs.existsSync(BIN);
if (!built) console.warn('prebuild-musl test skipped: prebuilds/linux-x64/ndmmap.musl.node not built (npm run prebuild:musl)');

describe.skipIf(!built)('linux-x64 musl prebuild', () => {
  it('is an x86-64 shared object with no interpreter, needing only libc (musl)', () => {
    const h = readelf('-h');
    expect(h).toMatch(/Type:\s+DYN/);
    expect(h).toMatch(/Machine:\s+Advanced Micro Devices X86-64/);
    expect(readelf('-l')).not.toMatch(/INTERP/);
    const needed = [...readelf('-d').matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    expect(needed.every((n) => /^libc(\.musl-x86_64)?\.so(\.1)?$/.test(n)), needed.join(', ')).toBe(true);
  });

  it('leaves undefined only Node-API and C library symbols, with no glibc versions and no libstdc++', () => {
    const und = readelf('--dyn-syms', '-W').split('\n').filter((l) => / UND /.test(l)).map((l) => l.trim().split(/\s+/).at(-1)!).filter((s) => s !== '' && s !== '0');
    expect(und.length).toBeGreaterThan(10);
    expect(und.filter((s) => /@GLIBC|@@GLIBC/.test(s))).toEqual([]);
    expect(und.filter((s) => /^_Z/.test(s))).toEqual([]); // C++ runtime symbols would need a shared libc++/libstdc++
    expect(und.some((s) => s.startsWith('napi_'))).toBe(true);
    const other = und.filter((s) => !s.startsWith('napi_') && !s.startsWith('node_api_'));
    // what is left is libc's (musl exports these): memory, strings, files, threads, math
    expect(other.filter((s) => !/^(__)?[a-z_][a-z0-9_]*$/.test(s))).toEqual([]);
  });
});
