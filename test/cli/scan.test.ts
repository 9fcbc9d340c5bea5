// ndmmap cumsum/cumprod/nancumsum/nancumprod/diff: printed and --out results equal numpy's
// (test/fixtures/scan), usage errors before any file, SIGINT mid-scan leaves no file behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNpy } from '../../dist/src/index.js';
import { CLI, FIX, expectError, ndmmap, tmpdir } from './helpers.js';

const dir = tmpdir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const SRC = path.join(FIX, 'scan', 'src_int8.npy');
const F64 = path.join(FIX, 'scan', 'src_float64.npy');
interface Case { src: string; view: string; fn: string; axis: unknown; dtype: string | null; out: string | null; values: string[] }
const CASES = JSON.parse(fs.readFileSync(path.join(FIX, 'scan', 'cases.json'), 'utf8')) as Case[];
const find = (src: string, fn: string, axis: unknown): string[] =>
  CASES.find((c) => c.src === src && c.fn === fn && c.view === '' && !c.dtype && !c.out && JSON.stringify(c.axis) === JSON.stringify(axis))!.values;

describe('ndmmap cumsum, diff', () => {
  it('prints numpy\'s result (--json), saves it with --out', () => {
    const r = ndmmap(['cumsum', SRC, '--axis', '0', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout).result as number[][]).flat().map(String)).toEqual(find('int8', 'cumsum', 0));
    const out = path.join(dir, 'c.npy');
    const w = ndmmap(['cumprod', F64, '--out', out, '--json']);
    expect(w.status, w.stderr).toBe(0);
    expect(JSON.parse(w.stdout)).toEqual({ out, shape: [20], dtype: 'float64' });
    const m = openNpy(out, { mode: 'r' });
    expect(Array.from(m.typedArray() as Float64Array, (v) => (Object.is(v, -0) ? '-0.0' : String(v)))).toEqual(
      find('float64', 'cumprod', null).map((s) => (s === 'nan' ? 'NaN' : s === 'inf' ? 'Infinity' : s === '-inf' ? '-Infinity' : String(Number(s))).replace(/^-0$/, '-0.0')));
    m.close();
    const d = ndmmap(['diff', SRC, '--axis', '0', '--n', '3', '--json']);
    expect(d.status, d.stderr).toBe(0);
    expect((JSON.parse(d.stdout).result as number[][]).flat().map(String)).toEqual(find('int8', 'diff', { n: 3, axis: 0 }));
    const t = ndmmap(['cumsum', SRC]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^array\(\[/);
  });

  it('usage errors before any file: bad axis, a flag of the other command, --out not .npy', () => {
    const out = path.join(dir, 'never.npy');
    expectError(ndmmap(['cumsum', SRC, '--axis', '3', '--out', out]), 2, /axis 3 is out of bounds for array of dimension 2/);
    expectError(ndmmap(['cumsum', SRC, '--n', '2', '--out', out]), 2, /--n is not an option of cumsum/);
    expectError(ndmmap(['diff', SRC, '--result-dtype', 'int8', '--out', out]), 2, /--result-dtype is not an option of diff/);
    expectError(ndmmap(['diff', SRC, '--n', '-1', '--out', out]), 2, /order must be non-negative but got -1/);
    expectError(ndmmap(['cumsum', SRC, '--out', path.join(dir, 'x.txt')]), 2, /--out must name a .npy file/);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('never') || f.startsWith('x.') || f.startsWith('.never'))).toEqual([]);
  });

  it('SIGINT during cumsum --out: exit 130, no new file nor temporary file left', async () => {
    const big = path.join(dir, 'big.f2');
    fs.writeFileSync(big, Buffer.alloc(2 * 96 * 2 ** 20, 0x3c)); // 96 Mi float16 values (the per-step rounding makes it slow)
    const out = path.join(dir, 'sig.npy');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'cumsum', big, '--dtype', 'f2', '--out', out, '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    for (let i = 0; i < 600 && !fs.readdirSync(dir).some((f) => f.startsWith('.sig.npy.')); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('close', (s) => resolve(s)));
    expect(status, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted by SIGINT/);
    expect(fs.readdirSync(dir).filter((f) => f.includes('sig'))).toEqual([]);
  }, 60_000);
});
