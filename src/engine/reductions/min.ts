/** numpy's `np.min`. */
import { extremeLike } from './family-extreme.js';

export default extremeLike({ name: 'min', method: 'min', summary: 'minimum (NaN propagates)', max: false, nan: false });
