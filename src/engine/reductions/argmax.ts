/** numpy's `np.argmax`. */
import { argLike } from './family-arg.js';

export default argLike({ name: 'argmax', method: 'argmax', summary: 'index of the first maximum (or first NaN)', max: true, nan: false });
