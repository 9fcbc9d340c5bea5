// Fused reductions take vars as apply does (issue 22): `sum({ expr: '((x - mu) / sd) ** 2', vars: { mu, sd } })`
// with MemMaps, typed arrays, reduction results and numbers, broadcast as numpy broadcasts them, inline
// and on the pool. Each is checked against apply() of the same expression into a file and the plain
// reduction of that file: the same values, summed in other runs (a broadcast var keeps the dims from
// coalescing), so equal to the last few bits.
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, type MemMap, type NDResult, reduce } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-reduce-vars-');
afterAll(() => tmp.remove());

async function table(name: string, rows: number, cols: number): Promise<MemMap> {
  const a = memmap(tmp.file(name), { dtype: 'float64', mode: 'w+', shape: [rows, cols] });
  await a.apply('sin(i * 0.37) * 10 + i1 * 3');
  return a;
}

/** The reduction of `expr` over `a` with `vars`, computed the long way: apply into a file, then reduce it. */
async function longWay(op: string, a: MemMap, expr: string, vars: Record<string, unknown>, opts: Record<string, unknown>, shape = a.shape): Promise<unknown> {
  const t = memmap(tmp.file(`t${Math.random()}`), { dtype: 'float64', mode: 'w+', shape });
  await a.apply(expr, { vars: vars as never, out: t });
  const r = await reduce(op, t, opts);
  t.close();
  return r;
}

const values = (r: unknown): number[] => (typeof r === 'object' && r !== null && 'data' in r ? [...(r as NDResult).data].map(Number) : [Number(r)]);

/** Equal but for the rounding of other summation orders: 1e-12 of the larger magnitude (plus 1e-12). */
function near(got: unknown, want: unknown, what: string): void {
  const g = values(got), w = values(want);
  expect(g.length, what).toBe(w.length);
  g.forEach((x, i) => expect(Math.abs(x - w[i]), `${what}[${i}]: ${x} vs ${w[i]}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(w[i]))));
}

describe('reductions read vars as apply does', () => {
  for (const rows of [5, 40_000]) {
    it(`standardised squares, every form of var (${rows} rows: ${rows > 1000 ? 'pool' : 'inline'})`, async () => {
      const a = await table(`a${rows}`, rows, 3);
      const mu = (await a.mean({ axis: 0 })) as NDResult;
      const sd = (await a.std({ axis: 0 })) as NDResult;
      const muFile = memmap(tmp.file(`mu${rows}`), { dtype: 'float64', mode: 'w+', shape: [1, 3] });
      (muFile.typedArray() as Float64Array).set(mu.data as Float64Array);
      const forms: Record<string, unknown>[] = [
        { mu, sd },                                                           // reduction results
        { mu: muFile, sd: sd.data },                                          // a MemMap of shape (1, 3), a typed array
        { mu: { data: mu.data, shape: [1, 3] }, sd: { data: Float32Array.from(sd.data as Float64Array), shape: [3] } },
        { mu: 2.5, sd: { float: 2 } },                                        // Python numbers
      ];
      const e = '((x - mu) / sd) ** 2';
      for (const vars of forms) {
        const pool = rows > 1000; // the pool case: fewer combinations, each a few passes over 1 MB
        for (const opts of pool ? [{}, { axis: 0 }] : [{}, { axis: 0 }, { axis: 1, keepdims: true }]) {
          for (const op of pool ? ['sum', 'max'] : ['sum', 'mean', 'max', 'var']) {
            const got = await reduce(op, a, { expr: e, vars: vars as never, ...opts });
            const want = await longWay(op, a, e, vars, opts);
            near(got, want, `${op} ${JSON.stringify(opts)} with ${Object.values(vars).map((v) => v?.constructor?.name ?? typeof v).join(',')}`);
          }
        }
      }
      const chi = (await a.sum({ expr: e, vars: { mu, sd }, axis: 0 })) as NDResult;
      for (const v of chi.data as Float64Array) expect(v).toBeCloseTo(rows, 6); // squares of a standardised column sum to n
      muFile.close();
      a.close();
    });
  }

  it('vars broadcast the reduced shape beyond x, and where masks and expressions read them too', async () => {
    const a = await table('b', 4, 3);
    const col = { data: Float64Array.of(1, 2, 3, 4), shape: [4, 1] };
    const got = await a.sum({ expr: 'x * c', vars: { c: col }, axis: 1 });
    near(got, await longWay('sum', a, 'x * c', { c: col }, { axis: 1 }), 'x * c');
    const lim = { data: Float64Array.of(0, 5, 100), shape: [3] };
    const masked = await a.sum({ where: 'x > lim', vars: { lim }, axis: 0 });
    near(masked, await longWay('sum', a, 'where(x > lim, x, 0)', { lim }, { axis: 0 }), 'where x > lim');
    // (4,3) with a (2,1,3) var: the expression's shape is (2,4,3), as numpy's x * v
    const v3 = { data: Float64Array.of(1, 2, 3, -1, -2, -3), shape: [2, 1, 3] };
    const big = await a.sum({ expr: 'x * v', vars: { v: v3 }, axis: [0, 1] });
    near(big, await longWay('sum', a, 'x * v', { v: v3 }, { axis: [0, 1] }, [2, 4, 3]), 'x * v of (2,1,3)');
    a.close();
  });

  it("refuses what numpy refuses, before any work: shapes that do not broadcast, names taken, vars without an expression", async () => {
    const a = await table('c', 4, 3);
    await expect(a.sum({ expr: 'x * v', vars: { v: Float64Array.of(1, 2) } })).rejects.toMatchObject({
      code: 'ERR_NDMMAP_SHAPE', message: 'operands could not be broadcast together with shapes (4,3) (2,)',
    });
    await expect(a.sum({ expr: 'x', vars: { x: 1 } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(a.sum({ vars: { k: 1 } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: /give one of them/ });
    await expect(a.sum({ expr: 'x * k', vars: { k: 'two' as never } })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(a.argmax({ expr: 'x * k', vars: { k: 2 } })).resolves.toBe(await a.argmax({ expr: 'x * 2' }));
    a.close();
  });
});
