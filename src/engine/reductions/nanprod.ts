/** numpy's `np.nanprod`. */
import { sumLike } from './family-sum.js';

export default sumLike({ name: 'nanprod', method: 'nanprod', summary: 'product, treating NaN as one', product: true, nan: true });
