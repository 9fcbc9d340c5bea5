// `npm run bench`: every benchmark in one run, then BENCHMARKS.md with the same-run ratios.
// BENCH_MIB=256 npm run bench for a quick look (the bars are set at 2048 MiB).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BYTES, HAVE_NUMPY, ROOT, shutdown } from './common.mjs';

const files = ['sum', 'min-max', 'var-std', 'axis', 'apply', 'small', 'cold'];
const rows = [];
for (const f of files) {
  const { run } = await import(`./${f}.mjs`);
  process.stderr.write(`bench ${f}…\n`);
  const r = await run();
  console.table(r);
  rows.push(...r);
}
await shutdown();

const x = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '—');
const g = (v) => (v === undefined ? '—' : v.toFixed(2));
const numpyVersion = HAVE_NUMPY ? execFileSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).trim() : 'absent';
const lines = [
  '# Benchmarks',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus()[0].model}, ${os.availableParallelism()} cores, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, numpy ${numpyVersion}. ` +
    `Data: ${BYTES / 2 ** 20} MiB of float64 in the page cache (except the cold rows). ` +
    'The machine is shared and noisy: compare the ratios, which come from the same run, not the absolute GB/s.',
  '',
  '| operation | ndmmap pool GB/s | 1 thread GB/s | pool ÷ 1 thread | native ceiling GB/s | pool ÷ ceiling | numpy GB/s | pool ÷ numpy |',
  '|---|---|---|---|---|---|---|---|',
];
for (const r of rows.filter((r) => r.pool !== undefined && r.dd === undefined)) {
  lines.push(`| ${r.op} | ${g(r.pool)} | ${g(r.one)} | ${x(r.pool, r.one)} | ${g(r.ceiling)} | ${x(r.pool, r.ceiling)} | ${g(r.numpy)} | ${x(r.pool, r.numpy)} |`);
}
lines.push('', '| cold read | ndmmap sum GB/s | dd GB/s | ndmmap ÷ dd |', '|---|---|---|---|');
for (const r of rows.filter((r) => r.dd !== undefined)) lines.push(`| ${r.op} | ${g(r.pool)} | ${g(r.dd)} | ${x(r.pool, r.dd)} |`);
lines.push('', '| small call | ndmmap µs | plain JS loop µs | ndmmap ÷ JS |', '|---|---|---|---|');
for (const r of rows.filter((r) => r.ndmmap_us !== undefined)) lines.push(`| ${r.op} | ${r.ndmmap_us.toFixed(2)} | ${r.js_loop_us.toFixed(2)} | ${x(r.ndmmap_us, r.js_loop_us)} |`);
lines.push('', 'The native ceiling is `bench/ceiling.cc`: plain C++ threads summing the mapping with 8 accumulators,',
  'best of 5 in one process. numpy runs via `bench/numpy_ops.py` on the same file (median of its repeats).', '');
fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), lines.join('\n'));
console.log(lines.join('\n'));
