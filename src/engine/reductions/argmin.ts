/** numpy's `np.argmin`. */
import { argLike } from './family-arg.js';

export default argLike({ name: 'argmin', method: 'argmin', summary: 'index of the first minimum (or first NaN)', max: false, nan: false });
