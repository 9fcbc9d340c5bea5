// argmin/argmax of integers stop a run at the type's own extreme (native KArg::TwoPass: 255 of uint8,
// -128 of int8, true of bool, 32767 of int16; no later element can win, not even a tie) and take
// 16 KiB chunks. The first index holding the extreme, against a JS scan: the bound first, last, twice,
// absent, in every chunk; flipped and stepped views (indices fall: no early end), along axes, 1 and 2
// threads, arrays of several blocks.
import { afterAll, describe, expect, it } from 'vitest';
import { memmap, shutdown } from '../../dist/src/index.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-argbound-', { memory: true });
afterAll(async () => { await shutdown(); tmp.remove(); });

const TYPES = {
  uint8: { lo: 0, hi: 255, A: Uint8Array },
  int8: { lo: -128, hi: 127, A: Int8Array },
  int16: { lo: -32768, hi: 32767, A: Int16Array },
  bool: { lo: 0, hi: 1, A: Uint8Array },
} as const;

/** numpy's argmax/argmin of the `len` values get(0..len-1): the first index of the extreme. */
function argRef(len: number, get: (i: number) => number, max: boolean): number {
  let b = 0, bv = get(0);
  for (let i = 1; i < len; i++) { const x = get(i); if (max ? x > bv : x < bv) { b = i; bv = x; } }
  return b;
}

describe('argmin/argmax at the type bound', () => {
  for (const [dt, t] of Object.entries(TYPES)) {
    it(`${dt}: the first extreme wherever the bound sits, views, axes, threads`, async () => {
      const n = 3 * 2 ** 20 + 5; // several 1 MiB+ blocks and 16 KiB chunks
      let s = 7;
      const rnd = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
      // values strictly inside the range (bool: all false); the bounds are planted per case
      const base = new t.A(n);
      for (let i = 0; i < n; i++) base[i] = dt === 'bool' ? 0 : t.lo + 1 + Math.floor(rnd() * (t.hi - t.lo - 1));
      const places: Array<[string, number[]]> = [['absent', []], ['first', [0]], ['last', [n - 1]], ['twice', [123_457, 2_500_001]], ['chunk edge', [16_384, 16_383 + 16_384]], ['many', [5, 70_000, 1_048_576, 3_000_000]]];
      for (const [name, at] of places) {
        const a = memmap(tmp.file(`${dt}-${name}.bin`), { dtype: dt, mode: 'w+', shape: [n] });
        const v = a.typedArray() as Uint8Array | Int8Array | Int16Array;
        v.set(base);
        for (const i of at) v[i] = t.hi;
        for (const i of at) if (i + 7 < n) v[i + 7] = t.lo;
        a.flush();
        const views = [
          ['a', a, n, (i: number) => v[i]],
          ['flip', a.slice('::-1'), n, (i: number) => v[n - 1 - i]],
          ['step', a.slice('1::3'), Math.floor((n - 1 + 2) / 3), (i: number) => v[1 + 3 * i]],
        ] as const;
        const want = views.map(([, , len, get]) => [argRef(len, get, true), argRef(len, get, false)]);
        for (const threads of [1, 2]) {
          for (const [k, [vn, view]] of views.entries()) {
            expect(await view.argmax({ threads }), `${name} ${vn} max ${threads}`).toBe(want[k][0]);
            expect(await view.argmin({ threads }), `${name} ${vn} min ${threads}`).toBe(want[k][1]);
          }
          // along axis 1 of rows of 65,537 (each row its own run) and axis 0
          const m = a.slice(`:${65_537 * 47}`).reshape([47, 65_537]);
          const rows = (await m.argmax({ axis: 1, threads })).data;
          for (const r of [0, 1, 15, 46]) expect(Number(rows[r]), `${name} row ${r}`).toBe(argRef(65_537, (i) => v[r * 65_537 + i], true));
          const cols = (await m.argmin({ axis: 0, threads })).data;
          for (const c of [0, 5, 65_536]) expect(Number(cols[c]), `${name} col ${c}`).toBe(argRef(47, (r) => v[r * 65_537 + c], false));
        }
        a.close();
      }
    }, 120_000);
  }
});
