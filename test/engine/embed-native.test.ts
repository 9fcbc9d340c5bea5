// The embeddings glue trusts nothing it is given: every bad descriptor, size or state from JS is an
// error with a code, never a crash or a read outside a mapping.
import { afterAll, describe, expect, it } from 'vitest';
import { createNpy } from '../../dist/src/index.js';
import { native } from '../../dist/src/native.js';
import { tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-embed-native-');
afterAll(() => tmp.remove());

describe('native embed glue', () => {
  const a = createNpy(tmp.file('a.npy'), { dtype: 'float32', shape: [10, 4] });
  a.typedArray().set(Float32Array.from({ length: 40 }, (_, i) => i));
  const id = a.mapping.id, pos = a.layout.byteOffset;
  // [op, mode, metric, k, Q, D, rowStart, rowCount, slot, outType, storeType, id, dtype, swap, pos, colStride, nLead, filter x5, shape, strides]
  const good = (): number[] => [1, 10, 0, 2, 1, 4, 0, 10, 0, 0, 0, id, 10, 0, pos, 4, 1, -1, 0, 0, 0, 0, 10, 16];
  const q = new Float32Array(4).fill(1);

  it('runs a good search block', () => {
    const out = new BigUint64Array(1 + 3 * 2);
    native.embed(Float64Array.from(good()), q, out);
    expect(out[0]).toBe(2n);
    expect([out[2], out[5]]).toEqual([9n, 8n]);
  });

  it('refuses bad descriptors, sizes and blocks outside the mapping', () => {
    const out = new BigUint64Array(7);
    const bad = (patch: Record<number, number>, o: ArrayBufferView = out, qq: ArrayBufferView = q): void => {
      const d = good();
      for (const [k, v] of Object.entries(patch)) d[Number(k)] = v;
      expect(() => native.embed(Float64Array.from(d), qq, o)).toThrow(expect.objectContaining({ code: expect.stringMatching(/^ERR_/) }));
    };
    bad({ 0: 7 });              // op
    bad({ 1: 3 });              // mode
    bad({ 2: 9 });              // metric
    bad({ 3: 0 });              // k
    bad({ 4: 65 });             // Q
    bad({ 7: 11 });             // rows past the array
    bad({ 8: 1 });              // slot past out
    bad({ 22: 11 });            // rows past the mapping
    bad({ 23: 1 << 20 });       // stride past the mapping
    bad({ 14: -4 });            // before the mapping
    bad({ 12: 99 });            // dtype
    bad({ 11: 123456 });        // no such mapping
    bad({ 17: id, 18: 10 });    // filter not bool
    bad({ 17: id, 18: 0, 21: 1 << 30 }); // filter past the mapping
    bad({}, out, new Float32Array(3)); // queries too short
    bad({}, new Float64Array(7));      // out not BigUint64
    expect(() => native.embed(Float64Array.from(good().slice(0, 10)), q, out)).toThrow();
    expect(() => native.embed(Float64Array.from([...good(), 1]), q, out)).toThrow();
    bad({ 0: 0, 9: 10, 10: 10 }, new Float32Array(9)); // dot out too small
    bad({ 0: 0, 9: 99, 10: 10 }, new Float32Array(10)); // bad out dtype
  });

  it('refuses bad topk descriptors and merge states', () => {
    const out = new BigUint64Array(10 * 7);
    const d = [1, 1, 0, 0, id, 10, 0, pos, 10, 1, 16, 4, 1, 4];
    native.topk(Float64Array.from(d), out, 2, true);
    expect(out[0]).toBe(2n);
    expect(() => native.topk(Float64Array.from(d), out.subarray(0, 60), 2, true)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => native.topk(Float64Array.from(d), out, 0, true)).toThrow();
    const far = [...d]; far[13] = 1 << 20;
    expect(() => native.topk(Float64Array.from(far), out, 2, true)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    const state = new BigUint64Array(2 * 7);
    state[0] = 3n; // more than k
    expect(() => native.mergeTopk(state, 2, 2, new BigUint64Array(7))).toThrow(expect.objectContaining({ code: 'ERR_NDMMAP_PARTIAL' }));
    expect(() => native.mergeTopk(state, 3, 2, new BigUint64Array(7))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('closes', () => { a.close(); expect(a.closed).toBe(true); });
});
