/** numpy's `np.nanmean`. */
import { meanLike } from './family-mean.js';

export default meanLike({ name: 'nanmean', method: 'nanmean', summary: 'mean of the non-NaN elements', nan: true });
