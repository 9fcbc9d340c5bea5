// The order fixtures (test/fixtures/order, made by make_order_fixtures.py) and the check every sort
// path runs over them: numpy's stable sort and argsort, 1 and 2 threads alike.
import { join } from 'node:path';
import { expect } from 'vitest';
import { type MemMap, type NDResult, argsort, openNpy, sort } from '../../dist/src/index.js';
import { FIXTURES, manifest, parseValue } from '../helpers.js';

export interface OrderCase { file: string; dtype: string; view: string; axis: number | null; shape: number[]; sort: string[]; argsort: string[] }
export const ORDER_CASES = manifest<OrderCase[]>('order');
export const ORDER_DIR = join(FIXTURES, 'order');

/** A fixture's view: '' the array, 'T' transposed, 'flip' reversed rows and every other column. */
export const viewOf = (a: MemMap, v: string): MemMap => (v === 'flip' ? a.slice('::-1', '::2') : v === 'T' ? a.transpose() : a);

/** got equals numpy's values (strings of dtype), element by element (Object.is: -0.0 and NaN exact). */
export function same(got: ArrayLike<unknown>, want: string[], dtype: string, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = parseValue(want[i], dtype);
    const g = typeof w === 'boolean' ? Boolean(got[i]) : got[i];
    if (!Object.is(g, w)) expect(`${what}[${i}] = ${String(g)}`).toBe(`${what}[${i}] = ${String(w)}`);
  }
}

/** Every fixture case sorted and argsorted on 1 and 2 threads: numpy's results. */
export async function checkOrderCases(): Promise<void> {
  for (const c of ORDER_CASES) {
    const a = viewOf(openNpy(join(ORDER_DIR, c.file), { mode: 'r' }), c.view);
    for (const threads of [1, 2]) {
      const s = await sort(a, { axis: c.axis, threads }) as NDResult;
      same(s.data as ArrayLike<unknown>, c.sort, c.dtype, `${c.file} ${c.view} ${c.axis} sort`);
      const i = await argsort(a, { axis: c.axis, threads }) as NDResult;
      same(i.data as ArrayLike<unknown>, c.argsort, '<i8', `${c.file} ${c.view} ${c.axis} argsort`);
    }
    a.close();
  }
}
