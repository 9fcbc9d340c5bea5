#!/usr/bin/env bash
# Build the addon with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/ (the normal
# build/Release/ndmmap.node is left alone) and run the native-facing tests against it.
#
# Node itself is not built with ASan, so the ASan runtime is preloaded (LD_PRELOAD) and leak
# detection is off (node's own allocations at exit are not ours). Any ASan report or UBSan error
# aborts the process that hit it: a worker, a child process or the vitest fork, and so fails a test.
#
# Needs: g++ with libasan/libubsan (Debian: g++ ships them). Usage: npm run test:asan [-- vitest args]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)

out=build-asan
mkdir -p "$out"
cp binding.gyp "$out/"
ln -sfn ../native "$out/native"
# -O1 keeps stacks readable; -fno-sanitize-recover makes every UBSan finding fatal.
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
addon="$root/$out/build/Release/ndmmap.node"
# npm puts its bundled node-gyp on PATH for scripts; run directly, find it next to npm.
gyp=(node-gyp)
if ! command -v node-gyp >/dev/null; then
  gyp=(node "$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js")
fi
# Build against the same headers as `npm install` (an .npmrc nodedir, when offline), not a download.
nodedir=${npm_config_nodedir:-$(npm config get nodedir 2>/dev/null || true)}
if [ -n "$nodedir" ] && [ "$nodedir" != undefined ] && [ "$nodedir" != null ]; then gyp+=(--nodedir="$nodedir"); fi
# Rebuild only when a native source or binding.gyp is newer than the instrumented addon (~3 min on 2 cores).
if [ ! -f "$addon" ] || [ -n "$(find native binding.gyp -newer "$addon" -print -quit)" ]; then
  (cd "$out" && CFLAGS="$san" CXXFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" \
    "${gyp[@]}" rebuild -j max --loglevel=warn >/dev/null)
fi
syms=$(nm -D "$addon")  # not piped into grep -q: nm's SIGPIPE would fail the pipeline under pipefail
grep -q __asan_init <<<"$syms" || { echo "asan.sh: $addon is not instrumented" >&2; exit 1; }

npx tsc -p tsconfig.json

export NDMMAP_ADDON="$addon"
export LD_PRELOAD="$(gcc -print-file-name=libasan.so)"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allow_user_segv_handler=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(test/expr/ test/engine/apply-vars.test.ts test/fixtures.test.ts test/engine/reduce.test.ts test/engine/run.test.ts test/engine/max-dims.test.ts
         test/memmap.test.ts test/npy.test.ts test/view.test.ts test/reliability/ test/engine/reductions.test.ts test/engine/trust.test.ts
         test/engine/out.test.ts test/engine/registry.test.ts test/native.test.ts test/engine/isa.test.ts
         test/engine/embed.test.ts test/engine/embed-native.test.ts test/engine/embed-partial.test.ts
         test/engine/dist-quantile.test.ts test/engine/dist-histogram.test.ts
         test/engine/trig.test.ts test/engine/apply-trust.test.ts test/engine/reduce-trust.test.ts
         test/engine/float16-trust.test.ts test/engine/reduce-vars.test.ts test/engine/average.test.ts
         test/engine/prod-rows.test.ts test/engine/rows-groups.test.ts test/engine/order.test.ts test/engine/order-runs.test.ts
         test/engine/order-unique.test.ts test/engine/order-search.test.ts test/engine/scan.test.ts test/engine/scan-attack.test.ts
         test/record.test.ts test/record-views.test.ts test/engine/gather-native.test.ts test/engine/gather.test.ts
         test/engine/unique-dense.test.ts test/engine/order-part.test.ts test/engine/order-part-pages.test.ts
         test/engine/moments-int16.test.ts test/engine/arg-bound.test.ts test/engine/datetime-order.test.ts
         test/engine/order-select.test.ts test/engine/nonzero.test.ts)
fi
# test/soak/ (500 CLI processes, pool shutdown races) runs in npm run test:soak, not here: under ASan it
# costs ~5 minutes of CI for JS-level races the sanitizers have nothing to add to.
npx vitest run "${tests[@]}"
# the open/reduce/close cycles (test/soak: thousands of cycles) leak nothing under the sanitizers either
if [ $# -eq 0 ]; then npx vitest run --config vitest.soak.config.ts test/soak/resources.test.ts; fi
echo "asan.sh: clean in $(( $(date +%s) - start ))s"
