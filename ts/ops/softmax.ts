// softmax and logSoftmax over the last axis, and the fused softmax cross-entropy loss. x is viewed
// as (rows, k), k the last dimension; the kernels shift every row by its maximum, so no exp
// overflows. The cross-entropy never materialises the softmax: its backward recomputes each row.
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { softmaxCrossEntropyCall } from '../core/abi.js';
import { Tensor } from '../core/tensor.js';
import type { Heap } from '../core/heap.js';
import { getHeap } from '../core/wasm.js';
import { record } from '../autograd/tape.js';
import { launch } from './kernel.js';
import { checkRank, checkShape, checkTensor } from './validate.js';

const ROWWISE = {
  softmax: ['softmax_f32', 'softmax_bwd_f32'],
  logSoftmax: ['log_softmax_f32', 'log_softmax_bwd_f32'],
} as const;

/** A last-axis op whose gradient is a function of its output and dy. */
function rowwise(op: keyof typeof ROWWISE, x: Tensor): Tensor {
  checkTensor(op, 'x', x);
  if (x.rank === 0) throw new ShapeError(op, expectation('x', 'rank 1 or more (..., k)', 'rank 0 []'));
  const k = x.shape[x.rank - 1]!;
  const rows = k === 0 ? 0 : x.size / k;
  const [forward, backward] = ROWWISE[op];
  const y = new Tensor(x.shape, 'float32', op);
  launch(op, y, (heap) => heap.kernels[forward](x.pointer(op, 'x'), y.pointer(op, 'y'), rows, k));
  record(op, [x], [y], ([dy]) => {
    const bop = `${op}Backward`;
    const dx = new Tensor(x.shape, 'float32', bop);
    return [launch(bop, dx, (heap) => heap.kernels[backward](y.pointer(bop, 'y'), dy!.pointer(bop, 'dy'), dx.pointer(bop, 'dx'), rows, k))];
  });
  return y;
}

/** e^x / Σ e^x over the last axis. */
export function softmax(x: Tensor): Tensor {
  return rowwise('softmax', x);
}

/** x − log Σ e^x over the last axis: the log of softmax, without its underflow. */
export function logSoftmax(x: Tensor): Tensor {
  return rowwise('logSoftmax', x);
}

/** Class indices must lie in [0, k): the kernel indexes rows with them. */
function checkClasses(op: string, labels: Tensor, k: number): void {
  const values = getHeap(op).i32(labels.pointer(op, 'labels'), labels.size);
  const bad = values.findIndex((v) => v < 0 || v >= k);
  if (bad >= 0) throw new ValueError(op, expectation('labels', `class indices in [0, ${k})`, `${values[bad]} at index ${bad}`));
}

/**
 * The mean over the batch of −Σ_j p_j · log softmax(logits)_j, for logits (n, k) and labels either
 * int32 class indices (n) or float32 probabilities (n, k), one-hot or soft. A scalar; only the
 * logits get a gradient: (softmax · Σ p − p) / n · dLoss.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const op = 'softmaxCrossEntropy';
  checkTensor(op, 'logits', logits);
  checkRank(op, 'logits', logits, 2, '(n, k)');
  const [n, k] = logits.shape as [number, number];
  const sparse = labels instanceof Tensor && labels.dtype === 'int32';
  checkTensor(op, 'labels', labels, sparse ? 'int32' : 'float32');
  if (sparse) {
    checkShape(op, 'labels', labels, [n], 'int32 class indices, one per row of logits');
    checkClasses(op, labels, k);
  } else {
    checkShape(op, 'labels', labels, [n, k], 'float32 probabilities, or int32 class indices of shape [n]');
  }
  const call = (heap: Heap, out: number, dloss: number) =>
    softmaxCrossEntropyCall(heap, { rows: n, classes: k, sparse: sparse ? 1 : 0, logits: logits.pointer(op, 'logits'), labels: labels.pointer(op, 'labels'), dloss, out });
  const loss = new Tensor([], 'float32', op);
  launch(op, loss, (heap) => heap.kernels.softmax_cross_entropy_f32(call(heap, loss.pointer(op, 'loss'), 0)));
  record(op, [logits, labels], [loss], ([dy], [needLogits]) => {
    if (!needLogits) return [null, null];
    const dx = new Tensor(logits.shape, 'float32', `${op}Backward`);
    return [launch(`${op}Backward`, dx, (heap) => heap.kernels.softmax_cross_entropy_bwd_f32(call(heap, dx.pointer(op, 'dx'), dy!.pointer(op, 'dy')))), null];
  });
  return loss;
}
