// Which prebuild a user's machine loads. The file names the prebuild scripts write must be the ones
// node-gyp-build looks for: prebuilds/<platform>-<arch>/<name>.<libc>.node, its libc 'musl' when LIBC=musl
// or /etc/alpine-release exists (node-gyp-build 4.8's only test; the file cannot be faked here, so LIBC
// stands in for it). install.cjs hands its own libc test (Node's report) to node-gyp-build, and the
// loader (src/addon-path.cts) falls back to the running libc's prebuild when the pick fails to load —
// the musl system that is not Alpine. No musl Node runs here: the musl binary itself is checked by
// test/prebuild-musl.test.ts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const ROOT = path.join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { loadAddon, otherLibcPrebuild } = require('../dist/src/addon-path.cjs') as typeof import('../dist/src/addon-path.cjs');

/** Where each prebuild script writes (read from the script, so a rename there fails here). */
const WRITTEN = {
  x64glibc: 'prebuilds/linux-x64/ndmmap.glibc.node', // scripts/prebuild.mjs: prebuildify --napi --tag-libc
  x64musl: 'prebuilds/linux-x64/ndmmap.musl.node',
  arm64glibc: 'prebuilds/linux-arm64/ndmmap.glibc.node',
};
const t = tempDir('ndmmap-select-');
afterAll(() => t.remove());

/** A package root holding empty files at `files` (node-gyp-build's path() only looks at names). */
function fakePackage(name: string, files: string[]): string {
  const dir = path.join(t.dir, name);
  for (const f of files) { fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true }); fs.writeFileSync(path.join(dir, f), ''); }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'ndmmap' }));
  return dir;
}

/** node-gyp-build's pick in a fresh process (it reads LIBC and the arch when it loads). */
function pick(dir: string, env: Record<string, string>): string {
  const code = `process.stdout.write(require(${JSON.stringify(require.resolve('node-gyp-build'))}).path(${JSON.stringify(dir)}))`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LIBC' && !/^npm_config_(arch|platform)$/i.test(k)));
  const r = spawnSync(process.execPath, ['-e', code], { env: { ...clean, ...env }, encoding: 'utf8' });
  return r.status === 0 ? path.relative(dir, r.stdout) : `error: ${r.stderr.split('\n').find((l) => l.startsWith('Error')) ?? r.stderr}`;
}

describe('node-gyp-build picks the prebuild the scripts write', () => {
  it('the scripts write these names', () => {
    expect(fs.readFileSync(path.join(ROOT, 'scripts/prebuild-musl.mjs'), 'utf8')).toContain(`'${WRITTEN.x64musl}'`);
    expect(fs.readFileSync(path.join(ROOT, 'scripts/prebuild-arm64.mjs'), 'utf8')).toContain(`'${WRITTEN.arm64glibc}'`);
    const prebuild = fs.readFileSync(path.join(ROOT, 'scripts/prebuild.mjs'), 'utf8');
    expect(prebuild).toContain("['ndmmap', libc, 'node']");
    expect(prebuild).toContain("'--tag-libc'");
  });

  const dir = fakePackage('all', Object.values(WRITTEN));
  it.each([
    ['x64', 'musl', WRITTEN.x64musl],
    ['x64', 'glibc', WRITTEN.x64glibc],
    ['arm64', 'glibc', WRITTEN.arm64glibc],
  ])('linux-%s %s: %s', (arch, libc, want) => {
    expect(pick(dir, { LIBC: libc, npm_config_arch: arch })).toBe(want);
  });

  it('musl with only the glibc prebuild, or arm64 musl: none fits', () => {
    expect(pick(fakePackage('glibc-only', [WRITTEN.x64glibc]), { LIBC: 'musl', npm_config_arch: 'x64' })).toMatch(/No native build was found for .*libc=musl/);
    expect(pick(dir, { LIBC: 'musl', npm_config_arch: 'arm64' })).toMatch(/No native build was found for .*arch=arm64.*libc=musl/);
  });

  it('a local build (build/Release) comes first, whatever the libc', () => {
    const local = fakePackage('local', [...Object.values(WRITTEN), 'build/Release/ndmmap.node']);
    expect(pick(local, { LIBC: 'musl' })).toBe('build/Release/ndmmap.node');
  });
});

describe('install.cjs decides by the same names', () => {
  /** A package with install.cjs and the given prebuilds; node_modules linked to ours; no compiler on PATH. */
  function install(name: string, files: string[], env: Record<string, string>, nodeArgs: string[] = []) {
    const dir = fakePackage(name, files);
    fs.copyFileSync(path.join(ROOT, 'install.cjs'), path.join(dir, 'install.cjs'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'LIBC' && !/^npm_/i.test(k)));
    return spawnSync(path.join(bin, 'node'), [...nodeArgs, 'install.cjs'], { cwd: dir, env: { ...clean, PATH: bin, ...env }, encoding: 'utf8' });
  }

  it('on musl, the musl prebuild is enough: nothing to compile', () => {
    const r = install('inst-musl', [WRITTEN.x64glibc, WRITTEN.x64musl], { LIBC: 'musl', npm_config_arch: 'x64' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('on musl with only the glibc prebuild: the compile is needed, and the message names the musl file', () => {
    const r = install('inst-glibc-only', [WRITTEN.x64glibc], { LIBC: 'musl', npm_config_arch: 'x64' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ndmmap: no prebuilt addon for linux-x64 \(musl\).*\n {2}looked for: prebuilds\/linux-x64\/ndmmap\.musl\.node \(the package has: linux-x64\/ndmmap\.glibc\.node\)/);
  });

  it('a musl system that is not Alpine (LIBC unset, Node\'s report names no glibc): the glibc prebuild is not taken for a fit', () => {
    // before install.cjs handed its libc to node-gyp-build, this exited 0: nothing compiled, an addon that cannot load
    const fake = path.join(t.dir, 'musl-report.cjs');
    fs.writeFileSync(fake, 'const get = process.report.getReport.bind(process.report);\n' +
      'process.report.getReport = (...a) => { const r = get(...a); delete r.header.glibcVersionRuntime; return r; };\n');
    const r = install('inst-report', [WRITTEN.x64glibc], { npm_config_arch: 'x64' }, ['--require', fake]);
    expect(r.stderr).toMatch(/^ndmmap: no prebuilt addon for linux-x64 \(musl\)/);
    expect(r.status).toBe(1);
    expect(install('inst-report-ok', [WRITTEN.x64glibc, WRITTEN.x64musl], { npm_config_arch: 'x64' }, ['--require', fake]).status).toBe(0);
  });
});

describe('the loader falls back to the running libc\'s prebuild', () => {
  const dir = path.join(t.dir, 'prebuilds/linux-x64');
  const glibc = path.join(dir, 'ndmmap.glibc.node'), musl = path.join(dir, 'ndmmap.musl.node');
  fs.mkdirSync(dir, { recursive: true });
  const failsOn = (bad: string[]) => (file: string) => {
    if (bad.includes(file)) throw new Error(`cannot load ${path.basename(file)}`);
    return { loaded: path.basename(file) };
  };

  it('names the other libc\'s prebuild beside a tagged one, nothing for a local build', () => {
    expect(otherLibcPrebuild(glibc)).toEqual({ file: musl, libc: 'musl' });
    expect(otherLibcPrebuild(musl)).toEqual({ file: glibc, libc: 'glibc' });
    expect(otherLibcPrebuild(path.join(t.dir, 'build/Release/ndmmap.node'))).toBeUndefined();
    expect(otherLibcPrebuild(path.join(t.dir, 'build/Release/ndmmap.glibc.node'))).toBeUndefined();
  });

  it('a musl system that is not Alpine: node-gyp-build picks glibc, which fails; the musl prebuild loads', () => {
    fs.writeFileSync(glibc, ''); fs.writeFileSync(musl, '');
    let asked = 0;
    const got = loadAddon(t.dir, { resolve: () => glibc, load: failsOn([glibc]), runningLibc: () => { asked++; return 'musl'; } });
    expect(got).toEqual({ loaded: 'ndmmap.musl.node' });
    expect(asked).toBe(1);
  });

  it('the pick loads: the running libc is never asked (no process report on a normal import)', () => {
    const got = loadAddon(t.dir, { resolve: () => glibc, load: failsOn([]), runningLibc: () => { throw new Error('asked'); } });
    expect(got).toEqual({ loaded: 'ndmmap.glibc.node' });
  });

  it('on glibc a glibc prebuild that fails is the error (the musl one is never tried)', () => {
    expect(() => loadAddon(t.dir, { resolve: () => glibc, load: failsOn([glibc]), runningLibc: () => 'glibc' })).toThrow('cannot load ndmmap.glibc.node');
  });

  it('no musl prebuild beside it: the pick\'s error; both fail: the running libc\'s error', () => {
    fs.rmSync(musl);
    expect(() => loadAddon(t.dir, { resolve: () => glibc, load: failsOn([glibc]), runningLibc: () => 'musl' })).toThrow('cannot load ndmmap.glibc.node');
    fs.writeFileSync(musl, '');
    expect(() => loadAddon(t.dir, { resolve: () => glibc, load: failsOn([glibc, musl]), runningLibc: () => 'musl' })).toThrow('cannot load ndmmap.musl.node');
  });

  it('this process loads its addon through it (a local build here)', async () => {
    const { native } = await import('../dist/src/native.js');
    expect(native.contract.isa).toMatch(/^(baseline|avx2|avx512)$/);
  });
});
