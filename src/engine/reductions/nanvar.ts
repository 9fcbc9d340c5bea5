/** numpy's `np.nanvar`. */
import { varLike } from './family-var.js';

export default varLike({ name: 'nanvar', method: 'nanvar', summary: 'variance of the non-NaN elements', nan: true, std: false });
