// BatchNormalization over the last (channel) axis: batch statistics while training (updating the
// moving mean and variance in place), the moving statistics at inference.
import { ValueError, expectation } from '../core/errors.js';
import type { Shape, Tensor } from '../core/tensor.js';
import type { Variable } from '../core/variable.js';
import { batchNorm } from '../ops/index.js';
import { Layer, checkChannels } from './layer.js';
import type { CallContext, LayerOptions } from './layer.js';

export interface BatchNormalizationOptions extends LayerOptions {
  /** Weight of the old moving statistics in each update; default 0.99. */
  momentum?: number;
  /** Added to the variance; default 1e-3. */
  epsilon?: number;
}

export class BatchNormalization extends Layer {
  readonly className = 'BatchNormalization';
  readonly momentum: number;
  readonly epsilon: number;
  gamma: Variable | undefined;
  beta: Variable | undefined;
  movingMean: Variable | undefined;
  movingVariance: Variable | undefined;

  constructor(options: BatchNormalizationOptions = {}) {
    super(options, 'batch_normalization');
    const op = 'layers.batchNormalization';
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ValueError(op, expectation('momentum', 'a number in [0, 1]', JSON.stringify(options.momentum)));
    }
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0)) {
      throw new ValueError(op, expectation('epsilon', 'a positive number', JSON.stringify(options.epsilon)));
    }
  }

  computeOutputShape([input]: readonly Shape[]): Shape {
    if (input!.length < 1) throw new ValueError(this.op, expectation('input', 'rank 1 or more per sample', 'a scalar'));
    checkChannels(this.op, input!, this.gamma?.shape[0]);
    return input!;
  }

  protected override build([input]: readonly Shape[]): void {
    const c = [input!.at(-1)!];
    this.gamma = this.addWeight('gamma', c, 'ones');
    this.beta = this.addWeight('beta', c, 'zeros');
    this.movingMean = this.addWeight('moving_mean', c, 'zeros', false);
    this.movingVariance = this.addWeight('moving_variance', c, 'ones', false);
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    return batchNorm(x!, this.gamma!, this.beta!, {
      training: ctx.training,
      movingMean: this.movingMean!,
      movingVariance: this.movingVariance!,
      momentum: this.momentum,
      epsilon: this.epsilon,
    });
  }

  protected options() {
    return { momentum: this.momentum, epsilon: this.epsilon };
  }
}
