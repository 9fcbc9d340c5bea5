/** numpy's `np.nansum`. */
import { sumLike } from './family-sum.js';

export default sumLike({ name: 'nansum', method: 'nansum', summary: 'sum, treating NaN as zero', product: false, nan: true });
