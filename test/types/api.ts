/**
 * Type test: compiled by `tsc -p test/types` (test/types.test.ts runs it), never executed. Each
 * `expectType<Exact<…>>` fails to compile when a type drifts; each `@ts-expect-error` fails to
 * compile when a mistake it guards against starts compiling.
 */
import {
  type DType, type MemMap, type NDResult, type ReduceName, createNpy, dtype, memmap, openNpy,
} from '../../src/index.js';

/** true exactly when A and B are the same type (not merely assignable). */
type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<T extends true>(): T | void {}
declare function use(...values: unknown[]): void;

// the registry's names are literal types, and every one is a MemMap method (camelCase for count_nonzero)
expectType<Exact<ReduceName, 'sum' | 'prod' | 'mean' | 'min' | 'max' | 'var' | 'std' | 'argmin' | 'argmax' | 'nansum' | 'nanprod'
  | 'nanmean' | 'nanmin' | 'nanmax' | 'nanvar' | 'nanstd' | 'nanargmin' | 'nanargmax' | 'any' | 'all' | 'count_nonzero' | 'ptp'>>();
type Camel<S extends string> = S extends `${infer A}_${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
expectType<Exact<Extract<keyof MemMap, Camel<ReduceName>>, Camel<ReduceName>>>();

export async function typed(): Promise<void> {
  // the dtype option's literal is the type parameter
  const f32 = memmap('emb.f4', { dtype: 'float32', mode: 'r', shape: [10, 4] });
  expectType<Exact<typeof f32, MemMap<'float32'>>>();
  expectType<Exact<ReturnType<typeof f32.typedArray>, Float32Array>>();
  const f8 = memmap('x.f8', { dtype: '<f8', mode: 'r' });
  expectType<Exact<ReturnType<typeof f8.typedArray>, Float64Array>>();
  const explicit = memmap<'int16'>('x.i2', { dtype: dtype(String(process.argv[2])), mode: 'r' });
  expectType<Exact<ReturnType<typeof explicit.typedArray>, Int16Array>>();
  const bytes = memmap('x.bin', { mode: 'r' }); // numpy's default dtype
  expectType<Exact<typeof bytes, MemMap<'uint8'>>>();
  expectType<Exact<typeof f32.dtype, DType<'float32'>>>();
  expectType<Exact<ReturnType<typeof f32.slice>, MemMap<'float32'>>>();

  // scalars: float → number, 64-bit and sums of integers → bigint, any/all → boolean, indices → number
  const s = await f32.sum();
  expectType<Exact<typeof s, number>>();
  use((await f32.sum()) / 2, (await f32.mean()) * 3, (await f32.std({ ddof: 1 })) + 1);
  const i64 = memmap('x.i8', { dtype: 'int64', mode: 'r' });
  const [i64sum, i64max, i64mean] = [await i64.sum(), await i64.max(), await i64.mean()];
  expectType<Exact<typeof i64sum, bigint>>();
  expectType<Exact<typeof i64max, bigint>>();
  expectType<Exact<typeof i64mean, number>>();
  const u1 = memmap('x.u1', { dtype: 'u1', mode: 'r' });
  const u1sum = await u1.sum();
  expectType<Exact<typeof u1sum, bigint>>();
  const u1max = await u1.max();
  expectType<Exact<typeof u1max, number>>();
  const any = await f32.any();
  expectType<Exact<typeof any, boolean>>();
  const arg = await i64.argmax();
  expectType<Exact<typeof arg, number>>();
  const count = await i64.countNonzero();
  expectType<Exact<typeof count, number>>();
  const summedAsF8 = await u1.sum({ dtype: 'float64' });
  expectType<Exact<typeof summedAsF8, number>>();
  expectType<Exact<(typeof i64)['get'] extends (...i: number[]) => infer R ? R : never, bigint>>();

  // an axis (or keepdims) gives an NDResult with typed data
  const col = await f32.sum({ axis: 0 });
  expectType<Exact<typeof col, NDResult<'float32'>>>();
  expectType<Exact<typeof col.data, Float32Array>>();
  const cols = await f32.mean({ axis: [0, 1], keepdims: true });
  expectType<Exact<typeof cols.data, Float32Array>>();
  const kept = await f32.sum({ keepdims: true });
  expectType<Exact<typeof kept, NDResult<'float32'>>>();
  const sums = await i64.sum({ axis: -1 });
  expectType<Exact<typeof sums.data, BigInt64Array>>();
  const argmaxes = await f32.argmax({ axis: 1 });
  expectType<Exact<typeof argmaxes.data, BigInt64Array>>();
  const anyRows = await f32.any({ axis: 1 });
  expectType<Exact<typeof anyRows.data, Uint8Array>>();
  const half = memmap('x.f2', { dtype: 'float16', mode: 'r' });
  const halfMeans = await half.mean({ axis: 0 });
  expectType<Exact<typeof halfMeans.data, Float32Array>>();

  // out= resolves to out; an axis known only at run time gives either
  const out = createNpy('out.npy', { dtype: 'float32', shape: [4] });
  expectType<Exact<typeof out, MemMap<'float32'>>>();
  const written = await f32.sum({ axis: 0, out });
  expectType<Exact<typeof written, MemMap<'float32'>>>();
  const axis: number | null = process.argv.length > 3 ? 0 : null;
  const either = await f32.sum({ axis });
  expectType<Exact<typeof either, number | NDResult<'float32'>>>();
  const filled = await f32.fill(0);
  expectType<Exact<typeof filled, MemMap<'float32'>>>();
  const applied = await f32.apply('x * 2', { out });
  expectType<Exact<typeof applied, MemMap<'float32'>>>();

  // a dtype read from the file is known only at run time: the general types, still no casts needed
  const npy = openNpy('x.npy', { mode: 'r' });
  expectType<Exact<typeof npy, MemMap>>();
  const v = await npy.sum();
  expectType<Exact<typeof v, number | bigint>>();
  const typedNpy = openNpy<'float64'>('x.npy', { mode: 'r' });
  expectType<Exact<ReturnType<typeof typedNpy.typedArray>, Float64Array>>();
  const be = dtype('>i2');
  expectType<Exact<typeof be, DType<'int16'>>>();

  // a MemMap of a known dtype is a MemMap
  const general: MemMap = f32;
  use(general, `${f32.dtype}`);
}

export function mistakes(): void {
  // @ts-expect-error 'rw' is not a mode
  memmap('x', { mode: 'rw' });
  // @ts-expect-error 'c' order is 'C'
  memmap('x', { order: 'c' });
  // @ts-expect-error not a dtype spelling
  memmap('x', { dtype: 'flaot32' });
  // @ts-expect-error names take no byte-order mark ('<float64' is not numpy)
  memmap('x', { dtype: '<float64' });
  // @ts-expect-error openNpy opens existing files
  openNpy('x.npy', { mode: 'w+' });
  const f32 = memmap('x', { dtype: 'float32' });
  // @ts-expect-error a float32 array gives a Float32Array
  const wrong: Float64Array = f32.typedArray();
  // @ts-expect-error an int64 sum is a bigint
  const n: Promise<number> = memmap('x', { dtype: 'int64' }).sum();
  // @ts-expect-error sum along an axis is not a number
  const m: Promise<number> = f32.sum({ axis: 0 });
  // @ts-expect-error no such option
  f32.sum({ axs: 0 });
  use(wrong, n, m);
}

// Record, datetime and complex dtypes (issue 20 item 5): accepted by memmap/createNpy/view, typed as MemMap.
{
  const rec = memmap('r.bin', { dtype: [['t', '<f8'], ['v', '<i2'], ['p', '<f4', [3]]], mode: 'w+', shape: [2] });
  const t: MemMap = rec.field('t');
  const dt: MemMap = createNpy('d.npy', { dtype: '<M8[ns]', shape: [2] });
  const c = memmap('c.bin', { dtype: { names: ['a'], formats: ['c16'], aligned: true }, mode: 'w+', shape: [1] });
  const f: MemMap<'float64'> = c.view('float64');
  void t; void dt; void f;
}
