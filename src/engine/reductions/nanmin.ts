/** numpy's `np.nanmin`. */
import { extremeLike } from './family-extreme.js';

export default extremeLike({ name: 'nanmin', method: 'nanmin', summary: 'minimum ignoring NaN (NaN for an all-NaN slice)', max: false, nan: true });
