/** numpy's `np.nanstd`. */
import { varLike } from './family-var.js';

export default varLike({ name: 'nanstd', method: 'nanstd', summary: 'standard deviation of the non-NaN elements', nan: true, std: true });
