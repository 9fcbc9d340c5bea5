/** numpy's `np.all`. */
import { countLike } from './family-count.js';

export default countLike({ name: 'all', method: 'all', summary: 'whether every element is non-zero (NaN counts)', mode: 'all' });
