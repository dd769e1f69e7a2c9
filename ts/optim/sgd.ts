// Stochastic gradient descent with optional (Nesterov) momentum, in Keras's form:
// v ← μ·v − η·g, w ← w + v (Nesterov: w ← w + μ·v − η·g). Without momentum it keeps no state.
import { sgdCall } from '../core/abi.js';
import type { Heap } from '../core/heap.js';
import type { Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { Optimizer, checkNumber, unitInterval } from './optimizer.js';

export interface SgdOptions {
  learningRate: number;
  /** μ in [0, 1); default 0. */
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotNames: readonly string[];

  constructor(options: SgdOptions) {
    super('optimizers.sgd', options?.learningRate);
    this.momentum = checkNumber('optimizers.sgd', 'momentum', options.momentum ?? 0, 'a number in [0, 1)', unitInterval);
    this.nesterov = options.nesterov ?? false;
    this.slotNames = this.momentum === 0 ? [] : ['velocity'];
  }

  getConfig() {
    return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }

  protected update(heap: Heap, variable: Variable, grad: Tensor, slots: readonly Variable[]): number {
    const op = 'sgd';
    return heap.kernels.sgd_f32(sgdCall(heap, {
      learningRate: this.learningRate,
      momentum: this.momentum,
      nesterov: this.nesterov ? 1 : 0,
      len: variable.size,
      w: variable.writePointer(op, 'variable'),
      g: grad.pointer(op, 'grad'),
      velocity: slots[0]?.writePointer(op, 'velocity') ?? 0,
    }));
  }
}

export function sgd(options: SgdOptions): SGD {
  return new SGD(options);
}
