/** numpy's `np.any`. */
import { countLike } from './family-count.js';

export default countLike({ name: 'any', method: 'any', summary: 'whether any element is non-zero (NaN counts)', mode: 'any' });
