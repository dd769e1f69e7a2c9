// Adam (Kingma & Ba) in Keras's form, and AdamW: Adam with decoupled weight decay
// (Loshchilov & Hutter), w ← w − w·λ·η before each Adam step. One kernel serves both.
import { adamCall } from '../core/abi.js';
import type { Heap } from '../core/heap.js';
import type { Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { Optimizer, checkNumber, unitInterval } from './optimizer.js';

export interface AdamOptions {
  /** Default 1e-3. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (Keras's). */
  epsilon?: number;
}

export interface AdamWOptions extends AdamOptions {
  /** λ, default 0.01. */
  weightDecay?: number;
}

export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  protected readonly slotNames = ['m', 'v'];

  constructor(options: AdamWOptions = {}, op = 'optimizers.adam', defaultDecay = 0) {
    super(op, options.learningRate ?? 1e-3);
    this.beta1 = checkNumber(op, 'beta1', options.beta1 ?? 0.9, 'a number in [0, 1)', unitInterval);
    this.beta2 = checkNumber(op, 'beta2', options.beta2 ?? 0.999, 'a number in [0, 1)', unitInterval);
    this.epsilon = checkNumber(op, 'epsilon', options.epsilon ?? 1e-7, 'a non-negative number', (v) => v >= 0);
    this.weightDecay = checkNumber(op, 'weightDecay', options.weightDecay ?? defaultDecay, 'a non-negative number', (v) => v >= 0);
  }

  getConfig() {
    const config = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
    return this.className === 'AdamW' ? { ...config, weightDecay: this.weightDecay } : config;
  }

  protected update(heap: Heap, variable: Variable, grad: Tensor, [m, v]: readonly Variable[], step: number): number {
    const op = this.className;
    return heap.kernels.adam_f32(adamCall(heap, {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
      step,
      len: variable.size,
      w: variable.writePointer(op, 'variable'),
      g: grad.pointer(op, 'grad'),
      m: m!.writePointer(op, 'm'),
      v: v!.writePointer(op, 'v'),
    }));
  }
}

export class AdamW extends Adam {
  override readonly className: string = 'AdamW';

  constructor(options: AdamWOptions = {}) {
    super(options, 'optimizers.adamW', 0.01);
  }
}

export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}

export function adamW(options: AdamWOptions = {}): AdamW {
  return new AdamW(options);
}
