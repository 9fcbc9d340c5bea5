/** numpy's `np.var`. */
import { varLike } from './family-var.js';

export default varLike({ name: 'var', method: 'var', summary: 'variance, divisor n - ddof', nan: false, std: false });
