// mean = sum · (1 / count): composed, so its gradient comes from sum and mul.
import { full, sizeOf, tidy } from '../core/tensor.js';
import type { Tensor } from '../core/tensor.js';
import { mul } from './elementwise.js';
import { normalizeAxes, sumAxes } from './reduce.js';
import { checkTensor } from './validate.js';

/** The mean over the given axes (all by default). */
export function mean(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor('mean', 'x', x);
  const axes = normalizeAxes('mean', x.rank, axis);
  const count = sizeOf(axes.map((a) => x.shape[a]!));
  return tidy(() => mul(sumAxes('mean', x, axes, keepDims), full([], 1 / count)));
}
