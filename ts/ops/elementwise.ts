// add and mul with NumPy broadcasting (ops/broadcast.ts), differentiable: each gradient is
// summed back over the axes its operand was stretched along.
import { Tensor, tidy } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { binary } from './broadcast.js';
import { reduceToShape } from './reduce.js';

/** a + b, broadcasting. */
export function add(a: Tensor, b: Tensor): Tensor {
  const y = binary('add', 'add_f32', a, b);
  record('add', [a, b], [y], ([dy], [da, db]) => [da ? reduceToShape(dy!, a.shape) : null, db ? reduceToShape(dy!, b.shape) : null]);
  return y;
}

/** a * b element-wise, broadcasting. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const y = binary('mul', 'mul_f32', a, b);
  record('mul', [a, b], [y], ([dy], [da, db]) => [
    da ? tidy(() => reduceToShape(mul(dy!, b), a.shape)) : null,
    db ? tidy(() => reduceToShape(mul(dy!, a), b.shape)) : null,
  ]);
  return y;
}
