import { ones, zeros } from '../core/tensor.js';
import type { Tensor } from '../core/tensor.js';

export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, x.dtype);
}
