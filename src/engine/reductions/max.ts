/** numpy's `np.max`. */
import { extremeLike } from './family-extreme.js';

export default extremeLike({ name: 'max', method: 'max', summary: 'maximum (NaN propagates)', max: true, nan: false });
