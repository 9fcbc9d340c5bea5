// The native gather behind take/compress (src/engine/gather-native.ts, native/gather/): many blocks on
// 2 threads equal 1 thread and a JS reference, every layout the kernel is handed (flipped, stepped,
// transposed, F order, axis 1 and -1), byte order, records and datetimes as bytes, out as a MemMap or
// a new .npy, abort with no file left, and the native entry refusing hostile descriptors.
import fs from 'node:fs';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemMap, type NDResult, apply, compress, createNpy, memmap, openNpy, take } from '../../dist/src/index.js';
import { lastPoolCall } from '../../dist/src/engine/run.js';
import { native } from '../../dist/src/native.js';
import * as contract from '../../dist/src/gen/contract.cjs';
import { abortMidCall, flat, expectEqual, tempDir } from '../helpers.js';

process.env.NDMMAP_TEST_SPREAD = '1';

let tmp: ReturnType<typeof tempDir>;
let made = 0;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

async function source(dtype: string, shape: number[], expr = 'i * 3 - 7', order: 'C' | 'F' = 'C'): Promise<MemMap> {
  const a = createNpy(tmp.file(`src-${++made}.npy`), { dtype, shape, order });
  await apply(a, expr);
  return a;
}

/** numpy's take on nested arrays: the reference every result is compared with. */
function refTake(v: unknown, axis: number, idx: readonly number[]): unknown {
  const rows = v as unknown[];
  if (axis === 0) return idx.map((i) => rows[i < 0 ? i + rows.length : i]);
  return rows.map((x) => refTake(x, axis - 1, idx));
}

const values = (r: MemMap | NDResult): unknown[] => ('toArray' in r ? flat((r as MemMap).toArray()) : Array.from(r.data as ArrayLike<unknown>));
const randomIdx = (count: number, n: number, seed: number): number[] => {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return (s % (2 * n)) - n; });
};

describe('native take', () => {
  it('many blocks on 2 threads: both threads ran, the same bytes as 1 thread and the JS reference', async () => {
    const a = await source('<f4', [3001, 64], 'sin(i * 0.001) * 1000');
    const idx = randomIdx(20_000, 3001, 7);
    const ref = flat(refTake(a.toArray(), 0, idx));
    const one = await take(a, idx, { axis: 0, threads: 1 }) as NDResult;
    let two!: NDResult;
    for (const until = Date.now() + 30_000; ;) { // until both threads ran blocks of the call compared (a busy machine)
      two = await take(a, Int32Array.from(idx), { axis: 0, threads: 2 }) as NDResult;
      const ran = lastPoolCall();
      expect(ran.blocks).toBeGreaterThanOrEqual(8);
      if (ran.workers === 2 || Date.now() > until) { expect(ran.workers).toBe(2); break; }
    }
    expectEqual(two.shape, [20_000, 64]);
    // plain ArrayBuffers, freed when dropped (a SharedArrayBuffer lived until every worker ran a full GC)
    expect(two.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(one.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(two.data.buffer).equals(Buffer.from(one.data.buffer))).toBe(true);
    expectEqual(Array.from(two.data as Float32Array), ref);
    // into a MemMap out and a new .npy, on 2 threads
    const out = createNpy(tmp.file('out.npy'), { dtype: '<f4', shape: [20_000, 64] });
    expect(await take(a, idx, { axis: 0, out, threads: 2 })).toBe(out);
    expect(Buffer.from(out.typedArray().buffer, out.typedArray().byteOffset, out.nbytes).equals(Buffer.from(one.data.buffer))).toBe(true);
    const saved = await take(a, idx, { axis: 0, out: tmp.file('new.npy'), threads: 2 }) as MemMap;
    expectEqual(Array.from(saved.typedArray() as Float32Array), ref);
    expectEqual(openNpy(tmp.file('new.npy'), { mode: 'r' }).shape, [20_000, 64]);
  });

  it('axis 1 and -1 of a large array on 2 threads (elements, not rows), 2-D indices', async () => {
    const a = await source('<i2', [4000, 96], 'i % 30011');
    const idx = [95, -1, 0, 3, 3, -96, 50];
    const nested = a.toArray();
    for (const axis of [1, -1]) {
      const r = await take(a, idx, { axis, threads: 2 }) as NDResult;
      expectEqual(r.shape, [4000, 7]);
      expectEqual(Array.from(r.data as Int16Array), flat(refTake(nested, 1, idx)));
    }
    const r2 = await take(a, { data: Int32Array.from([1, 2, -1, 0]), shape: [2, 2] }, { axis: 1, threads: 2 }) as NDResult;
    expectEqual(r2.shape, [4000, 2, 2]);
    expectEqual(Array.from(r2.data as Int16Array), flat(refTake(nested, 1, [1, 2, -1, 0])));
  });

  it('negative and wrapping, repeated, empty indices, a 1-row source, 0-d index', async () => {
    const a = await source('<f8', [5, 3]);
    const nested = a.toArray();
    const idx = [-5, 4, -1, 0, 0, 0, 2, -3];
    expectEqual(values(await take(a, idx, { axis: 0 }) as NDResult), flat(refTake(nested, 0, idx)));
    const empty = await take(a, [], { axis: 0 }) as NDResult;
    expectEqual(empty.shape, [0, 3]);
    expect(empty.data.length).toBe(0);
    const one = await source('<f4', [1, 4]);
    const r = await take(one, [0, -1, 0], { axis: 0 }) as NDResult;
    expectEqual(r.shape, [3, 4]);
    expectEqual(values(r), flat(refTake(one.toArray(), 0, [0, 0, 0])));
    const scalar = await take(a, { data: [-2], shape: [] }, { axis: 0 }) as NDResult;
    expectEqual(scalar.shape, [3]);
    expectEqual(values(scalar), flat((nested as unknown[])[3]));
    await expect(take(one, [1], { axis: 0 })).rejects.toMatchObject({ code: 'ERR_NDMMAP_INDEX', message: 'index 1 is out of bounds for axis 0 with size 1' });
  });

  it('views: flipped, stepped, transposed and F order, along every axis, into memory, a MemMap out and a .npy', async () => {
    const base = await source('<f4', [40, 30, 6], 'i * 0.5');
    const fsrc = await source('<f4', [40, 30, 6], 'i * 0.5', 'F');
    const views: [string, MemMap][] = [
      ['flipped', base.slice('::-1')], ['stepped', base.slice('1::3', '::-2', '1:5')], ['transposed', base.transpose()],
      ['F order', fsrc], ['F flipped', fsrc.slice(null, '::-1')],
    ];
    for (const [name, v] of views) {
      const nested = v.toArray();
      for (let axis = 0; axis < v.ndim; axis++) {
        const n = v.shape[axis];
        const idx = [n - 1, 0, -1, Math.floor(n / 2), 0];
        const want = flat(refTake(nested, axis, idx));
        expectEqual(values(await take(v, idx, { axis }) as NDResult), want, `${name} axis ${axis}`);
        const shape = [...v.shape.slice(0, axis), idx.length, ...v.shape.slice(axis + 1)];
        const out = createNpy(tmp.file(`o${++made}.npy`), { dtype: '<f4', shape, order: 'F' });
        await take(v, idx, { axis, out });
        expectEqual(values(out), want, `${name} axis ${axis} into F out`);
      }
      expectEqual(values(await take(v, [5, -1, 0]) as NDResult), [5, -1, 0].map((i) => flat(nested).at(i)), `${name} flattened`);
    }
  });

  it('big-endian: native-order results, swapped into a little-endian out, kept in a big-endian one or .npy', async () => {
    for (const dt of ['>f8', '>i2', '>u4', '>f4', '>i8']) {
      const a = await source(dt, [50, 7], 'i * 3 - 70');
      const idx = [49, 0, -3, 7, 7];
      const want = flat(refTake(a.toArray(), 0, idx));
      expectEqual(values(await take(a, idx, { axis: 0 }) as NDResult), want, dt);
      const le = createNpy(tmp.file(`le${++made}.npy`), { dtype: `<${dt.slice(1)}`, shape: [5, 7] });
      await take(a, idx, { axis: 0, out: le });
      expectEqual(values(le), want, `${dt} into <`);
      const be = await take(a, idx, { axis: 0, out: tmp.file(`be${++made}.npy`) }) as MemMap;
      expect(be.dtype.str).toBe(dt);
      expectEqual(values(be), want, `${dt} .npy`);
      // and a cast out (another dtype) through the scratch path
      const f64 = createNpy(tmp.file(`c${++made}.npy`), { dtype: 'float64', shape: [5, 7] });
      await take(a, idx, { axis: 0, out: f64 });
      expectEqual(values(f64), want.map(Number), `${dt} cast`);
    }
  });

  it('records and datetimes are copied as bytes (out a MemMap of the same dtype, a .npy, int64 counts in memory)', async () => {
    const dt = [['t', '<M8[s]'], ['v', '>i2'], ['pad', 'u1']] as unknown as string;
    const recPath = tmp.file('rec.npy');
    const rec = createNpy(recPath, { dtype: dt, shape: [9] });
    const raw = new Uint8Array(rec.nbytes);
    for (let k = 0; k < raw.length; k++) raw[k] = (k * 37 + 11) & 0xff;
    const dataAt = fs.statSync(recPath).size - rec.nbytes;
    rec.close();
    const fd = fs.openSync(recPath, 'r+');
    fs.writeSync(fd, raw, 0, raw.length, dataAt);
    fs.closeSync(fd);
    const r = openNpy(recPath, { mode: 'r' });
    const item = r.itemsize;
    const idx = [8, 0, -1, 3, 3];
    const want = Buffer.concat(idx.map((i) => Buffer.from(raw.subarray(((i + 9) % 9) * item, ((i + 9) % 9 + 1) * item))));
    const out = createNpy(tmp.file('recout.npy'), { dtype: dt, shape: [5] });
    await take(r, idx, { out });
    expect(Buffer.from(out.view('uint8').typedArray() as Uint8Array).equals(want)).toBe(true);
    const saved = await take(r, idx, { out: tmp.file('recnew.npy') }) as MemMap;
    expect(Buffer.from(saved.view('uint8').typedArray() as Uint8Array).equals(want)).toBe(true);
    const times = createNpy(tmp.file('t.npy'), { dtype: '>M8[ns]', shape: [6] });
    times.view('>i8').assign(BigInt64Array.from([5n, -9n, 0n, 7n, -9223372036854775808n, 3n]));
    const held = await take(times, [4, 0, -5]) as NDResult;
    expectEqual(Array.from(held.data as BigInt64Array), [-9223372036854775808n, 5n, -9n]);
  });

  it('indices from MemMaps read in place: int64, strided, 2-D, big-endian, uint64; the first bad one named', async () => {
    const a = await source('<f4', [100, 8]);
    const nested = a.toArray();
    const ids = createNpy(tmp.file('ids.npy'), { dtype: '<i8', shape: [6] });
    ids.assign(BigInt64Array.from([99n, -100n, 5n, 5n, 0n, -1n]));
    const plain = [99, -100, 5, 5, 0, -1];
    expectEqual(values(await take(a, ids, { axis: 0, threads: 2 }) as NDResult), flat(refTake(nested, 0, plain)));
    expectEqual(values(await take(a, ids.slice('::-2'), { axis: 0 }) as NDResult), flat(refTake(nested, 0, [-1, 5, -100])));
    const r2 = await take(a, ids.reshape([2, 3]), { axis: 0 }) as NDResult;
    expectEqual(r2.shape, [2, 3, 8]);
    const be = createNpy(tmp.file('be.npy'), { dtype: '>i4', shape: [3] });
    be.assign(Int32Array.from([-2, 1, 0]));
    expectEqual(values(await take(a, be, { axis: 0 }) as NDResult), flat(refTake(nested, 0, [-2, 1, 0])));
    const u = createNpy(tmp.file('u.npy'), { dtype: '<u8', shape: [2] });
    u.assign(BigUint64Array.from([3n, 18446744073709551615n]));
    await expect(take(a, u, { axis: 0, out: tmp.file('never.npy') })).rejects.toMatchObject({ code: 'ERR_NDMMAP_INDEX', message: 'index 18446744073709551615 is out of bounds for axis 0 with size 100' });
    ids.assign(BigInt64Array.from([1n, 100n, -101n, 0n, 0n, 0n]));
    await expect(take(a, ids, { axis: 0, out: tmp.file('never.npy') })).rejects.toMatchObject({ code: 'ERR_NDMMAP_INDEX', message: 'index 100 is out of bounds for axis 0 with size 100' });
    expect(fs.existsSync(tmp.file('never.npy'))).toBe(false);
  });

  it('an out sharing bytes with the source or the indices gets numpy\'s buffered result', async () => {
    const a = await source('<f8', [5, 3]);
    const idx = [4, 0, 4, -2, 1];
    const want = flat(refTake(a.toArray(), 0, idx));
    expect(await take(a, idx, { axis: 0, out: a })).toBe(a);
    expectEqual(values(a), want);
    const again = memmap(a.filename, { dtype: '<f8', mode: 'r+', offset: a.offset, shape: [5, 3] });
    const row1 = (a.toArray() as number[][])[1];
    await take(a, [1, 1, 1, 1, 1], { axis: 0, out: again.slice('::-1') }); // another mapping of the same file
    expectEqual(values(a), [row1, row1, row1, row1, row1].flat());
    const ids = createNpy(tmp.file('self.npy'), { dtype: '<i8', shape: [4] });
    ids.assign(BigInt64Array.from([3n, 0n, 2n, 1n]));
    const v = createNpy(tmp.file('v.npy'), { dtype: '<i8', shape: [4] });
    v.assign(BigInt64Array.from([10n, 20n, 30n, 40n]));
    await take(v, ids, { out: ids });
    expectEqual(Array.from(ids.typedArray() as BigInt64Array), [40n, 10n, 30n, 20n]);
  });

  it('an abort mid-call rejects with AbortError and leaves no new file', async () => {
    const a = await source('<f8', [20_000, 64], 'i');
    const before = fs.readdirSync(tmp.dir).sort();
    const idx = randomIdx(50_000, 20_000, 3);
    const e = await abortMidCall((signal, onProgress) => take(a, idx, { axis: 0, out: tmp.file('aborted.npy'), threads: 2, signal, onProgress }),
      (m) => { (m as MemMap).close(); fs.rmSync(tmp.file('aborted.npy')); });
    expect(e).toMatchObject({ code: 'ABORT_ERR', name: 'AbortError' });
    expectEqual(fs.readdirSync(tmp.dir).sort(), before);
  });
});

describe('native compress', () => {
  it('a bool MemMap mask of 1e6 on 2 threads equals 1 thread and the JS reference', async () => {
    const n = 1_000_000;
    const a = await source('<f4', [n, 2], 'i');
    const mask = createNpy(tmp.file('m.npy'), { dtype: 'bool', shape: [n] });
    await apply(mask, 'sin(i * 1.7) > 0.8');
    const m = mask.typedArray() as Uint8Array;
    const want: number[] = [];
    for (let i = 0; i < n; i++) if (m[i]) want.push(2 * i, 2 * i + 1);
    // both threads must have run blocks of the call compared: on a busy machine one thread can take
    // them all before the other wakes (the spread hook waits 2 s at most), so run it again until both did
    let two!: NDResult;
    for (const until = Date.now() + 30_000; ;) {
      two = await compress(a, mask, { axis: 0, threads: 2 }) as NDResult;
      const ran = lastPoolCall();
      expect(ran.blocks).toBeGreaterThanOrEqual(2);
      if (ran.workers === 2 || Date.now() > until) { expect(ran.workers).toBe(2); break; }
    }
    const one = await compress(a, mask, { axis: 0, threads: 1 }) as NDResult;
    expectEqual(two.shape, [want.length / 2, 2]);
    expect(Buffer.from(two.data.buffer).equals(Buffer.from(one.data.buffer))).toBe(true);
    expectEqual(Array.from(two.data as Float32Array), want);
  });

  it('numeric and big-endian masks (NaN true, -0.0 false), typed arrays, strided masks, numpy\'s rule past the axis', async () => {
    const a = await source('<i4', [6, 3]);
    const nested = a.toArray() as unknown[];
    const f = createNpy(tmp.file('f.npy'), { dtype: '>f8', shape: [6] });
    f.assign(Float64Array.from([NaN, -0, 0, 2.5, -Infinity, 0]));
    expectEqual(values(await compress(a, f, { axis: 0 }) as NDResult), flat([nested[0], nested[3], nested[4]]));
    expectEqual(values(await compress(a, f.slice('::-2'), { axis: 0 }) as NDResult), flat([nested[1]])); // [0, 2.5, -0.0]
    const h = createNpy(tmp.file('h.npy'), { dtype: '<f2', shape: [3] });
    h.assign(Float32Array.from([-0, NaN, 1]));
    expectEqual(values(await compress(a, h, { axis: 1 }) as NDResult), flat(refTake(nested, 1, [1, 2])));
    expectEqual(values(await compress(a, Float32Array.from([0, -0, NaN]), { axis: 1 }) as NDResult), flat(refTake(nested, 1, [2])));
    // numpy: take at nonzero(condition): false entries past the axis are ignored, a true one is an IndexError
    expectEqual(values(await compress(a, [1, 0, 0, 0, 0, 0, 0, 0], { axis: 0 }) as NDResult), flat([nested[0]]));
    await expect(compress(a, [0, 1, 0, 0, 0, 0, 0, 1, 1], { axis: 0, out: tmp.file('never.npy') }))
      .rejects.toMatchObject({ code: 'ERR_NDMMAP_INDEX', message: 'index 7 is out of bounds for axis 0 with size 6' });
    expect(fs.existsSync(tmp.file('never.npy'))).toBe(false);
    const none = await compress(a, new Uint8Array(0), { axis: 0 }) as NDResult;
    expectEqual(none.shape, [0, 3]);
    const out = createNpy(tmp.file('o.npy'), { dtype: '<i4', shape: [2, 3] });
    await compress(a, [0, 1, 0, 0, 0, 1], { axis: 0, out });
    expectEqual(values(out), flat([nested[1], nested[5]]));
  });
});

describe('native gather refuses hostile descriptors', () => {
  const F64 = 11; // float64's dtype code (contract/spec.mjs)
  function desc(over: Partial<Record<keyof typeof contract.GATHER, number>>, tail: number[] = []): Float64Array {
    const d = new Float64Array(contract.GATHER.SIZE + tail.length);
    contract.packGather(d, {
      mode: 0, p0: 0, p1: 2, o0: 0, n: 4, nIdx: 2, nDst: 2, idxId: -3, idxDtype: F64, idxSwap: 0, idxPos: 0, idxStep: 8,
      srcId: -4, srcPos: 0, srcStep: 8, dstId: -5, dstPos: 0, dstStep: 8, item: 8, swap: 0, nOuter: 0, nInner: 0, dstArena: 0, ...over,
    } as Record<keyof typeof contract.GATHER, number>);
    d.set(tail, contract.GATHER.SIZE);
    return d;
  }
  const codeOf = (f: () => void): string | undefined => { try { f(); return 'ok'; } catch (e) { return (e as { code?: string }).code; } };

  it('wrong lengths, bad fields, indices out of range, extents past buffers and mappings, a read-only target', async () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const dst = new Float64Array(2);
    const bufs = (idx: number[]): ArrayBufferView[] => [Float64Array.from(idx), src, dst];
    expect(codeOf(() => native.gather(desc({}), bufs([3, -4])))).toBe('ok');
    expectEqual(Array.from(dst), [4, 1]);
    expect(codeOf(() => native.gather(desc({}).subarray(0, 5), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ nOuter: 1 }), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ mode: 7 }), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ idxDtype: 99 }), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ item: 0 }), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ p1: 3 }), bufs([0, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ n: 5 }), bufs([0, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ srcPos: 8 }), bufs([0, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ srcStep: -8 }), bufs([0, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ dstStep: 2 ** 52 }), bufs([0, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ nOuter: 1 }, [2 ** 52, 2 ** 52, 2 ** 52]), bufs([0, 0])))).not.toBe('ok');
    expect(codeOf(() => native.gather(desc({ nIdx: 3, p1: 3, nDst: 3 }), bufs([0, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ srcId: -9 }), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ srcId: -1 }), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ p0: 0.5 }), bufs([0, 0])))).toBe('ERR_INVALID_ARG_VALUE');
    // indices the kernel itself refuses: past the axis, NaN, fractions, huge
    for (const bad of [4, -5, NaN, 1.5, 2 ** 80, -Infinity]) expect(codeOf(() => native.gather(desc({}), bufs([0, bad]))), String(bad)).toBe('ERR_NDMMAP_INDEX');
    const u64 = BigUint64Array.from([1n, 2n ** 64n - 1n]);
    expect(codeOf(() => native.gather(desc({ idxDtype: 8 }), [u64, src, dst]))).toBe('ERR_NDMMAP_INDEX');
    // mappings: past the end, read-only target, closed
    const f = tmp.file('m.f8');
    fs.writeFileSync(f, Buffer.alloc(32));
    const m = memmap(f, { dtype: 'float64', mode: 'r' });
    const w = memmap(f, { dtype: 'float64', mode: 'r+' });
    expect(codeOf(() => native.gather(desc({ srcId: m.mapping.id, srcPos: m.layout.byteOffset }), bufs([3, 0])))).toBe('ok');
    expect(codeOf(() => native.gather(desc({ srcId: m.mapping.id, srcPos: 8 }), bufs([3, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ srcId: m.mapping.id, srcPos: 2 ** 50 }), bufs([3, 0])))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ dstId: m.mapping.id }), bufs([3, 0])))).toBe('ERR_NDMMAP_READONLY');
    expect(codeOf(() => native.gather(desc({ dstId: w.mapping.id, nIdx: 5, p1: 5, nDst: 5 }), [Float64Array.from([0, 0, 0, 0, 0]), src]))).toBe('ERR_OUT_OF_RANGE');
    const id = w.mapping.id;
    w.close();
    expect(codeOf(() => native.gather(desc({ dstId: id }), bufs([3, 0])))).toBe('ERR_NDMMAP_CLOSED');
    m.close();
  });

  it('result buffers (native.resultBuffer): a take or mask positions into one, unknown ids, extents past it and the count mode refused', () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const r = native.resultBuffer(16);
    expect(r.buffer).toBeInstanceOf(ArrayBuffer);
    expectEqual(Array.from(new Float64Array(r.buffer)), [0, 0]);
    expect(codeOf(() => native.gather(desc({ dstArena: r.id, dstId: -1 }), [Float64Array.from([3, -4]), src]))).toBe('ok');
    expectEqual(Array.from(new Float64Array(r.buffer)), [4, 1]);
    expect(codeOf(() => native.gather(desc({ dstArena: r.id, dstPos: 8 }), [Float64Array.from([0, 0]), src]))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ dstArena: r.id, dstStep: -8 }), [Float64Array.from([0, 0]), src]))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ dstArena: r.id, nIdx: 3, p1: 3, nDst: 3 }), [Float64Array.from([0, 0, 0]), src]))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(desc({ dstArena: 2 ** 40 }), [Float64Array.from([0, 0]), src]))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ dstArena: -1 }), [Float64Array.from([0, 0]), src]))).toBe('ERR_INVALID_ARG_VALUE');
    expect(codeOf(() => native.gather(desc({ dstArena: 0.5 }), [Float64Array.from([0, 0]), src]))).toBe('ERR_INVALID_ARG_VALUE');
    const mask = Uint8Array.from([1, 0, 1, 1]);
    expect(codeOf(() => native.gather(desc({ mode: 1, p0: 0, p1: 4, nIdx: 4, idxDtype: 2, idxStep: 1, srcId: -1, dstArena: r.id }), [mask], new Float64Array(1)))).toBe('ERR_INVALID_ARG_VALUE');
    expectEqual(Array.from(new Float64Array(r.buffer)), [4, 1]);
    // the positions of a mask (nonzero's write) go into a result block too, within its extent only
    const pos = native.resultBuffer(24);
    const ix = (over: Record<string, number>): Float64Array => desc({ mode: 2, p0: 0, p1: 4, nIdx: 4, idxDtype: 2, idxStep: 1, srcId: -1, dstId: -1, dstArena: pos.id, nDst: 3, dstStep: 8, ...over });
    expect(codeOf(() => native.gather(ix({}), [mask]))).toBe('ok');
    expectEqual(Array.from(new BigInt64Array(pos.buffer)), [0n, 2n, 3n]);
    expect(codeOf(() => native.gather(ix({ nDst: 4 }), [mask]))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(ix({ dstPos: 8 }), [mask]))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(ix({ dstArena: 2 ** 40 }), [mask]))).toBe('ERR_INVALID_ARG_VALUE');
    for (const bad of [-1, 1.5, NaN, 2 ** 60, '8']) expect(codeOf(() => native.resultBuffer(bad as number)), String(bad)).not.toBe('ok');
    expect(native.resultBuffer(0).buffer.byteLength).toBe(0);
    const big = native.resultBuffer(5 * 2 ** 20 + 3); // past 2 MiB: aligned for huge pages, still zero-filled to its end
    const b = new Uint8Array(big.buffer);
    expectEqual([b.length, b[0], b[2 ** 21], b[b.length - 1]], [5 * 2 ** 20 + 3, 0, 0, 0]);
    b[b.length - 1] = 7;
    expect(b[b.length - 1]).toBe(7);
  });

  it('result buffers are freed once collected (a loop of takes does not keep every result)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const settle = async (): Promise<void> => { for (let k = 0; k < 20; k++) { gc(); await new Promise((r) => setTimeout(r, 5)); } };
    const a = await source('<f4', [3001, 64], 'i');
    await settle();
    const before = native.liveArenas()[0];
    let kept: NDResult[] = [];
    for (let k = 0; k < 5; k++) kept.push(await take(a, randomIdx(5000, 3001, k), { axis: 0, threads: 2 }) as NDResult);
    expect(kept[4].data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(native.liveArenas()[0]).toBe(before + 5);
    kept = [];
    await settle();
    expect(native.liveArenas()[0]).toBe(before);
  });

  it('freed result blocks are reused for dirty requests only; zero-filled requests stay zero', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const settle = async (): Promise<void> => { for (let k = 0; k < 20; k++) { gc(); await new Promise((r) => setTimeout(r, 5)); } };
    await settle();
    const len = 37 * 2 ** 20 + 5; // larger than any result of the tests above: the block reused is this one
    let r: { id: number; buffer: ArrayBuffer } | undefined = native.resultBuffer(len, true);
    new Uint8Array(r.buffer).fill(0xab);
    r = undefined;
    await settle();
    const [, cached] = native.liveArenas();
    expect(cached).toBeGreaterThanOrEqual(len);
    const zero = new Uint8Array(native.resultBuffer(len).buffer); // a fresh block, never a freed one
    expectEqual([zero[0], zero[2 ** 21], zero[len - 1]], [0, 0, 0]);
    const again = native.resultBuffer(len - 100, true); // the freed block, as it was left
    expect(new Uint8Array(again.buffer)[0]).toBe(0xab);
    expect(again.buffer.byteLength).toBe(len - 100);
    expect(native.liveArenas()[1]).toBeLessThan(cached);
    // a take into a reused block: every byte rewritten (equal to a take into a fresh one)
    const a = await source('<f4', [3001, 64], 'i * 0.5');
    const idx = randomIdx(9000, 3001, 3);
    const first = await take(a, idx, { axis: 0, threads: 2 }) as NDResult;
    const bytes = Buffer.from(first.data.buffer).toString('hex');
    let other: NDResult | undefined = await take(a, randomIdx(9000, 3001, 4), { axis: 0, threads: 2 }) as NDResult;
    expect(Buffer.from(other.data.buffer).toString('hex')).not.toBe(bytes);
    other = undefined;
    await settle();
    const before = native.liveArenas()[1];
    const second = await take(a, idx, { axis: 0, threads: 2 }) as NDResult;
    expect(native.liveArenas()[1]).toBeLessThan(before); // it took a freed block
    expect(Buffer.from(second.data.buffer).toString('hex')).toBe(bytes);
  });

  it('mask modes: a table slot past the table, positions past their target refused', () => {
    const mask = Uint8Array.from([1, 0, 1, 1]);
    const table = new Float64Array(1);
    const maskDesc = (over: Partial<Record<keyof typeof contract.GATHER, number>>): Float64Array =>
      desc({ mode: 1, p0: 0, p1: 4, nIdx: 4, idxDtype: 2, idxStep: 1, srcId: -1, ...over });
    expect(codeOf(() => native.gather(maskDesc({}), [mask], table))).toBe('ok');
    expect(table[0]).toBe(3);
    expect(codeOf(() => native.gather(maskDesc({ o0: 1 }), [mask], table))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(maskDesc({}), [mask]))).toBe('ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => native.gather(maskDesc({ p1: 5 }), [mask], table))).toBe('ERR_OUT_OF_RANGE');
    const pos = new BigInt64Array(3);
    const posDesc = (over: Partial<Record<keyof typeof contract.GATHER, number>>): Float64Array =>
      maskDesc({ mode: 2, dstId: -4, dstStep: 8, nDst: 3, ...over });
    expect(codeOf(() => native.gather(posDesc({}), [mask, pos]))).toBe('ok');
    expectEqual(Array.from(pos), [0n, 2n, 3n]);
    expect(codeOf(() => native.gather(posDesc({ o0: 1 }), [mask, pos]))).toBe('ERR_NDMMAP_PARTIAL');
    expect(codeOf(() => native.gather(posDesc({ nDst: 4 }), [mask, pos]))).toBe('ERR_OUT_OF_RANGE');
    expect(codeOf(() => native.gather(posDesc({ o0: 4 }), [mask, pos]))).toBe('ERR_OUT_OF_RANGE');
  });
});
