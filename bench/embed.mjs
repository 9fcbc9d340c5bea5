// Embeddings on a 1,000,000 x 384 float32 .npy (EMBED_ROWS overrides): search (cosine, k=10; one query
// and 16), dot, and the float32 sum of the same file, beside numpy on the same files in the same run;
// float16/float64/int8 copies of the rows for search; and the float32 dot's error against float64.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DIR, HAVE_NUMPY, ROOT, time } from './common.mjs';

const { openNpy, createNpy } = await import(path.join(ROOT, 'dist/src/index.js'));
const ROWS = Number(process.env.EMBED_ROWS ?? 1_000_000);
const D = 384;
const py = (...args) => JSON.parse(execFileSync('python3', [path.join(ROOT, 'bench/numpy_embed.py'), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 }));

/** The float32 file (numpy-made: random normal rows), and a copy as `dtype`. */
function file(dtype) {
  fs.mkdirSync(DIR, { recursive: true });
  const f32 = path.join(DIR, `embed-float32-${ROWS}x${D}.npy`);
  if (!fs.existsSync(f32)) {
    if (!HAVE_NUMPY) {
      const a = createNpy(f32, { dtype: 'float32', shape: [ROWS, D] });
      let s = 1;
      for (let r = 0; r < ROWS; r += 65536) {
        const t = a.typedArray(r * D, Math.min(ROWS, r + 65536) * D);
        for (let i = 0; i < t.length; i++) { s = (s * 1103515245 + 12345) % 2147483648; t[i] = s / 2147483648 - 0.5; }
      }
      a.flush();
      a.close();
    } else py('make', f32, String(ROWS), String(D));
  }
  if (dtype === 'float32') return f32;
  const out = path.join(DIR, `embed-${dtype}-${ROWS}x${D}.npy`);
  if (!fs.existsSync(out)) py('derive', f32, out, dtype);
  return out;
}

const q1 = Float32Array.from({ length: D }, (_, i) => Math.sin(i));
const q16 = { data: Float32Array.from({ length: 16 * D }, (_, i) => Math.cos(i)), shape: [16, D] };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const np = (f, op, repeats = 5) => (HAVE_NUMPY ? median(py('time', f, op, String(repeats + 1)).seconds.slice(1)) : undefined);

export async function run() {
  const rows = [];
  const f32 = file('float32');
  const a = openNpy(f32, { mode: 'r' });
  const bytes = a.nbytes;
  const t = await time({
    'sum f32': () => a.sum(),
    'search 1': () => a.search(q1, { k: 10, metric: 'cosine' }),
    'search 16': () => a.search(q16, { k: 10 }),
    dot: () => a.dot(q1),
  });
  const n = { sum: np(f32, 'sum'), s1: np(f32, 'search1'), s16: np(f32, 'search16', 3), dot: np(f32, 'dot') };
  rows.push({ op: 'search cosine k=10, 1 query', embed: true, gbps: bytes / t['search 1'] / 1e9, numpy: n.s1 && n.s1 / t['search 1'], sum: t['sum f32'] / t['search 1'] });
  rows.push({ op: 'search dot k=10, 16 queries', embed: true, gbps: bytes / t['search 16'] / 1e9, numpy: n.s16 && n.s16 / t['search 16'] });
  rows.push({ op: 'dot, 1 vector', embed: true, gbps: bytes / t.dot / 1e9, numpy: n.dot && n.dot / t.dot });
  rows.push({ op: 'float32 sum (same file)', embed: true, gbps: bytes / t['sum f32'] / 1e9, numpy: n.sum && n.sum / t['sum f32'] });
  if (HAVE_NUMPY) {
    const scores = await a.dot(q1);
    const out = path.join(DIR, `embed-scores-${ROWS}.npy`);
    const o = createNpy(out, { dtype: 'float32', shape: [ROWS] });
    o.typedArray().set(scores.data);
    o.flush();
    o.close();
    const e = py('error', f32, out);
    rows.push({ op: 'float32 dot error vs float64 (max / mean, relative to sum |a_i q_i|)', embed: true, error: e });
  }
  a.close();
  for (const dt of ['float16', 'float64', 'int8']) {
    const f = file(dt);
    const b = openNpy(f, { mode: 'r' });
    const tb = await time({ search: () => b.search(q1, { k: 10, metric: 'cosine' }) }, 3);
    const nb = np(f, 'search1', 2);
    rows.push({ op: `search cosine k=10, 1 query, ${dt} rows`, embed: true, gbps: b.nbytes / tb.search / 1e9, numpy: nb && nb / tb.search });
    b.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { shutdown } = await import('./common.mjs');
  console.log(JSON.stringify(await run(), null, 1));
  await shutdown();
}
