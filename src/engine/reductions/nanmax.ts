/** numpy's `np.nanmax`. */
import { extremeLike } from './family-extreme.js';

export default extremeLike({ name: 'nanmax', method: 'nanmax', summary: 'maximum ignoring NaN (NaN for an all-NaN slice)', max: true, nan: true });
