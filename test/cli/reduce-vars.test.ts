/**
 * `--var NAME=FILE|NUMBER` on the reduction commands (issue 22): the fused reduction of an expression of
 * x and .npy vars, as the library's `sum({ expr, vars })` gives it; numbers only in a partial state.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createNpy, type NDResult, shutdown } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';
import { ndmmap } from './helpers.js';

const tmp = tempDir('ndmmap-cli-vars-');
afterAll(async () => { await shutdown(); tmp.remove(); });

async function files(): Promise<{ a: string; mu: string; sd: string; want: number[]; total: number }> {
  const a = createNpy(tmp.file('a.npy'), { dtype: 'float64', shape: [50, 3] });
  await a.apply('cos(i * 0.7) * 5 + i1');
  const mu = (await a.mean({ axis: 0 })) as NDResult, sd = (await a.std({ axis: 0 })) as NDResult;
  const m = createNpy(tmp.file('mu.npy'), { dtype: 'float64', shape: [3] });
  const s = createNpy(tmp.file('sd.npy'), { dtype: 'float64', shape: [3] });
  (m.typedArray() as Float64Array).set(mu.data as Float64Array);
  (s.typedArray() as Float64Array).set(sd.data as Float64Array);
  const want = [...((await a.sum({ expr: '((x - mu) / sd) ** 2', vars: { mu: m, sd: s }, axis: 0 })) as NDResult).data] as number[];
  const total = (await a.sum({ expr: 'x * k + 1', vars: { k: 2 } })) as number;
  for (const f of [a, m, s]) f.close();
  return { a: tmp.file('a.npy'), mu: tmp.file('mu.npy'), sd: tmp.file('sd.npy'), want, total };
}

describe('reductions take --var', () => {
  it('reduces an expression of x and .npy vars (broadcast) or numbers', async () => {
    const f = await files();
    const r = ndmmap(['sum', f.a, '--expr', '((x - mu) / sd) ** 2', '--var', `mu=${f.mu}`, '--var', `sd=${f.sd}`, '--axis', '0', '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).result).toEqual(f.want);
    const k = ndmmap(['sum', f.a, '--expr', 'x * k + 1', '--var', 'k=2', '--json', '--quiet']);
    expect(JSON.parse(k.stdout).result).toBe(f.total);
    const w = ndmmap(['max', f.a, '--where', 'x < lim', '--var', 'lim=1.5', '--initial', '-100', '--json', '--quiet']);
    expect(JSON.parse(w.stdout).result).toBeLessThan(1.5);
    // a partial state records number vars; an array var does not shard
    const p = ndmmap(['sum', f.a, '--expr', 'x * k', '--var', 'k=3', '--partial', '--rows', '0:10']);
    expect(JSON.parse(p.stdout).options.vars).toEqual({ k: '3' });
    const bad = ndmmap(['sum', f.a, '--expr', 'x * k', '--var', `k=${f.mu}`, '--partial', '--rows', '0:10']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/number vars only/);
  });

  it('refuses --var without an expression, a malformed or repeated var, a file that is not a .npy', async () => {
    const f = await files();
    for (const [args, msg] of [
      [['sum', f.a, '--var', 'k=2'], /--var names a variable of --expr or --where/],
      [['sum', f.a, '--expr', 'x', '--var', 'k'], /sum: --var must be NAME=FILE or NAME=NUMBER/],
      [['sum', f.a, '--expr', 'x', '--var', 'k=1', '--var', 'k=2'], /sum: --var k is given twice/],
      [['sum', f.a, '--expr', 'x', '--var', 'k=data.bin'], /a file must be a .npy/],
    ] as const) {
      const r = ndmmap([...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});
