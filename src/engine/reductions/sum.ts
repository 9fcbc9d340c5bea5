/** numpy's `np.sum`. */
import { sumLike } from './family-sum.js';

export default sumLike({ name: 'sum', method: 'sum', summary: 'sum of the elements (integers add in int64/uint64, wrapping)', product: false, nan: false });
