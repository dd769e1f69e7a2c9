// Pooling, NHWC: x (n, h, w, c) -> (n, oh, ow, c). Window and padding follow conv2d's one
// definition of an axis (convAxis); padding never takes part in a max or an average (TensorFlow's
// rule). Global pools reduce (h, w) away: (n, h, w, c) -> (n, c).
import { ShapeError, ValueError, expectation, formatShape } from '../core/errors.js';
import { pool2dCall } from '../core/abi.js';
import { Tensor, tidy } from '../core/tensor.js';
import type { Heap } from '../core/heap.js';
import { record } from '../autograd/tape.js';
import { convAxis } from './conv.js';
import { launch } from './kernel.js';
import { mean } from './mean.js';
import { reshape } from './shape.js';
import { checkRank, checkTensor, positivePair } from './validate.js';

export interface Pool2dOptions {
  /** Window size; default 2. */
  poolSize?: number | readonly [number, number];
  /** Default: the window size. */
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
}

export interface Pool2dGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

export function pool2dGeometry(op: string, x: readonly number[], options: Pool2dOptions = {}): Pool2dGeometry {
  if (x.length !== 4) throw new ShapeError(op, expectation('x', 'rank 4 (n, h, w, c)', `rank ${x.length} ${formatShape(x)}`));
  const [batch, inH, inW, channels] = x as [number, number, number, number];
  const [kernelH, kernelW] = positivePair(op, 'poolSize', options.poolSize, 2);
  const [sh, sw] = positivePair(op, 'strides', options.strides ?? [kernelH, kernelW], 1);
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new ValueError(op, expectation('padding', "'valid' or 'same'", JSON.stringify(padding)));
  }
  const rows = convAxis(inH, kernelH, sh, 1, padding);
  const cols = convAxis(inW, kernelW, sw, 1, padding);
  if (rows.out < 1 || cols.out < 1) {
    throw new ShapeError(op, expectation('x', `a spatial size of at least the window ${kernelH}x${kernelW}`, formatShape(x)));
  }
  return { batch, inH, inW, channels, outH: rows.out, outW: cols.out, kernelH, kernelW, strideH: sh, strideW: sw, padTop: rows.before, padLeft: cols.before };
}

type PoolKernel = 'max_pool2d_f32' | 'avg_pool2d_f32' | 'max_pool2d_bwd_f32' | 'avg_pool2d_bwd_f32';

function runPool(op: string, kernel: PoolKernel, g: Pool2dGeometry, out: Tensor, x: Tensor | null, dy: Tensor | null): Tensor {
  return launch(op, out, (heap: Heap) =>
    heap.kernels[kernel](pool2dCall(heap, { ...g, x: x ? x.pointer(op, 'x') : 0, dy: dy ? dy.pointer(op, 'dy') : 0, out: out.pointer(op, 'out') })),
  );
}

function pool2d(op: 'maxPool2d' | 'avgPool2d', x: Tensor, options: Pool2dOptions): Tensor {
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4, '(n, h, w, c)');
  const g = pool2dGeometry(op, x.shape, options);
  const max = op === 'maxPool2d';
  const y = runPool(op, max ? 'max_pool2d_f32' : 'avg_pool2d_f32', g, new Tensor([g.batch, g.outH, g.outW, g.channels], 'float32', op), x, null);
  record(op, [x], [y], ([dy]) => [
    runPool(`${op}Backward`, max ? 'max_pool2d_bwd_f32' : 'avg_pool2d_bwd_f32', g, new Tensor(x.shape, 'float32', op), x, dy!),
  ]);
  return y;
}

/** The maximum of each window; its gradient goes to the (first) maximal pixel. */
export function maxPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('maxPool2d', x, options);
}

/** The average of each window's pixels inside the image. */
export function avgPool2d(x: Tensor, options: Pool2dOptions = {}): Tensor {
  return pool2d('avgPool2d', x, options);
}

/** (n, h, w, c) -> (n, c): the mean over all positions. */
export function globalAvgPool2d(x: Tensor): Tensor {
  checkTensor('globalAvgPool2d', 'x', x);
  checkRank('globalAvgPool2d', 'x', x, 4, '(n, h, w, c)');
  return mean(x, [1, 2]);
}

/** (n, h, w, c) -> (n, c): the maximum over all positions. */
export function globalMaxPool2d(x: Tensor): Tensor {
  const op = 'globalMaxPool2d';
  checkTensor(op, 'x', x);
  checkRank(op, 'x', x, 4, '(n, h, w, c)');
  return tidy(() => reshape(maxPool2d(x, { poolSize: [x.shape[1]!, x.shape[2]!] }), [x.shape[0]!, x.shape[3]!]));
}
