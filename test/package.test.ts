// The package as users get it: `npm pack` ships dist, the native sources for the fallback build, the
// prebuild and the docs — nothing from test/, bench/, .ci/, scripts/, no source maps — within a size
// bound; the tarball installs into a fresh project with no compiler on PATH, imports, sums a file
// and runs `npx ndmmap info`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const ROOT = path.join(import.meta.dirname, '..');
/**
 * Bounds the tarball must stay under: the package without its prebuilds (~0.7 MB packed, ~2.3 MB unpacked:
 * dist's .js and .d.ts of every module, the native sources, docs) plus, per prebuild it carries, what one
 * addon takes (~11 MB unpacked, 2.2-3 MB packed: three kernel sets). A pack carries linux-x64 glibc, and
 * the musl and arm64 ones when `npm run prebuild:musl` / `prebuild:arm64` made them (a release pack).
 */
const MAX_PACKED_BASE = 1.5 * 2 ** 20, MAX_PACKED_PER_PREBUILD = 3.5 * 2 ** 20;
const MAX_UNPACKED_BASE = 4 * 2 ** 20, MAX_UNPACKED_PER_PREBUILD = 13 * 2 ** 20;
/** The prebuilds in prebuilds/ (after prepack, which makes the linux-x64 glibc one). */
const prebuilds = (): string[] => fs.readdirSync(path.join(ROOT, 'prebuilds'), { recursive: true }).map(String).filter((f) => f.endsWith('.node')).map((f) => `prebuilds/${f}`);
// ~474 with the musl prebuild: every file is matched by the "nothing else" test above; the bound catches
// a stray directory
const MAX_FILES = 520;
/** Packages a plain install may add, ndmmap included (issue 22: no Redis client for users who never scale out). */
const MAX_PACKAGES = 5;
/** What a compile would need; none of it may be reachable during the install. */
const COMPILERS = ['g++', 'gcc', 'cc', 'c++', 'make', 'python3', 'python'];

interface Packed { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }

/** The environment without npm's per-script variables (a nested npm must read only the user config). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

/** Every package under a node_modules (scoped ones too), with its size and whether it has an install script. */
function listPackages(dir: string): Array<{ name: string; bytes: number; scripts: boolean }> {
  const du = (p: string): number => { const st = fs.lstatSync(p); return st.isDirectory() ? fs.readdirSync(p).reduce((n, f) => n + du(path.join(p, f)), 0) : st.size; };
  const out: Array<{ name: string; bytes: number; scripts: boolean }> = [];
  for (const e of fs.readdirSync(dir)) {
    if (e.startsWith('.')) continue;
    const dirs = e.startsWith('@') ? fs.readdirSync(path.join(dir, e)).map((f) => path.join(e, f)) : [e];
    for (const d of dirs) {
      const pj = JSON.parse(fs.readFileSync(path.join(dir, d, 'package.json'), 'utf8')) as { name: string; scripts?: Record<string, string>; gypfile?: boolean };
      const s = pj.scripts ?? {};
      out.push({ name: pj.name, bytes: du(path.join(dir, d)), scripts: Boolean(s.install || s.preinstall || s.postinstall || pj.gypfile || fs.existsSync(path.join(dir, d, 'binding.gyp'))) });
    }
  }
  return out;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr + (r.error ? String(r.error) : ''), ms: performance.now() - t0 };
}

/** Where `name` resolves on `PATH`, or undefined. */
function which(name: string, PATH: string): string | undefined {
  for (const d of PATH.split(path.delimiter)) {
    const f = path.join(d, name);
    try { fs.accessSync(f, fs.constants.X_OK); return f; } catch { /* next */ }
  }
  return undefined;
}

const npmCli = fs.realpathSync(which('npm', process.env.PATH ?? '')!);
const t = tempDir('ndmmap-pack-');
let packed: Packed;

beforeAll(() => {
  // The prepack step itself (dist is already built by `npm test`'s tsc; --ignore-scripts keeps this
  // test from rewriting dist/ under the test files running beside it).
  // NDMMAP_PREBUILD_FROM_BUILD: pack the addon the other tests load, never compile here (that would
  // delete build/ under them)
  const pre = run(process.execPath, ['scripts/prebuild.mjs'], ROOT, { ...process.env, NDMMAP_PREBUILD_FROM_BUILD: '1' });
  expect(pre.stderr).toMatch(/prebuild: prebuilds\/linux-x64\/ndmmap\.glibc\.node /);
  expect(pre.status).toBe(0);
  const r = run(process.execPath, [npmCli, 'pack', '--json', '--ignore-scripts', '--pack-destination', t.dir], ROOT, cleanEnv({}));
  expect(r.status, r.stderr).toBe(0);
  packed = (JSON.parse(r.stdout) as Packed[])[0];
}, 120_000);

afterAll(() => t.remove());

describe('npm pack', () => {
  it('ships dist (no maps), native sources, binding.gyp, the prebuild, docs, README, LICENSE — nothing else', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/addon.cjs', 'dist/src/cli.js', 'dist/workers/task.cjs',
      'native/glue/addon.cc', 'native/core/keys.h', 'native/gen/contract.h', 'native/vendor/node-addon-api/napi.h', 'binding.gyp', 'install.cjs', 'prebuilds/linux-x64/ndmmap.glibc.node', 'docs/cli.md', 'README.md', 'LICENSE', 'package.json'])
      expect(files).toContain(f);
    expect(files).toEqual(expect.arrayContaining(prebuilds())); // every prebuild made here ships (prepack keeps them)
    const stray = files.filter((f) => /^(test|bench|\.ci|scripts|src|build|build-asan|node_modules|workers)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(stray).toEqual([]);
    expect(files.every((f) => /^(dist\/(src|workers)|native|prebuilds|docs)\/|^(binding\.gyp|install\.cjs|README\.md|LICENSE|package\.json)$/.test(f))).toBe(true);
  });

  it(`stays under ${MAX_PACKED_BASE / 2 ** 20} MiB packed, ${MAX_UNPACKED_BASE / 2 ** 20} MiB unpacked and ${MAX_FILES} files, each prebuild allowed ${MAX_PACKED_PER_PREBUILD / 2 ** 20} / ${MAX_UNPACKED_PER_PREBUILD / 2 ** 20} MiB more`, () => {
    const n = prebuilds().length;
    const MAX_PACKED = MAX_PACKED_BASE + n * MAX_PACKED_PER_PREBUILD, MAX_UNPACKED = MAX_UNPACKED_BASE + n * MAX_UNPACKED_PER_PREBUILD;
    process.stderr.write(`package.test: the tarball is ${(packed.size / 2 ** 20).toFixed(1)} MiB packed, ${(packed.unpackedSize / 2 ** 20).toFixed(1)} MiB unpacked, ${packed.entryCount} files, with ${prebuilds().join(', ')}\n`);
    expect(packed.size).toBeLessThan(MAX_PACKED);
    expect(packed.unpackedSize).toBeLessThan(MAX_UNPACKED);
    expect(packed.entryCount).toBeLessThan(MAX_FILES);
    expect(packed.entryCount).toBe(packed.files.length);
  });
});

describe('installing the tarball with no compiler on PATH', () => {
  it('installs from the prebuild, imports, sums a file and runs npx ndmmap info', () => {
    // PATH: a directory with node, npm, npx and sh (npm runs install scripts with it) only.
    const bin = path.join(t.dir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync(npmCli, path.join(bin, 'npm'));
    fs.symlinkSync(path.join(path.dirname(npmCli), 'npx-cli.js'), path.join(bin, 'npx'));
    fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
    for (const c of COMPILERS) expect(which(c, bin), c).toBeUndefined();
    const env = cleanEnv({ PATH: bin });

    const app = path.join(t.dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(t.dir, packed.filename)], app, env);
    expect(install.status, install.stderr).toBe(0);
    process.stderr.write(`package.test: npm install of the tarball took ${(install.ms / 1000).toFixed(1)} s (prebuild)\n`);
    const pkg = path.join(app, 'node_modules/ndmmap');
    expect(fs.existsSync(path.join(pkg, 'prebuilds/linux-x64/ndmmap.glibc.node'))).toBe(true);
    expect(fs.existsSync(path.join(pkg, 'build'))).toBe(false); // nothing was compiled

    const values = Float64Array.from({ length: 1000 }, (_, i) => (i % 7) * 0.5 - 1);
    fs.writeFileSync(path.join(app, 'x.f8'), values);
    fs.writeFileSync(path.join(app, 'main.js'), [
      "import { memmap, shutdown } from 'ndmmap';",
      "const a = memmap('x.f8', { dtype: 'float64', mode: 'r' });",
      'console.log(JSON.stringify({ sum: await a.sum(), shape: a.shape }));',
      'a.close();',
      'await shutdown();',
    ].join('\n'));
    const main = run('node', ['main.js'], app, env);
    expect(main.status, main.stderr).toBe(0);
    const expected = values.reduce((s, v) => s + v, 0); // exact: halves summed stay exact
    expect(JSON.parse(main.stdout)).toEqual({ sum: expected, shape: [1000] });

    // ESM only; require(esm) works on the Node versions `engines` names (^20.19 || >=22.12)
    fs.writeFileSync(path.join(app, 'main.cjs'), "const { memmap } = require('ndmmap'); console.log(memmap('x.f8', { dtype: 'float64', mode: 'r' }).get(999));");
    const cjs = run('node', ['main.cjs'], app, env);
    expect(cjs.status, cjs.stderr).toBe(0);
    expect(Number(cjs.stdout)).toBe(values[999]);

    const info = run('npx', ['--no-install', 'ndmmap', 'info', 'x.f8', '--dtype', 'float64', '--json'], app, env);
    expect(info.status, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ shape: [1000], dtype: 'float64' });

    // a plain install: at most MAX_PACKAGES packages (ndmmap included), no install script but ndmmap's,
    // no Redis client (optional peers); the distributed mode says what to install
    const installed = listPackages(path.join(app, 'node_modules'));
    process.stderr.write(`package.test: the install added ${installed.length} packages (${installed.map((p) => p.name).join(', ')}), ${(installed.reduce((n, p) => n + p.bytes, 0) / 2 ** 20).toFixed(1)} MiB\n`);
    expect(installed.length, installed.map((p) => p.name).join(', ')).toBeLessThanOrEqual(MAX_PACKAGES);
    expect(installed.filter((p) => p.scripts && p.name !== 'ndmmap').map((p) => p.name)).toEqual([]);
    expect(installed.map((p) => p.name)).not.toContain('bullmq');
    const sub = run('npx', ['--no-install', 'ndmmap', 'submit', '--redis', 'redis://127.0.0.1:1', 'sum', 'x.f8', '--dtype', 'float64'], app, env);
    expect(sub.status).toBe(1);
    expect(sub.stderr).toBe("ndmmap: ndmmap's distributed mode (submit, worker) needs bullmq, which is not installed: npm install bullmq@^6.7.0 ioredis@^6.0.0\n");
    // where no prebuild fits (an arch with none: riscv64) and no compiler exists: one ndmmap message, no node-gyp stack
    const other = run('node', ['install.cjs'], pkg, { ...env, npm_config_arch: 'riscv64' });
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^ndmmap: no prebuilt addon for linux-riscv64 \(glibc\), and it cannot be compiled here: a C\+\+17 compiler \(g\+\+ or clang\+\+\), make, Python 3 are missing\.\n  looked for: prebuilds\/linux-riscv64\/ndmmap\.glibc\.node \(the package has: [^)]*linux-x64\/ndmmap\.glibc\.node[^)]*\)\n/);
    expect(other.stderr).toMatch(/apt-get install -y g\+\+ make python3/);
    expect(other.stderr).not.toMatch(/gyp ERR|not found: make/);
    expect(run('node', ['install.cjs'], pkg, env).status).toBe(0); // the fitting prebuild: nothing to do
    // Alpine (LIBC=musl is node-gyp-build's stand-in for /etc/alpine-release): the musl prebuild fits, when the pack has it
    const onMusl = run('node', ['install.cjs'], pkg, { ...env, LIBC: 'musl' });
    expect(onMusl.status).toBe(fs.existsSync(path.join(pkg, 'prebuilds/linux-x64/ndmmap.musl.node')) ? 0 : 1);
    const peers = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).peerDependencies as Record<string, string>;
    expect(Object.entries(peers).map(([k, v]) => `${k}@${v}`).join(' ')).toBe('bullmq@^6.7.0 ioredis@^6.0.0');
  }, 240_000);
});
