/** numpy's `np.mean`. */
import { meanLike } from './family-mean.js';

export default meanLike({ name: 'mean', method: 'mean', summary: 'arithmetic mean (float64 for integers)', nan: false });
