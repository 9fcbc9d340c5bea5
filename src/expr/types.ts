/**
 * numpy's dtype algebra for expressions — the one place ndmmap decides the type of an operation:
 * safe casting (`np.can_cast(a, b, 'safe')`), promotion (`np.result_type`), and the choice of a ufunc
 * loop (the first loop of `ufunc.types` every input casts to safely, numpy's legacy resolver, which
 * numpy 2's promoters agree with for these dtypes). Python numbers are "weak" (NEP 50) and are given
 * a dtype by {@link weakTarget} before a loop is chosen.
 */
import { type DTypeName } from '../dtype.js';

/** numpy's type characters for ndmmap's dtypes (`l` and `q` are both int64 on Linux). */
export const CHAR: Readonly<Record<string, DTypeName>> = {
  '?': 'bool', b: 'int8', B: 'uint8', h: 'int16', H: 'uint16', i: 'int32', I: 'uint32', q: 'int64', Q: 'uint64',
  e: 'float16', f: 'float32', d: 'float64',
};

/** The kinds of dtypes, as numpy's `dtype.kind`. */
export const kindOf = (t: DTypeName): 'b' | 'i' | 'u' | 'f' =>
  t === 'bool' ? 'b' : t.startsWith('float') ? 'f' : t.startsWith('u') ? 'u' : 'i';
export const bitsOf = (t: DTypeName): number => (t === 'bool' ? 8 : Number(/\d+$/.exec(t)![0]));
export const isFloat = (t: DTypeName): boolean => kindOf(t) === 'f';
export const isInt = (t: DTypeName): boolean => kindOf(t) === 'i' || kindOf(t) === 'u';

/** The smallest float every value of an int type fits in exactly (numpy's safe int -> float casts). */
function floatBitsFor(t: DTypeName): number {
  const b = bitsOf(t);
  return t === 'bool' || b <= 8 ? 16 : b <= 16 ? 32 : 64;
}

/** `np.can_cast(from, to, casting='safe')`. */
export function canCastSafe(from: DTypeName, to: DTypeName): boolean {
  if (from === to || from === 'bool') return true;
  const kf = kindOf(from), kt = kindOf(to);
  if (kt === 'b') return false;
  if (kt === 'f') return kf === 'f' ? bitsOf(to) >= bitsOf(from) : bitsOf(to) >= floatBitsFor(from);
  if (kf === 'f') return false;
  if (kf === kt) return bitsOf(to) >= bitsOf(from);
  return kf === 'u' && kt === 'i' && bitsOf(to) > bitsOf(from);
}

/** `np.result_type(a, b)` of two dtypes. */
export function promote(a: DTypeName, b: DTypeName): DTypeName {
  if (canCastSafe(a, b)) return b;
  if (canCastSafe(b, a)) return a;
  const ka = kindOf(a), kb = kindOf(b);
  if (ka === 'f' || kb === 'f') {
    const bits = Math.max(ka === 'f' ? bitsOf(a) : floatBitsFor(a), kb === 'f' ? bitsOf(b) : floatBitsFor(b));
    return `float${bits}` as DTypeName;
  }
  // one signed, one unsigned at least as wide: the next signed width, or float64 past int64
  const u = ka === 'u' ? a : b;
  return bitsOf(u) < 64 ? (`int${bitsOf(u) * 2}` as DTypeName) : 'float64';
}

/** A loop of a ufunc: input dtypes and output dtype, from numpy's `'ff->f'` notation. */
export interface Loop { ins: DTypeName[]; out: DTypeName }

/** Parse numpy's loop signatures (`'??->?'`) restricted to ndmmap's dtypes. */
export function loops(...sigs: string[]): Loop[] {
  return sigs.map((s) => {
    const [ins, out] = s.split('->');
    return { ins: [...ins].map((c) => CHAR[c]), out: CHAR[out] };
  });
}

/** numpy's loop signatures for every dtype (`all('??->?')` is add's list), in numpy's order. */
export function sameLoops(chars: string, arity: number, out?: string): Loop[] {
  return loops(...[...chars].map((c) => `${c.repeat(arity)}->${out ?? c}`));
}

/** The first loop every input casts to safely, as numpy's type resolver picks it; undefined if none. */
export function findLoop(ls: readonly Loop[], ins: readonly DTypeName[]): Loop | undefined {
  return ls.find((l) => l.ins.every((t, k) => canCastSafe(ins[k], t)));
}

/** A Python number in an expression: an int (exact), a float, or a bool (True/False). */
export type WeakKind = 'int' | 'float' | 'bool';

/**
 * NEP 50: the dtype a Python number takes next to arrays whose common dtype is `common`: an int
 * takes an integer dtype as is (bool: numpy's default int64), a float takes a float dtype as is
 * (otherwise float64), a bool is numpy's bool.
 */
export function weakTarget(w: WeakKind, common: DTypeName): DTypeName {
  if (w === 'bool') return 'bool';
  if (w === 'int') return common === 'bool' ? 'int64' : common;
  return isFloat(common) ? common : 'float64';
}

/** The dtype of a Python number standing alone (numpy's defaults: int64, float64, bool). */
export function weakDefault(w: WeakKind): DTypeName {
  return w === 'int' ? 'int64' : w === 'float' ? 'float64' : 'bool';
}

/** Range of an integer dtype, as bigints. */
export function intRange(t: DTypeName): [bigint, bigint] {
  const b = BigInt(bitsOf(t));
  if (t === 'bool') return [0n, 1n];
  return kindOf(t) === 'u' ? [0n, (1n << b) - 1n] : [-(1n << (b - 1n)), (1n << (b - 1n)) - 1n];
}
