// Element-wise activations, and the clamp each one becomes when fused into a kernel's epilogue.
import { ValueError, expectation } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { record } from '../autograd/tape.js';
import { launch } from './kernel.js';
import { checkTensor } from './validate.js';

export type FusedActivation = 'linear' | 'relu';

export function activationClamp(op: string, activation: FusedActivation | undefined): { clampMin: number; clampMax: number } {
  switch (activation ?? 'linear') {
    case 'linear':
      return { clampMin: -Infinity, clampMax: Infinity };
    case 'relu':
      return { clampMin: 0, clampMax: Infinity };
    default:
      throw new ValueError(op, expectation('activation', "'linear' or 'relu'", JSON.stringify(activation)));
  }
}

/** max(x, 0); NaN stays NaN. */
export function relu(x: Tensor): Tensor {
  const op = 'relu';
  checkTensor(op, 'x', x);
  const y = new Tensor(x.shape, 'float32', op);
  launch(op, y, (heap) => heap.kernels.clamp_f32(x.pointer(op, 'x'), y.pointer(op, 'y'), x.size, 0, Infinity));
  record(op, [x], [y], ([dy]) => [reluBackward(y, dy!)]);
  return y;
}

/** relu's gradient from its output y: dy where y > 0, else 0. */
export function reluBackward(y: Tensor, dy: Tensor): Tensor {
  const op = 'reluBackward';
  const dx = new Tensor(y.shape, 'float32', op);
  return launch(op, dx, (heap) => heap.kernels.relu_bwd_f32(y.pointer(op, 'y'), dy.pointer(op, 'dy'), dx.pointer(op, 'dx'), y.size));
}

/** The gradient through a fused activation, given the activation's output. */
export function activationBackward(activation: FusedActivation | undefined, y: Tensor, dy: Tensor): Tensor {
  return activation === 'relu' ? reluBackward(y, dy) : dy;
}

const SMOOTH = {
  sigmoid: ['sigmoid_f32', 'sigmoid_bwd_f32'],
  tanh: ['tanh_f32', 'tanh_bwd_f32'],
} as const;

/** An activation whose gradient is a function of its output alone. */
function smooth(op: keyof typeof SMOOTH, x: Tensor): Tensor {
  checkTensor(op, 'x', x);
  const [forward, backward] = SMOOTH[op];
  const y = new Tensor(x.shape, 'float32', op);
  launch(op, y, (heap) => heap.kernels[forward](x.pointer(op, 'x'), y.pointer(op, 'y'), x.size));
  record(op, [x], [y], ([dy]) => {
    const bop = `${op}Backward`;
    const dx = new Tensor(y.shape, 'float32', bop);
    return [launch(bop, dx, (heap) => heap.kernels[backward](y.pointer(bop, 'y'), dy!.pointer(bop, 'dy'), dx.pointer(bop, 'dx'), y.size))];
  });
  return y;
}

/** 1 / (1 + e^−x), stable for any x; its gradient is dy · y · (1 − y). */
export function sigmoid(x: Tensor): Tensor {
  return smooth('sigmoid', x);
}

/** The hyperbolic tangent; its gradient is dy · (1 − y²). */
export function tanh(x: Tensor): Tensor {
  return smooth('tanh', x);
}
