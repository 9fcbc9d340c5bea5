/**
 * The addon compiled for another platform with a cross compiler, from binding.gyp's own sources,
 * defines and flags (the x86 ISA flags dropped off x86-64, as binding.gyp's conditions do): every object
 * compiled in parallel (JOBS, default every core), kept while newer than its source and every header it
 * includes (the compiler's depfile), then linked into
 * one shared object. Used by prebuild-musl.mjs (zig's clang for x86_64-linux-musl) and
 * prebuild-arm64.mjs (Debian's aarch64-linux-gnu-g++).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Node's headers: those of the node running this script (Debian's /usr/include/node), or NODE_INCLUDE. */
const nodeInclude = process.env.NODE_INCLUDE ?? path.join(path.dirname(path.dirname(process.execPath)), 'include/node');

/** A message on stderr under the script's name. */
export const sayer = (name) => (m) => process.stderr.write(`${name}: ${m}\n`);

/** Run a command to completion, exiting this script with its status when it fails. */
export function run(cmd, args, say) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) { say(`failed: ${cmd} ${args.join(' ')}`); process.exit(r.status ?? 1); }
}

/** The newest native source (headers and .inc files included): the staleness test of an object without a depfile. */
const newestSource = () => Math.max(...fs.readdirSync(path.join(root, 'native'), { recursive: true }).map((f) => fs.statSync(path.join(root, 'native', f)).mtimeMs));

/**
 * Is object `o` older than what it was compiled from? Its depfile (`o.d`, the compiler's -MMD: the
 * source and every header and .inc it included) says; without one, any native source newer is.
 */
function stale(o) {
  if (!fs.existsSync(o)) return true;
  const t = fs.statSync(o).mtimeMs;
  if (!fs.existsSync(`${o}.d`)) return newestSource() >= t;
  const deps = fs.readFileSync(`${o}.d`, 'utf8').replace(/\\\n/g, ' ').split(/:\s/).slice(1).join(' ').split(/\s+/).filter(Boolean);
  return deps.some((f) => !fs.existsSync(f) || fs.statSync(f).mtimeMs >= t);
}

const X86_FLAG = /^-m(avx|fma|f16c|bmi|prefer-vector-width)/;

/**
 * Compile binding.gyp's targets with `cxx` (`cxxArgs` first: e.g. `c++ -target x86_64-linux-musl`)
 * into `objDir`, then link them with `link` (the whole command but the objects) into `out`.
 * `x86`: the target is x86-64 (keep the AVX2/AVX-512 flags of the ISA kernel sets). `gcc`: `cxx` is GCC
 * (keep its `--param` tuning; clang has no such parameters).
 */
export async function crossBuild({ cxx, cxxArgs = [], objDir, x86, gcc = false, link, out, say }) {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8').replace(/<!\([^)]*\)/g, '""'));
  // gyp's list variables ("<@(name)" in a list stands for the variable's items)
  const expand = (list = []) => list.flatMap((x) => { const v = /^<@\((\w+)\)$/.exec(x); return v ? gyp.variables[v[1]] : [x]; });
  for (const t of gyp.targets) { t.sources = expand(t.sources); t.cflags_cc = expand(t.cflags_cc); }
  const d = gyp.target_defaults;
  const base = [...cxxArgs, '-c', '-fPIC', ...d.cflags_cc.filter((f) => f !== '-fPIC'), '-fexceptions', `-I${nodeInclude}`,
    ...d.include_dirs.map((i) => `-I${path.join(root, i)}`), ...d.defines.map((x) => `-D${x}`), '-DBUILDING_NODE_EXTENSION'];
  fs.mkdirSync(objDir, { recursive: true });
  const jobs = gyp.targets.flatMap((t) => t.sources.map((src) => ({
    src,
    o: path.join(objDir, `${t.target_name}-${path.basename(src, '.cc')}.o`),
    args: [...(t.defines ?? []).map((x) => `-D${x}`),
      ...(t.cflags_cc ?? []).filter((f) => (x86 || !X86_FLAG.test(f)) && (gcc || !f.startsWith('--param')))],
  })));
  const todo = jobs.filter((j) => stale(j.o));
  const failed = [];
  const compile = (j) => new Promise((resolve) => {
    const p = spawn(cxx, [...base, ...j.args, '-MMD', '-MF', `${j.o}.d`, path.join(root, j.src), '-o', j.o], { stdio: 'inherit' });
    const done = (ok) => {
      if (ok) say(`compiled ${j.src} (${j.args.find((a) => a.startsWith('-DNDM_ISA'))?.slice(2) ?? 'addon'})`);
      else { failed.push(j.src); fs.rmSync(j.o, { force: true }); }
      resolve();
    };
    p.on('error', (err) => { say(`${cxx}: ${err.message}`); done(false); });
    p.on('close', (code) => done(code === 0));
  });
  const parallel = Number(process.env.JOBS ?? os.availableParallelism()) || 1;
  say(`${todo.length} of ${jobs.length} objects to compile, ${parallel} at a time`);
  // after a failure no new compile starts; those running finish (no orphaned compilers), then it stops
  await Promise.all(Array.from({ length: parallel }, async () => { for (let j = todo.shift(); j && failed.length === 0; j = todo.shift()) await compile(j); }));
  if (failed.length > 0) { say(`failed: compiling ${failed.join(', ')}`); process.exit(1); }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  run(link[0], [...link.slice(1), '-o', out, ...jobs.map((j) => j.o)], say);
  say(`wrote ${path.relative(root, out)}`);
}
