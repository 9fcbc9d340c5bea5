/** numpy's `np.nanargmin`. */
import { argLike } from './family-arg.js';

export default argLike({ name: 'nanargmin', method: 'nanargmin', summary: 'index of the first minimum ignoring NaN', max: false, nan: true });
