/**
 * `ndmmap quantile` as a command object; its body, quantile-run.ts, is imported when it runs.
 */
import type { Command } from '../command.js';
import { COMMON, LAYOUT, RUN, SHARDS } from '../args.js';
import { LAYOUT_HELP, RUN_HELP, QUANTILE_NAMES } from '../help.js';

/** `ndmmap quantile|percentile|median|...`: its flags, synopsis and help page (src/cli/command.ts). */
export const command: Command = {
  name: 'quantile',
  names: QUANTILE_NAMES,
  usage: `ndmmap quantile|percentile|nanquantile|nanpercentile FILE --q Q[,Q...] [--method M] [--axis K]
       [--keepdims] [--expr E] [--weights W] [--out F.npy] [LAYOUT] [--threads N] [--json]
ndmmap median|nanmedian FILE [--axis K[,K...]] [--keepdims] [--expr E] [--out F.npy] [LAYOUT] [--threads N] [--json]`,
  options: {
    ...COMMON, ...LAYOUT, ...RUN, ...SHARDS, json: { type: 'boolean' }, q: { type: 'string' }, method: { type: 'string' }, axis: { type: 'string' },
    keepdims: { type: 'boolean' }, expr: { type: 'string' }, weights: { type: 'string' }, 'weights-dtype': { type: 'string' }, out: { type: 'string' },
  },
  help: `Usage: ndmmap quantile|percentile|nanquantile|nanpercentile FILE --q Q[,Q...] [options] [LAYOUT]
       ndmmap median|nanmedian FILE [options] [LAYOUT]

numpy's exact quantiles over files of any size, in bounded memory (a parallel radix select: a few
passes over the file, never a copy or a sort of it). quantile/median give NaN for data holding NaN;
the nan* commands skip NaN.
  --q Q[,Q...]        quantiles in [0, 1] (percentile: [0, 100]); one value prints a scalar
  --method M          numpy's method: linear (default), lower, higher, nearest, midpoint, inverted_cdf,
                      averaged_inverted_cdf, closest_observation, interpolated_inverted_cdf, hazen,
                      weibull, median_unbiased, normal_unbiased
  --axis K[,K...]     along axis K (or several); default: every element
  --keepdims          keep reduced axes with length 1
  --expr EXPR         quantiles of an expression of x, e.g. 'abs(x)'
  --weights FILE2     weights (numpy 2: with --method inverted_cdf only): a's shape, or with --axis K the
                      length of axis K; same LAYOUT flags for a raw file
  --weights-dtype DT  the dtype of a raw weights file (default: --dtype)
  --out F.npy         save the result (np.save's bytes) instead of printing it
  --json              print {"result": R} (with --out: {"out", "shape", "dtype"})
${RUN_HELP}

Shards: a quantile is a rank over the whole file, so it cannot be added up from shards the way counts
can. Bracket it across machines with 'histogram --partial' (merged counts tell which bin holds the
rank), then compute the exact value on one machine (only the file is needed there, not memory).

${LAYOUT_HELP}
`,
  run: async (args, word) => (await import('./quantile-run.js')).runQuantile(word, args),
};
