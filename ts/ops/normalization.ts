// batchNorm, channels-last: x (..., c) normalised per channel over every other axis. Training uses
// the batch mean and biased variance and folds them into the moving statistics in place (Keras:
// moving = momentum · moving + (1 − momentum) · batch, with the biased variance); inference uses the
// moving statistics. The backward recomputes the per-channel mean and 1/√(var + ε) rather than
// keeping them alive from the forward.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { batchNormBwdCall, batchNormCall } from '../core/abi.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Heap } from '../core/heap.js';
import { Variable } from '../core/variable.js';
import { record } from '../autograd/tape.js';
import { launch, pointerOrNull } from './kernel.js';
import { checkShape, checkTensor } from './validate.js';

export interface BatchNormOptions {
  /** Batch statistics when true (updating the moving ones), the moving statistics when false. Default false. */
  training?: boolean;
  /** (c); required in inference; in training, a Variable updated in place (optional). */
  movingMean?: Tensor;
  /** (c); as movingMean. The biased batch variance is what gets folded in. */
  movingVariance?: Tensor;
  /** Weight of the old moving value; default 0.99. */
  momentum?: number;
  /** Added to the variance; default 1e-3. */
  epsilon?: number;
}

interface Settings {
  training: boolean;
  momentum: number;
  epsilon: number;
  moving: { mean: Tensor; variance: Tensor } | null;
}

function checkOptions(op: string, c: number, options: BatchNormOptions): Settings {
  const { training = false, momentum = 0.99, epsilon = 1e-3, movingMean, movingVariance } = options;
  if (typeof training !== 'boolean') throw new ValueError(op, expectation('training', 'a boolean', String(training)));
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) throw new ValueError(op, expectation('momentum', 'a number in [0, 1]', String(momentum)));
  if (typeof epsilon !== 'number' || !(epsilon > 0 && Number.isFinite(epsilon))) throw new ValueError(op, expectation('epsilon', 'a positive number', String(epsilon)));
  if (movingMean === undefined && movingVariance === undefined && training) return { training, momentum, epsilon, moving: null };
  for (const [name, t] of [['movingMean', movingMean], ['movingVariance', movingVariance]] as const) {
    if (t === undefined) {
      throw new ValueError(op, expectation(name, training ? 'a Variable beside the other moving statistic' : 'a Tensor (inference normalises with the moving statistics)', 'undefined'));
    }
    checkTensor(op, name, t);
    checkShape(op, name, t, [c], 'one value per channel');
    if (training && !(t instanceof Variable)) throw new ValueError(op, expectation(name, 'a Variable (training updates it in place)', 'a Tensor'));
  }
  return { training, momentum, epsilon, moving: { mean: movingMean!, variance: movingVariance! } };
}

/**
 * (x − mean) / √(var + ε) · gamma + beta per channel (the last axis), x of rank 2 or more.
 * Gradients flow to x, gamma and beta in both modes; in training, through the batch statistics too.
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, options: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  checkTensor(op, 'x', x);
  if (x.rank < 2) throw new ShapeError(op, expectation('x', 'rank 2 or more (n, ..., c)', `rank ${x.rank} ${formatShape(x.shape)}`));
  const c = x.shape[x.rank - 1]!;
  checkTensor(op, 'gamma', gamma);
  checkShape(op, 'gamma', gamma, [c], 'one value per channel of x');
  checkTensor(op, 'beta', beta);
  checkShape(op, 'beta', beta, [c], 'one value per channel of x');
  const s = checkOptions(op, c, options);
  const rows = c === 0 ? 0 : x.size / c;

  /**
   * Fills mean and invstd (c) with the statistics x is normalised with, and y when given. Only the
   * forward (y given) may update the moving statistics: the backward's recomputation must not.
   */
  const normalize = (heap: Heap, mean: Tensor, invstd: Tensor, y: Tensor | null) => {
    const moving = s.moving && (y || !s.training) ? s.moving : null;
    // Training overwrites the moving statistics in place; inference only reads them.
    const movingPointer = (t: Tensor, name: string) => (s.training ? t.writePointer(op, name) : t.pointer(op, name));
    return heap.kernels.batch_norm_f32(batchNormCall(heap, {
      rows, channels: c, training: s.training ? 1 : 0, momentum: s.momentum, epsilon: s.epsilon,
      x: x.pointer(op, 'x'), gamma: gamma.pointer(op, 'gamma'), beta: beta.pointer(op, 'beta'),
      movingMean: moving ? movingPointer(moving.mean, 'movingMean') : 0,
      movingVariance: moving ? movingPointer(moving.variance, 'movingVariance') : 0,
      mean: mean.pointer(op, 'mean'), invstd: invstd.pointer(op, 'invstd'), y: pointerOrNull(op, 'y', y),
    }));
  };

  const y = new Tensor(x.shape, 'float32', op);
  tidy(() => {
    const [mean, invstd] = [new Tensor([c], 'float32', op), new Tensor([c], 'float32', op)];
    launch(op, y, (heap) => normalize(heap, mean, invstd, y));
  });
  const inputs = s.moving && !s.training ? [x, gamma, beta, s.moving.mean, s.moving.variance] : [x, gamma, beta];
  record(op, inputs, [y], ([dy], [needX, needGamma, needBeta]) => {
    const bop = `${op}Backward`;
    return tidy(() => {
      const [mean, invstd] = [new Tensor([c], 'float32', bop), new Tensor([c], 'float32', bop)];
      const [dx, dgamma, dbeta] = [new Tensor(x.shape, 'float32', bop), new Tensor([c], 'float32', bop), new Tensor([c], 'float32', bop)];
      launch(bop, dx, (heap) => {
        heap.check(bop, normalize(heap, mean, invstd, null));
        return heap.kernels.batch_norm_bwd_f32(batchNormBwdCall(heap, {
          rows, channels: c, training: s.training ? 1 : 0,
          x: x.pointer(bop, 'x'), dy: dy!.pointer(bop, 'dy'), gamma: gamma.pointer(bop, 'gamma'),
          mean: mean.pointer(bop, 'mean'), invstd: invstd.pointer(bop, 'invstd'),
          dx: dx.pointer(bop, 'dx'), dgamma: dgamma.pointer(bop, 'dgamma'), dbeta: dbeta.pointer(bop, 'dbeta'),
        }));
      });
      return [needX ? dx : null, needGamma ? dgamma : null, needBeta ? dbeta : null, null, null].slice(0, inputs.length);
    });
  });
  return y;
}
