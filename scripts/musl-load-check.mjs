#!/usr/bin/env node
/**
 * `node scripts/musl-load-check.mjs [addon]`: load the musl prebuild with musl's own dynamic linker, as
 * far as can be done with no musl Node. A small musl program (musl-gcc, dynamically linked: zig 0.11 links
 * musl programs statically only, and a static program cannot dlopen) defines every
 * Node-API function the addon imports as a stub, exports them (-rdynamic) and dlopens the addon with
 * RTLD_NOW: musl then resolves every symbol the addon needs (a libc function musl lacks fails here, as
 * it would under Node on Alpine) and runs its static constructors (libc++'s included). The module's
 * init (napi_register_module_v1) is looked up, not called: that needs a real Node.
 *
 * Needs musl's loader and musl-gcc (Debian: `apt-get install musl-tools`; Alpine: gcc and musl-dev with
 * `MUSL_CC=gcc`). Exit 0 loaded, 1 failed, 2 cannot check here (says why).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MUSL_LOADER = '/lib/ld-musl-x86_64.so.1';
/** The C compiler of musl programs: Debian's wrapper of gcc, or MUSL_CC. */
const MUSL_CC = process.env.MUSL_CC ?? 'musl-gcc';

/** The dynamic symbols `file` imports (readelf), names only. */
export function undefinedSymbols(file) {
  const out = spawnSync('readelf', ['--dyn-syms', '-W', file], { encoding: 'utf8' }).stdout;
  // Num: Value Size Type Bind Vis Ndx Name (entry 0, the null symbol, has no name)
  return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 8 && f[6] === 'UND').map((f) => f[7]);
}

/** Why the check cannot run here, or undefined. */
export function cannotCheck() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'not linux-x64';
  if (!fs.existsSync(MUSL_LOADER)) return `no musl loader (${MUSL_LOADER}; Debian: apt-get install musl-tools)`;
  if (spawnSync(MUSL_CC, ['--version'], { stdio: 'ignore' }).status !== 0) return `no ${MUSL_CC} (Debian: apt-get install musl-tools)`;
  return undefined;
}

/** Load `addon` under musl: { ok, out } (`out` the program's output or the build's error). */
export function muslLoadCheck(addon) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ndmmap-musl-load-'));
  try {
    // Node-API's functions and libuv's (uv_strerror…): the node binary exports both
    const napi = undefinedSymbols(addon).filter((s) => /^(napi|node_api|uv)_/.test(s));
    const src = [
      '#include <dlfcn.h>',
      '#include <stdio.h>',
      // stubs only: nothing calls them (the init is not run)
      ...napi.map((s) => `int ${s}(void) { return 9; }`),
      'int main(int argc, char** argv) {',
      '  void* h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);',
      '  if (!h) { printf("dlopen failed: %s\\n", dlerror()); return 1; }',
      '  void* init = dlsym(h, "napi_register_module_v1");',
      `  printf("loaded by musl with ${napi.length} Node-API and libuv stubs; napi_register_module_v1 %s\\n", init ? "found" : "missing");`,
      '  return init ? 0 : 1;',
      '}',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'load.c'), src);
    const exe = path.join(dir, 'load');
    const cc = spawnSync(MUSL_CC, ['-rdynamic', '-O1', path.join(dir, 'load.c'), '-o', exe], { encoding: 'utf8' });
    if (cc.status !== 0) return { ok: false, out: `building the loader program failed: ${cc.stderr}` };
    const interp = spawnSync('readelf', ['-l', exe], { encoding: 'utf8' }).stdout.match(/interpreter: ([^\]]+)/)?.[1];
    if (interp !== MUSL_LOADER) return { ok: false, out: `the loader program's interpreter is ${interp ?? 'none'}, not ${MUSL_LOADER}` };
    const r = spawnSync(exe, [path.resolve(addon)], { encoding: 'utf8' });
    return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const addon = process.argv[2] ?? path.join(root, 'prebuilds/linux-x64/ndmmap.musl.node');
  const why = cannotCheck();
  if (why !== undefined) { process.stderr.write(`musl-load-check: cannot check here: ${why}\n`); process.exit(2); }
  const { ok, out } = muslLoadCheck(addon);
  process.stderr.write(`musl-load-check: ${out}\n`);
  process.exit(ok ? 0 : 1);
}
