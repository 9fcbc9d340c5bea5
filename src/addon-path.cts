/**
 * Which addon file to load. node-gyp-build picks it (a local build in build/Release first, else the
 * package's prebuild for this platform, arch and libc, e.g. prebuilds/linux-x64/ndmmap.musl.node). Its
 * libc test is only `/etc/alpine-release` (or the LIBC variable), so on a musl system that is not Alpine
 * (Void, a distroless musl image) it picks ndmmap.glibc.node, which fails to load there. When the
 * picked prebuild fails to load, the same prebuild for the libc this process really runs on (Node's
 * report: a glibc Node names its glibc version, a musl Node does not) is tried before giving up: the
 * report costs ~20 ms, paid only on that failure path, never on a normal import. CommonJS: the workers'
 * loader (src/addon.cts) requires it.
 */
import fs = require('node:fs');
import path = require('node:path');

/** The libc Node runs on (Linux only), from its process report. */
export type Libc = 'glibc' | 'musl';

/** How a file is loaded and how the running libc is told: injectable for tests. */
export interface PickAddonDeps {
  /** node-gyp-build's choice for the package at `root` (throws when nothing fits). */
  resolve(root: string): string;
  load(file: string): unknown;
  runningLibc(): Libc;
}

/** node-gyp-build, `require` and Node's process report. */
export const addonDeps: PickAddonDeps = {
  resolve: (root) => (require('node-gyp-build') as { path(dir: string): string }).path(root),
  load: (file) => require(file),
  runningLibc: () => ((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime ? 'glibc' : 'musl'),
};

/** The prebuild next to `file` for the other libc, when `file` is a libc-tagged prebuild (`*.glibc.node`, `*.musl.node`). */
export function otherLibcPrebuild(file: string): { file: string; libc: Libc } | undefined {
  const m = /^(.+\.)(glibc|musl)\.node$/.exec(path.basename(file));
  if (m === null || path.basename(path.dirname(path.dirname(file))) !== 'prebuilds') return undefined;
  const libc: Libc = m[2] === 'glibc' ? 'musl' : 'glibc';
  return { file: path.join(path.dirname(file), `${m[1]}${libc}.node`), libc };
}

/**
 * Load the addon of the package at `root`: node-gyp-build's pick; if that is a prebuild that fails to
 * load and the prebuild for the libc this process runs on exists beside it, that one.
 * @throws node-gyp-build's error when nothing fits; the load error of the pick, or of the fallback when
 *   one was tried (the libc the process runs on: the relevant one).
 */
export function loadAddon(root: string, deps: PickAddonDeps = addonDeps): unknown {
  const file = deps.resolve(root);
  try {
    return deps.load(file);
  } catch (err) {
    const other = otherLibcPrebuild(file);
    if (other === undefined || !fs.existsSync(other.file) || deps.runningLibc() !== other.libc) throw err;
    return deps.load(other.file);
  }
}
