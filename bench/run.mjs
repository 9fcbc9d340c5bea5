// `npm run bench`: every benchmark, BENCH_ROUNDS times (default 3), then BENCHMARKS.md with the ratios
// measured side by side in each round: the median over rounds, and the range, since the machine is shared.
// BENCH_MIB=256 BENCH_ROWS=20000 BENCH_FILL_MIB=256 npm run bench for a quick look (the bars are set
// at 2048 MiB, 200000 x 384 and 3072 MiB).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BYTES, HAVE_NUMPY, ROOT, shutdown } from './common.mjs';
import { findRedisServer } from '../scripts/local-redis.mjs';

// distributed.mjs needs a local redis-server (Debian: apt-get install -y redis-server)
const HAVE_REDIS = findRedisServer() !== undefined;
if (!HAVE_REDIS) process.stderr.write('redis-server not found: skipping bench/distributed.mjs\n');
const ALL = ['sum', 'min-max', 'var-std', 'axis', 'apply', 'standardise', 'fill', 'small', 'startup', 'cold', 'reductions', 'embed', 'dist', 'scan', 'order', 'lookup', 'convert', ...(HAVE_REDIS ? ['distributed'] : [])];
// BENCH_ONLY=reductions,small runs those files and replaces only their section of BENCHMARKS.md.
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const files = ONLY ?? ALL;
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
];
// a table only where its rows were measured (a BENCH_ONLY=distributed section holds the distributed one alone)
const poolOps = ops.filter((o) => first(o)?.pool !== undefined && first(o)?.dd === undefined && first(o)?.sumf8 === undefined && first(o)?.axisNone === undefined && first(o)?.extra_ms === undefined);
if (poolOps.length) lines.push('', '| operation | pool ÷ 1 thread | pool ÷ native ceiling | pool ÷ numpy | pool GB/s |', '|---|---|---|---|---|');
for (const op of poolOps) {
  lines.push(`| ${op} | ${stat(op, ratio('pool', 'one'))} | ${stat(op, ratio('pool', 'ceiling'))} | ${stat(op, ratio('pool', 'numpy'))} | ${stat(op, val('pool'), 1, '')} |`);
}
if (ops.some((o) => first(o)?.dd !== undefined)) lines.push('', '| cold read (page cache dropped) | ndmmap sum ÷ dd | ndmmap GB/s | dd GB/s |', '|---|---|---|---|');
for (const op of ops.filter((o) => first(o)?.dd !== undefined)) lines.push(`| ${op} | ${stat(op, ratio('pool', 'dd'))} | ${stat(op, val('pool'), 2, '')} | ${stat(op, val('dd'), 2, '')} |`);
if (ops.some((o) => first(o)?.extra_ms !== undefined)) {
  lines.push('', '| start-up (median of fresh processes) | first call − steady call, ms | first call ms | steady call ms | warmup() ms |', '|---|---|---|---|---|');
  for (const op of ops.filter((o) => first(o)?.extra_ms !== undefined))
    lines.push(`| ${op} | ${stat(op, val('extra_ms'), 1, '')} | ${stat(op, val('first_ms'), 1, '')} | ${stat(op, val('steady_ms'), 2, '')} | ${stat(op, val('warmup_ms'), 1, '')} |`);
}
if (ops.some((o) => first(o)?.ndmmap_us !== undefined)) lines.push('', '| small call | ndmmap ÷ plain JS loop | ndmmap µs | JS loop µs |', '|---|---|---|---|');
for (const op of ops.filter((o) => first(o)?.ndmmap_us !== undefined)) lines.push(`| ${op} | ${stat(op, ratio('ndmmap_us', 'js_loop_us'))} | ${stat(op, val('ndmmap_us'), 2, '')} | ${stat(op, val('js_loop_us'), 2, '')} |`);
const embedOps = ops.filter((o) => first(o)?.embed && first(o)?.error === undefined);
if (embedOps.length) {
  lines.push('', '| embeddings (1,000,000 x 384 .npy) | ndmmap ÷ numpy | ndmmap ÷ float32 sum rate | ndmmap GB/s |', '|---|---|---|---|');
  for (const op of embedOps) lines.push(`| ${op} | ${stat(op, val('numpy'))} | ${first(op)?.sum === undefined ? '—' : stat(op, val('sum'))} | ${stat(op, val('gbps'), 1, '')} |`);
  const err = first(ops.find((o) => first(o)?.error !== undefined))?.error;
  if (err) lines.push('', `float32 \`a @ q\` error against float64, relative to Σ|a_i q_i| (max / mean over rows): ndmmap ${err.ndmmap_max.toExponential(2)} / ${err.ndmmap_mean.toExponential(2)}, numpy ${err.numpy_max.toExponential(2)} / ${err.numpy_mean.toExponential(2)}.`);
}
if (ops.some((o) => first(o)?.sumf8 !== undefined)) {
  lines.push('', '| reduction × dtype (same bytes per dtype) | ÷ same-run float64 sum | ÷ numpy | GB/s | numpy GB/s |', '|---|---|---|---|---|');
  for (const op of ops.filter((o) => first(o)?.sumf8 !== undefined))
    lines.push(`| ${op} | ${stat(op, ratio('pool', 'sumf8'))} | ${stat(op, ratio('pool', 'numpy'))} | ${stat(op, val('pool'), 1, '')} | ${stat(op, val('numpy'), 2, '')} |`);
  lines.push('', 'numpy is `np.NAME(a)` on the same file (np.memmap), the float64 sum is ndmmap\'s own over a file of the same size.');
}
if (ops.some((o) => first(o)?.axisNone !== undefined || /expr/.test(o))) {
  lines.push('', '| fused and axis reductions | ÷ numpy | ÷ same-run axis=None | GB/s |', '|---|---|---|---|');
  for (const op of ops.filter((o) => first(o)?.axisNone !== undefined || (/expr/.test(o) && first(o)?.pool !== undefined)))
    lines.push(`| ${op} | ${stat(op, ratio('pool', 'numpy'))} | ${stat(op, ratio('pool', 'axisNone'))} | ${stat(op, val('pool'), 1, '')} |`);
}
if (HAVE_REDIS && files.includes('distributed')) {
  lines.push('', '| distributed (BullMQ on a local redis-server) | BullMQ ÷ local 2 threads | BullMQ GB/s | local 2 threads GB/s | per-job overhead ms | per-submit overhead ms |', '|---|---|---|---|---|---|');
  for (const op of ops.filter((o) => first(o)?.bullmq !== undefined))
    lines.push(`| ${op} | ${stat(op, ratio('bullmq', 'local2'))} | ${stat(op, val('bullmq'), 1, '')} | ${stat(op, val('local2'), 1, '')} | ${stat(op, val('job_ms'), 2, '')} | ${stat(op, val('submit_ms'), 1, '')} |`);
  lines.push('', 'Overheads, on a 64-row file (nothing to compute) with the same 2 workers: per submit, a 1-shard run (connections,',
    'planning, 2 jobs); per job, what each further job of a 64-shard run adds ((T64 − T1) ÷ 67): queueing, Redis round trips,',
    'opening the file, a partial state each way. Shard states are not cached in these runs (cacheTtl 0).');
}
if (poolOps.length) lines.push('', 'The native ceiling is `bench/ceiling.cc`: plain C++ threads summing the mapping with 8 accumulators, or for',
  'the apply rows `p[i] *= 2` on 2 threads over the same mapping in place (the fused `p[i] = p[i] * 2 + 1` on its own row; median of 5 warm runs,',
  'taken before and after the engine in each round; the higher is used). ndmmap figures are tinybench medians after',
  'a warm-up call. numpy runs via `bench/numpy_ops.py` on the same file (median of its repeats): `a *= 2; a += 1` for',
  'the apply rows, `a -= mu; a /= sd` for the standardise row, a chunked `a[k:k+n] = np.sin(np.arange(k, k+n) * 1e-6)`',
  'loop on a fresh np.memmap for the fill row (ndmmap fills a fresh file too). GB/s count the file\'s bytes once.', '');
const md = path.join(ROOT, 'BENCHMARKS.md');
if (ONLY) {
  // a section of its own, replaced on the next BENCH_ONLY run of the same files
  const tag = ONLY.join(','), begin = `<!-- begin ${tag} -->`, end = `<!-- end ${tag} -->`;
  const body = [begin, `## ${tag}`, '', ...lines.slice(2), end].join('\n');
  const old = fs.existsSync(md) ? fs.readFileSync(md, 'utf8') : '# Benchmarks\n';
  const at = old.indexOf(begin), stop = old.indexOf(end);
  fs.writeFileSync(md, at >= 0 && stop > at ? old.slice(0, at) + body + old.slice(stop + end.length) : `${old.trimEnd()}\n\n${body}\n`);
} else {
  fs.writeFileSync(md, lines.join('\n'));
}
console.log(lines.join('\n'));
