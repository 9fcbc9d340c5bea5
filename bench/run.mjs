// `npm run bench`: every benchmark, BENCH_ROUNDS times (default 3), then BENCHMARKS.md with the ratios
// measured side by side in each round: the median over rounds, and the range, since the machine is shared.
// BENCH_MIB=256 npm run bench for a quick look (the bars are set at 2048 MiB).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BYTES, HAVE_NUMPY, ROOT, shutdown } from './common.mjs';

const files = ['sum', 'min-max', 'var-std', 'axis', 'apply', 'dist', 'small', 'cold'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const rounds = [];
for (let r = 0; r < ROUNDS; r++) {
  const rows = [];
  for (const f of files) {
    const { run } = await import(`./${f}.mjs`);
    process.stderr.write(`round ${r + 1}/${ROUNDS}: ${f}…\n`);
    const got = await run();
    console.table(got);
    rows.push(...got);
  }
  rounds.push(rows);
}
await shutdown();

const median = (xs) => { const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : undefined; };
/** Median over rounds of f(row), with the range, for the row named `op`. */
function stat(op, f, digits = 2, unit = '×') {
  const xs = rounds.map((rows) => rows.find((x) => x.op === op)).filter(Boolean).map(f).filter((x) => x !== undefined && Number.isFinite(x));
  if (xs.length === 0) return '—';
  const m = median(xs);
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return xs.length > 1 ? `${m.toFixed(digits)}${unit} (${lo.toFixed(digits)}–${hi.toFixed(digits)})` : `${m.toFixed(digits)}${unit}`;
}
const ratio = (a, b) => (r) => (r[a] && r[b] ? r[a] / r[b] : undefined);
const val = (a) => (r) => r[a];

const numpyVersion = HAVE_NUMPY ? execFileSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).trim() : 'absent';
const ops = [...new Set(rounds.flat().map((r) => r.op))];
const first = (op) => rounds[0].find((r) => r.op === op);
const lines = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus()[0].model}, ${os.availableParallelism()} cores, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, numpy ${numpyVersion}. ` +
    `Data: ${BYTES / 2 ** 20} MiB of float64 in the page cache (except the cold rows), ${ROUNDS} rounds. ` +
    'The machine is shared and noisy: every ratio is taken inside one round (the two sides measured minutes apart at most); ' +
    'the table gives the median over rounds and, in brackets, the lowest and highest round.',
  '',
  '| operation | pool ÷ 1 thread | pool ÷ native ceiling | pool ÷ numpy | pool GB/s |',
  '|---|---|---|---|---|',
];
for (const op of ops.filter((o) => first(o)?.pool !== undefined && first(o)?.dd === undefined)) {
  lines.push(`| ${op} | ${stat(op, ratio('pool', 'one'))} | ${stat(op, ratio('pool', 'ceiling'))} | ${stat(op, ratio('pool', 'numpy'))} | ${stat(op, val('pool'), 1, '')} |`);
}
lines.push('', '| cold read (page cache dropped) | ndmmap sum ÷ dd | ndmmap GB/s | dd GB/s |', '|---|---|---|---|');
for (const op of ops.filter((o) => first(o)?.dd !== undefined)) lines.push(`| ${op} | ${stat(op, ratio('pool', 'dd'))} | ${stat(op, val('pool'), 2, '')} | ${stat(op, val('dd'), 2, '')} |`);
lines.push('', '| small call | ndmmap ÷ plain JS loop | ndmmap µs | JS loop µs |', '|---|---|---|---|');
for (const op of ops.filter((o) => first(o)?.ndmmap_us !== undefined)) lines.push(`| ${op} | ${stat(op, ratio('ndmmap_us', 'js_loop_us'))} | ${stat(op, val('ndmmap_us'), 2, '')} | ${stat(op, val('js_loop_us'), 2, '')} |`);
lines.push('', 'The native ceiling is `bench/ceiling.cc`: plain C++ threads summing the mapping with 8 accumulators',
  '(median of 5 warm runs, taken before and after the engine in each round; the higher is used). ndmmap figures are',
  'tinybench medians after a warm-up call. numpy runs via `bench/numpy_ops.py` on the same file (median of its repeats).', '');
fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), lines.join('\n'));
console.log(lines.join('\n'));
