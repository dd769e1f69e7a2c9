// What compile() accepts as a loss and as metrics, and the accuracy metric (counted in JS on the
// batch's predictions: they are small, and it needs no gradient).
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import type { Tensor } from '../core/tensor.js';
import { meanSquaredError, softmaxCrossEntropy } from './losses.js';
import type { LossFunction } from './losses.js';

export type LossName = 'softmaxCrossEntropy' | 'meanSquaredError';
export type MetricName = 'accuracy';

const LOSSES: Record<LossName, LossFunction> = { softmaxCrossEntropy, meanSquaredError };

export function resolveLoss(op: string, loss: unknown): { fn: LossFunction; name: LossName | null } {
  if (typeof loss === 'function') return { fn: loss as LossFunction, name: null };
  if (typeof loss === 'string' && Object.hasOwn(LOSSES, loss)) return { fn: LOSSES[loss as LossName], name: loss as LossName };
  throw new ValueError(op, expectation('loss', "'softmaxCrossEntropy', 'meanSquaredError' or a function (yTrue, yPred) => scalar", JSON.stringify(loss) ?? String(loss)));
}

export function checkMetrics(op: string, metrics: unknown): MetricName[] {
  if (!Array.isArray(metrics) || metrics.some((m) => m !== 'accuracy')) {
    throw new ValueError(op, expectation('metrics', "a list of metric names: ['accuracy'] or []", JSON.stringify(metrics)));
  }
  return [...new Set(metrics as MetricName[])];
}

function argMaxRow(values: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (values[row * k + j]! > values[row * k + best]!) best = j;
  return best;
}

/**
 * Correct predictions in a batch. pred (n, k): the arg max against int32 labels (n) or the arg
 * max of one-hot targets (n, k); pred (n, 1): thresholded at 0.5 against 0/1 targets.
 */
export function countCorrect(op: string, pred: Tensor, y: Tensor): number {
  if (pred.rank !== 2) throw new ShapeError(op, expectation('predictions', "rank 2 (n, k) for the 'accuracy' metric", formatShape(pred.shape)));
  const [n, k] = pred.shape as [number, number];
  const labels = y.rank === 1;
  if (!(labels ? y.shape[0] === n : y.rank === 2 && y.shape[0] === n && y.shape[1] === k)) {
    throw new ShapeError(op, expectation('y', `labels [${n}] or targets [${n}, ${k}] for 'accuracy'`, formatShape(y.shape)));
  }
  const p = pred.dataSync();
  const t = y.dataSync();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    if (k === 1) correct += Number(p[i]! > 0.5 === t[i]! > 0.5);
    else correct += Number(argMaxRow(p, i, k) === (labels ? t[i] : argMaxRow(t, i, k)));
  }
  return correct;
}
