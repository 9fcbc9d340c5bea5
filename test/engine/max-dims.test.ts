/**
 * Up to 64 dimensions (numpy 2.x's NPY_MAXDIMS) everywhere: layouts, views, reductions, apply, .npy,
 * and the native glue itself (whose descriptors must carry 64 uncoalesced dims); 65 is numpy's error.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createNpy, dtype, memmap, openNpy } from '../../dist/src/index.js';
import { MAX_DIMS } from '../../dist/src/layout.js';
import { compileExpr } from '../../dist/src/expr/index.js';
import { KERNEL_IDS, MAP_SHARED, native } from '../../dist/src/native.js';
import { caught, tempDir } from '../helpers.js';

const tmp = tempDir('ndmmap-maxdims-');
afterAll(() => tmp.remove());

const TOO_MANY = /^maximum supported dimension for an ndarray is currently 64, found 65$/;

/** 64 dims of 1, with 2 at `twos`: 2^twos.length elements. */
const shapeWith = (twos: number[], n = 64): number[] => Array.from({ length: n }, (_, k) => (twos.includes(k) ? 2 : 1));
const TWOS = [0, 21, 42, 63];
const SHAPE = shapeWith(TWOS);
/** C-order element strides of SHAPE. */
const cStrides = (shape: number[]): number[] => shape.map((_, k) => shape.slice(k + 1).reduce((a, b) => a * b, 1));
/** Value at a 16-element multi-index over the four axes of size 2: its C-order flat index. */
const at = (i0: number, i21: number, i42: number, i63: number): number => 8 * i0 + 4 * i21 + 2 * i42 + i63;

describe('64-d arrays end to end', () => {
  it('MAX_DIMS is 64, as numpy 2.x', () => expect(MAX_DIMS).toBe(64));

  it('memmap, get, slice, transpose, sum (all and along an axis), argmax, apply', async () => {
    const a = memmap(tmp.file('a64.f8'), { dtype: 'float64', mode: 'w+', shape: SHAPE });
    expect(a.ndim).toBe(64);
    a.assign(Float64Array.from({ length: 16 }, (_, i) => i));
    const idx = (i0: number, i21: number, i42: number, i63: number): number[] => SHAPE.map((_, k) => (k === 0 ? i0 : k === 21 ? i21 : k === 42 ? i42 : k === 63 ? i63 : 0));
    expect(a.get(...idx(1, 0, 1, 1))).toBe(at(1, 0, 1, 1));
    expect(await a.sum()).toBe(120);
    expect(await a.argmax()).toBe(15);

    // A view: flip axis 0, drop axis 21 (index 1); 63 dims left, not contiguous.
    const v = a.slice('::-1', ...Array(20).fill(null), 1);
    expect(v.ndim).toBe(63);
    expect(v.order).toBe('K');
    expect(await v.sum()).toBe([0, 1].flatMap((i0) => [0, 1].flatMap((i42) => [0, 1].map((i63) => at(i0, 1, i42, i63)))).reduce((s, x) => s + x, 0));

    // Sum along axis 21: the result is 63-d with 2s at 0, 41, 62.
    const r = await a.sum({ axis: 21 });
    expect(r.shape).toEqual(shapeWith([0, 41, 62], 63));
    const want: number[] = [];
    for (const i0 of [0, 1]) for (const i42 of [0, 1]) for (const i63 of [0, 1]) want.push(at(i0, 0, i42, i63) + at(i0, 1, i42, i63));
    expect([...(r.data as Float64Array)]).toEqual(want);
    // ...and along the last axis of the transposed (F-order) view.
    // a.T[t0, …, t63] is a[t63, …, t0]: its axis 63 is a's axis 0, its 2s sit at 0, 21, 42, 63.
    const t = await a.T.max({ axis: 63 });
    expect(t.shape).toEqual(shapeWith([0, 21, 42], 63));
    const wantT: number[] = [];
    for (const t0 of [0, 1]) for (const t21 of [0, 1]) for (const t42 of [0, 1]) wantT.push(at(1, t42, t21, t0));
    expect([...(t.data as Float64Array)]).toEqual(wantT);

    // apply between 64-d views of different layouts: out[...] = x * 2 + 1 from the transposed array.
    const out = memmap(tmp.file('o64.f8'), { dtype: 'float64', mode: 'w+', shape: [...SHAPE].reverse() });
    await a.T.apply('x * 2 + 1', { out });
    expect(out.get(...idx(1, 1, 0, 1).reverse())).toBe(2 * at(1, 1, 0, 1) + 1);
    const flatOut = (out.reshape(-1).toArray() as number[]);
    const flatT = (a.T.toArray() as unknown[]).flat(64) as number[];
    expect(flatOut).toEqual(flatT.map((x) => 2 * x + 1));
    a.close(); out.close();
  });

  it('createNpy and openNpy of a 64-d array', () => {
    const f = tmp.file('a64.npy');
    const a = createNpy(f, { dtype: 'int16', shape: SHAPE });
    a.assign(Int16Array.from({ length: 16 }, (_, i) => i - 8));
    a.close();
    const b = openNpy(f, { mode: 'r' });
    expect(b.shape).toEqual(SHAPE);
    expect(b.get(...SHAPE.map(() => 0))).toBe(-8);
    b.close();
  });

  it('65 dims are refused with numpy\'s message: memmap, createNpy, reshape, a .npy header', () => {
    const s65 = Array(65).fill(1);
    const f = tmp.file('x.f8');
    expect(caught(() => memmap(f, { dtype: 'float64', mode: 'w+', shape: s65 }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(TOO_MANY) });
    expect(fs.existsSync(f)).toBe(false);
    expect(caught(() => createNpy(tmp.file('x.npy'), { shape: s65 }))).toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(TOO_MANY) });
    const a = memmap(f, { dtype: 'float64', mode: 'w+', shape: [4] });
    expect(caught(() => a.reshape(s65))).toMatchObject({ code: 'ERR_OUT_OF_RANGE', message: expect.stringMatching(TOO_MANY) });
    expect(a.reshape(Array(64).fill(1).map((d, k) => (k === 5 ? 4 : d))).ndim).toBe(64);
    a.close();
    const hdr = `{'descr': '<f8', 'fortran_order': False, 'shape': (${s65.join(', ')}), }`;
    const pad = 64 - ((10 + hdr.length + 1) % 64);
    const npy = tmp.file('h65.npy');
    fs.writeFileSync(npy, Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), Buffer.from(Uint16Array.of(hdr.length + pad + 1).buffer), Buffer.from(hdr + ' '.repeat(pad) + '\n', 'latin1'), Buffer.alloc(8)]));
    expect(caught(() => openNpy(npy, { mode: 'r' }))).toMatchObject({ code: 'ERR_NDMMAP_NPY', message: expect.stringMatching(/maximum supported dimension for an ndarray is currently 64, found 65/) });
  });
});

describe('native glue takes 64 dims (uncoalesced), refuses 65', () => {
  // The planners drop unit dims and merge runs, so real calls reach the addon with few dims; these
  // call it directly with every one of 64 dims, as a layout with 64 non-mergeable dims would.
  const file = tmp.file('native.f8');
  fs.writeFileSync(file, Buffer.from(Float64Array.from({ length: 32 }, (_, i) => (i < 16 ? i : 0)).buffer));
  const fd = fs.openSync(file, 'r+');
  const id = native.map(fd, MAP_SHARED, 0, 256);
  fs.closeSync(fd);
  afterAll(() => native.unmap(id));
  const f8 = dtype('f8').code;
  const strides = cStrides(SHAPE);

  /** A reduce descriptor (src/engine/execute.cts): out dims are SHAPE[0..nOut), reduced dims the rest. */
  const desc = (kernel: number, shape: number[], nOut: number): Float64Array => {
    const st = cStrides(shape);
    const outMul = cStrides(shape.slice(0, nOut));
    const dims = shape.flatMap((n, k) => [n, k < nOut ? outMul[k] : st[k], 8 * st[k]]);
    return Float64Array.from([kernel, f8, 1, nOut, shape.length - nOut, 0, 0, -1, 0, 0, -1, id, f8, 0, 0, ...dims]);
  };

  it('reduce: 64 reduced dims, and 40 kept + 24 reduced', () => {
    const out = new Float64Array(3);
    native.reduce(desc(KERNEL_IDS.sum_float, SHAPE, 0), out);
    expect(out[0]).toBe(120);
    native.reduce(desc(KERNEL_IDS.argmax, SHAPE, 0), out);
    expect(new BigInt64Array(out.buffer)[1]).toBe(15n);
    const out4 = new Float64Array(4 * 3); // 4 kept outputs (2s at 0 and 21), 3 slots each (s, c, n)
    native.reduce(desc(KERNEL_IDS.sum_float, SHAPE, 40), out4);
    expect([0, 1, 2, 3].map((o) => out4[o * 3])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]].map(([i0, i21]) => at(i0, i21, 0, 0) + at(i0, i21, 0, 1) + at(i0, i21, 1, 0) + at(i0, i21, 1, 1)));
  });

  it('reduce: 65 kept or 65 reduced dims are refused', () => {
    const s65 = [...SHAPE, 1];
    expect(caught(() => native.reduce(desc(KERNEL_IDS.sum_float, s65, 0), new Float64Array(4)))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(caught(() => native.reduce(desc(KERNEL_IDS.sum_float, s65, 65), new Float64Array(4)))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('apply: 64 dims, out = x * 2 + 1; 65 dims refused', () => {
    const p = compileExpr('x * 2 + 1', { inputs: [dtype('f8')] });
    const operand = (pos: number, n = 64): number[] => [id, f8, 0, pos, ...strides.map((s) => 8 * s), ...Array(n - 64).fill(8)];
    native.apply(p.code, p.consts, Float64Array.from([64, 1, ...SHAPE, ...operand(128), ...operand(0)]));
    const b = fs.readFileSync(file);
    expect(Array.from({ length: 16 }, (_, i) => b.readDoubleLE(128 + 8 * i))).toEqual(Array.from({ length: 16 }, (_, i) => 2 * i + 1));
    expect(caught(() => native.apply(p.code, p.consts, Float64Array.from([65, 1, ...SHAPE, 1, ...operand(128, 65), ...operand(0, 65)]))))
      .toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});
