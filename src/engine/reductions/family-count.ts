/**
 * any, all, count_nonzero: x != 0 per element (NaN counts as true, -0.0 as false); with `where`, only
 * the selected elements count (all() of nothing is true).
 */
import { SLOT } from '../../gen/contract.cjs';
import { kernelType, stateSize } from '../kernels.js';
import { put } from './common.js';
import { type Reduction } from './types.js';

export function countLike<const N extends string, const M extends string, const Md extends 'any' | 'all' | 'count'>(
  spec: { name: N; method: M; summary: string; mode: Md },
): Reduction<N, M, Md extends 'count' ? 'index' : 'bool'> {
  const { mode } = spec;
  return {
    name: spec.name,
    method: spec.method,
    resultKind: (spec.mode === 'count' ? 'index' : 'bool') as Md extends 'count' ? 'index' : 'bool',
    summary: spec.summary,
    options: mode === 'count' ? ['expr'] : ['where', 'out', 'expr'],
    axisTuple: true,
    indexResult: mode === 'count',
    kernel: (ctx) => ({ kernel: 'count_nonzero', valueType: kernelType(ctx.dtype) }),
    resultDtype: () => (mode === 'count' ? 'int64' : 'bool'),
    finish(states, count, _ctx, out) {
      const S = stateSize('count_nonzero');
      for (let o = 0; o < count; o++) {
        const nz = states[o * S + SLOT.count_nonzero.nonzero], n = states[o * S + SLOT.count_nonzero.n];
        put(out, o, mode === 'count' ? BigInt(nz) : mode === 'any' ? nz > 0 : nz === n);
      }
    },
  };
}
