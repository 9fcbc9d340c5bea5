// Shared by the unique / searchsorted / isin tests: fixture files and results as comparable strings.
import { join } from 'node:path';
import { type MemMap, type NDResult, openNpy } from '../../dist/src/index.js';
import { FIXTURES } from '../helpers.js';

export const ORDER = join(FIXTURES, 'lookup');

/** Elements as comparable strings: -0 apart from 0, NaN as NaN, bools as 0/1. */
export const fmt = (x: unknown): string => typeof x === 'number' ? (Object.is(x, -0) ? '-0' : String(x)) : typeof x === 'boolean' ? String(Number(x)) : String(x);

/** A fixture file's elements (C order) as strings. */
export function fileValues(name: string): string[] {
  const m = openNpy(join(ORDER, name), { mode: 'r' });
  const v = m.ndim === 0 ? [m.get()] : (m.toArray() as unknown[]).flat(Infinity);
  m.close();
  return v.map(fmt);
}

export function fileShape(name: string): number[] {
  const m = openNpy(join(ORDER, name), { mode: 'r' });
  const s = m.shape;
  m.close();
  return s;
}

export const resultValues = (r: NDResult | MemMap): string[] => Array.from((r as NDResult).data as ArrayLike<unknown>, fmt);
