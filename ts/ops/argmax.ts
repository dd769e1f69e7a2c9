// argMax: the index of the largest value along one axis, as int32 (for accuracy); no gradient.
import { ShapeError, expectation, formatShape } from '../core/errors.js';
import { Tensor, sizeOf } from '../core/tensor.js';
import { launch } from './kernel.js';
import { checkAxis, checkTensor } from './validate.js';

/** The first index of the maximum along `axis` (the last by default); a NaN counts as the maximum. */
export function argMax(x: Tensor, axis = -1): Tensor {
  const op = 'argMax';
  checkTensor(op, 'x', x);
  if (x.rank === 0) throw new ShapeError(op, expectation('x', 'rank 1 or more', 'rank 0 []'));
  const a = checkAxis(op, x.rank, axis);
  const mid = x.shape[a]!;
  if (mid === 0) throw new ShapeError(op, expectation('x', `a non-empty axis ${a}`, formatShape(x.shape)));
  const out = new Tensor(x.shape.filter((_, i) => i !== a), 'int32', op);
  const [outer, inner] = [sizeOf(x.shape.slice(0, a)), sizeOf(x.shape.slice(a + 1))];
  return launch(op, out, (heap) => heap.kernels.argmax_f32(x.pointer(op, 'x'), out.pointer(op, 'out'), outer, mid, inner));
}
