/** numpy's `np.prod`. */
import { sumLike } from './family-sum.js';

export default sumLike({ name: 'prod', method: 'prod', summary: 'product of the elements (integers multiply in int64/uint64, wrapping)', product: true, nan: false });
