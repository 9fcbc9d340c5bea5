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
# Rebuild only when a native source or binding.gyp is newer than the instrumented addon (~3 min on 2 cores).
if [ ! -f "$addon" ] || [ -n "$(find native binding.gyp -newer "$addon" -print -quit)" ]; then
  (cd "$out" && CFLAGS="$san" CXXFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" \
    node-gyp rebuild --loglevel=warn >/dev/null)
fi
nm -D "$addon" | grep -q __asan_init || { echo "asan.sh: $addon is not instrumented" >&2; exit 1; }

npx tsc -p tsconfig.json

export NDMMAP_ADDON="$addon"
export LD_PRELOAD="$(gcc -print-file-name=libasan.so)"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allow_user_segv_handler=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(test/expr/apply.test.ts test/fixtures.test.ts test/reliability/)
fi
npx vitest run "${tests[@]}"
echo "asan.sh: clean in $(( $(date +%s) - start ))s"
