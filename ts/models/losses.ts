// The losses namespace: functions of (yTrue, yPred) (Keras's order) giving the batch mean as a
// scalar tensor, differentiable. Any function of that form can be given to compile() as the loss.
import { tidy } from '../core/tensor.js';
import type { Tensor } from '../core/tensor.js';
import { mean, mul, softmaxCrossEntropy as crossEntropy, sub } from '../ops/index.js';

export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Softmax cross-entropy of logits yPred (n, k) against int32 labels (n) or one-hot targets (n, k). */
export function softmaxCrossEntropy(yTrue: Tensor, yPred: Tensor): Tensor {
  return crossEntropy(yPred, yTrue);
}

/** The mean of (yPred − yTrue)² over every element. */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return tidy(() => {
    const d = sub(yPred, yTrue);
    return mean(mul(d, d));
  });
}
