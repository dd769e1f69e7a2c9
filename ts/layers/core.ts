// The core layers: Dense (on the last axis), Flatten, Activation and Dropout.
import { ValueError, expectation } from '../core/errors.js';
import { mixSeed } from '../core/seed.js';
import { sizeOf, tidy } from '../core/tensor.js';
import type { Shape, Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { dropout, matMul, reshape } from '../ops/index.js';
import { activate, afterFused, checkActivation, fusedPart } from './activations.js';
import type { ActivationName } from './activations.js';
import { throughGlobal } from './field.js';
import type { ReceptiveField } from './field.js';
import { checkInitializer } from './initializers.js';
import type { InitializerName } from './initializers.js';
import { Layer, checkChannels, positiveInteger } from './layer.js';
import type { CallContext, LayerOptions } from './layer.js';

export interface DenseOptions extends LayerOptions {
  units: number;
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform'. */
  kernelInitializer?: InitializerName;
  /** Default 'zeros'. */
  biasInitializer?: InitializerName;
}

/** y = activation(x·kernel + bias) on the last axis: (..., in) -> (..., units). */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(options: DenseOptions) {
    super(options, 'dense');
    const op = 'layers.dense';
    this.units = positiveInteger(op, 'units', options?.units);
    this.activation = checkActivation(op, options.activation ?? 'linear');
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = checkInitializer(op, 'kernelInitializer', options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = checkInitializer(op, 'biasInitializer', options.biasInitializer ?? 'zeros');
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    if (input!.length < 1) throw new ValueError(this.op, expectation('input', 'rank 1 or more per sample', 'a scalar'));
    checkChannels(this.op, input!, this.kernel?.shape[0]);
    return [...input!.slice(0, -1), this.units];
  }

  protected override build([input]: readonly Shape[]): void {
    this.kernel = this.addWeight('kernel', [input!.at(-1)!, this.units], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], this.biasInitializer);
  }

  call([x]: readonly Tensor[]): Tensor {
    return tidy(() => afterFused(this.activation, matMul(x!, this.kernel!, { bias: this.bias, activation: fusedPart(this.activation) })));
  }

  /** On flat features every unit sees the whole map; on (h, w, c) it acts per position. */
  override receptiveField([f]: readonly (ReceptiveField | null)[], [input]: readonly Shape[]): ReceptiveField | null {
    return input!.length === 1 ? throughGlobal(f ?? null) : f ?? null;
  }

  protected options() {
    return { units: this.units, activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer };
  }
}

/** (n, ...) -> (n, product of the rest). */
export class Flatten extends Layer {
  readonly className = 'Flatten';

  constructor(options: LayerOptions = {}) {
    super(options, 'flatten');
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    return [sizeOf(input!)];
  }

  call([x]: readonly Tensor[]): Tensor {
    return reshape(x!, [x!.shape[0]!, sizeOf(x!.shape.slice(1))]);
  }

  protected options() {
    return {};
  }
}

export interface ActivationOptions extends LayerOptions {
  activation: ActivationName;
}

export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: ActivationName;

  constructor(options: ActivationOptions) {
    super(options, 'activation');
    this.activation = checkActivation('layers.activation', options?.activation);
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    return input!;
  }

  call([x]: readonly Tensor[]): Tensor {
    return activate(this.activation, x!);
  }

  protected options() {
    return { activation: this.activation };
  }
}

export interface DropoutOptions extends LayerOptions {
  /** The fraction of inputs zeroed while training, in [0, 1). */
  rate: number;
}

/** Zeroes a random `rate` of its inputs while training (scaling the rest by 1/(1 − rate)). */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;

  constructor(options: DropoutOptions) {
    super(options, 'dropout');
    const rate = options?.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new ValueError('layers.dropout', expectation('rate', 'a number in [0, 1)', JSON.stringify(rate)));
    }
    this.rate = rate;
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    return input!;
  }

  /** The mask depends on the layer's seed and the training step only. */
  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return ctx.training && this.rate > 0 ? dropout(x!, this.rate, { seed: mixSeed(this.seed, ctx.step), training: true }) : x!;
  }

  protected options() {
    return { rate: this.rate };
  }
}
