/** numpy's `np.nanargmax`. */
import { argLike } from './family-arg.js';

export default argLike({ name: 'nanargmax', method: 'nanargmax', summary: 'index of the first maximum ignoring NaN', max: true, nan: true });
