// Shared by the record tests: a fixture value string compared with what ndmmap returns.

/** A fixture string equals ndmmap's value: bigints exactly, floats bit for bit (NaN, -0.0). */
export function same(actual: unknown, expected: string): boolean {
  if (typeof actual === 'bigint') return actual === BigInt(expected);
  if (typeof actual === 'boolean') return actual === (expected === 'True');
  if (typeof actual !== 'number') return false;
  const e = expected === 'nan' ? NaN : expected === 'inf' ? Infinity : expected === '-inf' ? -Infinity : Number(expected);
  return Object.is(actual, e);
}
