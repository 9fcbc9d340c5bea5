#!/usr/bin/env node
/**
 * `prepack`: put this platform's addon in prebuilds/<platform>-<arch>/ under prebuildify's name
 * (`ndmmap.glibc.node`: Node-API, so one binary serves Node 20, 22 and 24), where node-gyp-build
 * finds it on install — users then need no compiler. The binary targets baseline x86-64; the AVX2
 * and AVX-512 kernels are separate objects picked at run time (binding.gyp), so one prebuild is right
 * for every x86-64 CPU.
 *
 * A prebuild newer than every native source is kept. Else a build/Release/ndmmap.node newer than every
 * native source (what `npm install` or `npm run build:native` just compiled, with binding.gyp's
 * flags) is copied and stripped exactly as `prebuildify --strip` would, which saves a second 5-minute
 * compile in CI. Else, or with NDMMAP_PREBUILD_CLEAN=1 (release packs), prebuildify compiles it.
 * Other platforms' prebuilds already in prebuilds/ (`npm run prebuild:musl`) are kept: they ship too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.join(root, p);
const musl = process.platform === 'linux' && !process.report?.getReport().header.glibcVersionRuntime;
const libc = process.platform === 'linux' ? (musl ? 'musl' : 'glibc') : undefined;
const dir = rel(`prebuilds/${process.platform}-${process.arch}`);
const dest = path.join(dir, ['ndmmap', libc, 'node'].filter(Boolean).join('.'));

const sources = ['binding.gyp', ...fs.readdirSync(rel('native'), { recursive: true }).map((f) => `native/${f}`)];
const newest = Math.max(...sources.map((f) => fs.statSync(rel(f)).mtimeMs));
const fresh = (f) => fs.existsSync(f) && fs.statSync(f).mtimeMs >= newest;
const say = (msg) => process.stderr.write(`prebuild: ${msg}\n`);

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const built = rel('build/Release/ndmmap.node');
if (fresh(dest)) {
  say(`${path.relative(root, dest)} is up to date`);
// NDMMAP_PREBUILD_FROM_BUILD=1 (test/package.test.ts): take build/Release's addon even when a native
// source is newer: the test checks the package, and a compile here would rebuild build/ under the
// other test files loading it (node-gyp rebuild deletes it first)
} else if (process.env.NDMMAP_PREBUILD_CLEAN !== '1' && (fresh(built) || (process.env.NDMMAP_PREBUILD_FROM_BUILD === '1' && fs.existsSync(built)))) {
  fs.rmSync(dest, { force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(built, dest);
  if (process.platform === 'linux') run('strip', ['--strip-all', dest]);
  say(`${path.relative(root, dest)} from build/Release (set NDMMAP_PREBUILD_CLEAN=1 to compile afresh)`);
} else {
  fs.rmSync(dest, { force: true });
  const bin = rel('node_modules/prebuildify/bin.js');
  // JOBS: node-gyp's parallel make; the npm config's nodedir (offline headers) reaches node-gyp as env.
  run(process.execPath, [bin, '--napi', '--strip', '--tag-libc'], { ...process.env, JOBS: process.env.JOBS ?? 'max' });
  if (!fs.existsSync(dest)) { say(`prebuildify did not write ${dest}`); process.exit(1); }
  say(`${path.relative(root, dest)} compiled by prebuildify`);
}
