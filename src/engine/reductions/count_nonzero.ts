/** numpy's `np.count_nonzero`. */
import { countLike } from './family-count.js';

export default countLike({ name: 'count_nonzero', method: 'countNonzero', summary: 'number of non-zero elements', mode: 'count' });
