/**
 * argmin, argmax, nanargmin, nanargmax: the index of the first extreme along one axis (or in the
 * flattened array, C order), the first NaN for argmin/argmax; an all-NaN slice is an error for nan*.
 */
import { fail } from '../../errors.js';
import { canCastSafe } from '../../expr/types.js';
import { kernelType } from '../kernels.js';
import { put, views } from './common.js';
import { type Reduction } from './types.js';

export function argLike<const N extends string, const M extends string>(spec: { name: N; method: M; summary: string; max: boolean; nan: boolean }): Reduction<N, M, 'index'> {
  const { max, nan } = spec;
  const base = max ? 'argmax' : 'argmin';
  return {
    name: spec.name,
    method: spec.method,
    resultKind: 'index',
    summary: spec.summary,
    options: ['out', 'expr'],
    axisTuple: false,
    indexResult: true,
    emptyError: `attempt to get ${base} of an empty sequence`,
    kernel: (ctx) => ({ kernel: nan && ctx.dtype.kind === 'f' ? (max ? 'nanargmax' : 'nanargmin') : max ? 'argmax' : 'argmin', valueType: kernelType(ctx.dtype) }),
    resultDtype: () => 'int64',
    // numpy writes indices into an intp array and copies them back: out must hold every int64 safely
    checkOut(_ctx, out, ndim) {
      if (!canCastSafe(out, 'int64'))
        fail('ERR_NDMMAP_DTYPE', `Cannot cast ${ndim === 0 ? 'scalar' : 'array data'} from dtype('${out}') to dtype('int64') according to the rule 'safe'`);
    },
    finish(states, count, _ctx, out) {
      const { i } = views(states);
      for (let o = 0; o < count; o++) {
        const idx = i[o * 2 + 1];
        if (idx < 0n) fail('ERR_NDMMAP_NAN', 'All-NaN slice encountered');
        put(out, o, idx);
      }
    },
  };
}
