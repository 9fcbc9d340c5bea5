/** numpy's `np.ptp`. */
import { ptp } from './family-extreme.js';

export default ptp;
