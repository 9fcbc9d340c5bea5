/** numpy's `np.std`. */
import { varLike } from './family-var.js';

export default varLike({ name: 'std', method: 'std', summary: 'standard deviation, divisor n - ddof', nan: false, std: true });
