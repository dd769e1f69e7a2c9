// Inverted dropout: each element kept with probability 1 − rate and scaled by 1/(1 − rate), so the
// expected value is unchanged and inference is the identity. The mask is a hash of (seed, index)
// computed in integers in the kernel (crates/kernels/src/nn/dropout.rs): the same seed gives the
// same mask in every runtime, and the backward regenerates it rather than storing it.
import { ValueError, expectation } from '../core/errors.js';
import { Tensor } from '../core/tensor.js';
import { nextSeed } from '../core/seed.js';
import { getHeap } from '../core/wasm.js';
import { record } from '../autograd/tape.js';
import { launch } from './kernel.js';
import { checkTensor } from './validate.js';

export interface DropoutOptions {
  /** Same seed, same mask, in every runtime. Default: the next seed of setRandomSeed's stream. */
  seed?: number;
  /** false gives the identity (a copy); default true. */
  training?: boolean;
}

/** The mask applied to x (or, in the backward, to dy): v · scale where kept, else 0. */
function masked(op: string, x: Tensor, seed: number, threshold: number, scale: number): Tensor {
  const y = new Tensor(x.shape, 'float32', op);
  return launch(op, y, (heap) => heap.kernels.dropout_f32(x.pointer(op, 'x'), y.pointer(op, 'y'), x.size, seed, threshold, scale));
}

function identity(op: string, x: Tensor): Tensor {
  const y = new Tensor(x.shape, 'float32', op);
  getHeap(op).copy(x.pointer(op, 'x'), y.pointer(op, 'y'), x.size * 4);
  record(op, [x], [y], ([dy]) => [dy!]);
  return y;
}

/** Zeroes each element with probability `rate` (in [0, 1)) and scales the rest by 1/(1 − rate). */
export function dropout(x: Tensor, rate: number, options: DropoutOptions = {}): Tensor {
  const op = 'dropout';
  checkTensor(op, 'x', x);
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new ValueError(op, expectation('rate', 'a number in [0, 1)', String(rate)));
  const { seed, training = true } = options;
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new ValueError(op, expectation('seed', 'an integer', String(seed)));
  if (typeof training !== 'boolean') throw new ValueError(op, expectation('training', 'a boolean', String(training)));
  if (!training || rate === 0) return identity(op, x);
  const key = seed === undefined ? nextSeed() : seed >>> 0;
  const threshold = Math.floor(rate * 2 ** 32);
  const scale = 1 / (1 - rate);
  const y = masked(op, x, key, threshold, scale);
  record(op, [x], [y], ([dy]) => [masked(`${op}Backward`, dy!, key, threshold, scale)]);
  return y;
}
