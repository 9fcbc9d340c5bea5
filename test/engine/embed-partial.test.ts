// Shards: search/topk over row ranges, merged (in any order, through JSON), equal one run over every row;
// merges refuse states that disagree, overlap, leave rows out or are malformed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeTopkPartials, openNpy, search, searchPartial, topk, topkPartial, type MemMap } from '../../dist/src/index.js';
import { FIXTURES } from '../helpers.js';

const open = (f: string): MemMap => openNpy(join(FIXTURES, 'embed', f), { mode: 'r' });
const viaJson = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const plain = (r: object): unknown => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : ArrayBuffer.isView(v) ? [...(v as unknown as ArrayLike<unknown>)].map(String) : v)));

describe('search shards', () => {
  for (const metric of ['dot', 'cosine', 'l2'] as const) {
    it(`${metric}: 4 shards merged (shuffled, through JSON) equal the whole`, async () => {
      const a = open('s_float32_200x37.npy');
      const q = open('q_float32_5x37.npy');
      const whole = await search(a, q, { k: 12, metric });
      const cuts = [0, 3, 100, 151, 200];
      const parts = [];
      for (let i = 0; i < 4; i++) parts.push(viaJson(await searchPartial(a, q, { k: 12, metric, rows: [cuts[i], cuts[i + 1]] })));
      expect(plain(mergeTopkPartials([parts[2], parts[0], parts[3], parts[1]]))).toEqual(plain(whole));
      a.close();
      q.close();
    });
  }

  it('refuses states that disagree, overlap, leave rows out or are malformed', async () => {
    const a = open('s_float32_200x37.npy');
    const q = open('q_float32_5x37.npy');
    const p1 = await searchPartial(a, q, { k: 3, rows: [0, 100] });
    const p2 = await searchPartial(a, q, { k: 3, rows: [100, 200] });
    const other = await searchPartial(a, { data: q.typedArray().map((x) => x + 1), shape: [5, 37] }, { k: 3, rows: [100, 200] });
    const code = { code: 'ERR_NDMMAP_PARTIAL' };
    expect(() => mergeTopkPartials([p1])).toThrow(expect.objectContaining({ ...code, message: 'rows 100:200 are missing from the partial states' }));
    expect(() => mergeTopkPartials([p1, p1, p2])).toThrow(expect.objectContaining(code));
    expect(() => mergeTopkPartials([p1, other])).toThrow(expect.objectContaining(code));
    expect(() => mergeTopkPartials([{ ...p1, format: 'x' }, p2])).toThrow(expect.objectContaining(code));
    const bad = viaJson(p1);
    bad.state[0][0] = ['1', 'x', '2'];
    expect(() => mergeTopkPartials([bad, p2])).toThrow(expect.objectContaining(code));
    const many = viaJson(p1);
    many.state[0].push(['1', '2', '3']);
    expect(() => mergeTopkPartials([many, p2])).toThrow(expect.objectContaining(code));
    expect(() => mergeTopkPartials([])).toThrow(expect.objectContaining(code));
    a.close();
    q.close();
  });
});

describe('topk shards', () => {
  for (const [file, axis] of [['t_float32_6x50.npy', null], ['t_float32_6x50.npy', 0], ['t_int8_6x50.npy', -1], ['t_uint64_6x50.npy', null]] as const) {
    for (const largest of [true, false]) {
      it(`${file} axis ${axis} ${largest ? 'largest' : 'smallest'}: shards merged equal the whole`, async () => {
        const a = open(file);
        const k = 4;
        const whole = await topk(a, k, { axis, largest });
        const cuts = [0, 1, 1, 4, 6];
        const parts = [];
        for (let i = 0; i < 4; i++) parts.push(viaJson(await topkPartial(a, k, { axis, largest, rows: [cuts[i], cuts[i + 1]] })));
        expect(plain(mergeTopkPartials([parts[3], parts[1], parts[0], parts[2]]))).toEqual(plain(whole));
        a.close();
      });
    }
  }
});
