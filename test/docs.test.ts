/**
 * The docs are run, not trusted (issue 22): every fenced block of README.md and docs/*.md is
 * extracted and either executed or named here with the reason it cannot be —
 * - `js` blocks run as ES modules, `ts` blocks are transpiled and run, in a temporary directory
 *   holding the files they name (sparse where they are large), with 'ndmmap' resolved to this package;
 * - shell blocks (sh, bash, untagged) run line by line in bash against the same files, `ndmmap` being
 *   this package's CLI, absolute paths (/data, /lustre, /out) moved into the temporary directory;
 *   every `ndmmap` line must exit 0;
 * - what cannot run here is listed in NOT_RUN with the reason (a command synopsis, a Kubernetes
 *   manifest, a systemd unit, an illustration of a JSON state with placeholders, commands that need a
 *   Redis worker fleet or a batch system — those paths have their own tests in test/distributed and
 *   test/cli/shard-index.test.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNpy, memmap, shutdown } from '../dist/src/index.js';
import { CLI, ROOT, ndmmap } from './cli/helpers.js';
import { tempDir } from './helpers.js';

interface Block { file: string; line: number; lang: string; code: string }

/** Every fenced block of a Markdown file. */
function blocks(file: string): Block[] {
  const out: Block[] = [];
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*```(\w*)\s*$/.exec(lines[i]);
    if (m === null) continue;
    const start = i + 1;
    let j = start;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j])) j++;
    const indent = /^(\s*)/.exec(lines[i])![1].length;
    out.push({ file, line: start, lang: m[1], code: lines.slice(start, j).map((l) => l.slice(indent)).join('\n') });
    i = j;
  }
  return out;
}

const DOCS = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const ALL = DOCS.flatMap(blocks);
// bash with a socket on stdin (spawnSync's default pipes) and SHLVL < 2 sources /etc/bash.bashrc (a
// Debian build option), whose unset PS1 fails under -u: the snippets get no stdin at all.
const NO_STDIN: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];

/** Blocks that are not programs, or need what a test machine lacks: matched by their first line. */
const NOT_RUN: Array<[RegExp, string]> = [
  [/^ndmmap info FILE \[LAYOUT\]/, 'a synopsis of every command (FILE, [LAYOUT] are placeholders)'],
  [/^npm install ndmmap\n/, 'installing from the registry: test/package.test.ts installs the packed tarball the same way'],
  [/^npm install +# compiles/, "the contributor's commands (npm test runs this very file)"],
  [/^\{"format":"ndmmap-partial/, "an illustration of a state's fields (`s, c, n`, `…` are placeholders)"],
  [/^apiVersion: batch\/v1/, 'a Kubernetes manifest: its container command is run below for two indices'],
  [/^#!\/bin\/bash\n#SBATCH/, 'a Slurm batch script (SLURM_ARRAY_TASK_ID is tested in test/cli/shard-index.test.ts)'],
  [/^jobid=\$\(sbatch/, 'submits Slurm jobs'],
  [/^\[Service\]/, 'a systemd unit'],
  [/^ndmmap worker --redis redis:\/\/queue-host/, 'workers of a Redis fleet (test/distributed/ runs them on a local redis-server)'],
  [/^ndmmap submit --redis redis:\/\/queue-host/, 'submits to a Redis fleet (test/distributed/ runs submit on a local redis-server)'],
  [/^import \{ submit, startWorker \} from 'ndmmap\/distributed'/, 'needs a Redis fleet (test/distributed/submit.test.ts runs the same calls)'],
  [/^\$ ndmmap histogram n\.f8/, 'output of 100,000 random normal values: run below with the command only'],
  [/^parallel -j 8/, 'GNU parallel (not installed here): its ndmmap lines are run below without it'],
];
const notRun = (b: Block): string | undefined => NOT_RUN.find(([re]) => re.test(b.code))?.[1];

let t: ReturnType<typeof tempDir>;
let env: NodeJS.ProcessEnv;

/** The files the docs name, small (or sparse: read as zeros) and of the layouts they give. */
function makeFiles(dir: string): void {
  const sparse = (f: string, bytes: number): void => { fs.closeSync(fs.openSync(path.join(dir, f), 'w')); fs.truncateSync(path.join(dir, f), bytes); };
  sparse('emb.f4', 200_000 * 384 * 4);
  sparse('ids.i8', 1000 * 8);
  sparse('big.f8', 4_000_000 * 64 * 8);
  sparse('data.f8', 1000 * 64 * 8);
  sparse('f', 1000 * 8);
  fs.writeFileSync(path.join(dir, 'sensor.i16'), Buffer.from(new Int16Array([1, -2, 3, 400]).buffer).swap16());
  fs.writeFileSync(path.join(dir, 'n.f8'), new Uint8Array(Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i) * 2.5).buffer));
  for (const [name, shape] of [['embeddings.npy', [1000, 384]], ['emb.npy', [1000, 384]], ['data.npy', [100, 4]]] as const) {
    const a = createNpy(path.join(dir, name), { dtype: 'float32', shape: [...shape] });
    (a.typedArray() as Float32Array).forEach((_, i, arr) => { arr[i] = Math.cos(i * 0.37); });
    a.close();
  }
  const q = createNpy(path.join(dir, 'q.npy'), { dtype: 'float32', shape: [384] });
  (q.typedArray() as Float32Array).fill(0.5);
  q.close();
  createNpy(path.join(dir, 'keep.npy'), { dtype: 'bool', shape: [1000] }).close();
  for (const f of ['mu.npy', 'sd.npy']) {
    const m = createNpy(path.join(dir, f), { dtype: 'float32', shape: [384] });
    (m.typedArray() as Float32Array).fill(f === 'sd.npy' ? 2 : 0.1);
    m.close();
  }
  for (const d of ['data', 'lustre', 'out', 'parts']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync(path.join(dir, 'data.npy'), path.join(dir, 'lustre/big.npy'));
  sparse('data/big.f8', 4_000_000 * 64 * 8);
}

beforeAll(() => {
  t = tempDir('ndmmap-docs-');
  makeFiles(t.dir);
  const bin = path.join(t.dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'ndmmap'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  fs.mkdirSync(path.join(t.dir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(t.dir, 'node_modules/ndmmap'));
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: '', SLURM_ARRAY_TASK_ID: '' };
}, 60_000);
afterAll(async () => {
  t?.remove();
  await shutdown();
});

/** A shell block as run here: absolute data paths moved into the temporary directory, `...` elisions dropped. */
function shellScript(code: string): string {
  return code.split('\n')
    .map((l) => l.replace(/^\$ /, '').replace(/(^|[\s'"=])\/(data|lustre|out)\//g, `$1${t.dir}/$2/`))
    .filter((l) => !/^\s*#/.test(l) && l.trim() !== '')
    .map((l) => l.replace(/\s+#.*$/, ''))
    .join('\n');
}

describe('docs', () => {
  it('every block is run or named with its reason', () => {
    expect(ALL.length).toBeGreaterThan(20);
    const kinds = ALL.map((b) => notRun(b) ?? (['js', 'ts'].includes(b.lang) ? 'code' : ['sh', 'bash', ''].includes(b.lang) ? 'shell' : undefined));
    const unknown = ALL.filter((_, i) => kinds[i] === undefined).map((b) => `${b.file}:${b.line} (${b.lang})`);
    expect(unknown).toEqual([]);
  });

  it('the Kubernetes Job\'s container command runs for each index (JOB_COMPLETION_INDEX), writing the parts merged below', () => {
    const yaml = ALL.find((b) => /^apiVersion: batch\/v1/.test(b.code))!.code;
    const cmd = /- >-\n([\s\S]*?)\n\s*resources:/.exec(yaml)![1].split('\n').map((l) => l.trim()).join(' ');
    for (const i of ['0', '1']) {
      const r = spawnSync('sh', ['-c', shellScript(cmd)], { cwd: t.dir, env: { ...env, JOB_COMPLETION_INDEX: i, NDMMAP_SHARDS: '2' }, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(fs.readdirSync(path.join(t.dir, 'out')).sort()).toEqual(['part-0.json', 'part-1.json']);
  }, 150_000);

  for (const b of ALL.filter((x) => ['js', 'ts'].includes(x.lang) && notRun(x) === undefined)) {
    it(`${b.file}:${b.line} runs (${b.lang})`, () => {
      // the README's snippets use a query vector from the app; everything else is theirs as written
      const prelude = 'const queryVector = Array.from({ length: 384 }, (_, i) => Math.sin(i));\n';
      const js = b.lang === 'ts'
        ? ts.transpileModule(b.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
        : b.code;
      const file = path.join(t.dir, `block-${b.line}.mjs`);
      fs.writeFileSync(file, prelude + js + "\nconst { shutdown } = await import('ndmmap'); await shutdown();\n");
      const r = spawnSync(process.execPath, [file], { cwd: t.dir, env, encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr, `${b.file}:${b.line}`).toBe('');
      expect(r.status).toBe(0);
    }, 150_000);
  }

  for (const b of ALL.filter((x) => ['sh', 'bash', ''].includes(x.lang) && notRun(x) === undefined)) {
    it(`${b.file}:${b.line} runs (shell)`, () => {
      const r = spawnSync('bash', ['-euo', 'pipefail', '-c', shellScript(b.code)], { cwd: t.dir, env, encoding: 'utf8', timeout: 240_000, stdio: NO_STDIN });
      expect(r.stderr.replace(/^created .*\n|^wrote .*\n/gm, ''), `${b.file}:${b.line}\n${shellScript(b.code)}`).toBe('');
      expect(r.status).toBe(0);
    }, 300_000);
  }

  it('the README histogram and the parallel example\'s lines run without their output or tool', () => {
    // the 64 shard commands run in this process's CLI worker (the same main() the binary runs: the
    // binary's start-up, 64 times over, is what the shell blocks above already run), their parts merged
    // by the binary
    for (let i = 0; i < 64; i++) {
      const s = ndmmap(['sum', path.join(t.dir, 'big.f8'), '--dtype', 'f8', '--shard-index', String(i), '--shards', '64', '--threads', '1', '--partial']);
      expect(s.stderr, `shard ${i}`).toBe('');
      expect(s.status).toBe(0);
      fs.writeFileSync(path.join(t.dir, `part-${i}.json`), s.stdout);
    }
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', [
      'ndmmap histogram n.f8 --dtype f8 --bins 6 --range -3,3',
      'ndmmap merge --fan-in 16 part-*.json',
    ].join('\n')], { cwd: t.dir, env, encoding: 'utf8', timeout: 280_000, stdio: NO_STDIN });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\[-3\.0, -2\.0\)/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0.0');
  }, 300_000);

  it('the files the snippets use exist and have the layouts they claim', () => {
    const a = memmap(path.join(t.dir, 'emb.f4'), { dtype: 'float32', mode: 'r', shape: [200_000, 384] });
    expect(a.nbytes).toBe(200_000 * 384 * 4);
    a.close();
  });
});
