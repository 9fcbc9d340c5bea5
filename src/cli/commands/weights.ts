/**
 * `--weights FILE2 [--weights-dtype DT]` of the distribution commands: a .npy carries its own layout;
 * a raw file takes the data's LAYOUT flags, with its own dtype when --weights-dtype gives one (numpy's
 * weights may be of any numeric or bool dtype: histogram counts take it).
 */
import { openNpy } from '../../npy.js';
import { type MemMap } from '../../memmap.js';
import { USAGE, type Values } from '../args.js';
import { fail } from '../../errors.js';
import { isNpy, openFile } from '../open.js';

/** The weights MemMap of a command line, or undefined without --weights. */
export function openWeights(values: Values): MemMap | undefined {
  if (values.weights === undefined) {
    if (values['weights-dtype'] !== undefined) fail(USAGE, '--weights-dtype needs --weights FILE2');
    return undefined;
  }
  const file = String(values.weights);
  if (isNpy(file)) {
    if (values['weights-dtype'] !== undefined) fail(USAGE, `${file}: a .npy file carries its own dtype; remove --weights-dtype`);
    return openNpy(file, { mode: 'r' });
  }
  return openFile(file, { ...values, dtype: values['weights-dtype'] ?? values.dtype }, 'r');
}
