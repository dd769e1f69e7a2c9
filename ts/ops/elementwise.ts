// add, sub, mul and div with NumPy broadcasting (ops/broadcast.ts), differentiable: each gradient is
// summed back over the axes its operand was stretched along.
import { Tensor, full, tidy } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { binary } from './broadcast.js';
import { reduceToShape } from './reduce.js';
import { checkTensor } from './validate.js';

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

/** a − b, broadcasting. */
export function sub(a: Tensor, b: Tensor): Tensor {
  const y = binary('sub', 'sub_f32', a, b);
  record('sub', [a, b], [y], ([dy], [da, db]) => [
    da ? reduceToShape(dy!, a.shape) : null,
    db ? tidy(() => reduceToShape(neg(dy!), b.shape)) : null,
  ]);
  return y;
}

/** a / b element-wise, broadcasting. */
export function div(a: Tensor, b: Tensor): Tensor {
  const y = binary('div', 'div_f32', a, b);
  // ∂(a/b)/∂b = −a/b² = −y/b: the output saves recomputing a/b.
  record('div', [a, b], [y], ([dy], [da, db]) => [
    da ? tidy(() => reduceToShape(div(dy!, b), a.shape)) : null,
    db ? tidy(() => reduceToShape(neg(div(mul(dy!, y), b)), b.shape)) : null,
  ]);
  return y;
}

/** −x, composed as x · (−1). */
export function neg(x: Tensor): Tensor {
  checkTensor('neg', 'x', x);
  return tidy(() => mul(x, full([], -1)));
}
