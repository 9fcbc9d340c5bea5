// Shard layouts and fan-in trees: every row in exactly one shard, in order; trees with at most fanIn
// children per node and every leaf once, in order.
import { describe, expect, it } from 'vitest';
import { NdmmapError } from '../../dist/src/index.js';
import { defaultShards, fanInTree, foldTree, shardCount, shardRange, shardRanges, type MergeTree } from '../../dist/src/engine/shards.js';

const leaves = (t: MergeTree[]): number[] => t.flatMap((x) => (typeof x === 'number' ? [x] : leaves(x)));
const width = (t: MergeTree[]): number => Math.max(t.length, ...t.map((x) => (typeof x === 'number' ? 0 : width(x))));

describe('shards', () => {
  it('cut rows into near-equal contiguous ranges, or R rows each', () => {
    expect(shardRanges(10, { shards: 4 })).toEqual([[0, 2], [2, 5], [5, 7], [7, 10]]);
    expect(shardRanges(10, { rowsPerShard: 4 })).toEqual([[0, 4], [4, 8], [8, 10]]);
    expect(shardRanges(2, { shards: 4 })).toEqual([[0, 0], [0, 1], [1, 1], [1, 2]]);
    expect(shardRanges(0, { rowsPerShard: 3 })).toEqual([[0, 0]]);
    for (const [n, s] of [[1, 1], [1000, 64], [2 ** 40 + 3, 1000], [63, 64]]) {
      const r = shardRanges(n, { shards: s });
      expect(r.length).toBe(s);
      expect(r[0][0]).toBe(0);
      expect(r[r.length - 1][1]).toBe(n);
      r.forEach(([a, b], i) => { expect(b).toBeGreaterThanOrEqual(a); if (i) expect(a).toBe(r[i - 1][1]); });
    }
    expect(shardRange(2 ** 40 + 3, 999, { shards: 1000 })[1]).toBe(2 ** 40 + 3);
    expect(shardCount(10, { rowsPerShard: 10 })).toBe(1);
    expect(defaultShards(10, 2 ** 31)).toEqual({ shards: 10 });
    expect(defaultShards(10 ** 6, 2 ** 31)).toEqual({ shards: 16 });
  });

  it('refuse bad counts and indices', () => {
    const bad: Array<[() => unknown, string]> = [
      [() => shardRange(10, 4, { shards: 4 }), 'ERR_OUT_OF_RANGE'], [() => shardRange(10, -1, { shards: 4 }), 'ERR_OUT_OF_RANGE'],
      [() => shardCount(10, { shards: 0 }), 'ERR_OUT_OF_RANGE'], [() => shardCount(10, { shards: 2 ** 21 }), 'ERR_OUT_OF_RANGE'],
      [() => shardCount(10, { rowsPerShard: 1.5 }), 'ERR_INVALID_ARG_VALUE'], [() => shardCount(10, {}), 'ERR_INVALID_ARG_VALUE'],
      [() => shardCount(10, { shards: 2, rowsPerShard: 2 }), 'ERR_INVALID_ARG_VALUE'], [() => fanInTree(10, 1), 'ERR_OUT_OF_RANGE'],
    ];
    for (const [fn, code] of bad) {
      let err: unknown;
      try { fn(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(NdmmapError);
      expect((err as NdmmapError).code).toBe(code);
    }
  });
});

describe('fan-in trees', () => {
  it('group consecutive leaves, at most fanIn per node, every leaf once in order', () => {
    expect(fanInTree(3, 16)).toEqual([0, 1, 2]);
    expect(fanInTree(5, 2)).toEqual([[[0, 1], [2, 3]], 4]);
    expect(fanInTree(64, 16)).toEqual([0, 1, 2, 3].map((g) => Array.from({ length: 16 }, (_, i) => g * 16 + i)));
    expect(fanInTree(0, 16)).toEqual([]);
    for (const [n, f] of [[1, 2], [17, 16], [1000, 16], [4097, 8], [100, 100]]) {
      const t = fanInTree(n, f);
      expect(leaves(t)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(width(t)).toBeLessThanOrEqual(f);
    }
  });

  it('fold bottom-up in row order', () => {
    const out = foldTree(fanInTree(7, 3), (i) => String(i), (c) => `(${c.join(' ')})`);
    expect(out).toEqual(['(0 1 2)', '(3 4 5)', '6']);
  });
});
