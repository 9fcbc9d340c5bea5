/**
 * numpy's dtype for every operator and function over every dtype and dtype pair, and over Python
 * numbers (NEP 50), from test/fixtures/expr/types.json (made by make_types.py): ndmmap's compiler must
 * give the same result dtype, or refuse with ERR_NDMMAP_EXPR carrying numpy's own message.
 */
import { describe, expect, it } from 'vitest';
import { dtype } from '../../dist/src/dtype.js';
import { compileExpr } from '../../dist/src/expr/index.js';
import { manifest } from '../helpers.js';

interface Case { expr: string; vars: Record<string, string>; numpy: string | ['error', string, string] }

const { numpy, cases } = manifest<{ numpy: string; cases: Case[] }>('expr', 'types.json');

function ours(c: Case): string | { code: string; message: string } {
  const vars = Object.fromEntries(Object.entries(c.vars).map(([k, v]) => [k, dtype(v)]));
  try {
    return compileExpr(c.expr, { vars }).dtype;
  } catch (e) {
    return e as { code: string; message: string };
  }
}

describe(`result dtypes against numpy ${numpy}`, () => {
  it('has every operator and function', () => {
    expect(cases.length).toBeGreaterThan(9000);
    const ops = new Set(cases.map((c) => /^[a-z0-9]+\(|[-+*/%<>=!&|^~]+/.exec(c.expr)?.[0]));
    expect(ops.size).toBeGreaterThan(60);
  });

  // One test per operator or function, each checking all its dtype combinations.
  const groups = new Map<string, Case[]>();
  for (const c of cases) {
    const key = /^(\w+)\(/.exec(c.expr)?.[1] ?? c.expr.replace(/\b(a|b|c)\b|[\d.e*]+|True|-(?=\d)/g, '').trim();
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const [key, group] of groups) {
    it(`${key} (${group.length} dtype combinations)`, () => {
      const bad: string[] = [];
      for (const c of group) {
        const got = ours(c);
        const want = c.numpy;
        const where = `${c.expr} over ${JSON.stringify(c.vars)}`;
        if (typeof want === 'string' && want.startsWith('complex')) {
          // complex results are not supported: a clear error instead
          if (typeof got === 'string' || got.code !== 'ERR_NDMMAP_EXPR') bad.push(`${where}: numpy ${want}, ndmmap ${JSON.stringify(got)}`);
        } else if (typeof want === 'string') {
          if (got !== want) bad.push(`${where}: numpy ${want}, ndmmap ${typeof got === 'string' ? got : got.message}`);
        } else if (typeof got === 'string' || got.code !== 'ERR_NDMMAP_EXPR' || !got.message.includes(want[2])) {
          bad.push(`${where}: numpy ${want[1]}: ${want[2]}; ndmmap ${typeof got === 'string' ? got : got.message}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
