#!/usr/bin/env node
/**
 * npm's install step for ndmmap. A prebuilt addon that fits this platform (prebuilds/<platform>-<arch>/,
 * picked by node-gyp-build as the loader will pick it) needs nothing more. Else the addon is compiled
 * from the shipped sources, which needs a C++17 compiler, make and Python 3: when one is missing, one
 * clear message says what was looked for and what to install — not node-gyp's stack ending in
 * "not found: make". (A plain CommonJS file at the package root: in a fresh clone it runs before tsc.)
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = __dirname;
const platform = process.env.npm_config_platform || process.platform;
const arch = process.env.npm_config_arch || process.arch;
const musl = platform === 'linux' && (process.env.LIBC === 'musl' || fs.existsSync('/etc/alpine-release') || !process.report?.getReport().header.glibcVersionRuntime);
const libc = platform === 'linux' ? (musl ? 'musl' : 'glibc') : '';
const fromSource = process.env.npm_config_build_from_source === 'true';

// node-gyp-build tells musl only by /etc/alpine-release: on another musl system it would accept the glibc
// prebuild (which cannot load there) and nothing would be compiled. It reads LIBC when it loads.
if (libc && !process.env.LIBC) process.env.LIBC = libc;
let found;
try { found = require('node-gyp-build').path(root); } catch { /* no prebuild or build fits */ }
if (found !== undefined && !fromSource) process.exit(0);

const onPath = (name) => (process.env.PATH || '').split(path.delimiter).some((d) => {
  try { fs.accessSync(path.join(d, name), fs.constants.X_OK); return true; } catch { return false; }
});
const missing = [
  ['c++', 'g++', 'clang++'].some(onPath) ? null : 'a C++17 compiler (g++ or clang++)',
  onPath('make') || onPath('gmake') ? null : 'make',
  onPath('python3') || onPath('python') ? null : 'Python 3',
].filter(Boolean);

if (missing.length > 0) {
  const dir = path.join(root, 'prebuilds');
  const have = fs.existsSync(dir) ? fs.readdirSync(dir).flatMap((d) => fs.readdirSync(path.join(dir, d)).map((f) => `${d}/${f}`)) : [];
  const want = `${platform}-${arch}${libc ? ` (${libc})` : ''}`;
  process.stderr.write([
    `ndmmap: no prebuilt addon for ${want}${fromSource ? ' is wanted (build from source was asked for)' : ''}, and it cannot be compiled here: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
    `  looked for: prebuilds/${platform}-${arch}/ndmmap${libc ? `.${libc}` : ''}.node (the package has: ${have.join(', ') || 'none'})`,
    '  to compile it, install the build tools and run npm install again:',
    '    Debian/Ubuntu: apt-get install -y g++ make python3      Alpine: apk add g++ make python3',
    '    Fedora/RHEL: dnf install -y gcc-c++ make python3        macOS: xcode-select --install',
    '',
  ].join('\n'));
  process.exit(1);
}

// compile with node-gyp, as node-gyp-build does (npm's bundled node-gyp), on every core by default: the
// three ISA kernel sets and the glue are independent objects, so make -j cuts a 2-core build about in half
// (JOBS=1 npm install compiles one file at a time, JOBS=N with N jobs)
const env = { ...process.env, JOBS: process.env.JOBS || 'max' };
const r = spawnSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
