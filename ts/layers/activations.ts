// Activations by name, for layers. relu and linear become a clamp in the epilogue of conv2d and
// matMul (fused); the others run after the kernel.
import { ValueError, expectation } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import type { FusedActivation } from '../ops/activation.js';
import { relu, sigmoid, softmax, tanh } from '../ops/index.js';

export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';

const ACTIVATIONS: Record<ActivationName, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu,
  sigmoid,
  tanh,
  softmax: (x) => softmax(x),
};

export function checkActivation(op: string, name: unknown): ActivationName {
  if (typeof name !== 'string' || !Object.hasOwn(ACTIVATIONS, name)) {
    throw new ValueError(op, expectation('activation', `one of ${Object.keys(ACTIVATIONS).map((a) => `'${a}'`).join(', ')}`, JSON.stringify(name)));
  }
  return name as ActivationName;
}

export function activate(name: ActivationName, x: Tensor): Tensor {
  return ACTIVATIONS[name](x);
}

/** The part a kernel's epilogue can run. */
export function fusedPart(name: ActivationName): FusedActivation {
  return name === 'relu' ? 'relu' : 'linear';
}

/** What is left to apply to a kernel's output after its fused part. */
export function afterFused(name: ActivationName, y: Tensor): Tensor {
  return name === 'relu' ? y : activate(name, y);
}
